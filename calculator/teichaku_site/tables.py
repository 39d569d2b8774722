"""パラメータ（teichaku.rules.params）から作る Markdown の表。

どの関数も表にするパラメータの集まり（ParameterSet）を引数に取る（既定は同梱の data/）。試験ではディレクトリから
読んだ別の集まりを渡して、将来の日付の値や廃止（ended）の値でもビルドが壊れないことを確かめる。

- パラメータの表（staffing・periods・q3_factors・goal・parameters）は、日付つきの値を**すべて**その期間とともに
  示す（「令和3年4月1日から令和6年3月31日まで」「令和6年4月1日から」）。廃止の値は「（この日から廃止・なし）」。
- 本通知の値を示すと決めた表（base_fee・tiers・additions）は、本通知の日（平成31年3月29日）に効力を持つ値を
  示し、そのことを表の注に書く。
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from teichaku.rules.citations import Citation
from teichaku.rules.dates import ERAS
from teichaku.rules.explain import NOTICE_DATE
from teichaku.rules.items import ClaimItem, ItemValue, registry
from teichaku.rules.numbers import decimal_text, percent_text
from teichaku.rules.params import FeeSchedule, Parameter, ParameterSet, ParameterValue, Tier, default_parameters
from teichaku.rules.retention import NOT_GIVEN

ENDED = "（この日から廃止・なし）"


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else default_parameters()


def cite(citation: Citation) -> str:
    """出典の表示（本通知以外の値は確度と照合先を添える）。"""
    text = citation.label
    if citation.confidence:
        level = {"high": "高", "medium": "中", "low": "低"}[citation.confidence]
        text += f"（確度：{level}。{citation.checked_against}で確認）"
    return text


def _jdate(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def wareki(day: dt.date) -> str:
    """和暦の日付：2021-04-01 → 「令和3年4月1日」、2019-05-01 → 「令和元年5月1日」。"""
    for era in ERAS:
        if day >= era.start:
            year = day.year - era.start.year + 1
            return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return _jdate(day)


def is_ended(item: ParameterValue) -> bool:
    """「この日から廃止・なし」の値（ローダーの ended、または値が None）。"""
    return bool(getattr(item, "ended", False)) or item.value is None


def period(item: ParameterValue) -> str:
    """値が効力を持つ期間：「令和3年4月1日から令和6年3月31日まで」「令和6年4月1日から」。"""
    start = f"{wareki(item.since)}から"
    if item.until is None:
        return start
    return f"{start}{wareki(item.until - dt.timedelta(days=1))}まで"


def _bounds(tier: Tier) -> str:
    low = f"{percent_text(tier.lower, 0)}以上" if tier.lower > 0 else ""
    high = f"{percent_text(tier.upper, 0)}未満" if tier.upper is not None else ""
    return low + high


def base_fee(params: ParameterSet | None = None) -> str:
    """基本報酬の表（区分 × 利用者数規模）、本通知の報酬表。記載のない規模は「本通知に記載なし」。"""
    params = _params(params)
    item = params.at("fees.base_fee", NOTICE_DATE)
    schedule: FeeSchedule = item.value
    tiers: tuple[Tier, ...] = params.value("retention.tiers", NOTICE_DATE)
    header = "| 就労定着率の区分 | 範囲 | " + " | ".join(scale.label for scale in schedule.scales) + " |"
    rule = "|---|---|" + "---:|" * len(schedule.scales)
    rows = []
    for tier in tiers:
        cells = []
        for scale in schedule.scales:
            units = schedule.units(tier.label, scale.key)
            cells.append(f"{units:,}単位／月" if units is not None else NOT_GIVEN)
        rows.append(f"| {tier.label} | {_bounds(tier)} | " + " | ".join(cells) + " |")
    until = f"{_jdate(item.until - dt.timedelta(days=1))}まで" if item.until else "現在まで"
    note = (f"\n\n**この表は「{schedule.name}」（{_jdate(item.since)}から{until}）です。** 以降の改定は"
            f"[報酬改定の履歴](history.md)を参照。表の出典：{cite(item.source)}。"
            f"「{NOT_GIVEN}」の欄：{schedule.missing_note}。\n{{: .table-source }}")
    return "\n".join([header, rule, *rows]) + note


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
        f"{schedule.name if schedule else ENDED}<br>{_jdate(value.since)}から" for value, schedule in zip(values, schedules, strict=True)
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
            cells.append(f"{tier.label}（{_bounds(tier)}）：" + (f"{units:,}単位" if units is not None else schedule.missing_label))
        rows.append(f"| {rank + 1} | " + " | ".join(cells) + " |")
    scale_row = "| 利用者数による規模 | " + " | ".join(
        (" ／ ".join(scale.label for scale in schedule.scales) if schedule else "—") for schedule in schedules) + " |"
    larger = "| 21人以上の規模の単位数 | " + " | ".join(
        ("—" if schedule is None else schedule.missing_label if len(schedule.scales) > 1 else "（規模の区分なし）")
        for schedule in schedules) + " |"
    source = "| 出典 | " + " | ".join(cite(value.source) for value in values) + " |"
    notes = [f"- {schedule.name}：{value.source.note}"
             for value, schedule in zip(values, schedules, strict=True) if schedule and value.source.note]
    table = "\n".join([header, rule, *rows, scale_row, larger, source])
    caption = ("\n\n単位数は「単位／月」、利用者数の規模があるものは「利用者数20人以下」の欄です。"
               "区分の範囲は「以上」「未満」です。\n{: .table-source }")
    return table + caption + ("\n\n" + "\n".join(notes) if notes else "")


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
        rows.append(f"| {tier.rank} | {tier.label} | {_bounds(tier)} |")
    until = f"{_jdate(item.until - dt.timedelta(days=1))}まで" if item.until else "現在まで"
    return "\n".join(rows) + (f"\n\n**この区分は本通知のもの（{_jdate(item.since)}から{until}）です。** 令和3年4月からの区分は"
                               f"[報酬改定の履歴](history.md)を参照。出典：{cite(item.source)}\n{{: .table-source }}")


# 加算の表（本通知の加算）。条件の文は手で書いた写しで、加算・減算の登録簿（teichaku.rules.items）に置き換わる予定。
_COUNTING = {"per_month": "1月につき", "per_time": "1回につき", "once": "1回限り", "percent": "所定単位数に対する割合"}


def _item_value(item: ClaimItem, value: ItemValue) -> str:
    if value.ended:
        return ENDED
    if value.not_covered:
        return f"記載なし（未確認）：{value.not_covered}"
    if value.rate is not None:
        return f"所定単位数の{percent_text(value.rate, 0)}を減算"
    limits = [f"1月に{value.per_month}回" for _ in [0] if value.per_month is not None] + \
        [f"1年に{value.per_year}回" for _ in [0] if value.per_year is not None]
    text = f"{value.units:,}単位（{_COUNTING[item.counting]}）"
    return text + (f"、上限 {'・'.join(limits)}" + ("（同じ種類の加算と合わせて）" if item.limit_group else "") if limits else "")


def _period(value: ItemValue) -> str:
    last = value.last_day
    return f"{_jdate(value.since)}から" + (f"{_jdate(last)}まで" if last else "")


def additions(params: ParameterSet | None = None) -> str:
    """加算・減算の表：登録簿（data/claim_items.toml）のすべての項目の、すべての日付つきの値（廃止・未確認を含む）。"""
    reg = registry(_params(params))
    rows = ["| 加算・減算 | 期間 | 単位数 | 主な要件 | 出典 |", "|---|---|---|---|---|"]
    for item in reg.items:
        kind = "減算" if item.is_reduction else "加算"
        for value in item.values:
            name = value.name or item.name
            rows.append(f"| {name}（{kind}） | {_period(value)} | {_item_value(item, value)} | "
                        f"{item.requirement if not value.ended else '—'} | {cite(value.source)} |")
    note = ("\n\n**この表は加算・減算の登録簿のすべての期間を示します。** 単位数が「記載なし（未確認）」の項目は、計算機の合計に含めず、"
            "合計にそのことを明示します。減算は所定単位数（加算の前の基本報酬）に割合を乗じ、1単位未満を四捨五入します"
            "（留意事項通知 第二 1 通則）。\n{: .table-source }")
    return "\n".join(rows) + note


def show(item: ParameterValue, parameter: Parameter) -> str:
    """一つの値の表示（単位つき）。廃止の値は「（この日から廃止・なし）」。"""
    if is_ended(item):
        return ENDED
    value: Any = item.value
    if isinstance(value, Fraction):
        return percent_text(value, 0) if parameter.unit == "割合" else decimal_text(value)
    if isinstance(value, dt.date):
        return _jdate(value)
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return "、".join(value)
    if isinstance(value, tuple):
        return "（区分表：就労定着率の区分を参照）"
    if isinstance(value, FeeSchedule):
        return f"「{value.name}」（基本報酬の表・報酬改定の履歴を参照）"
    unit = parameter.unit if parameter.unit not in {"割合", "日付", "サービス"} else ""
    return f"{value:,}{unit}" if isinstance(value, int) else str(value)


def param_rows(names: list[str], params: ParameterSet | None = None) -> str:
    """パラメータの表：値ごとに一行（項目、値、適用の期間、出典）。"""
    params = _params(params)
    rows = ["| 項目 | 値 | 適用 | 出典 |", "|---|---|---|---|"]
    for name in names:
        parameter = params.get(name)
        for item in parameter.values:
            rows.append(f"| {parameter.description} | {show(item, parameter)} | {period(item)} | {cite(item.source)} |")
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
    """パラメータ一覧：すべてのパラメータの、日付つきのすべての値（名前、内容、値、適用の期間、出典と引用）。"""
    params = _params(params)
    rows = ["| 名前 | 内容 | 値 | 適用 | 出典（引用） |", "|---|---|---|---|---|"]
    for parameter in params.all():
        for item in parameter.values:
            quote = item.source.quote.replace("|", "｜")
            rows.append(f"| `{parameter.name}` | {parameter.description} | {show(item, parameter)} | {period(item)} | "
                        f"{cite(item.source)}：「{quote}」 |")
    return "\n".join(rows)
