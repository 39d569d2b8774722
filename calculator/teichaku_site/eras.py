"""ブラウザの元号の表（assets/calc/eras.js）：teichaku.rules.dates.ERAS からビルドのたびに生成する。

計算機のページの JavaScript（日付の書き方、docs/assets/calc/ の ES モジュール）は `import { ERAS } from "./eras.js"` で
読む。形：`export const ERAS = [{name: "令和", start: "2019-05-01"}, …]`（dates.ERAS と同じ順、新しい元号から）。
元号の表を JavaScript に手で書き写さない（Python の date_text と同じ表を使う）。
"""

from __future__ import annotations

import json
from pathlib import Path

from teichaku.rules.dates import ERAS

TARGET = Path("assets") / "calc" / "eras.js"


def eras_module() -> str:
    """eras.js の中身（ES モジュール）。"""
    eras = [{"name": era.name, "start": era.start.isoformat()} for era in ERAS]
    return ("// 生成したファイル（calculator/teichaku_site/eras.py が teichaku.rules.dates.ERAS から作る）。手で直さない。\n"
            f"export const ERAS = Object.freeze({json.dumps(eras, ensure_ascii=False)});\n")


def install(site: Path) -> Path:
    """ビルドしたサイトに assets/calc/eras.js を書く。"""
    path = site / TARGET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(eras_module(), encoding="utf-8")
    return path


if __name__ == "__main__":  # 例：python -m teichaku_site.eras 出力先/eras.js（JavaScript の単体テストが読む写しを作る）
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if out is None:
        sys.stdout.write(eras_module())
    else:
        out.write_text(eras_module(), encoding="utf-8")
