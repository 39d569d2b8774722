"""「今日」の表：サイトを生成した日に効力を持つ報酬表・加算・減算・条項（その日付を必ず示す）。

ガイドの「報酬」は本通知（平成30年度）の表より先に、生成日の制度を示す（issue：今日の規則を先に）。
静的なサイトなので「今日」は生成日であり、表の見出しにその日付と、使った改定の名と施行日を書く。
"""

from __future__ import annotations

import datetime as dt

from teichaku.interfaces.present import date_text, fee_grid, item_value_text, period_text
from teichaku.rules.params import FeeSchedule, ParameterSet, Tier, default_parameters, registry

from .tables import _period, cite, grid_markdown


def build_date() -> dt.date:
    return dt.date.today()


def current_fee(params: ParameterSet | None = None, on: dt.date | None = None) -> str:
    """生成日に効力を持つ基本報酬の表（区分・範囲・単位数）。"""
    params = params or default_parameters()
    on = on or build_date()
    schedule_value = params.at("fees.base_fee", on)
    schedule: FeeSchedule = schedule_value.value
    tiers: tuple[Tier, ...] = params.at("retention.tiers", on).value
    caption = (f"**このページの生成日 {date_text(on)} に効力を持つ基本報酬（1月につき）：{schedule.name}"
               f"（{date_text(schedule_value.since)}から）**")
    notes = [f"出典：{cite(schedule_value.source)}"]
    if "fees.unconfirmed_revision" in params and params.get("fees.unconfirmed_revision").covers(on):
        pending = params.at("fees.unconfirmed_revision", on).value
        notes.append(f"注意：この日には{pending}が適用されうるが、このサイトは反映していません。")
    return caption + "\n\n" + grid_markdown(fee_grid(schedule, tiers)) + "\n\n" + "\n".join(notes) + "\n{: .table-source }"


def current_items(params: ParameterSet | None = None, on: dt.date | None = None) -> str:
    """生成日にある加算・減算（登録簿から）。"""
    params = params or default_parameters()
    on = on or build_date()
    rows = ["| 加算・減算 | 単位数 | 主な要件 | 期間 | 出典 |", "|---|---|---|---|---|"]
    reg = registry(params)
    for item in reg.on(on):
        value = item.at(on)
        assert value is not None
        kind = "減算" if item.is_reduction else "加算"
        rows.append(f"| {item.name_on(on)}（{kind}） | {item_value_text(item, value, reg.items)} | {item.requirement} | {_period(value)} | "
                    f"{cite(value.source)} |")
    return (f"**このページの生成日 {date_text(on)} にある加算・減算**\n\n" + "\n".join(rows)
            + "\n\n廃止されたもの・以前の単位数は[報酬改定の履歴](history.md)の表にあります。\n{: .table-source }")


def article(params: ParameterSet | None = None) -> str:
    """就労定着支援を定める条項（日付による）。"""
    params = params or default_parameters()
    parameter = params.get("act.teichaku_article")
    rows = ["| 期間 | 条項 | 出典 |", "|---|---|---|"]
    for value in parameter.values:
        last = value.until - dt.timedelta(days=1) if value.until else None
        rows.append(f"| {period_text(value.since, last)} | 障害者総合支援法{value.value} | {cite(value.source)} |")
    return "\n".join(rows)


def article_today(params: ParameterSet | None = None, on: dt.date | None = None) -> str:
    params = params or default_parameters()
    on = on or build_date()
    return f"障害者総合支援法{params.value('act.teichaku_article', on)}（{date_text(on)}時点）"
