"""人員基準（別添 p.18）、利用者数の算定、実施主体の要件（基準省令第206条の7、別添 p.19）。

- 就労定着支援員：常勤換算で、利用者数を40で除した数以上（40：1）。
- 常勤換算 = 従業者の勤務延べ時間数 ÷ 常勤の従業者が勤務すべき時間数（週32時間を下回る場合は32時間）、
  小数点第2位以下切り捨て（解釈通知。二次情報で確認：(28+35+32)÷40 = 2.375 → 2.3）。
- サービス管理責任者：利用者60人以下は1人以上、61人以上は1人に、60を超えて40又はその端数を増すごとに1人を加えた数以上。
- 前年度の平均利用者数 = 延べ利用者数 ÷ 12、小数点第2位以下切り上げ（解釈通知。二次情報で確認：4.62 → 4.7）。
- 実施主体：過去3年間において平均1人以上、通常の事業所に新たに障害者を雇用させていること。
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .errors import InputError
from .explain import NOTICE_DATE, Explanation
from .numbers import decimal_text, parse_count, parse_decimal, round_up, truncate
from .params import ParameterSet, default_parameters


def service_managers_required(users: Fraction, ex: Explanation) -> int:
    """サービス管理責任者の必要数（別添 p.18）。"""
    base: int = ex.param("staffing.service_manager_base_users")
    step: int = ex.param("staffing.service_manager_step_users")
    if users <= base:
        ex.step(f"利用者数{decimal_text(users)}人は{base}人以下：サービス管理責任者は1人以上。",
                "staffing.service_manager_base_users")
        return 1
    extra = math.ceil((users - base) / step)
    ex.step(
        f"利用者数{decimal_text(users)}人は{base}人を{decimal_text(users - base)}人超える：{step}又はその端数を増すごとに1人を加え、"
        f"1 + {extra} = {1 + extra}人以上。",
        "staffing.service_manager_base_users", "staffing.service_manager_step_users",
    )
    return 1 + extra


@dataclass
class StaffingResult:
    users: Fraction
    support_staff_required: Fraction
    service_managers_required: int
    fte: Fraction | None
    fulltime_hours: Fraction | None
    meets: bool | None
    placements_ok: bool | None
    explanation: Explanation = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        places = 1
        return {
            "users": decimal_text(self.users),
            "support_staff_required": decimal_text(self.support_staff_required),
            "service_managers_required": self.service_managers_required,
            "fte": decimal_text(self.fte, places) if self.fte is not None else None,
            "fulltime_hours": decimal_text(self.fulltime_hours) if self.fulltime_hours is not None else None,
            "meets": self.meets,
            "implementing_body_ok": self.placements_ok,
            **self.explanation.to_dict(),
        }


def average_users(
    total_user_months: str | int, months: str | int | None = None, parameters: ParameterSet | None = None,
    on: _dt.date = NOTICE_DATE,
) -> tuple[Fraction, Explanation]:
    """前年度の平均利用者数 = 延べ利用者数 ÷ 12（新規指定は問3により月数を変える）、小数点第2位以下切り上げ。"""
    total = parse_count(total_user_months, "延べ利用者数")
    ex = Explanation(on=on, parameters=parameters or default_parameters())
    default_months = ex.param("staffing.average_users_months")
    divisor = parse_count(months, "月数", minimum=1) if months not in (None, "") else default_months
    places = ex.param("staffing.average_users_decimal_places")
    exact = Fraction(total, divisor)
    result = round_up(exact, places)
    shown = decimal_text(exact) if (exact * 10**6).denominator == 1 else f"{float(exact):.6f}…"
    ex.step(
        f"平均利用者数 = 延べ利用者数{total}人 ÷ {divisor} = {shown} → 小数点第{places + 1}位以下切り上げで"
        f"{decimal_text(result, places)}人。",
        "staffing.average_users_months", "staffing.average_users_decimal_places",
    )
    return result, ex


def staffing(
    users: str | int | Fraction | None = None,
    hours: Sequence[str | int | float] | None = None,
    fulltime_hours: str | int | None = None,
    total_user_months: str | int | None = None,
    placements: str | int | None = None,
    on: _dt.date = NOTICE_DATE,
    parameters: ParameterSet | None = None,
) -> StaffingResult:
    """人員基準の判定。

    users：利用者数（前年度の平均利用者数）。total_user_months を渡すと users の代わりに延べ利用者数から平均を求める。
    hours：就労定着支援員それぞれの週の勤務時間。fulltime_hours：常勤の従業者が勤務すべき週の時間数（就業規則）。
    placements：過去3年間に通常の事業所に新たに雇用させた障害者の数（基準省令第206条の7）。
    """
    params = parameters or default_parameters()
    if users in (None, "") and total_user_months in (None, ""):
        raise InputError("利用者数", "利用者数（前年度の平均利用者数）か延べ利用者数のどちらかを入力してください。")
    if users not in (None, "") and total_user_months not in (None, ""):
        raise InputError("利用者数", "利用者数と延べ利用者数はどちらか一方だけを入力してください。")
    staff_hours = [parse_decimal(h, f"勤務時間（{i + 1}人目）") for i, h in enumerate(hours or [])]
    full = parse_decimal(fulltime_hours, "常勤の勤務時間") if fulltime_hours not in (None, "") else None
    if staff_hours and full is None:
        raise InputError("常勤の勤務時間", "常勤換算には、常勤の従業者が勤務すべき週の時間数（就業規則の時間）が必要です。")
    if full is not None and full == 0:
        raise InputError("常勤の勤務時間", "0より大きい時間を入力してください。")
    for i, value in enumerate(staff_hours):
        if value > 168:
            raise InputError(f"勤務時間（{i + 1}人目）", "1週間の時間（168時間）を超えています。")
    placed = parse_count(placements, "過去3年間の一般就労者数") if placements not in (None, "") else None

    if total_user_months not in (None, ""):
        count, ex = average_users(total_user_months, parameters=params, on=on)
    else:
        count = parse_decimal(users, "利用者数")  # type: ignore[arg-type]
        ex = Explanation(on=on, parameters=params)
    ratio = ex.param("staffing.support_staff_ratio")
    required = count / ratio
    ex.step(f"就労定着支援員（常勤換算）の必要数 = 利用者数{decimal_text(count)} ÷ {ratio} = {decimal_text(required)}以上。",
            "staffing.support_staff_ratio")
    managers = service_managers_required(count, ex)

    fte: Fraction | None = None
    meets: bool | None = None
    if full is not None and staff_hours:
        minimum = ex.param("staffing.fulltime_min_hours")
        divisor = max(full, Fraction(minimum))
        if full < minimum:
            ex.step(f"常勤の勤務時間{decimal_text(full)}時間は週{minimum}時間を下回るため、{minimum}時間で除する。",
                    "staffing.fulltime_min_hours")
        places = ex.param("staffing.fte_decimal_places")
        total = sum(staff_hours, Fraction(0))
        fte = truncate(total / divisor, places)
        shown = " + ".join(decimal_text(h) for h in staff_hours)
        ex.step(
            f"常勤換算 = ({shown}) ÷ {decimal_text(divisor)} = {decimal_text(total)} ÷ {decimal_text(divisor)}"
            f" → 小数点第{places + 1}位以下切り捨てで{decimal_text(fte, places)}。",
            "staffing.fulltime_min_hours", "staffing.fte_decimal_places",
        )
        meets = fte >= required
        verdict = "満たす" if meets else "満たさない"
        ex.step(f"常勤換算{decimal_text(fte, places)} {'≧' if meets else '＜'} 必要数{decimal_text(required)}：基準を{verdict}。",
                "staffing.support_staff_ratio")
    placements_ok: bool | None = None
    if placed is not None:
        years = ex.param("staffing.implementing_body_years")
        minimum_average = ex.param("staffing.implementing_body_min_average")
        placements_ok = Fraction(placed, years) >= minimum_average
        ex.step(
            f"実施主体の要件：過去{years}年間の一般就労者{placed}人 ÷ {years} = 平均{decimal_text(truncate(Fraction(placed, years), 2), 2)}"
            f"{'…' if Fraction(placed, years) != truncate(Fraction(placed, years), 2) else ''}人／年"
            f"（平均{minimum_average}人以上が必要）：{'満たす' if placements_ok else '満たさない'}。",
            "staffing.implementing_body_years", "staffing.implementing_body_min_average",
        )
    return StaffingResult(count, required, managers, fte, full, meets, placements_ok, ex)
