"""配信の仕上げ（calculator/teichaku_site/hosting.py）と、自分のサーバーに置くための設定（IIS の web.config、
Apache の .htaccess、nginx の hosting/nginx.conf）：各設定を読み、MIME の種類と CSP が scripts/serve.py の送るものと
同じであること、HTML には CSP のヘッダーを付けないこと、事前圧縮の写しが元と同じ中身であること、serve.py が
それを正しい Content-Encoding と Vary で送ること、配布用の zip。"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import serve  # conftest が scripts/ を import の探索先に加える

ROOT = Path(__file__).resolve().parents[1]


def _non_html_files(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and p.suffix not in (".html", ".br", ".gz") and p.name not in ("web.config", ".htaccess")]


def _html_files(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in site.rglob("*.html")]


# ---- 配らないもの ----

def test_built_site_ships_no_source_map_and_only_the_lunr_files_japanese_search_loads(built_site: Path) -> None:
    assert list(built_site.rglob("*.map")) == []
    for path in [*built_site.rglob("*.js"), *built_site.rglob("*.css")]:
        assert b"sourceMappingURL" not in path.read_bytes()[-300:], path
    lunr = built_site / "assets" / "javascripts" / "lunr"
    assert sorted(p.relative_to(lunr).as_posix() for p in lunr.rglob("*.js")) == [
        "min/lunr.ja.min.js", "min/lunr.stemmer.support.min.js", "tinyseg.js"]


def test_service_worker_precaches_only_files_that_exist_and_leaves_the_runtime_to_calculator_pages(built_site: Path) -> None:
    text = (built_site / "sw.js").read_text(encoding="utf-8")
    urls = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", text, re.S).group(1))  # type: ignore[union-attr]
    missing = [url for url in urls if not (built_site / (url + "index.html" if url.endswith("/") or url == "./" else url)).exists()]
    assert missing == []  # 一つでも欠ければ service worker の install が失敗する
    assert "assets/calc/runtime.json" in urls
    assert "const isRuntime = path => /^(pyodide|wheels)\\//.test(path);" in text
    assert "SHELL.map(" in text and "PRECACHE.map(" not in text


def test_runtime_json_gives_the_size_of_every_runtime_file(built_site: Path) -> None:
    data = json.loads((built_site / "assets" / "calc" / "runtime.json").read_text(encoding="utf-8"))
    for folder in ("pyodide", "wheels"):
        for path in (built_site / folder).iterdir():
            if path.suffix not in (".br", ".gz"):
                assert data["files"][f"{folder}/{path.name}"] == path.stat().st_size
    assert data["wheel"].startswith("wheels/teichaku-") and any("openpyxl" in name for name in data["xlsx_wheels"])


# ---- 事前圧縮 ----

def test_precompressed_copies_have_the_same_content_and_are_smaller(built_site: Path) -> None:
    brotli = pytest.importorskip("brotli")
    wasm = built_site / "pyodide" / "pyodide.asm.wasm"
    assert (wasm.parent / "pyodide.asm.wasm.br").stat().st_size < wasm.stat().st_size * 0.4
    assert not (built_site / "pyodide" / "python_stdlib.zip.gz").exists()  # 縮まないものは作らない
    for packed in [*built_site.rglob("*.br"), *built_site.rglob("*.gz")]:
        original = packed.with_suffix("")
        if packed.name == "sitemap.xml.gz":
            continue
        data = brotli.decompress(packed.read_bytes()) if packed.suffix == ".br" else gzip.decompress(packed.read_bytes())
        assert data == original.read_bytes(), packed


def _get(url: str, encoding: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_serve_py_sends_brotli_gzip_or_identity_as_the_browser_accepts(built_site: Path) -> None:
    brotli = pytest.importorskip("brotli")
    server = serve.start(built_site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        original = (built_site / "pyodide" / "pyodide.asm.wasm").read_bytes()
        headers, body = _get(base + "pyodide/pyodide.asm.wasm", "gzip, deflate, br")
        assert headers["content-encoding"] == "br" and headers["content-type"] == "application/wasm"
        assert headers["vary"] == "Accept-Encoding" and int(headers["content-length"]) == len(body)
        assert brotli.decompress(body) == original
        assert headers["content-security-policy"] == serve.WORKER_CSP
        headers, body = _get(base + "pyodide/pyodide.asm.wasm", "gzip")
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == original
        headers, body = _get(base + "pyodide/pyodide.asm.wasm", "")
        assert "content-encoding" not in headers and body == original and headers["vary"] == "Accept-Encoding"
        headers, body = _get(base + "qa/", "br")
        assert headers["content-encoding"] == "br" and headers["content-type"].startswith("text/html")
        assert "sha256-" in headers["content-security-policy"]  # HTML はそのページの meta と同じ CSP
        assert "準備" in brotli.decompress(body).decode() or "Q&A" in brotli.decompress(body).decode()
    finally:
        server.shutdown()


# ---- 配信の設定：MIME の種類と CSP が serve.py と同じ ----

def test_iis_web_config_has_serve_py_mime_types_and_csp_on_every_non_html_folder(built_site: Path) -> None:
    tree = ET.parse(built_site / "web.config")
    static = tree.find("system.webServer/staticContent")
    assert static is not None
    mime = {node.get("fileExtension"): node.get("mimeType") for node in static.findall("mimeMap")}
    assert mime == serve.MIME_TYPES
    assert {node.get("fileExtension") for node in static.findall("remove")} == set(mime)  # 重複の登録で 500.19 にしない
    assert static.find("clientCache").get("cacheControlMode") == "DisableCache"  # type: ignore[union-attr]  # no-cache
    assert tree.find("system.webServer/urlCompression").get("doStaticCompression") == "true"  # type: ignore[union-attr]
    locations = {}
    for location in tree.findall("location"):
        header = location.find("system.webServer/httpProtocol/customHeaders/add")
        assert header is not None and header.get("name") == "Content-Security-Policy"
        locations[location.get("path")] = header.get("value")
    assert set(locations.values()) == {serve.WORKER_CSP}
    covered = lambda path: any(path == loc or path.startswith(loc + "/") for loc in locations)  # noqa: E731
    assert [p for p in _non_html_files(built_site) if p.endswith((".js", ".mjs")) and not covered(p)] == []
    assert [p for p in _html_files(built_site) if covered(p)] == []


def test_apache_htaccess_has_serve_py_mime_types_and_csp_only_off_html(built_site: Path) -> None:
    text = (built_site / ".htaccess").read_text(encoding="utf-8")
    mime = {}
    for media_type, extensions in re.findall(r"^\s*AddType (\S+) (.+)$", text, re.M):
        for extension in extensions.split():
            mime[extension] = media_type
    assert mime == serve.MIME_TYPES
    assert re.search(r"^\s*AddEncoding br \.br$", text, re.M) and re.search(r"^\s*AddEncoding gzip \.gz$", text, re.M)
    block = re.search(r'<FilesMatch "([^"]+)">\s*Header set Content-Security-Policy "([^"]+)"', text)
    assert block is not None and block.group(2) == serve.WORKER_CSP
    pattern = re.compile(block.group(1))
    assert [p for p in _non_html_files(built_site) if not pattern.search(p)] == []
    assert [p for p in _html_files(built_site) if pattern.search(p)] == []
    assert 'Header set Cache-Control "no-cache"' in text and "Header append Vary Accept-Encoding" in text
    # 文書の最小の AllowOverride FileInfo Indexes で動く：Require（AuthConfig が要る）を使わない。使えばサイト全体が 500
    # （Apache で実際に配信して確かめる：tests/test_hosting_servers_browser.py）
    directives = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert not [line for line in directives if line.startswith(("Require", "Order", "Deny", "Allow"))]
    assert r"RedirectMatch 404 (^|/)(web\.config|\.htaccess)$" in directives


def _nginx_types(text: str) -> dict[str, str]:
    block = re.search(r"^types \{(.*?)^\}", text, re.S | re.M)
    assert block is not None
    mime = {}
    for line in block.group(1).strip().splitlines():
        media_type, *extensions = line.strip().rstrip(";").split()
        mime.update({f".{extension}": media_type for extension in extensions})
    return mime


def test_nginx_snippet_has_serve_py_mime_types_and_csp_only_off_html(built_site: Path) -> None:
    text = (built_site / "hosting" / "nginx.conf").read_text(encoding="utf-8")
    assert _nginx_types(text) == serve.MIME_TYPES
    block = re.search(r'location ~\* (\S+) \{[^}]*add_header Content-Security-Policy "([^"]+)" always;', text)
    assert block is not None and block.group(2) == serve.WORKER_CSP
    pattern = re.compile(block.group(1), re.I)
    assert [p for p in _non_html_files(built_site) if not pattern.search(p)] == []
    assert [p for p in _html_files(built_site) if pattern.search(p)] == []
    assert "gzip_static on;" in text and "gzip_vary on;" in text


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx がない（apt-get install nginx-light で試せる）")
def test_nginx_serves_the_site_as_the_snippet_says(built_site: Path, tmp_path: Path) -> None:
    snippet = (built_site / "hosting" / "nginx.conf").read_text(encoding="utf-8").replace("root /srv/teichaku;", f"root {built_site};")
    (tmp_path / "teichaku.conf").write_text(snippet, encoding="utf-8")
    port = 18000 + os.getpid() % 1000
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""{"user root; " if os.geteuid() == 0 else ""}daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{}}
http {{ access_log off; client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path}; fastcgi_temp_path {tmp_path};
  uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};
  server {{ listen 127.0.0.1:{port}; include {tmp_path}/teichaku.conf; }} }}
""", encoding="utf-8")
    shutil.copy("/etc/nginx/mime.types", tmp_path / "mime.types")
    check = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)])
    try:
        import time

        for _ in range(50):
            try:
                _get(f"http://127.0.0.1:{port}/", "")
                break
            except OSError:
                time.sleep(0.1)
        headers, body = _get(f"http://127.0.0.1:{port}/pyodide/pyodide.asm.wasm", "gzip")
        assert gzip.decompress(body) == (built_site / "pyodide" / "pyodide.asm.wasm").read_bytes()
        assert headers["content-type"] == "application/wasm" and headers["content-encoding"] == "gzip"
        assert headers["content-security-policy"] == serve.WORKER_CSP and "Accept-Encoding" in headers["vary"]
        headers, _ = _get(f"http://127.0.0.1:{port}/pyodide/pyodide.mjs", "")
        assert headers["content-type"] == "text/javascript" and headers["cache-control"] == "no-cache"
        headers, _ = _get(f"http://127.0.0.1:{port}/assets/calc/app.js", "")
        assert headers["content-type"] == "text/javascript"
        headers, _ = _get(f"http://127.0.0.1:{port}/qa/", "")
        assert "content-security-policy" not in headers and headers["cache-control"] == "no-cache"
    finally:
        process.terminate()
        process.wait(timeout=10)


# ---- 配布用の zip ----

def test_make_release_makes_one_zip_of_the_built_site_with_the_hosting_files(tmp_path: Path) -> None:
    env = {**os.environ, "OUT_DIR": str(tmp_path)}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "make_release.sh")], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    zips = list(tmp_path.glob("teichaku-site-*.zip"))
    assert len(zips) == 1 and "作成しました" in done.stdout
    names = set(zipfile.ZipFile(zips[0]).namelist())
    for name in ("index.html", "web.config", ".htaccess", "hosting/nginx.conf", "hosting/index.html", "pyodide/pyodide.asm.wasm",
                 "pyodide/pyodide.asm.wasm.br", "pyodide/pyodide.asm.wasm.gz", "sw.js", "assets/calc/runtime.json"):
        assert f"teichaku-site/{name}" in names, name
    assert not [name for name in names if name.endswith(".map")]
