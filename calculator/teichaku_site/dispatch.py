"""プレースホルダ：Markdown の `{{ teichaku:NAME }}` を RENDERERS[NAME] が返す Markdown／HTML に置き換える。

知らない NAME と読めないプレースホルダはビルドを失敗させる（表を手で書き写さない・書き間違いを見逃さないため）。
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from . import SiteBuildError, charts, forms, glossary, tables, today, training

PLACEHOLDER = re.compile(r"\{\{\s*teichaku:([a-z0-9_]+)\s*\}\}")
_ANY_PLACEHOLDER = re.compile(r"\{\{\s*teichaku[^}]*\}\}")


class UnknownPlaceholder(SiteBuildError):
    """知らない名前、または読めない形のプレースホルダ。"""


RENDERERS: dict[str, Callable[[], str]] = {
    "base_fee": tables.base_fee,
    "tiers": tables.tiers,
    "additions": tables.additions,
    "staffing": tables.staffing,
    "periods": tables.periods,
    "q3_factors": tables.q3_factors,
    "goal": tables.goal,
    "parameters": tables.parameters,
    "fee_history": tables.fee_history,
    "current_fee": today.current_fee,
    "current_items": today.current_items,
    "article": today.article,
    "article_today": today.article_today,
    "chart_offices": charts.chart_offices,
    "chart_users": charts.chart_users,
    "retention_rates": charts.retention_rates,
    "glossary": glossary.glossary,
    **training.RENDERERS,  # 研修：練習問題と配布資料（docs/training/）
    **{f"form_{kind}": functools.partial(forms.calculator_form, kind) for kind in forms.kinds()},
}


def fill(markdown: str, where: str = "") -> str:
    """`{{ teichaku:NAME }}` をすべて置き換える。知らない NAME は UnknownPlaceholder。"""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in RENDERERS:
            raise UnknownPlaceholder(f"{where}: 未知のプレースホルダ teichaku:{name}（使えるもの：{', '.join(RENDERERS)}）")
        return RENDERERS[name]()

    result = PLACEHOLDER.sub(replace, markdown)
    leftover = _ANY_PLACEHOLDER.search(result)
    if leftover:
        raise UnknownPlaceholder(f"{where}: 読めないプレースホルダ {leftover.group(0)}")
    return result
