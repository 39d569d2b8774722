"""ビルドの後に site/ へ置くもの：Pyodide（npm の固定版）、teichaku の wheel（このチェックアウトから）、名簿の
テンプレート、日本語検索のワーカー（assets/search_ja.js）、service worker（assets/sw.js）とその保存するファイルの一覧。
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import teichaku
from teichaku.interfaces import roster

from . import ASSETS, ROOT, SiteBuildError
from .hosting import CONFIGS

PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "package.json")
SERVICE_WORKER = ASSETS / "sw.js"
EXTRA_WHEELS = ROOT / ".venv" / "pyodide-wheels"  # scripts/setup.sh が requirements-dev.txt の固定版を置く
# service worker が最初の訪問で保存しないもの（オフラインでは不要）。配信の設定（.htaccess・web.config・nginx の
# 設定、hosting.py が書く）は、同じディレクトリに2回目のビルドをすると前のものが残る（MkDocs は . で始まる
# ファイルを消さない）が、ページではないので保存しない
NOT_CACHED = ("sitemap.xml", "sitemap.xml.gz", "sw.js", *CONFIGS.values())
_BUILD_ID = re.compile(r'BUILD_ID:"([0-9a-f]{64})"')

# ---- 日本語検索：Material の検索ワーカーを assets/search_ja.js で包む ----
SEARCH_WRAPPER = ASSETS / "search_ja.js"
SEARCH_WRAPPER_NAME = "search-ja.js"
_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/(search\.[0-9a-f]+\.min\.js)")


def use_search_wrapper(output: str, where: str) -> str:
    """ページが読む Material の検索ワーカーを、日本語用のラッパーに差し替える。"""
    replaced, count = _MATERIAL_WORKER.subn(f"assets/javascripts/workers/{SEARCH_WRAPPER_NAME}", output, count=1)
    if count != 1:
        raise SiteBuildError(f"{where}: Material の検索ワーカーの指定が見つかりません（テーマの更新で変わった可能性）")
    return replaced


def install_search_wrapper(site: Path) -> None:
    """ラッパーを Material の検索ワーカーの隣に置く（__MATERIAL_WORKER__ をそのファイル名に）。"""
    workers = site / "assets" / "javascripts" / "workers"
    found = sorted(path.name for path in workers.glob("search.*.min.js"))
    if len(found) != 1:
        raise SiteBuildError(f"Material の検索ワーカーが1つに定まりません: {found}")
    text = SEARCH_WRAPPER.read_text(encoding="utf-8").replace("__MATERIAL_WORKER__", found[0])
    (workers / SEARCH_WRAPPER_NAME).write_text(text, encoding="utf-8")


def build_wheel(target: Path) -> Path:
    """calculator/teichaku を py3-none-any の wheel にする（このコミットのソースから、pyproject.toml の hatchling で）。"""
    with tempfile.TemporaryDirectory() as temp:
        done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", temp, str(ROOT)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SiteBuildError(f"wheel を作れませんでした：\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        wheels = list(Path(temp).glob("teichaku-*-py3-none-any.whl"))
        if len(wheels) != 1:
            raise SiteBuildError(f"wheel が1つではありません：{wheels}")
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("teichaku-*.whl"):
            old.unlink()
        return Path(shutil.copy2(wheels[0], target / wheels[0].name))


BYTECODE_SCRIPT = Path(__file__).resolve().parent / "bytecode.mjs"
BYTECODE_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "teichaku-site" / "bytecode"


def add_bytecode(wheel: Path) -> list[str]:
    """wheel に、Pyodide の Python（3.14）でコンパイルした `import teichaku.interfaces.web` のモジュールの pyc を加える（issue 11）。

    ブラウザの最初の結果までの時間のうち、teichaku のソースのコンパイルが import の約半分を占める（Node.js の Pyodide
    で測って、import 450〜570 ms が 220〜290 ms に）。pyc は同じ Pyodide で bytecode.mjs が作り（unchecked-hash）、
    ソースはそのまま残す。RECORD にも加える。結果はソースと Pyodide の版のハッシュごとに BYTECODE_CACHE に残す。
    加えたファイル（wheel の中のパス）を返す。"""
    node = shutil.which("node")
    if node is None:
        raise SiteBuildError("node がありません（wheel のバイトコードを Pyodide で作るのに使います）。"
                             "scripts/setup.sh を実行してください。")
    with zipfile.ZipFile(wheel) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    key = hashlib.sha256(BYTECODE_SCRIPT.read_bytes() + (PYODIDE_DIR / "package.json").read_bytes())
    for info, data in entries:
        if info.filename.endswith(".py"):
            key.update(info.filename.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    cache = BYTECODE_CACHE / key.hexdigest()[:32]
    listing = cache / "written.json"
    if not listing.exists():
        with tempfile.TemporaryDirectory() as temp:
            done = subprocess.run([node, str(BYTECODE_SCRIPT), str(PYODIDE_DIR), str(wheel), temp],
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SiteBuildError(f"wheel のバイトコードを作れませんでした：\n{done.stderr[-2000:]}")
            produced = json.loads(done.stdout)
            staged = Path(temp)
            (staged / "written.json").write_text(json.dumps(produced), encoding="utf-8")
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_name(cache.name + ".partial")  # 途中で止まっても、できかけを使わない
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(staged, partial)
            shutil.rmtree(cache, ignore_errors=True)
            partial.replace(cache)
    written: list[str] = json.loads(listing.read_text(encoding="utf-8"))
    record_name = next(info.filename for info, _ in entries if info.filename.endswith(".dist-info/RECORD"))
    sources = {info.filename: info for info, _ in entries}
    added = []
    for name in written:
        data = (cache / name).read_bytes()
        source = sources[name.replace("__pycache__/", "").rsplit(".", 2)[0] + ".py"]
        info = zipfile.ZipInfo(name, date_time=source.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = source.external_attr
        added.append((info, data))
    record = next(data for info, data in entries if info.filename == record_name).decode("utf-8")
    for info, data in added:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        record += f"{info.filename},sha256={digest},{len(data)}\n"
    rest = [(info, data) for info, data in entries if ".dist-info/" not in info.filename]
    meta = [(info, record.encode("utf-8") if info.filename == record_name else data)
            for info, data in entries if ".dist-info/" in info.filename]
    temporary = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in [*rest, *added, *meta]:  # dist-info は最後（wheel の慣例）
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    temporary.replace(wheel)
    return written


SITE_STDLIB = "python_stdlib_site.zip"  # site/pyodide/ の中。docs/assets/calc/worker.js の STDLIB と同じ名前


def install_site_stdlib(site: Path, wheels: list[Path]) -> list[str]:
    """site/pyodide/python_stdlib_site.zip：Pyodide の標準ライブラリのうち、計算機・名簿・QR が使うモジュールだけを
    Pyodide（3.14）でバイトコードにした zip（issue 17）。worker.js が stdLibURL として渡す。

    Pyodide の起動の大半は標準ライブラリのソースのコンパイル（読み込むたび）で、pyc なら省ける。全体を pyc にすると
    約 2 MB 増えるが、要るもの（約190のモジュール）だけなら元の zip（2.5 MB）より小さい。作るのは bytecode.mjs の
    --stdlib（wheel をすべて入れて import し、名簿のテンプレートを読み書きして、読み込まれたものを集める）。ここに
    ないモジュールは、要るときに worker.js が元の python_stdlib.zip（サイトに置いたまま）から読む。結果は
    bytecode.mjs、Pyodide の版と wheel の中身のハッシュごとに BYTECODE_CACHE に残す。入れたモジュールの名前を返す。"""
    node = shutil.which("node")
    if node is None:
        raise SiteBuildError("node がありません（標準ライブラリのバイトコードを Pyodide で作るのに使います）。"
                             "scripts/setup.sh を実行してください。")
    key = hashlib.sha256(b"stdlib\0" + BYTECODE_SCRIPT.read_bytes() + (PYODIDE_DIR / "package.json").read_bytes())
    for wheel in sorted(wheels):
        with zipfile.ZipFile(wheel) as archive:
            for info in sorted(archive.infolist(), key=lambda info: info.filename):
                if not info.filename.endswith(".pyc"):
                    key.update(info.filename.encode("utf-8") + b"\0" + hashlib.sha256(archive.read(info)).digest())
    cache = BYTECODE_CACHE / f"stdlib-{key.hexdigest()[:32]}"
    if not (cache / "names.json").exists():
        with tempfile.TemporaryDirectory() as temp:
            staged = Path(temp)
            done = subprocess.run([node, str(BYTECODE_SCRIPT), "--stdlib", str(PYODIDE_DIR), str(staged / SITE_STDLIB),
                                   *map(str, wheels)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SiteBuildError(f"標準ライブラリのバイトコードを作れませんでした：\n{done.stderr[-2000:]}")
            (staged / "names.json").write_text(done.stdout, encoding="utf-8")
            partial = cache.with_name(cache.name + ".partial")  # 途中で止まっても、できかけを使わない
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(staged, partial)
            shutil.rmtree(cache, ignore_errors=True)
            partial.replace(cache)
    shutil.copy2(cache / SITE_STDLIB, site / "pyodide" / SITE_STDLIB)
    names: list[str] = json.loads((cache / "names.json").read_text(encoding="utf-8"))
    return names


def install_pyodide(site: Path) -> None:
    """npm の pyodide（固定版）の実行に要るファイルを site/pyodide/ に写す。"""
    if not (PYODIDE_DIR / "pyodide.mjs").exists():
        raise SiteBuildError("node_modules/pyodide がありません。scripts/setup.sh（npm ci）を実行してください。")
    runtime = site / "pyodide"
    runtime.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(PYODIDE_DIR / name, runtime / name)


def install_wheels(site: Path) -> None:
    """teichaku の wheel と名簿の Excel 用（openpyxl など）・QR コード用（segno）の wheel を site/wheels/ に置き、
    build.json に名前と規則の版（パッケージの版とコミット）を書く。"""
    wheel = build_wheel(site / "wheels")
    add_bytecode(wheel)  # 最初の結果を早く：import teichaku.interfaces.web のモジュールを Pyodide の pyc で
    extras: list[str] = []
    qr: list[str] = []  # 算定根拠書の QR コード（segno）。名簿のページでは読まない
    for path in sorted(EXTRA_WHEELS.glob("*.whl")) if EXTRA_WHEELS.exists() else []:
        shutil.copy2(path, site / "wheels" / path.name)
        (qr if path.name.startswith("segno-") else extras).append(f"wheels/{path.name}")
    if not any("openpyxl" in name for name in extras) or not qr:
        raise SiteBuildError(".venv/pyodide-wheels に openpyxl か segno の wheel がありません。scripts/setup.sh を実行してください。")
    install_site_stdlib(site, [wheel, *(site / name for name in [*extras, *qr])])
    (site / "assets" / "calc" / "build.json").write_text(
        json.dumps({"wheel": f"wheels/{wheel.name}", "pyodide": "pyodide/", "xlsx_wheels": extras, "qr_wheels": qr,
                    "version": teichaku.__version__, "commit": git_commit(), "stdlib": f"pyodide/{SITE_STDLIB}",
                    **snapshot_key(site, wheel, [*extras, *qr])},
                   ensure_ascii=False),
        encoding="utf-8")


SNAPSHOT_FORMAT = "assets/calc/snapshot-format.js"  # スナップショットを置く形（docs/assets/calc/ から）


def snapshot_key(site: Path, wheel: Path, others: list[str]) -> dict[str, str]:
    """Pyodide のメモリのスナップショット（issue 17、docs/assets/calc/worker.js）を Cache Storage に置く鍵。

    スナップショットは、同じ Pyodide（版とビルド ID：違うビルドのものは Pyodide が拒む）、同じ wheel（import 済みの
    モジュールが入る）、同じ標準ライブラリの zip（zipimport が目録の位置をメモリに持つ）でだけ使える。置く形
    （assets/calc/snapshot-format.js）も鍵に入れる：形を変えたビルドは、前の形の項目を壊れたものとして扱わず
    （壊れた項目の鍵では作り直さない）、新しい鍵で作る。それらが変わらなければ、文書だけを変えたビルドでも同じ鍵に
    なり、前のスナップショットを使い続ける。"""
    version = json.loads((PYODIDE_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    found = _BUILD_ID.search((PYODIDE_DIR / "pyodide.mjs").read_text(encoding="utf-8"))
    if found is None:
        raise SiteBuildError("pyodide.mjs に BUILD_ID が見つかりません（Pyodide の更新で変わった可能性）")
    digest = hashlib.sha256(wheel.read_bytes())
    for name in sorted(others):
        digest.update(hashlib.sha256((site / name).read_bytes()).digest())
    for stdlib in sorted((site / "pyodide").glob("python_stdlib*.zip")):  # 元の zip と、サイトの zip
        digest.update(stdlib.name.encode("utf-8") + hashlib.sha256(stdlib.read_bytes()).digest())
    digest.update(b"format" + hashlib.sha256((site / SNAPSHOT_FORMAT).read_bytes()).digest())
    key = f"{version}-{found.group(1)[:16]}-{digest.hexdigest()[:24]}"
    return {"pyodide_version": version, "pyodide_build_id": found.group(1), "snapshot_key": key}


def git_commit() -> str:
    """サイトを作ったコミット（git rev-parse --short HEAD）。git のチェックアウトの外では「不明」。算定根拠書に印字する。"""
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return "不明"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "不明"


def install_roster_templates(site: Path) -> None:
    """名簿のテンプレート（CSV と Excel）：teichaku.interfaces.roster から作る。"""
    templates = site / "assets" / "roster"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "roster-template.csv").write_bytes(roster.template_csv())
    (templates / "roster-template.xlsx").write_bytes(roster.template_xlsx())


def site_urls(site: Path) -> list[str]:
    """service worker が最初の訪問で保存する URL（サイトの根からの相対。index.html はディレクトリの URL）。"""
    urls = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        if relative in NOT_CACHED:
            continue
        if relative == "index.html":
            urls.append("./")
        elif relative.endswith("/index.html"):
            urls.append(relative[: -len("index.html")])
        else:
            urls.append(relative)
    return urls


def install_service_worker(site: Path) -> None:
    """sw.js：保存する URL の一覧と、その内容のハッシュ（版）を書き込む。サイトのほかのファイルをすべて置いた後に呼ぶ。"""
    urls = site_urls(site)
    digest = hashlib.sha256()
    for url in urls:
        path = site / (url + "index.html" if url.endswith("/") else url)
        digest.update(url.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    version = digest.hexdigest()[:16]
    worker = SERVICE_WORKER.read_text(encoding="utf-8")
    worker = worker.replace("__VERSION__", version).replace("__PRECACHE__", json.dumps(urls, ensure_ascii=False))
    (site / "sw.js").write_text(worker, encoding="utf-8")


def post_build(site: Path) -> None:
    """ビルドの後の仕上げ（順序が大事：service worker は最後）。"""
    install_search_wrapper(site)
    install_pyodide(site)
    install_wheels(site)
    install_roster_templates(site)
    install_service_worker(site)
