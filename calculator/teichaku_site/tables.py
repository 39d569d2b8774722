"""パラメータ（teichaku.rules.params）から作る Markdown の表。

どの関数も表にするパラメータの集まり（ParameterSet）を引数に取る（既定は同梱の data/）。試験ではディレクトリから
読んだ別の集まりを渡して、将来の日付の値や廃止（ended）の値でもビルドが壊れないことを確かめる。

- パラメータの表（staffing・periods・q3_factors・goal・parameters）は、日付つきの値を**すべて**その期間とともに
  示す（「2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで」「…から」）。廃止の値は「（この日から廃止・なし）」。
- 書き方（日付・期間・区分の範囲・基本報酬の表・加算の値）は計算機と同じ teichaku.interfaces.present のもの。
- 本通知の値を示すと決めた表（base_fee・tiers・additions）は、本通知の日（平成31年3月29日）に効力を持つ値を
  示し、そのことを表の注に書く。
- 出典（cite）は文書の題名と日付、公開のアドレス（リンク）か「公開の所在は未確認」、箇所、確度（高・中・低）。調べた記録の
  パス（sources/…）・データのキーは読者のページに出さない（パラメータ一覧も、内容は日本語の説明と日本語の値で示す）。
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

from teichaku.interfaces.present import (
    ENDED,
    NOT_FOUND,
    FeeGrid,
    confidence_text,
    date_text,
    fee_grid,
    half_width_digits,
    instrument_text,
    item_value_text,
    period_text,
    reader_text,
    tier_range,
)
from teichaku.rules.citations import Citation
from teichaku.rules.explain import NOTICE_DATE
from teichaku.rules.items import ItemValue
from teichaku.rules.numbers import decimal_text, percent_text
from teichaku.rules.params import FeeSchedule, Parameter, ParameterSet, ParameterValue, Tier, default_parameters, registry

from . import SiteBuildError

__all__ = ["ENDED", "ROUNDING", "UnlabelledValue", "additions", "base_fee", "cite", "fee_history", "goal", "grid_markdown",
           "is_ended", "param_rows", "parameters", "period", "periods", "q3_factors", "show", "staffing", "tiers"]


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else default_parameters()


def cite(citation: Citation) -> str:
    """出典の表示（Markdown）：略称（文書の題名と日付）に、公開のアドレスがあればそのリンク、なければ「公開の所在は未確認」、
    箇所（本通知は別添の頁も）、本通知以外の値は確度（高・中・低）と照合した資料。リポジトリの中のパスは出さない。

    略称はガイドの文の呼び方（「報酬告示」「基準省令」）で、題名がそれで始まる文書（民法）と本通知は題名だけ。
    例：「報酬告示（障害者の日常生活及び…（平成18年厚生労働省告示第523号）。公開の所在は未確認） 別表第14の2 …（確度：中。…）」
    """
    document = citation.document
    title = instrument_text(document)
    short = document.short.split("（")[0].strip()
    linked = f"[{title}]({document.url})" if document.url else f"{title}。{NOT_FOUND}"
    if document.key == "notice" or title.startswith(short):
        shown = f"[{title}]({document.url})" if document.url else f"{title}（{NOT_FOUND}）"
    else:
        shown = f"{short}（{linked}）"
    page = f"p.{citation.page} " if citation.page is not None and document.key == "notice" else ""
    where = half_width_digits(f"{page}{citation.section}".strip())
    return f"{shown} {where}{confidence_text(citation)}" if where else f"{shown}{confidence_text(citation)}"




def is_ended(item: ParameterValue) -> bool:
    """「この日から廃止・なし」の値（ローダーの ended、または値が None）。"""
    return bool(getattr(item, "ended", False)) or item.value is None


def period(item: ParameterValue) -> str:
    """値が効力を持つ期間：「令和3年4月1日から令和6年3月31日まで」「令和6年4月1日から」。"""
    return period_text(item.since, item.until - dt.timedelta(days=1) if item.until else None)


def grid_markdown(grid: FeeGrid, align_units: bool = True) -> str:
    """基本報酬の表（present.fee_grid）の Markdown。単位数の列は右寄せ。"""
    header = "| " + " | ".join(grid.columns) + " |"
    rule = "|---|---|" + ("---:|" if align_units else "---|") * (len(grid.columns) - 2)
    return "\n".join([header, rule, *("| " + " | ".join(cells) + " |" for _, cells in grid.rows)])


def base_fee(params: ParameterSet | None = None) -> str:
    """基本報酬の表（区分 × 利用者数規模）、本通知の報酬表。記載のない規模は「本通知に記載なし」。"""
    params = _params(params)
    item = params.at("fees.base_fee", NOTICE_DATE)
    schedule: FeeSchedule = item.value
    tiers: tuple[Tier, ...] = params.value("retention.tiers", NOTICE_DATE)
    until = "" if item.until else "現在まで"
    note = (f"\n\n**この表は「{schedule.name}」（{period(item)}{until}）です。** 以降の改定は"
            f"[報酬改定の履歴](history.md)を参照。表の出典：{cite(item.source)}。"
            f"「{schedule.missing_label}」の欄：{schedule.missing_note}。\n{{: .table-source }}")
    return grid_markdown(fee_grid(schedule, tiers)) + note


def fee_history(params: ParameterSet | None = None) -> str:
    """報酬改定の履歴：各報酬表を横に並べる（区分の順位ごとに、区分名と最小規模の単位数）。データから生成。

    廃止の値（ended）の列は「（この日から廃止・なし）」とだけ示す。
    """
    params = _params(params)
    values = params.get("fees.base_fee").values
    schedules: list[FeeSchedule | None] = [None if is_ended(value) else value.value for value in values]
    tiers_param = params.get("retention.tiers")
    tier_sets: list[tuple[Tier, ...]] = []
    for value in values:
        found = _effective(tiers_param, value.since)
        tier_sets.append(() if found is None or is_ended(found) else found.value)
    header = "| 区分の順位 | " + " | ".join(
        f"{schedule.name if schedule else ENDED}<br>{date_text(value.since)}から" for value, schedule in zip(values, schedules, strict=True)
    ) + " |"
    rule = "|---:|" + "---|" * len(values)
    depth = max(len(tiers) for tiers in tier_sets)
    rows = []
    for rank in range(depth):
        cells = []
        for schedule, tiers in zip(schedules, tier_sets, strict=True):
            if schedule is None or rank >= len(tiers):
                cells.append("—")
                continue
            tier = tiers[rank]
            units = schedule.units(tier.label, schedule.scales[0].key)
            cells.append(f"{tier.label}（{tier_range(tier)}）：" + (f"{units:,}単位" if units is not None else schedule.missing_label))
        rows.append(f"| {rank + 1} | " + " | ".join(cells) + " |")
    scale_row = "| 利用者数による規模 | " + " | ".join(
        (" ／ ".join(scale.label for scale in schedule.scales) if schedule else "—") for schedule in schedules) + " |"
    larger = "| 21人以上の規模の単位数 | " + " | ".join(
        ("—" if schedule is None else schedule.missing_label if len(schedule.scales) > 1 else "（規模の区分なし）")
        for schedule in schedules) + " |"
    billing = _billing_row(params, values, schedules)
    source = "| 出典 | " + " | ".join(cite(value.source) for value in values) + " |"
    table = "\n".join([header, rule, *rows, scale_row, larger, *billing, source])
    caption = ("\n\n単位数は「単位／月」、利用者数の規模があるものは「利用者数20人以下」の欄です。"
               "区分の範囲は「以上」「未満」です。" + _billing_sources(params) + "\n{: .table-source }")
    return table + caption


def _billing_sources(params: ParameterSet) -> str:
    if "fees.billing_condition" not in params:
        return ""
    condition = params.get("fees.billing_condition")
    return "基本報酬を請求できる月の要件の出典：" + "、".join(
        f"{show(value, condition, params)}は{cite(value.source)}" for value in condition.values if not is_ended(value)) + "。"


def _billing_row(params: ParameterSet, values: tuple[ParameterValue, ...], schedules: list[FeeSchedule | None]) -> list[str]:
    """報酬表ごとの「基本報酬を請求できる月の要件」（fees.billing_condition の、その表の施行日の値。名は登録簿の [billing]）。"""
    if "fees.billing_condition" not in params:
        return []
    condition = params.get("fees.billing_condition")
    cells = []
    for value, schedule in zip(values, schedules, strict=True):
        found = _effective(condition, value.since)
        cells.append("—" if schedule is None or found is None or is_ended(found)
                     else f"{show(found, condition, params)}（{date_text(found.since)}から）")
    return [f"| {reader_text(condition.description).split('（')[0]} | " + " | ".join(cells) + " |"]


def _effective(parameter: Parameter, on: dt.date) -> ParameterValue | None:
    """on の日に効力を持つ値（廃止の値も含む）。最初の値より前なら None。"""
    found: ParameterValue | None = None
    for item in parameter.values:
        if item.since <= on:
            found = item
    return found


def tiers(params: ParameterSet | None = None) -> str:
    """就労定着率の区分（本通知のもの）。令和3年4月からの区分は報酬改定の履歴の表にある。"""
    params = _params(params)
    rows = ["| 順位 | 区分 | 就労定着率の範囲（下限は含み、上限は含まない） |", "|---:|---|---|"]
    item = params.at("retention.tiers", NOTICE_DATE)
    for tier in item.value:
        rows.append(f"| {tier.rank} | {tier.label} | {tier_range(tier)} |")
    until = "" if item.until else "現在まで"
    return "\n".join(rows) + (f"\n\n**この区分は本通知のもの（{period(item)}{until}）です。** 令和3年4月からの区分は"
                               f"[報酬改定の履歴](history.md)を参照。出典：{cite(item.source)}\n{{: .table-source }}")


def _period(value: ItemValue) -> str:
    return period_text(value.since, value.last_day)


def additions(params: ParameterSet | None = None) -> str:
    """加算・減算の表：登録簿（data/claim_items.toml）のすべての項目の、すべての日付つきの値（廃止・未確認を含む）。"""
    reg = registry(_params(params))
    rows = ["| 加算・減算 | 期間 | 単位数 | 主な要件 | 出典 |", "|---|---|---|---|---|"]
    for item in reg.items:
        kind = "減算" if item.is_reduction else "加算"
        for value in item.values:
            name = value.name or item.name
            rows.append(f"| {name}（{kind}） | {_period(value)} | {item_value_text(item, value, reg.items)} | "
                        f"{item.requirement if not value.ended else '—'} | {cite(value.source)} |")
    note = ("\n\n**この表は加算・減算の登録簿のすべての期間を示します。** 単位数が「記載なし（未確認）」の項目は、計算機の合計に含めず、"
            "合計にそのことを明示します。減算は所定単位数（加算の前の基本報酬）に割合を乗じ、1単位未満を四捨五入します"
            "（留意事項通知 第二 1 通則）。\n{: .table-source }")
    return "\n".join(rows) + note


# 値が ASCII のキーである text のパラメータの、読者に見せる名（基本報酬の要件のキーは登録簿の [billing] の label による）
ROUNDING = {"floor": "切り捨て", "round": "四捨五入", "ceil": "切り上げ"}
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class UnlabelledValue(SiteBuildError):
    """読者に見せる名のない、キーの形の値（表にキーを出さないため、ビルドを止める）。"""


def _value_label(value: str, parameter: Parameter, params: ParameterSet) -> str:
    if not _KEY.fullmatch(value):
        return value
    billing = registry(params).billing
    if value in billing:
        return billing[value].label
    if value in ROUNDING:
        return ROUNDING[value]
    raise UnlabelledValue(f"{parameter.name}：値「{value}」の読者に見せる名がありません（tables.ROUNDING か登録簿の [billing]）")


def show(item: ParameterValue, parameter: Parameter, params: ParameterSet | None = None) -> str:
    """一つの値の表示（単位つき、日本語）。廃止の値は「（この日から廃止・なし）」。キーの形の値は読者に見せる名にする。"""
    if is_ended(item):
        return ENDED
    value: Any = item.value
    if isinstance(value, Fraction):
        return percent_text(value, 0) if parameter.unit == "割合" else decimal_text(value)
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return "、".join(value)
    if isinstance(value, tuple):
        return "（区分表：就労定着率の区分を参照）"
    if isinstance(value, FeeSchedule):
        return f"「{value.name}」（基本報酬の表・報酬改定の履歴を参照）"
    if isinstance(value, str):
        return reader_text(_value_label(value, parameter, _params(params)))
    unit = parameter.unit if parameter.unit not in {"割合", "日付", "サービス"} else ""
    return f"{value:,}{unit}" if isinstance(value, int) else str(value)


def param_rows(names: list[str], params: ParameterSet | None = None) -> str:
    """パラメータの表：値ごとに一行（項目、値、適用の期間、出典）。"""
    params = _params(params)
    rows = ["| 項目 | 値 | 適用 | 出典 |", "|---|---|---|---|"]
    for name in names:
        parameter = params.get(name)
        for item in parameter.values:
            rows.append(f"| {reader_text(parameter.description)} | {show(item, parameter, params)} | {period(item)} | "
                        f"{cite(item.source)} |")
    return "\n".join(rows)


def staffing(params: ParameterSet | None = None) -> str:
    return param_rows([
        "staffing.support_staff_ratio", "staffing.fulltime_min_hours", "staffing.fte_decimal_places",
        "staffing.service_manager_base_users", "staffing.service_manager_step_users",
        "staffing.average_users_months", "staffing.average_users_decimal_places",
        "staffing.implementing_body_years", "staffing.implementing_body_min_average",
    ], params)


def periods(params: ParameterSet | None = None) -> str:
    return param_rows([
        "periods.prior_services", "periods.wait_months", "periods.use_months", "periods.late_start_limit_months",
        "periods.decision_period_months", "periods.service_established",
    ], params)


def q3_factors(params: ParameterSet | None = None) -> str:
    return param_rows(["retention.q3_settled_factor", "retention.q3_half_year_months", "retention.estimate_months"], params)


def goal(params: ParameterSet | None = None) -> str:
    return param_rows(["retention.goal", "retention.goal_office_rate", "retention.goal_office_share", "retention.goal_usage_share",
                       "retention.goal_users_growth", "retention.lookback_years"], params)


def parameters(params: ParameterSet | None = None) -> str:
    """パラメータ一覧：すべてのパラメータの、日付つきのすべての値（内容、値、適用の期間、出典と引用）。

    データのキー（fees.base_fee など）は読者に見せない：内容は説明文、値は日本語の名（show）。
    """
    params = _params(params)
    rows = ["| 内容 | 値 | 適用 | 出典（引用） |", "|---|---|---|---|"]
    for parameter in params.all():
        for item in parameter.values:
            quote = item.source.quote.replace("|", "｜")
            rows.append(f"| {reader_text(parameter.description)} | {show(item, parameter, params)} | {period(item)} | "
                        f"{cite(item.source)}：「{quote}」 |")
    return "\n".join(rows)
