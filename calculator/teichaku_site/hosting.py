"""配信の仕上げ（MkDocs の2つ目のフック、mkdocs.yml の hooks: で calculator/teichaku_site/hooks.py の後）。

ビルドの後（on_post_build）に site/ で次を行う。

1. 配らないものを消す：source map（*.map と、JavaScript・CSS の末尾の sourceMappingURL）、使わない言語の
   lunr の言語パック。Material の検索ワーカーは `lang` の各言語について lunr.stemmer.support.min.js、
   lunr.<言語>.min.js（英語以外）、ja なら tinyseg.js、hi・th なら wordcut.js、2言語以上なら lunr.multi.min.js
   だけを importScripts で読む（このフックはワーカーのその記述があることを確かめ、なければビルドを止める）。
2. service worker（sw.js）の保存する一覧から、消したファイルを除き、assets/calc/runtime.json を加える。
3. assets/calc/runtime.json：計算用の実行環境（pyodide/ と wheels/）の各ファイルの大きさ。計算機の Web Worker
   （docs/assets/calc/worker.js）が読み込みの進み具合（読んだバイト数 / 合計）を示すのに使う。
4. 自分のサーバーに置くための設定：IIS の web.config と Apache の .htaccess（サイトの根）、nginx の設定
   （hosting/nginx.conf）。MIME の種類と CSP は下の MIME_TYPES と WORKER_CSP（scripts/serve.py も同じものを使う）。
5. 事前圧縮：文字のファイルと wasm の gzip（.gz）と brotli（.br）の写し。元より 10% 以上小さくなるものだけ。
   圧縮の結果は内容のハッシュごとに ~/.cache/teichaku-site/ に残す（brotli の最高圧縮は wasm で約40秒かかるため）。
   brotli（PyPI の brotli、requirements-dev.txt の固定版）がなければ gzip だけを作る。

このモジュールは標準ライブラリ（と任意の brotli）だけを使い、MkDocs を import しない：scripts/serve.py も読み込む。
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.hosting")

PACKAGE = Path(__file__).resolve().parent
HOSTING_FILES = PACKAGE / "hosting_files"

# HTML 以外の応答に付ける Content-Security-Policy。Web Worker（Pyodide）と service worker には、ページの meta の CSP が
# 及ばず、そのスクリプトの応答ヘッダーの CSP が効く。HTML のページは各ページの meta に CSP を持つ（security.py）。
WORKER_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self'; object-src 'none'; base-uri 'self'"
)
# 既定のままでは配信されない、または違う種類で配信されることがある拡張子（IIS は .wasm・.mjs・.whl を配信しない）
MIME_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
}
# 事前圧縮するファイル（zip・whl・xlsx・png はすでに圧縮されている）
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".xml", ".txt", ".csv")
MIN_SIZE = 1024
# 配信の設定ファイル：テンプレート（hosting_files/）→ site/ の中の置き場所
CONFIGS = {"web.config": "web.config", ".htaccess": ".htaccess", "nginx.conf": "hosting/nginx.conf"}
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "teichaku-site" / "compressed"

_SOURCE_MAP_COMMENT = re.compile(rb"\n?(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")
_PRECACHE = re.compile(r"const PRECACHE = (\[.*?\]);", re.S)


class HostingError(Exception):
    """配信の仕上げができない（ビルドを止める）。"""


# ---- 1. 配らないもの ----

def search_languages(config: Any) -> list[str]:
    """mkdocs.yml の search プラグインの lang（なければ theme.language）。"""
    plugins = config["plugins"] if config else {}
    search = plugins.get("search") if hasattr(plugins, "get") else None
    lang = getattr(search, "config", {}).get("lang") if search is not None else None
    if not lang:
        theme = config["theme"] if config else None
        lang = [theme["language"]] if theme is not None and theme["language"] else ["en"]
    return [lang] if isinstance(lang, str) else list(lang)


def needed_lunr_files(languages: list[str]) -> set[str]:
    """Material の検索ワーカーが読む lunr のファイル（assets/javascripts/lunr/ からの相対）。"""
    needed = {"min/lunr.stemmer.support.min.js"}
    for lang in languages:
        if lang == "ja":
            needed.add("tinyseg.js")
        if lang in ("hi", "th"):
            needed.add("wordcut.js")
        if lang != "en":
            needed.add(f"min/lunr.{lang}.min.js")
    if len(languages) > 1:
        needed.add("min/lunr.multi.min.js")
    return needed


def _check_search_worker(site: Path) -> None:
    """Material の検索ワーカーが上の規則どおりに言語パックを読むことを確かめる（テーマの更新で変わったら止める）。"""
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if not workers:
        return
    text = workers[0].read_text(encoding="utf-8", errors="replace")
    for part in ("/min/lunr.stemmer.support.min.js", "/tinyseg.js", "/wordcut.js", "/min/lunr.multi.min.js", "/min/lunr.${"):
        if part not in text:
            raise HostingError(f"Material の検索ワーカーの言語パックの読み方が変わりました（{part} がない）：hosting.py を見直してください")


def remove_unshipped(site: Path, languages: list[str]) -> list[str]:
    """source map と使わない lunr の言語パックを消し、消したファイル（site からの相対）を返す。"""
    removed = []
    for path in sorted(site.rglob("*.map")):
        removed.append(path.relative_to(site).as_posix())
        path.unlink()
    for path in [*site.rglob("*.js"), *site.rglob("*.css")]:
        data = path.read_bytes()
        stripped = _SOURCE_MAP_COMMENT.sub(b"", data)
        if stripped != data:
            path.write_bytes(stripped + b"\n")
    lunr = site / "assets" / "javascripts" / "lunr"
    if lunr.is_dir():
        _check_search_worker(site)
        needed = needed_lunr_files(languages)
        for path in sorted(lunr.rglob("*.js")):
            relative = path.relative_to(lunr).as_posix()
            if relative not in needed:
                removed.append(path.relative_to(site).as_posix())
                path.unlink()
        missing = [name for name in needed if not (lunr / name).exists()]
        if missing:
            raise HostingError(f"検索に要る lunr のファイルがありません：{missing}")
    return removed


# ---- 2・3. service worker の一覧と runtime.json ----

def write_runtime_sizes(site: Path) -> None:
    """assets/calc/runtime.json：pyodide/ と wheels/ の各ファイルの大きさ（バイト、展開後）と wheel の名前。"""
    calc = site / "assets" / "calc"
    if not (site / "pyodide").is_dir():
        return
    build = json.loads((calc / "build.json").read_text(encoding="utf-8")) if (calc / "build.json").exists() else {}
    files = {path.relative_to(site).as_posix(): path.stat().st_size
             for folder in ("pyodide", "wheels") if (site / folder).is_dir()
             for path in sorted((site / folder).iterdir()) if path.is_file()}
    data = {"files": files, "wheel": build.get("wheel", ""), "xlsx_wheels": build.get("xlsx_wheels", [])}
    calc.mkdir(parents=True, exist_ok=True)
    (calc / "runtime.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def update_precache(site: Path, removed: list[str], added: list[str]) -> None:
    """sw.js の保存する一覧から消したファイルを除き、加えたファイルを足す。"""
    worker = site / "sw.js"
    if not worker.exists():
        return
    text = worker.read_text(encoding="utf-8")
    found = _PRECACHE.search(text)
    if not found:
        raise HostingError("sw.js に保存する一覧（const PRECACHE = [...]）が見つかりません")
    gone = set(removed)
    urls = [url for url in json.loads(found.group(1)) if url not in gone]
    urls += [url for url in added if url not in urls and (site / url).exists()]
    text = text[: found.start(1)] + json.dumps(urls, ensure_ascii=False) + text[found.end(1):]
    worker.write_text(text, encoding="utf-8")


# ---- 4. 配信の設定 ----

def config_text(name: str) -> str:
    """hosting_files/ のテンプレートに CSP を入れた設定ファイルの中身。"""
    return (HOSTING_FILES / name).read_text(encoding="utf-8").replace("__CSP__", WORKER_CSP)


def write_hosting_files(site: Path) -> None:
    for template, target in CONFIGS.items():
        path = site / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config_text(template), encoding="utf-8")


# ---- 5. 事前圧縮 ----

def _brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


def _cached(kind: str, data: bytes, make: Any) -> bytes:
    key = hashlib.sha256(data).hexdigest()
    path = CACHE_DIR / f"{key}.{kind}"
    try:
        return path.read_bytes()
    except OSError:
        pass
    result: bytes = make(data)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(result)
        temporary.replace(path)
    except OSError:
        pass  # 残せなくても圧縮はできている
    return result


def precompress(site: Path) -> dict[str, int]:
    """文字のファイルと wasm の .gz と .br を作る（元より 10% 以上小さいものだけ）。作った数を返す。"""
    brotli = _brotli()
    if brotli is None:
        log.info("brotli がないため、事前圧縮は gzip だけにします（pip install -r requirements-dev.txt で入ります）")
    made = {"gz": 0, "br": 0}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or path.stat().st_size < MIN_SIZE:
            continue
        data = path.read_bytes()
        makers = {"gz": lambda raw: gzip.compress(raw, compresslevel=9, mtime=0)}
        if brotli is not None:
            makers["br"] = lambda raw: brotli.compress(raw, quality=11)
        for kind, make in makers.items():
            target = path.with_name(path.name + "." + kind)
            packed = _cached(kind, data, make)
            if len(packed) <= len(data) * 0.9:
                target.write_bytes(packed)
                made[kind] += 1
            elif target.exists():
                target.unlink()
    return made


# ---- 検索の索引（圧縮の前に） ----

def _fix_search_index(site: Path) -> None:
    """検索の索引の「&amp;」を、文字参照にならない位置では「&」に（typography.fix_search_index。「Q&;A」の修正）。"""
    try:  # ビルドでは hooks.py が calculator/ を import の探索先に加えている
        from teichaku_site import typography
    except ImportError:
        return
    typography.fix_search_index(site)


# ---- フック ----

def finish(site: Path, config: Any = None) -> None:
    """ビルドしたサイトの配信の仕上げ（順序が大事：圧縮は最後、ほかのファイルを書き終えてから）。"""
    removed = remove_unshipped(site, search_languages(config) if config is not None else ["ja"])
    _fix_search_index(site)
    write_runtime_sizes(site)
    update_precache(site, removed, ["assets/calc/runtime.json"])
    write_hosting_files(site)
    made = precompress(site)
    log.debug("hosting: removed %d files, made %s", len(removed), made)


def on_post_build(config: Any) -> None:
    try:
        finish(Path(config["site_dir"]), config)
    except HostingError as error:
        from mkdocs.exceptions import PluginError

        raise PluginError(str(error)) from None
