#!/usr/bin/env bash
# すべての検査：lint（ruff）、型検査（mypy --strict）、テスト（pytest、カバレッジつき）。CI の関門はこれ（引数なし）。
#   ./scripts/test.sh --fast   速い区分：ブラウザのテスト（marker browser）を除くすべて。Chromium を入れず、カバレッジなし、
#                              性質テストは決まった少ない例で（Hypothesis の profile fast、名簿は ROSTER_EXAMPLES=40）。
#   ./scripts/test.sh -k 名前  残りの引数は pytest に渡す（例：tests/test_fees.py、-m site、-x）
#   TEST_WORKERS=0 ./scripts/test.sh   1つのプロセスで（既定は pytest-xdist の2プロセス）
# 区分（marker）は tests/conftest.py が付ける：browser（Chromium）、site（ビルドしたサイト）、node（Node で Pyodide）。
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi
if $fast; then
  bash scripts/setup.sh
else
  bash scripts/setup.sh --browser   # ブラウザのテスト用の Chromium と日本語フォントも入れる
fi
echo "== ruff"; .venv/bin/ruff check calculator tests scripts
echo "== mypy (strict, teichaku)"; .venv/bin/mypy
# ---- JavaScript（計算機のページ）：ESLint と、純粋な部分の単体テスト（node --test）。版は package.json / package-lock.json ----
echo "== eslint (docs/assets/calc, tests/js)"; npx --no-install eslint docs/assets/calc tests/js eslint.config.mjs
echo "== node --test (tests/js)"; node --test --test-reporter=spec tests/js/*.test.mjs
# ---- ここまで JavaScript ----
if $fast; then
  echo "== pytest (fast lane: -m 'not browser', property tests with fewer examples)"
  ROSTER_EXAMPLES="${ROSTER_EXAMPLES:-40}" .venv/bin/python -m pytest -q -m "not browser" --hypothesis-profile=fast "$@"
else
  # 2つのプロセスで（pytest-xdist）。ファイルごとに同じプロセスへ（--dist loadfile：モジュールの中で起動済みのページを
  # 使い回すため）。サイトのビルドは1回を分け合う。TEST_WORKERS=0 で1つのプロセス（--pdb などを使うとき）
  workers="${TEST_WORKERS:-2}"
  parallel=()
  if [ "$workers" != 0 ]; then
    parallel=(-n "$workers" --dist loadfile)
  fi
  echo "== pytest (rules, site build, browser; ${workers} workers)"
  .venv/bin/python -m pytest --cov --cov-report=term "${parallel[@]}" "$@"
fi
