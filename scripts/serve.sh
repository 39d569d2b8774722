#!/usr/bin/env bash
# 主コマンド：セットアップし、ガイドサイトをビルドして http://127.0.0.1:8000/ で配信する（Ctrl+C で終了）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/mkdocs build --strict
exec .venv/bin/python scripts/serve.py site --port "${PORT:-8000}"
