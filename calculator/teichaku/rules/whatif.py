"""結果を変える条件（「あと何人で上の区分か」など）：同じ規則で、境目の両側を計算して示す。

法令が線を引くところ（就労定着率の区分の「以上／未満」、人員基準の「40又はその端数を増すごとに」、利用期間の
「3年6月」）の近くにある結果について、何が変われば結果が変わるかを、その規則そのものを呼び直して求める
（式を別に書かない：境目の値を規則に渡して確かめる）。それぞれに根拠（出典）を付ける。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .citations import Citation
from .dates import Month, date_text, months_text
from .items import REQUIREMENT_UNMET
from .numbers import decimal_text, percent_text
from .params import FeeSchedule, ParameterSet, Tier, default_parameters, registry
from .retention import RetentionResult, tier_for
from .staffing import StaffingResult, staffing


@dataclass
class WhatIf:
    text: str
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": [c.label for c in self.citations]}


def _units_text(result: RetentionResult, tier: Tier, params: ParameterSet) -> str:
    """その区分の基本報酬（同じ報酬表・同じ規模）。規模が分からなければ何も言わない。"""
    if result.fee.scale is None:
        return ""
    schedule: FeeSchedule = params.at("fees.base_fee", result.explanation.on).value
    units = schedule.units(tier, result.fee.scale.key)
    return f"（{result.schedule}の表で{units:,}単位）" if units is not None else ""


def retention_changes(result: RetentionResult, parameters: ParameterSet | None = None) -> list[WhatIf]:
    """就労定着率：あと何人が就労を継続していれば一つ上の区分か、何人まで減っても今の区分か（分母は同じ）。

    境目は「以上」（下限を含む）。見つけた人数は、区分の規則（tier_for）に渡して確かめる。
    """
    params = parameters or default_parameters()
    out: list[WhatIf] = []
    found = params.at("retention.tiers", result.explanation.on)
    tiers: tuple[Tier, ...] = found.value
    den, kept = result.denominator, result.retained

    def ceil_share(bound: Fraction) -> int:
        return -(-bound.numerator * den // bound.denominator)

    if result.tier.upper is not None:
        needed = ceil_share(result.tier.upper)  # 上の区分の下限（以上）に届く最小の人数
        if kept < needed <= den:
            higher = tier_for(Fraction(needed, den), tiers)
            assert higher.rank < result.tier.rank and tier_for(Fraction(needed - 1, den), tiers) == result.tier
            out.append(WhatIf(f"あと{needed - kept}人が就労を継続していれば（{needed}/{den} = {percent_text(Fraction(needed, den))}）"
                              f"「{higher.label}」{_units_text(result, higher, params)}。", [found.source]))
    if result.tier.rank < len(tiers):
        spare = kept - ceil_share(result.tier.lower)  # 今の区分の下限を割らずに減らせる人数
        lower = tier_for(Fraction(kept - spare - 1, den), tiers)
        assert lower.rank > result.tier.rank
        if spare == 0:
            out.append(WhatIf(f"就労が継続している者が1人減ると（{kept - 1}/{den}）「{lower.label}」{_units_text(result, lower, params)}"
                              "に下がります。", [found.source]))
        else:
            out.append(WhatIf(f"あと{spare}人までなら就労が継続している者が減っても「{result.tier.label}」のままです"
                              f"（{spare + 1}人減ると「{lower.label}」）。", [found.source]))
    return out


def staffing_changes(result: StaffingResult, parameters: ParameterSet | None = None) -> list[WhatIf]:
    """人員配置：常勤換算の不足・余裕と、次のサービス管理責任者が要る利用者数（規則を呼び直して確かめる）。"""
    params = parameters or default_parameters()
    on = result.explanation.on
    out: list[WhatIf] = []
    ratio_source = params.at("staffing.support_staff_ratio", on).source
    if result.fte is not None:
        gap = result.fte - result.support_staff_required
        if gap < 0:
            out.append(WhatIf(f"就労定着支援員が常勤換算で{decimal_text(-gap)}不足しています（必要{decimal_text(result.support_staff_required)}、"
                              f"現在{decimal_text(result.fte)}）。", [ratio_source]))
        else:
            out.append(WhatIf(f"就労定着支援員の常勤換算に{decimal_text(gap)}の余裕があります（必要{decimal_text(result.support_staff_required)}、"
                              f"現在{decimal_text(result.fte)}）。", [ratio_source]))
    # 次のサービス管理責任者：利用者数を1人ずつ増やして、必要数が増える最小の人数を規則で探す（上限は現在の数 + 一段）
    step: int = params.value("staffing.service_manager_step_users", on)
    base: int = params.value("staffing.service_manager_base_users", on)
    start = int(result.users) + 1
    for users in range(start, start + max(step, base) + 2):
        if staffing(users, on=on, parameters=params).service_managers_required > result.service_managers_required:
            out.append(WhatIf(f"利用者数が{users}人になると、サービス管理責任者は{result.service_managers_required + 1}人以上必要です"
                              f"（今は{result.service_managers_required}人以上）。",
                              [params.at("staffing.service_manager_step_users", on).source]))
            break
    return out


def eligibility_changes(data: dict[str, Any], parameters: ParameterSet | None = None) -> list[WhatIf]:
    """利用期間：利用を始められる最後の日と、遅く始めると短くなる月数（本通知 p.21 ※2：3年6月から就労継続期間を除く）。"""
    if not data.get("eligible") or not data.get("latest_end"):
        return []
    earliest = _dt.date.fromisoformat(data["earliest_start"])
    latest_end = _dt.date.fromisoformat(data["latest_end"])
    start = _dt.date.fromisoformat(data["start"]) if data.get("start") else earliest
    params = parameters or default_parameters()
    # 就職日の値を読む（創設前の就職日は、制度の最初の値）
    found = params.at_or_first("periods.late_start_limit_months", _dt.date.fromisoformat(data["employed"]))
    limit = months_text(found.value)
    out = [WhatIf(f"利用を始められる最後の日は{date_text(latest_end)}（就職日から{limit}の期間の末日。支給決定できる最後の日）"
                  "です。遅く始めるほど、利用できる期間はその分短くなります。", [found.source])]
    if start > earliest:
        lost = (Month.of(start).year - Month.of(earliest).year) * 12 + Month.of(start).month - Month.of(earliest).month
        out.append(WhatIf(f"最も早い利用開始日（{date_text(earliest)}）より遅く始めたため、利用できる期間は約{lost}か月短くなります"
                          f"（期間の終わりは就職日から{limit}のまま）。", [found.source]))
    return out


def billing_unmet(data: dict[str, Any], parameters: ParameterSet | None = None) -> bool:
    """請求の結果（to_dict）で、基本報酬の要件（登録簿の [billing]、支援レポートの共有・対面による支援）を満たさなかったか。
    規則（fees.claim）は満たさない月の基本報酬の注にその要件の note を入れる。"""
    condition = registry(parameters).billing.get(data.get("billing_condition_key") or "")
    return condition is not None and data.get("base_units") == 0 and data.get("base_units_note") == condition.note


def claim_changes(data: dict[str, Any], on: _dt.date, parameters: ParameterSet | None = None,
                  base_units_if_met: int | None = None) -> list[WhatIf]:
    """請求：基本報酬の要件（支援レポートの共有など）を満たさなかった月は、その事実と、満たせば請求できる基本報酬
    （base_units_if_met：その月の区分と規模の単位数）を先に示す。続いて、算定しなかった加算のうち、要件の事実（flag）を
    満たさなかったもの（理由の符号 requirement_unmet）を、その事実と単位数で示す。加算は登録簿のキーで選ぶ（表示名・
    理由の文では選ばない）。"""
    reg = registry(parameters)
    params = parameters or default_parameters()
    out: list[WhatIf] = []
    if billing_unmet(data, parameters):
        condition = reg.billing[data["billing_condition_key"]]
        label = reg.facts[condition.fact].label if condition.fact in reg.facts else condition.label
        units = f"基本報酬 {base_units_if_met:,}単位と、要件を満たす加算" if base_units_if_met else "基本報酬と、要件を満たす加算"
        out.append(WhatIf(f"「{label}」に当たれば（{condition.label}）、{units}を請求できます。",
                          [params.at("fees.billing_condition", on).source]))
    for refusal in data.get("rejected", []):
        if refusal.get("code") != REQUIREMENT_UNMET:
            continue
        try:
            item = reg.get(refusal.get("key", ""))
        except KeyError:
            continue
        if item.is_reduction:
            continue
        value = item.at(on)
        if value is None or value.units is None:
            continue
        facts = [reg.facts[key] for key in item.requirement_facts if reg.facts[key].kind == "flag"]
        if facts:
            labels = "・".join(f"「{f.label}」" for f in facts) or "要件"
            out.append(WhatIf(f"{labels}に当たれば、{item.name_on(on)} +{value.units:,}単位（{item.requirement}）。", [value.source]))
    return out
