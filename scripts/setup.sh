#!/usr/bin/env bash
# 開発環境を用意する：.venv に固定版の依存を入れ、teichaku を編集可能モードで入れる。何度実行してもよい。
# ブラウザのテスト用の Chromium と日本語フォント（apt-get）は、引数 --browser のときだけ入れる（scripts/test.sh）。
# サイトを配信するだけ（scripts/serve.sh）なら要らない。
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-stamp
if [ ! -f "$stamp" ] || ! cmp -s requirements-dev.txt "$stamp"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  cp requirements-dev.txt "$stamp"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
# ブラウザの名簿ツール（openpyxl）と算定根拠書の QR コード（segno）が Pyodide で使う純 Python の wheel（requirements-dev.txt と同じ固定版）
if [ ! -f .venv/pyodide-wheels/.stamp ] || ! cmp -s requirements-dev.txt .venv/pyodide-wheels/.stamp \
   || ! compgen -G ".venv/pyodide-wheels/segno-*.whl" >/dev/null; then
  rm -rf .venv/pyodide-wheels
  .venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    -d .venv/pyodide-wheels "$(grep '^openpyxl==' requirements-dev.txt)" "$(grep '^et_xmlfile==' requirements-dev.txt)" \
    "$(grep '^segno==' requirements-dev.txt)"  # 算定根拠書の QR コード
  cp requirements-dev.txt .venv/pyodide-wheels/.stamp
fi
# npm の固定版（package-lock.json）：計算機が使う Pyodide（サイトに同梱する）と、ブラウザのテスト用の axe-core。
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/pyodide/pyodide.mjs ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
# Debian の Chromium・日本語フォント・poppler-utils（PDF の文字を読む pdftotext）・zbar-tools（印刷した QR コードを読む
# zbarimg）・nginx-light と apache2（配布用の zip を同梱の設定で実際に配信して試す。tests/test_hosting_servers_browser.py。
# サービスとしては起動しない：テストが自分の設定ファイルで起動し、終える）。ブラウザのテスト用。--browser のときだけ
if [ "${1:-}" = "--browser" ] && { ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi ipa \
   || ! command -v pdftotext >/dev/null 2>&1 || ! command -v zbarimg >/dev/null 2>&1 \
   || ! [ -x /usr/sbin/nginx ] || ! [ -x /usr/sbin/apache2 ]; }; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic poppler-utils zbar-tools nginx-light apache2 >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic poppler-utils zbar-tools nginx-light apache2 >/dev/null
  fi
fi
