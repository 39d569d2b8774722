"""表示の部品（窓口の一か所）：CLI・計算機の画面（web）・サイトの表が同じ書き方をするためのもの。

- 日付：`date_text`（teichaku.rules.dates。「2019年10月1日（令和元年10月1日）」）。規則も手順の文にこれを使う。
  ISO（2019-10-01）は JSON のデータ・CSV・Excel にだけ。結果の辞書（to_dict）の ISO の項目から書くときは
  `data_date_text`・`data_month_text`（文の中の日付を書き換えるのではなく、日付の項目そのものを読む）。
- 期間：`period_text`（「…から…まで」「…から」）。
- 区分の範囲：`tier_range`（teichaku.rules.retention。規則の手順の文と同じ書き方）。
- 基本報酬の表（区分 × 利用者数規模）：`fee_grid` が行と列を作り、画面は辞書に、サイトは Markdown にする。
- 加算・減算の値：`item_value_text`（単位数と数え方・上限、割合、廃止、未確認）。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from ..rules.dates import Month, date_text
from ..rules.items import ClaimItem, ItemValue
from ..rules.numbers import percent_text
from ..rules.params import FeeSchedule, Tier
from ..rules.retention import tier_range

__all__ = ["ENDED", "FeeGrid", "base_units_text", "data_date_text", "data_month_text", "date_text", "fee_grid",
           "item_value_text", "period_text", "tier_range", "units_text"]

ENDED = "（この日から廃止・なし）"


def data_date_text(value: Any) -> Any:
    """結果のデータの日付の項目（ISO "2019-10-01"）→ date_text。空は「—」、日付でない値（「—」、入力の引用）はそのまま。"""
    if value is None or value == "":
        return "—"
    if not isinstance(value, str):
        return value
    try:
        return date_text(_dt.date.fromisoformat(value))
    except ValueError:
        return value


def data_month_text(value: Any) -> Any:
    """結果のデータの年月の項目（ISO "2019-04"）→「2019年4月」。年月でない値はそのまま。"""
    if isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit() \
            and 1 <= int(value[5:]) <= 12:
        return Month(int(value[:4]), int(value[5:])).japanese()
    return value


def period_text(since: _dt.date, last: _dt.date | None) -> str:
    """値が効力を持つ期間：「2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで」、終わりがなければ「…から」。"""
    return f"{date_text(since)}から" + (f"{date_text(last)}まで" if last is not None else "")


def units_text(units: int | None, schedule: FeeSchedule) -> str:
    """基本報酬の表の欄：「3,200単位／月」、記載のない欄は報酬表の短い語（「本通知に記載なし」など）。"""
    return base_units_text(units, schedule.missing_label)


def base_units_text(units: int | None, note: str | None) -> str:
    """結果の基本報酬：「3,200単位／月」、単位数がなければ規則の注（base_units_note）。"""
    return f"{units:,}単位／月" if units is not None else (note or "—")


@dataclass(frozen=True)
class FeeGrid:
    """基本報酬の表：列（区分、範囲、規模ごと）と行（区分ごと）。current は強調する行・列（なければ None）。"""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Tier, tuple[str, ...]], ...]
    current_row: int | None
    current_column: int | None


def fee_grid(schedule: FeeSchedule, tiers: tuple[Tier, ...], current_rank: int | None = None,
             current_scale: str | None = None) -> FeeGrid:
    """区分 × 利用者数規模の基本報酬表（報酬表のパラメータから、ここだけで組み立てる）。"""
    columns = ("就労定着率の区分", "範囲", *(scale.label for scale in schedule.scales))
    rows = tuple(
        (tier, (tier.label, tier_range(tier),
                *(units_text(schedule.units(tier.label, scale.key), schedule) for scale in schedule.scales)))
        for tier in tiers
    )
    current_row = next((i for i, tier in enumerate(tiers) if tier.rank == current_rank), None)
    labels = [scale.label for scale in schedule.scales]
    current_column = 2 + labels.index(current_scale) if current_scale in labels else None
    return FeeGrid(schedule.name, columns, rows, current_row, current_column)


_COUNTING = {"per_month": "1月につき", "per_time": "1回につき", "once": "1回限り", "percent": "所定単位数に対する割合"}


def item_value_text(item: ClaimItem, value: ItemValue) -> str:
    """加算・減算の一つの値：「500単位（1月につき）」「… 上限 1月に1回・1年に4回」「所定単位数の10%を減算」、廃止・未確認。"""
    if value.ended:
        return ENDED
    if value.not_covered:
        return f"記載なし（未確認）：{value.not_covered}"
    if value.rate is not None:
        return f"所定単位数の{percent_text(value.rate, 0)}を減算"
    if value.steps:  # 状態が続いた月数で割合が変わる減算（percent_by_months）
        return value.steps_text()
    limits = ([f"1月に{value.per_month}回"] if value.per_month is not None else []) + \
        ([f"1年に{value.per_year}回"] if value.per_year is not None else [])
    text = f"{value.units:,}単位（{_COUNTING.get(item.counting, item.counting)}）"
    if not limits:
        return text
    return text + f"、上限 {'・'.join(limits)}" + ("（同じ種類の加算と合わせて）" if item.limit_group else "")
