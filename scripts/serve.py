"""ビルドしたサイトを 127.0.0.1 で配信する（scripts/serve.sh とブラウザのテストが使う）。

- .mjs を JavaScript、.wasm を application/wasm として返す（モジュールの Web Worker と Pyodide に必要）。
- HTML 以外の応答にも Content-Security-Policy ヘッダーを付ける。Web Worker（Pyodide）にはページの meta の CSP が
  及ばず、worker のスクリプトの応答ヘッダーの CSP が効くため。HTML には各ページの meta と同じ CSP を付ける。
- Cache-Control: no-cache（毎回 If-Modified-Since で確かめ、変わっていなければ 304）。

使い方：python scripts/serve.py DIRECTORY [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import re
import threading
from pathlib import Path
from typing import Any, ClassVar

# ヘッドレス Chromium（Debian の chromium）：ブラウザのテスト（tests/conftest.py）とベンチマークが同じ設定で起動する。
# 127.0.0.1 以外の名前は解決しない（外へ出る要求があればテストで失敗として見える）。
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

WORKER_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self'; object-src 'none'; base-uri 'self'"
)
_META_CSP = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".zip": "application/zip",
        ".whl": "application/zip",
    }
    requests_seen: list[str] | None = None
    traffic: list[tuple[str, int, int]] | None = None  # (パス, 状態, 本文のバイト数)：ベンチマーク用

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        if self.traffic is not None and code == 304:
            self.traffic.append((self.path, code, 0))
        super().send_response(code, message)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self.traffic is not None:
            start = source.tell()
            source.seek(0, 2)
            size = source.tell() - start
            source.seek(start)
            self.traffic.append((self.path, getattr(self, "_status", 200), size))
        super().copyfile(source, outputfile)

    def log_message(self, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        if self.requests_seen is not None:
            self.requests_seen.append(self.path)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        policy = WORKER_CSP
        if path.suffix == ".html" and path.is_file():
            found = _META_CSP.search(path.read_bytes()[:20000])
            if found:
                policy = found.group(1).decode("utf-8")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def start(directory: Path, port: int = 0, requests_seen: list[str] | None = None,
          traffic: list[tuple[str, int, int]] | None = None) -> http.server.ThreadingHTTPServer:
    """別スレッドで配信を始める（テスト・ベンチマーク用）。server.server_address[1] が実際のポート。"""
    handler = type("Handler", (SiteHandler,), {"requests_seen": requests_seen, "traffic": traffic})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="ビルドしたサイトを 127.0.0.1 で配信する")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(SiteHandler, directory=str(args.directory)))
    print(f"就労定着支援ガイド： http://127.0.0.1:{args.port}/ （Ctrl+C で終了）", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
