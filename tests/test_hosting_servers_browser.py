"""配信の設定を本物のサーバーで確かめる（issue 18）：自治体の情報システム担当が置くように、配布用の zip
（scripts/make_release.sh）を展開し、同梱の設定で Debian の nginx（hosting/nginx.conf を include）と Apache httpd
（サイトの根の .htaccess、文書にある最小の AllowOverride FileInfo Indexes）で配信する。

それぞれについて：
- HTTP：wasm は application/wasm、.mjs・.js は text/javascript、HTML 以外に CSP のヘッダー（hosting.WORKER_CSP）、
  HTML には付けない（ページの meta）、事前圧縮の選び方（Accept-Encoding が br なら .br［nginx は標準では br を送らない
  ので gzip］、gzip なら .gz、なければ圧縮なし。どれも Vary: Accept-Encoding）、サーバーの設定ファイルは配信しない。
- Chromium：計算機のページを開いて最初の結果が出る（Pyodide が wasm を読み、Web Worker が動く）、CSP の違反がない、
  service worker がサイトの根をスコープとして登録される。

nginx と apache2 は scripts/setup.sh --browser が Debian のパッケージで入れる（サービスとしては起動しない。ここで
一時的な設定ファイルで起動し、終える）。
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import serve  # conftest が scripts/ を import の探索先に加える
from calc_browser import CSP_WATCH

pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
NGINX, APACHE = "/usr/sbin/nginx", "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
CALCULATOR = "calc/retention/#month=2024-04&users=20&retained=19"


@pytest.fixture(scope="module")
def release_site() -> Iterator[Path]:
    """配布用の zip を作り、誰でも読める一時フォルダーに展開したサイト（Apache の子プロセスは root 以外で読む）。"""
    out = Path(tempfile.mkdtemp(prefix="teichaku-release-"))
    env = {**os.environ, "OUT_DIR": str(out), "TEICHAKU_SKIP_SETUP": "1"}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "make_release.sh")], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    (archive,) = out.glob("teichaku-site-*.zip")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(out)
    for path in [out, *out.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield out / "teichaku-site"
    shutil.rmtree(out, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError(f"サーバーが止まりました：{log.read_text(errors='replace') if log.exists() else ''}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"サーバーが応答しません：{url}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """起動したサーバー（自分のプロセスグループ）だけを終える。"""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _nginx(site: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    snippet = (site / "hosting" / "nginx.conf").read_text(encoding="utf-8").replace("root /srv/teichaku;", f"root {site};")
    (work / "teichaku.conf").write_text(snippet, encoding="utf-8")
    shutil.copy("/etc/nginx/mime.types", work / "mime.types")
    conf = work / "nginx.conf"
    temp = " ".join(f"{name}_temp_path {work};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text(f"""{"user root;" if os.geteuid() == 0 else ""} daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{}}
http {{ access_log off; {temp}
  server {{ listen 127.0.0.1:{port}; server_name localhost; include {work}/teichaku.conf; }} }}
""", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)], start_new_session=True)


def _apache(site: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
                        for name in ("mpm_event", "authz_core", "mime", "headers", "rewrite", "dir", "alias"))
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    conf = work / "httpd.conf"
    conf.write_text(f"""ServerRoot "{work}"
{modules}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile "{work}/httpd.pid"
DefaultRuntimeDir "{work}"
ErrorLog "{work}/error.log"
LogLevel warn
{user}TypesConfig /etc/mime.types
DirectoryIndex index.html
DocumentRoot "{site}"
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "{site}">
  # docs/hosting.md と .htaccess の冒頭に書いた最小の許可
  AllowOverride FileInfo Indexes
  Require all granted
</Directory>
""", encoding="utf-8")
    check = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([APACHE, "-f", str(conf), "-DFOREGROUND"], start_new_session=True)


SERVERS = {"nginx": (NGINX, _nginx), "apache": (APACHE, _apache)}


@pytest.fixture(scope="module", params=list(SERVERS))
def hosted(request: pytest.FixtureRequest, release_site: Path) -> Iterator[tuple[str, str]]:
    binary, start = SERVERS[request.param]
    if not Path(binary).exists():
        pytest.skip(f"{binary} がありません（scripts/setup.sh --browser が Debian のパッケージで入れます）")
    work = Path(tempfile.mkdtemp(prefix=f"teichaku-{request.param}-"))
    work.chmod(0o755)
    port = _free_port()
    process = start(release_site, work, port)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait(base, process, work / "error.log")
        yield request.param, base
    finally:
        _stop(process)
        shutil.rmtree(work, ignore_errors=True)


def _get(url: str, encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""


def test_mime_types_csp_and_precompressed_files_over_http(hosted: tuple[str, str], release_site: Path) -> None:
    server, base = hosted
    brotli = pytest.importorskip("brotli")
    wasm = (release_site / "pyodide" / "pyodide.asm.wasm").read_bytes()
    status, headers, body = _get(base + "pyodide/pyodide.asm.wasm", "gzip, deflate, br")
    assert status == 200 and headers["content-type"] == "application/wasm"
    assert "accept-encoding" in headers.get("vary", "").lower()
    if server == "apache":  # nginx は ngx_brotli なしでは .br を送らない（設定の注記のとおり）：gzip を選ぶ
        assert headers["content-encoding"] == "br" and brotli.decompress(body) == wasm
    else:
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == wasm
    assert headers["content-security-policy"] == serve.WORKER_CSP
    status, headers, body = _get(base + "pyodide/pyodide.asm.wasm", "gzip")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == wasm
    status, headers, body = _get(base + "pyodide/pyodide.asm.wasm")
    assert "content-encoding" not in headers and body == wasm
    for path in ("pyodide/pyodide.mjs", "assets/calc/app.js", "assets/calc/worker.js", "sw.js"):
        status, headers, _ = _get(base + path, "gzip, br")
        assert status == 200 and headers["content-type"].split(";")[0] == "text/javascript", path
        assert headers["content-security-policy"] == serve.WORKER_CSP, path
        assert headers["cache-control"] == "no-cache", path
    status, headers, body = _get(base + "calc/retention/", "gzip")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "content-security-policy" not in headers  # HTML は各ページの meta の CSP
    html = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
    assert b'http-equiv="Content-Security-Policy"' in html
    for path in ("web.config", ".htaccess"):  # サーバーの設定ファイルは配信しない
        assert _get(base + path)[0] in (403, 404), path


def test_a_calculator_reaches_its_first_result_and_the_service_worker_covers_the_site(
        hosted: tuple[str, str], browser: Any, tmp_path: Path) -> None:
    server, base = hosted
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(CSP_WATCH)
    seen: dict[str, dict[str, str]] = {}
    page.on("response", lambda r: seen.setdefault(r.url.split("#")[0], r.headers))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + CALCULATOR)
    page.wait_for_selector("form.calc[data-result='ok']", timeout=90000)
    assert "9割5分以上" in page.locator(".calc-result").inner_text()  # 19/20 = 95%（令和6年度の表）
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == base
    assert page.evaluate("window.__csp") == []
    page.screenshot(path=str(tmp_path / f"{server}.png"), full_page=True)
    wasm = [headers for url, headers in seen.items() if url.endswith("/pyodide.asm.wasm")]
    for headers in wasm:  # Chromium に見えた応答（Web Worker の要求が見える版なら）
        assert headers.get("content-type") == "application/wasm"
    context.close()
    assert [e for e in errors if "Content Security Policy" in e] == []
