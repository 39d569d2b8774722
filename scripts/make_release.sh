#!/usr/bin/env bash
# 配布用の zip を1つ作る：dist/teichaku-site-<版>.zip（ビルドしたサイトそのもの。IIS の web.config、Apache の
# .htaccess、nginx の hosting/nginx.conf、事前圧縮の .gz・.br を含む）。<版> は pyproject.toml の version と
# git のコミット（例：0.1.0+g1a2b3c4）。置き方はサイトの「自分のサーバーに置く」（docs/hosting.md）。
# 使い方：./scripts/make_release.sh   （OUT_DIR=… で置き場所を変えられる）
set -euo pipefail
cd "$(dirname "$0")/.."
OUT_DIR="${OUT_DIR:-dist}"
# 依存を入れる（TEICHAKU_SKIP_SETUP=1 なら省く：すでに scripts/setup.sh を済ませた環境のテストから呼ぶとき）
[ "${TEICHAKU_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
version="$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
commit="$(git rev-parse --short HEAD 2>/dev/null || true)"
[ -n "$commit" ] && version="${version}+g${commit}"
build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
echo "サイトをビルドしています…"
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$build_dir/teichaku-site"
mkdir -p "$OUT_DIR"
zip_path="$(cd "$OUT_DIR" && pwd)/teichaku-site-${version}.zip"
rm -f "$zip_path"
.venv/bin/python - "$build_dir" "$zip_path" <<'PY'
import os, sys, zipfile
from pathlib import Path
root, target = Path(sys.argv[1]), sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
    for path in sorted((root / "teichaku-site").rglob("*")):
        if path.is_file():
            # 圧縮済みのもの（.br .gz .zip .whl .xlsx .png）はそのまま格納する
            stored = path.suffix in {".br", ".gz", ".zip", ".whl", ".xlsx", ".png"}
            archive.write(path, path.relative_to(root).as_posix(), zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
PY
echo "作成しました：${zip_path}（$(du -h "$zip_path" | cut -f1)）"
