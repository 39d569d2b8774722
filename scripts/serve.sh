#!/usr/bin/env bash
# 主コマンド：セットアップののち、計算の例（問1・就職日からの利用期間・区分の境目）を表示する。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/teichaku demo
