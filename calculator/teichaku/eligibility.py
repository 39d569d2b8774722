"""対象者と利用期間・支給決定期間（別添 p.11・p.14・p.21、施行規則第6条の10の2・第6条の10の3）。

- 対象者：生活介護、自立訓練、就労移行支援又は就労継続支援を利用して一般就労した障害者で、一般就労後６月を
  経過した者（別添 p.14）。就職後７月目から確実に支援を受けられるように支給決定する（別添 p.21）。
- 期間の数え方（民法第140条・第143条、報酬の留意事項通知の例）：就職日を第1日として６月が満了する日の翌日が
  最も早い利用開始日（2019-04-01 就職 → 2019-09-30 に６月 → 2019-10-01 から利用可）。
- 利用期間は３年間（施行規則第6条の10の3）。７月目に利用しなかった者が後から希望した場合や、中断後に再び
  利用する場合は「3年6月から就労継続期間を除いた期間に限り」支給決定できる（別添 p.21 ※２、p.28 ※、同一企業に
  就労継続していること）。よって利用できる最後の日は就職日から３年６月の期間の末日（2019-04-01 → 2022-09-30）。
- 支給決定期間は１年ごとに更新（別添 p.10）：利用開始日から１年以内ずつ、最後の日までに区切る。
- 就職後も就労移行支援等を利用し続けた場合（報酬の留意事項通知、令和6年改正、二次情報で確認）：６月は前サービスの
  利用終了日の翌日から数える（6/30 まで利用 → 12/31 に６月 → 1/1 から利用可）。本ツールの選択：この場合は３年６月の
  枠全体も同じ日から数える（３年の利用期間を７月目から確保するため）。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .dates import japanese_date, parse_date, period_end
from .errors import InputError
from .explain import NOTICE_DATE, Explanation
from .params import ParameterSet, default_parameters
from .passages import passage
from .services import Service, parse_service


@dataclass
class DecisionPeriod:
    start: _dt.date
    end: _dt.date

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass
class EligibilityResult:
    eligible: bool
    employed: _dt.date
    prior_service: Service
    count_start: _dt.date
    earliest_start: _dt.date
    latest_end: _dt.date
    start: _dt.date | None
    periods: list[DecisionPeriod]
    reasons: list[str]
    explanation: Explanation = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "employed": self.employed.isoformat(),
            "prior_service": self.prior_service.name,
            "count_start": self.count_start.isoformat(),
            "earliest_start": self.earliest_start.isoformat(),
            "latest_end": self.latest_end.isoformat(),
            "start": self.start.isoformat() if self.start else None,
            "periods": [p.to_dict() for p in self.periods],
            "reasons": list(self.reasons),
            **self.explanation.to_dict(),
        }


def decision_periods(start: _dt.date, latest_end: _dt.date, months: int) -> list[DecisionPeriod]:
    """start から latest_end までを months 月（１年）以内ずつの支給決定期間に区切る。"""
    periods: list[DecisionPeriod] = []
    current = start
    while current <= latest_end:
        end = min(period_end(current, months), latest_end)
        periods.append(DecisionPeriod(current, end))
        current = end + _dt.timedelta(days=1)
    return periods


@dataclass(frozen=True)
class Window:
    """利用できる期間：count_start を第1日とする6月の満了日（wait_end）、最も早い利用開始日、支給決定できる最後の日。"""

    count_start: _dt.date
    wait_end: _dt.date
    earliest: _dt.date
    latest_end: _dt.date
    before_established: bool  # 6月の翌日が創設（平成30年4月1日）より前で、創設日に繰り下げた


def usable_window(employed: _dt.date, prior_end: _dt.date | None = None, parameters: ParameterSet | None = None) -> Window:
    """利用できる期間の日付だけを求める（民法第140条ただし書・第143条、別添 p.14・p.21）。

    check_eligibility（根拠つき）と名簿（teichaku.roster、利用者が多いので根拠の文章を作らない）が同じ計算を使う。
    就職後も前サービスを利用した場合は、その利用終了日の翌日から数える（報酬の留意事項通知の取扱い）。
    """
    params = parameters or default_parameters()
    count_start = prior_end + _dt.timedelta(days=1) if prior_end is not None and prior_end >= employed else employed
    wait_end = period_end(count_start, params.value("periods.wait_months", NOTICE_DATE))
    earliest = wait_end + _dt.timedelta(days=1)
    established: _dt.date = params.value("periods.service_established", NOTICE_DATE)
    before = earliest < established
    latest_end = period_end(count_start, params.value("periods.late_start_limit_months", NOTICE_DATE))
    return Window(count_start, wait_end, established if before else earliest, latest_end, before)


def check_eligibility(
    employed: str | _dt.date,
    prior_service: str,
    start: str | _dt.date | None = None,
    prior_service_end: str | _dt.date | None = None,
    parameters: ParameterSet | None = None,
) -> EligibilityResult:
    """就労定着支援の対象者か、最も早い利用開始日・最後の日・支給決定期間を求める。

    employed：就職日（通常の事業所に新たに雇用された日）。prior_service：就職前に利用したサービス。
    start：希望する利用開始日（省略時は最も早い利用開始日で支給決定期間を示す）。
    prior_service_end：就職後も前サービスを利用し続けた場合、その利用終了日。
    """
    params = parameters or default_parameters()
    # 入力はすべて先に検証し、誤りがあれば最初の誤りの項目を名指しする。
    employed_day = parse_date(employed, "就職日")
    service = parse_service(prior_service, "前サービス")
    start_day = parse_date(start, "利用開始日") if start not in (None, "") else None
    prior_end = parse_date(prior_service_end, "前サービスの利用終了日") if prior_service_end not in (None, "") else None
    if prior_end is not None and prior_end < employed_day - _dt.timedelta(days=3650):
        raise InputError("前サービスの利用終了日", "就職日より10年以上前の日付です。入力を確認してください。")

    ex = Explanation(on=NOTICE_DATE, parameters=params)
    reasons: list[str] = []
    qualifying = ex.param("periods.prior_services")
    qualifies = service.category in qualifying
    if qualifies:
        ex.step(f"前サービス「{service.name}」は対象（{'、'.join(qualifying)}のいずれか）。", "periods.prior_services")
        reasons.append(f"前サービス「{service.name}」は就労定着支援の対象となるサービスです。")
    else:
        ex.step(f"前サービス「{service.name}」は対象外（対象は{'、'.join(qualifying)}のみ）。", "periods.prior_services")
        reasons.append(
            f"前サービス「{service.name}」は対象外です。就労定着支援の対象は{'、'.join(qualifying)}を利用して"
            "一般就労した者に限られます（施行規則第6条の10の2）。"
        )

    window = usable_window(employed_day, prior_end, params)
    count_start = window.count_start
    civil, practice = passage("civil_code_period", params), passage("six_month_practice", params)
    if prior_end is not None and count_start != employed_day:
        ex.step(
            f"就職後も前サービスを{japanese_date(prior_end)}まで利用したため、期間はその翌日"
            f"{japanese_date(count_start)}から数える（報酬の留意事項通知の取扱い）。",
            extra=(practice,),
        )
    wait = ex.param("periods.wait_months")
    wait_end = window.wait_end
    earliest = wait_end + _dt.timedelta(days=1)
    ex.step(
        f"{japanese_date(count_start)}を第1日として{wait}月の期間は{japanese_date(wait_end)}に満了する"
        f"（民法第140条ただし書・第143条）。最も早い利用開始日はその翌日{japanese_date(earliest)}（就職後7月目）。",
        "periods.wait_months",
        extra=(civil, practice),
    )
    if window.before_established:
        established = ex.peek("periods.service_established")
        earliest = window.earliest
        ex.step(f"就労定着支援は{japanese_date(established)}に創設されたため、それより前には利用できない。",
                "periods.service_established")
    limit = ex.param("periods.late_start_limit_months")
    latest_end = window.latest_end
    ex.step(
        f"支給決定できるのは{japanese_date(count_start)}から{limit // 12}年{limit % 12}月の期間の末日"
        f"{japanese_date(latest_end)}まで（3年6月から就労継続期間を除いた期間、同一企業に就労継続していること）。",
        "periods.late_start_limit_months", "periods.use_months",
    )

    eligible = qualifies
    if earliest > latest_end:
        eligible = False
        reasons.append(f"{japanese_date(latest_end)}までに利用を始められる期間が残っていません。")
    chosen = start_day or earliest
    if start_day is not None:
        if start_day < earliest:
            eligible = False
            reasons.append(
                f"利用開始日{japanese_date(start_day)}は、最も早い利用開始日{japanese_date(earliest)}より前です"
                f"（一般就労後{wait}月を経過した者が対象）。"
            )
        elif start_day > latest_end:
            eligible = False
            reasons.append(
                f"利用開始日{japanese_date(start_day)}は、支給決定できる最後の日{japanese_date(latest_end)}より後です"
                f"（就職から{limit // 12}年{limit % 12}月を超えています）。"
            )
        else:
            reasons.append(
                f"利用開始日{japanese_date(start_day)}は利用できる期間（{japanese_date(earliest)}〜{japanese_date(latest_end)}）の内です。"
            )
            if start_day > earliest:
                reasons.append("7月目より後の利用開始のため、支給決定は就職から3年6月までの残りの期間に限られます"
                               "（同一企業に就労継続していることが条件）。")
    periods: list[DecisionPeriod] = []
    if earliest <= chosen <= latest_end:
        months = ex.param("periods.decision_period_months")
        periods = decision_periods(chosen, latest_end, months)
        listing = "、".join(f"{p.start.isoformat()}〜{p.end.isoformat()}" for p in periods)
        ex.step(f"{japanese_date(chosen)}から1年ごとに支給決定期間を区切る：{listing}。", "periods.decision_period_months")
    return EligibilityResult(
        eligible=eligible,
        employed=employed_day,
        prior_service=service,
        count_start=count_start,
        earliest_start=earliest,
        latest_end=latest_end,
        start=start_day,
        periods=periods,
        reasons=reasons,
        explanation=ex,
    )
