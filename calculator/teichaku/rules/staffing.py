"""人員基準（別添 p.18）、利用者数の算定、実施主体の要件（基準省令第206条の7、別添 p.19）。

- 就労定着支援員：常勤換算で、利用者数を40で除した数以上（40：1）。
- 常勤換算 = 従業者の勤務延べ時間数 ÷ 常勤の従業者が勤務すべき時間数（週32時間を下回る場合は32時間）、
  小数点第2位以下切り捨て（解釈通知。二次情報で確認：(28+35+32)÷40 = 2.375 → 2.3）。
- 勤務延べ時間数（解釈通知 第二 2 用語の定義）：「従業者1人につき、勤務延べ時間数に算入することができる時間数は、当該事業所に
  おいて常勤の従業者が勤務すべき勤務時間数を上限とすること」。よって1人の時間は常勤の勤務時間（就業規則の時間。32時間で
  除する場合も、上限は事業所の常勤の時間）で頭打ちにする：60人、50時間＋12時間、常勤40時間 → (40+12)÷40 = 1.3。
- サービス管理責任者：利用者60人以下は1人以上、61人以上は1人に、60を超えて40又はその端数を増すごとに1人を加えた数以上。
- 前年度の平均利用者数 = 延べ利用者数 ÷ 12、小数点第2位以下切り上げ（解釈通知。二次情報で確認：4.62 → 4.7）。
- 実施主体：過去3年間において平均1人以上、通常の事業所に新たに障害者を雇用させていること。

パラメータを読む日：引数 on（判定する日。前年度の平均利用者数で判定する年度の日付。計算機・CLI が渡す）。規則の中で
今日の日付を読むことはしない。省略時は本通知の日（2019-03-29）の値（人員基準のパラメータは創設以来変わっていない）。
入力の誤りは項目キー（users、total_user_months、hours（index＝行、0 始まり）、fulltime_hours、placements、on）で名指しする。
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .citations import Citation
from .dates import date_text, parse_date
from .errors import InputError
from .explain import NOTICE_DATE, Explanation
from .numbers import decimal_text, parse_count, parse_decimal, round_up, truncate
from .params import ParameterSet, default_parameters


def hours_cap_citation(params: ParameterSet) -> Citation:
    """勤務延べ時間数の上限（解釈通知 用語の定義）の出典。数値を持たない規定なのでパラメータではなくここに置く。"""
    return Citation(
        document=params.documents["interpretation"],
        section="第二 2 用語の定義（勤務延べ時間数）",
        quote="なお、従業者1人につき、勤務延べ時間数に算入することができる時間数は、当該事業所において常勤の従業者が勤務すべき"
              "勤務時間数を上限とすること。",
        confidence="high",
        checked_against="二次情報（解釈通知 障発第1206001号を逐語で引用する解説ページ3件）",
    )


def _evaluation_date(on: str | _dt.date | None, params: ParameterSet) -> _dt.date:
    """判定する日（on）。省略時は本通知の日。就労定着支援の創設より前の日は入力の誤り。"""
    if on is None or on == "":
        return NOTICE_DATE
    day = parse_date(on, "on")
    established: _dt.date = params.get("periods.service_established").values[0].value
    if day < established:
        raise InputError("on", f"就労定着支援は{date_text(established)}に創設されたため、それより前の日の人員基準はありません。")
    return day


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
    on: str | _dt.date | None = None,
) -> tuple[Fraction, Explanation]:
    """前年度の平均利用者数 = 延べ利用者数 ÷ 12（新規指定は問3により月数を変える）、小数点第2位以下切り上げ。

    on：判定する日（パラメータを読む日。省略時は本通知の日）。
    """
    params = parameters or default_parameters()
    total = parse_count(total_user_months, "total_user_months")
    ex = Explanation(on=_evaluation_date(on, params), parameters=params)
    default_months = ex.param("staffing.average_users_months")
    divisor = parse_count(months, "months", minimum=1) if months not in (None, "") else default_months
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


def _row_hours(value: str | int | float, index: int) -> Fraction:
    """就労定着支援員 index 人目（0 始まり）の週の勤務時間。誤りは項目 hours のその行を名指しする。"""
    try:
        return parse_decimal(value, "hours")
    except InputError as error:
        raise InputError("hours", error.message, index=index) from None


def staffing(
    users: str | int | Fraction | None = None,
    hours: Sequence[str | int | float] | None = None,
    fulltime_hours: str | int | None = None,
    total_user_months: str | int | None = None,
    placements: str | int | None = None,
    on: str | _dt.date | None = None,
    parameters: ParameterSet | None = None,
) -> StaffingResult:
    """人員基準の判定。

    users：利用者数（前年度の平均利用者数）。total_user_months を渡すと users の代わりに延べ利用者数から平均を求める。
    hours：就労定着支援員それぞれの週の勤務時間。fulltime_hours：常勤の従業者が勤務すべき週の時間数（就業規則）。
    placements：過去3年間に通常の事業所に新たに雇用させた障害者の数（基準省令第206条の7）。
    on：判定する日（パラメータを読む日。省略時は本通知の日。規則の中で今日の日付は読まない）。
    """
    params = parameters or default_parameters()
    if users in (None, "") and total_user_months in (None, ""):
        raise InputError("users", "利用者数（前年度の平均利用者数）か延べ利用者数のどちらかを入力してください。")
    if users not in (None, "") and total_user_months not in (None, ""):
        raise InputError("users", "利用者数と延べ利用者数はどちらか一方だけを入力してください。")
    staff_hours = [_row_hours(h, i) for i, h in enumerate(hours or [])]
    full = parse_decimal(fulltime_hours, "fulltime_hours") if fulltime_hours not in (None, "") else None
    if staff_hours and full is None:
        raise InputError("fulltime_hours", "常勤換算には、常勤の従業者が勤務すべき週の時間数（就業規則の時間）が必要です。")
    if full is not None and full == 0:
        raise InputError("fulltime_hours", "0より大きい時間を入力してください。")
    for i, value in enumerate(staff_hours):
        if value > 168:
            raise InputError("hours", "1週間の時間（168時間）を超えています。", index=i)
    placed = parse_count(placements, "placements") if placements not in (None, "") else None
    day = _evaluation_date(on, params)

    if total_user_months not in (None, ""):
        count, ex = average_users(total_user_months, parameters=params, on=day)
    else:
        count = parse_decimal(users, "users")  # type: ignore[arg-type]
        ex = Explanation(on=day, parameters=params)
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
        counted = [min(h, full) for h in staff_hours]
        capped = [(i, h) for i, h in enumerate(staff_hours) if h > full]
        if capped:
            listing = "、".join(f"{i + 1}人目の{decimal_text(h)}時間" for i, h in capped)
            ex.step(f"従業者1人につき勤務延べ時間数に算入できるのは、常勤の従業者が勤務すべき{decimal_text(full)}時間まで："
                    f"{listing}は{decimal_text(full)}時間として数える。", extra=(hours_cap_citation(params),))
        total = sum(counted, Fraction(0))
        fte = truncate(total / divisor, places)
        shown = " + ".join(decimal_text(h) for h in counted)
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
