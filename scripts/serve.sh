#!/usr/bin/env bash
# 主コマンド：セットアップし、ガイドサイトをビルドして http://127.0.0.1:${PORT:-8000}/ で配信する（Ctrl+C で終了）。
# ポートを変えるには PORT=8080 ./scripts/serve.sh。ブラウザ（Chromium）は入れない（テストだけが使う：scripts/test.sh）。
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
echo "[1/3] 依存を確かめています（初回は Python と npm のパッケージを入れるため数分かかります）…"
bash scripts/setup.sh
echo "[2/3] サイトをビルドしています（初回は事前圧縮のため1分ほどかかります）…"
export NO_MKDOCS_2_WARNING=1
.venv/bin/mkdocs build --strict --quiet
echo "[3/3] 配信を始めます…"
exec .venv/bin/python scripts/serve.py site --port "${PORT}"
