"""ビルドしたサイトを 127.0.0.1 で配信する（scripts/serve.sh とブラウザのテストが使う）。

- .mjs を JavaScript、.wasm を application/wasm として返す（モジュールの Web Worker と Pyodide に必要）。
  種類の一覧は calculator/teichaku_site/hosting.py の MIME_TYPES（IIS・Apache・nginx の設定と同じ）。
- HTML 以外の応答にも Content-Security-Policy ヘッダー（hosting.WORKER_CSP）を付ける。Web Worker（Pyodide）には
  ページの meta の CSP が及ばず、worker のスクリプトの応答ヘッダーの CSP が効くため。HTML には各ページの meta と
  同じ CSP を付ける。
- 事前圧縮：ブラウザの Accept-Encoding が br（または gzip）を含み、ビルドが作った x.br（x.gz）があれば、それを
  Content-Encoding: br（gzip）で送る。圧縮した形があるファイルには Vary: Accept-Encoding を付ける。
- Cache-Control: no-cache（毎回 If-Modified-Since で確かめ、変わっていなければ 304）。
- ポートが使用中なら、日本語で理由と別のポートの選び方を示して終わる（トレースバックは出さない）。

使い方：python scripts/serve.py DIRECTORY [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import errno
import functools
import http.server
import importlib.util
import os
import re
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]


def _load_hosting() -> ModuleType:
    """calculator/teichaku_site/hosting.py（標準ライブラリだけのモジュール）をパスで読む。"""
    spec = importlib.util.spec_from_file_location("teichaku_site_hosting", ROOT / "calculator" / "teichaku_site" / "hosting.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hosting = _load_hosting()

# ヘッドレス Chromium（Debian の chromium）：ブラウザのテスト（tests/conftest.py）とベンチマークが同じ設定で起動する。
# 127.0.0.1 以外の名前は解決しない（外へ出る要求があればテストで失敗として見える）。
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

WORKER_CSP: str = hosting.WORKER_CSP
MIME_TYPES: dict[str, str] = hosting.MIME_TYPES
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # 優先する順
_META_CSP = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
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

    def _encoded(self, path: Path) -> tuple[str, Path] | None:
        """ブラウザが受け取れる事前圧縮の形（Content-Encoding、ファイル）。なければ None。"""
        accepted = {part.split(";")[0].strip().lower() for part in self.headers.get("Accept-Encoding", "").split(",")}
        for encoding, suffix in ENCODINGS:
            candidate = path.with_name(path.name + suffix)
            if encoding in accepted and candidate.is_file():
                return encoding, candidate
        return None

    def send_head(self) -> Any:
        """事前圧縮したファイルがあり、ブラウザが受け取れるならそれを送る。ほかは SimpleHTTPRequestHandler のまま。"""
        self._has_variants = False
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].split("#")[0].endswith("/"):
                return super().send_head()  # 末尾に / を付けるリダイレクト
            path = path / "index.html"
        self._has_variants = path.is_file() and any(path.with_name(path.name + suffix).is_file() for _, suffix in ENCODINGS)
        encoded = self._encoded(path) if path.is_file() else None
        if encoded is None:
            return super().send_head()
        encoding, source = encoded
        stat = path.stat()
        since = self.headers.get("If-Modified-Since")
        if since and not self.headers.get("If-None-Match"):
            with contextlib.suppress(TypeError, IndexError, OverflowError, ValueError):
                if int(stat.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(http.HTTPStatus.NOT_MODIFIED)
                    self.end_headers()
                    return None
        handle = source.open("rb")
        try:
            self.send_response(http.HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
            self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
            self.end_headers()
        except Exception:
            handle.close()
            raise
        return handle

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
        if getattr(self, "_has_variants", False):
            self.send_header("Vary", "Accept-Encoding")
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
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(SiteHandler, directory=str(args.directory)))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"ポート {args.port} はほかのプログラムが使っています。別のポートで配信するには、例えば\n"
                  f"  PORT={args.port + 1} ./scripts/serve.sh\n"
                  "のように PORT を指定してください（使っているプログラムを終えてから、もう一度実行してもかまいません）。",
                  file=sys.stderr)
        else:
            print(f"ポート {args.port} で配信を始められません（{error.strerror}）。PORT=8080 ./scripts/serve.sh のように別のポートを"
                  "試してください。", file=sys.stderr)
        sys.exit(1)
    print(f"就労定着支援ガイド： http://127.0.0.1:{args.port}/ （Ctrl+C で終了。ポートを変えるには PORT=8080 ./scripts/serve.sh）",
          flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
