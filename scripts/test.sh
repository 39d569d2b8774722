#!/usr/bin/env bash
# すべての検査：lint（ruff）、型検査（mypy --strict）、テスト（pytest、カバレッジつき）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser   # ブラウザのテスト用の Chromium と日本語フォントも入れる
echo "== ruff"; .venv/bin/ruff check calculator tests scripts
echo "== mypy (strict, teichaku)"; .venv/bin/mypy
# ---- JavaScript（計算機のページ）：ESLint と、純粋な部分の単体テスト（node --test）。版は package.json / package-lock.json ----
echo "== eslint (docs/assets/calc, tests/js)"; npx --no-install eslint docs/assets/calc tests/js eslint.config.mjs
echo "== node --test (tests/js)"; node --test --test-reporter=spec tests/js/*.test.mjs
# ---- ここまで JavaScript ----
echo "== pytest (rules, site build, browser)"
.venv/bin/python -m pytest --cov --cov-report=term "$@"
