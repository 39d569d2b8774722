#!/usr/bin/env bash
# すべての検査：lint（ruff）、型検査（mypy --strict）、テスト（pytest、カバレッジつき）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser   # ブラウザのテスト用の Chromium と日本語フォントも入れる
echo "== ruff"; .venv/bin/ruff check calculator tests scripts
echo "== mypy (strict, teichaku)"; .venv/bin/mypy
echo "== pytest (rules, site build, browser)"
.venv/bin/python -m pytest --cov --cov-report=term "$@"
