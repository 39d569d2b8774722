"""新規指定の事業所の利用者数・就労定着率（Q&A 問3、別添 p.32；問1 p.30）。

問3の表：
- 指定から６月未満：報酬の利用者数 = 過去３年間の６月定着者×70％（指定を受ける前月末から起算）、
  就労定着率 = 定着者÷過去３年間の就職者（推定値）、人員基準上の利用者数 = 過去３年間の６月定着者総数×70％
  （指定の申請日から起算）。
- ６月以上１年未満：利用者数 = 直近６月の延べ利用者数÷６、就労定着率は推定値のまま。
- １年以上：利用者数 = 直近１年間の延べ利用者数÷12、就労定着率は問1（年度途中）または前年度末日による。
平均の端数は前年度の平均利用者数と同じく小数点第2位以下切り上げとする（本ツールの選択：問3は端数処理を示さない）。
段階の境目は指定日を第1日とする６月・１年の期間（民法第143条）で判定する。

パラメータを読む日（本ツールの選択）：すべて基準日 on に効力を持つ値（就労定着率の区分 retention.tiers、70％、月数、
端数処理）。問3の推定値は基準日の月の報酬・人員基準に使うものなので、その日の区分で示す（令和3年4月以後は「9割5分以上」
「3割未満」を含む7区分）。指定日が就労定着支援の創設（平成30年4月1日）より前なら入力の誤り。
入力の誤りは項目キー（designated、on、settled_six_months、settled_six_months_at_application、retained、placed、
recent_user_months）で名指しする。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .dates import date_text, months_text, parse_date, period_end
from .errors import InputError
from .explain import Explanation
from .numbers import decimal_text, parse_count, percent_text, round_up
from .params import ParameterSet, default_parameters
from .passages import passage
from .retention import tier_for


def stage_names(half: int, year: int) -> tuple[str, str, str]:
    """問3の段階の名（月数は基準日に効力を持つパラメータ retention.q3_half_year_months・retention.estimate_months）。"""
    h, y = months_text(half), months_text(year)
    return (f"指定から{h}未満", f"指定から{h}以上{y}未満", f"指定から{y}以上")


@dataclass
class NewOfficeResult:
    stage: int
    stage_name: str
    fee_users: Fraction | None
    staffing_users: Fraction | None
    rate: Fraction | None
    tier: str | None
    notes: list[str]
    explanation: Explanation = field(repr=False)
    tier_key: str | None = None  # 区分の ASCII キー（retention.tiers の key）。表示名 tier と並べて JSON に出す

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage_name,
            "stage_index": self.stage + 1,
            "fee_users": decimal_text(self.fee_users, 1) if self.fee_users is not None else None,
            "staffing_users": decimal_text(self.staffing_users, 1) if self.staffing_users is not None else None,
            "rate": f"{self.rate.numerator}/{self.rate.denominator}" if self.rate is not None else None,
            "percent": percent_text(self.rate) if self.rate is not None else None,
            "tier": self.tier,
            "tier_key": self.tier_key,
            "notes": list(self.notes),
            **self.explanation.to_dict(),
        }


def _opt(value: str | int | None, field: str) -> int | None:
    return parse_count(value, field) if value not in (None, "") else None


def new_office(
    designated: str | _dt.date,
    on: str | _dt.date,
    settled_six_months: str | int | None = None,
    settled_six_months_at_application: str | int | None = None,
    retained: str | int | None = None,
    placed: str | int | None = None,
    recent_user_months: str | int | None = None,
    parameters: ParameterSet | None = None,
) -> NewOfficeResult:
    """問3：指定日 designated から基準日 on までの経過に応じて、報酬・人員基準上の利用者数と就労定着率を推定する。

    settled_six_months：過去３年間の６月定着者数（指定を受ける前月末から起算）。
    settled_six_months_at_application：同（指定の申請日から起算。人員基準用。省略時は settled_six_months と同じ）。
    retained / placed：定着者数 / 過去３年間の就職者数（就労定着率の推定）。
    recent_user_months：直近６月（６月以上１年未満）又は直近１年間（１年以上）の延べ利用者数。
    """
    start = parse_date(designated, "designated")
    day = parse_date(on, "on")
    if day < start:
        raise InputError("on", "基準日が指定日より前です。")
    settled = _opt(settled_six_months, "settled_six_months")
    settled_app = _opt(settled_six_months_at_application, "settled_six_months_at_application")
    kept = _opt(retained, "retained")
    hired = _opt(placed, "placed")
    recent = _opt(recent_user_months, "recent_user_months")
    params = parameters or default_parameters()
    established: _dt.date = params.get("periods.service_established").values[0].value
    if start < established:
        raise InputError("designated", f"就労定着支援は{date_text(established)}に創設されたため、それより前の指定日はありません。")
    ex = Explanation(on=day, parameters=params)  # 基準日に効力を持つ値を読む
    q3 = passage("q3", params)
    half = ex.param("retention.q3_half_year_months")
    year = ex.param("retention.estimate_months")
    half_end = period_end(start, half)
    year_end = period_end(start, year)
    stage = 0 if day <= half_end else 1 if day <= year_end else 2
    names = stage_names(half, year)
    years = ex.peek("retention.lookback_years")  # 「過去3年間」（出典は問3の表）
    ex.step(f"指定日{date_text(start)}、基準日{date_text(day)}：{names[stage]}"
            f"（{months_text(half)}の満了日{date_text(half_end)}、{months_text(year)}の満了日{date_text(year_end)}）。", extra=(q3,))
    places = ex.param("staffing.average_users_decimal_places")
    notes: list[str] = []
    fee_users: Fraction | None = None
    staffing_users: Fraction | None = None
    rate: Fraction | None = None
    if stage == 0:
        factor = ex.param("retention.q3_settled_factor")
        if settled is None:
            raise InputError("settled_six_months", f"{names[0]}の利用者数の推定に必要です。")
        fee_users = round_up(settled * factor, places)
        ex.step(f"報酬の利用者数 = 過去{years}年間の{months_text(half)}定着者{settled}人 × {percent_text(factor, 0)} = "
                f"{decimal_text(fee_users, places)}人"
                "（指定を受ける前月末から起算）。", "retention.q3_settled_factor")
        base = settled_app if settled_app is not None else settled
        staffing_users = round_up(base * factor, places)
        ex.step(f"人員基準上の利用者数 = 過去{years}年間の{months_text(half)}定着者総数{base}人 × {percent_text(factor, 0)} = "
                f"{decimal_text(staffing_users, places)}人（指定の申請日から起算）。", "retention.q3_settled_factor")
        notes.append("これらにより難い合理的な理由がある場合、他の適切な方法により利用者の数を推定できる（指定基準のみ）。")
    else:
        divisor = half if stage == 1 else year  # 直近6月÷6、直近1年間（12月）÷12
        label = f"直近{months_text(half)}" if stage == 1 else f"直近{months_text(year)}間"
        if recent is None:
            raise InputError("recent_user_months", f"{names[stage]}の利用者数は{label}の延べ利用者数から求めます。")
        fee_users = round_up(Fraction(recent, divisor), places)
        staffing_users = fee_users
        ex.step(f"報酬・人員基準上の利用者数 = {label}の延べ利用者数{recent}人 ÷ {divisor} = {decimal_text(fee_users, places)}人"
                f"（小数点第{places + 1}位以下切り上げ）。", "staffing.average_users_decimal_places")
        if stage == 1:
            notes.append("年度をまたぐ場合：前年度に6月以上の実績があれば直近6月の延べ利用者数÷6、なければ6月の実績の後に直近6月の延べ利用者数÷6。")
    if stage < 2:
        if kept is not None and hired is not None:
            if hired == 0:
                raise InputError("placed", "0人では就労定着率を推定できません。")
            if kept > hired:
                raise InputError("retained", f"過去{years}年間の就職者数を超えています。")
            rate = Fraction(kept, hired)
            found = tier_for(rate, ex.param("retention.tiers"))
            tier = found.label
            ex.step(f"就労定着率（推定値） = 定着者{kept}人 ÷ 過去{years}年間の就職者{hired}人 = {percent_text(rate)}：区分「{tier}」"
                    f"（告示上、新規指定から{months_text(year)}間は推定数。指定を受ける前月末から起算）。", "retention.tiers")
            return NewOfficeResult(stage, names[stage], fee_users, staffing_users, rate, tier, notes, ex, found.key)
        notes.append(f"就労定着率の推定には定着者数と過去{years}年間の就職者数を入力してください。")
    else:
        notes.append(f"就労定着率：年度途中は問1により{months_text(year)}経過時点で算出し、年度をまたぐ場合は前年度末日から起算して過去{years}年間の"
                     "総利用者数のうち前年度末日における定着者の割合（就労定着率の計算機を使う）。")
        ex.cite(passage("q1", params))
    return NewOfficeResult(stage, names[stage], fee_users, staffing_users, rate, None, notes, ex)
