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
- 通常の事業所（報酬の留意事項通知）：「通常の事業所（就労継続支援A型事業所は除く。）」。A型事業所に雇用された者は
  対象外（パラメータ periods.excluded_employers、入力 employer_kind）。
- 利用中の転職（平成30年度報酬改定等に関するQ&A、平成30年12月17日）：「労働条件改善のための転職支援等であって、離職後
  1月以内に再就職し就労が継続している場合には、就労定着支援の利用中1回限りの転職に限り、就労が継続している者として
  取り扱う」。離職後1月は、離職日の翌日を第1日とする1月の期間（民法第140条・第143条、teichaku.rules.dates.period_end）。
  これに当たれば支援は続き、利用期間（3年6月の枠）は元の就職日から数える（Q&A「最初の企業等の就職から起算して」）。
  当たらなければ（再就職がない、1月を過ぎた）支援は離職日で終わる。入力できるのは利用中の1回の転職だけで、2回目以降の
  転職は就労の継続として扱われない（Q&A「1回限り」）。

パラメータを読む日（各規則が判定する日。本ツールの選択）：
- 対象者の要件（前サービス、通常の事業所）と、利用できる期間（6月、3年6月、創設日）：その就職の日（期間を前サービスの
  利用終了日の翌日から数える場合はその日）。要件は就職によって満たされ、期間はその日から数えるため。
- 支給決定期間（1年ごと）：利用開始日（支給決定をする日）。
- 転職の取扱い：離職日。
ただし就労定着支援の創設日（平成30年4月1日）より前の日は創設日に読み替える（それより前の規定はない）。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .dates import date_text, months_text, parse_date, period_end
from .errors import InputError
from .explain import Explanation
from .params import ParameterSet, default_parameters
from .passages import passage
from .services import EMPLOYER_KINDS, Service, parse_employer_kind, parse_service


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
    employer_kind: str = EMPLOYER_KINDS[0]
    left_on: _dt.date | None = None
    reemployed_on: _dt.date | None = None
    employment_continued: bool | None = None  # 利用中の転職を就労の継続として扱うか（転職の入力がなければ None）
    support_ends: _dt.date | None = None  # 離職により支援が終わる日（離職日）

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
            "employer_kind": self.employer_kind,
            "left_on": self.left_on.isoformat() if self.left_on else None,
            "reemployed_on": self.reemployed_on.isoformat() if self.reemployed_on else None,
            "employment_continued": self.employment_continued,
            "support_ends": self.support_ends.isoformat() if self.support_ends else None,
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


def rule_date(day: _dt.date, parameters: ParameterSet | None = None) -> _dt.date:
    """規則（パラメータ）を読む日：day、ただし就労定着支援の創設日（平成30年4月1日）より前なら創設日。

    創設より前の就職（2017年など）にも、創設日に効力を持つ規定で期間を示すため（それより前の規定はない）。
    """
    params = parameters or default_parameters()
    established: _dt.date = params.get("periods.service_established").values[0].value
    return max(day, established)


def usable_window(employed: _dt.date, prior_end: _dt.date | None = None, parameters: ParameterSet | None = None) -> Window:
    """利用できる期間の日付だけを求める（民法第140条ただし書・第143条、別添 p.14・p.21）。

    check_eligibility（根拠つき）と名簿（teichaku.interfaces.roster、利用者が多いので根拠の文章を作らない）が同じ計算を使う。
    就職後も前サービスを利用した場合は、その利用終了日の翌日から数える（報酬の留意事項通知の取扱い）。
    パラメータ（6月、3年6月、創設日）は期間を数え始める日（rule_date による）に効力を持つ値を読む。
    """
    params = parameters or default_parameters()
    count_start = prior_end + _dt.timedelta(days=1) if prior_end is not None and prior_end >= employed else employed
    on = rule_date(count_start, params)
    wait_end = period_end(count_start, params.value("periods.wait_months", on))
    earliest = wait_end + _dt.timedelta(days=1)
    established: _dt.date = params.value("periods.service_established", on)
    before = earliest < established
    latest_end = period_end(count_start, params.value("periods.late_start_limit_months", on))
    return Window(count_start, wait_end, established if before else earliest, latest_end, before)


def check_eligibility(
    employed: str | _dt.date,
    prior_service: str,
    start: str | _dt.date | None = None,
    prior_service_end: str | _dt.date | None = None,
    parameters: ParameterSet | None = None,
    employer_kind: str | None = None,
    left_on: str | _dt.date | None = None,
    reemployed_on: str | _dt.date | None = None,
) -> EligibilityResult:
    """就労定着支援の対象者か、最も早い利用開始日・最後の日・支給決定期間を求める。

    employed：就職日（通常の事業所に新たに雇用された日）。prior_service：就職前に利用したサービス。
    start：希望する利用開始日（省略時は最も早い利用開始日で支給決定期間を示す）。
    prior_service_end：就職後も前サービスを利用し続けた場合、その利用終了日。
    employer_kind：就職先の種類（通常の事業所（既定）／就労継続支援A型事業所。A型は対象外）。
    left_on / reemployed_on：利用中に転職した場合の離職日と再就職日（Q&A 平成30年12月17日。モジュールの説明を参照）。
    入力の誤りは項目キー（employed、prior_service、start、prior_service_end、employer_kind、left_on、reemployed_on）を
    名指しした InputError。パラメータを読む日はモジュールの説明のとおり。
    """
    params = parameters or default_parameters()
    # 入力はすべて先に検証し、誤りがあれば最初の誤りの項目を名指しする。
    employed_day = parse_date(employed, "employed")
    service = parse_service(prior_service, "prior_service")
    start_day = parse_date(start, "start") if start not in (None, "") else None
    prior_end = parse_date(prior_service_end, "prior_service_end") if prior_service_end not in (None, "") else None
    employer = parse_employer_kind(employer_kind, "employer_kind")
    left = parse_date(left_on, "left_on") if left_on not in (None, "") else None
    rehired = parse_date(reemployed_on, "reemployed_on") if reemployed_on not in (None, "") else None
    if prior_end is not None and prior_end < employed_day - _dt.timedelta(days=3650):
        raise InputError("prior_service_end", "就職日より10年以上前の日付です。入力を確認してください。")
    if rehired is not None and left is None:
        raise InputError("left_on", "再就職日を入力する場合は、前の事業所を離職した日（離職日）も入力してください。")
    if left is not None and left < employed_day:
        raise InputError("left_on", f"離職日{date_text(left)}が就職日{date_text(employed_day)}より前です。")
    if left is not None and rehired is not None and rehired <= left:
        raise InputError("reemployed_on", f"再就職日は離職日{date_text(left)}より後の日付を入力してください。")

    # 対象者の要件は就職の日に効力を持つ規定で判定する（rule_date）。
    ex = Explanation(on=rule_date(employed_day, params), parameters=params)
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
    excluded = ex.peek("periods.excluded_employers")
    if employer in excluded:
        qualifies = False
        ex.step(f"就職先は{employer}：通常の事業所（就労継続支援A型事業所は除く。）への雇用ではない。",
                "periods.excluded_employers")
        reasons.append(
            f"就職先が{employer}のため対象外です。就労定着支援は通常の事業所（就労継続支援A型事業所は除く。）に"
            "新たに雇用された者が対象です（報酬の留意事項通知）。"
        )
    elif employer_kind not in (None, ""):
        ex.step(f"就職先は{employer}（就労継続支援A型事業所ではない）。", "periods.excluded_employers")

    window = usable_window(employed_day, prior_end, params)
    count_start = window.count_start
    counting = ex.at(rule_date(count_start, params))  # 期間は数え始める日に効力を持つ規定で数える
    civil, practice = passage("civil_code_period", params), passage("six_month_practice", params)
    if prior_end is not None and count_start != employed_day:
        counting.step(
            f"就職後も前サービスを{date_text(prior_end)}まで利用したため、期間はその翌日"
            f"{date_text(count_start)}から数える（報酬の留意事項通知の取扱い）。",
            extra=(practice,),
        )
    wait = counting.param("periods.wait_months")
    wait_end = window.wait_end
    earliest = wait_end + _dt.timedelta(days=1)
    counting.step(
        f"{date_text(count_start)}を第1日として{wait}月の期間は{date_text(wait_end)}に満了する"
        f"（民法第140条ただし書・第143条）。最も早い利用開始日はその翌日{date_text(earliest)}（就職後{wait + 1}月目）。",
        "periods.wait_months",
        extra=(civil, practice),
    )
    if window.before_established:
        established = counting.peek("periods.service_established")
        earliest = window.earliest
        counting.step(f"就労定着支援は{date_text(established)}に創設されたため、それより前には利用できない。",
                "periods.service_established")
    limit = counting.param("periods.late_start_limit_months")
    latest_end = window.latest_end
    counting.step(
        f"支給決定できるのは{date_text(count_start)}から{months_text(limit)}の期間の末日"
        f"{date_text(latest_end)}まで（{months_text(limit)}から就労継続期間を除いた期間、同一企業に就労継続していること）。",
        "periods.late_start_limit_months", "periods.use_months",
    )

    eligible = qualifies
    if earliest > latest_end:
        eligible = False
        reasons.append(f"{date_text(latest_end)}までに利用を始められる期間が残っていません。")
    chosen = start_day or earliest
    if start_day is not None:
        if start_day < earliest:
            eligible = False
            reasons.append(
                f"利用開始日{date_text(start_day)}は、最も早い利用開始日{date_text(earliest)}より前です"
                f"（一般就労後{wait}月を経過した者が対象）。"
            )
        elif start_day > latest_end:
            eligible = False
            reasons.append(
                f"利用開始日{date_text(start_day)}は、支給決定できる最後の日{date_text(latest_end)}より後です"
                f"（就職から{months_text(limit)}を超えています）。"
            )
        else:
            reasons.append(
                f"利用開始日{date_text(start_day)}は利用できる期間（{date_text(earliest)}〜{date_text(latest_end)}）の内です。"
            )
            if start_day > earliest:
                reasons.append(f"{wait + 1}月目より後の利用開始のため、支給決定は就職から{months_text(limit)}までの残りの期間に"
                               "限られます（同一企業に就労継続していることが条件）。")
    in_window = earliest <= chosen <= latest_end
    continued: bool | None = None
    support_ends: _dt.date | None = None
    if left is not None:
        if in_window and left < chosen:
            raise InputError("left_on", f"離職日{date_text(left)}が利用開始日{date_text(chosen)}より前です。"
                             "ここで判定するのは就労定着支援の利用中（利用開始日以後）の転職です。")
        continued, support_ends = _job_change(ex, left, rehired, employed_day, latest_end, reasons)
    periods: list[DecisionPeriod] = []
    if in_window:
        deciding = ex.at(rule_date(chosen, params))  # 支給決定期間は支給決定をする日（利用開始日）の規定による
        months = deciding.param("periods.decision_period_months")
        periods = decision_periods(chosen, latest_end, months)
        listing = "、".join(f"{date_text(p.start)}〜{date_text(p.end)}" for p in periods)
        deciding.step(f"{date_text(chosen)}から{months_text(months)}ごとに支給決定期間を区切る：{listing}。",
                      "periods.decision_period_months")
        if support_ends is not None:
            periods = [DecisionPeriod(p.start, min(p.end, support_ends)) for p in periods if p.start <= support_ends]
            ex.step(f"支援は離職日{date_text(support_ends)}で終わるため、支給決定期間はその日までとなる。")
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
        employer_kind=employer,
        left_on=left,
        reemployed_on=rehired,
        employment_continued=continued,
        support_ends=support_ends,
    )


def _job_change(
    ex: Explanation, left: _dt.date, rehired: _dt.date | None, employed: _dt.date, latest_end: _dt.date, reasons: list[str],
) -> tuple[bool | None, _dt.date | None]:
    """利用中の転職（Q&A 平成30年12月17日）：就労の継続として扱うか、と支援が終わる日。パラメータは離職日の値を読む。"""
    if left > latest_end:
        reasons.append(f"離職日{date_text(left)}は支給決定できる最後の日{date_text(latest_end)}より後のため、"
                       "利用期間に影響しません。")
        return None, None
    parameter = ex.parameters.get("periods.job_change_reemployment_months")
    first = parameter.values[0].since
    if left < first:
        reasons.append(
            f"離職日{date_text(left)}は、利用中の転職の取扱いを示したQ&A（{date_text(first)}）より前です。"
            "本ツールはこの離職が就労の継続に当たるかを判定しません（市町村に確認してください）。"
        )
        return None, None
    ex = ex.at(left)  # 転職の取扱いは離職日の規定による
    months = ex.param("periods.job_change_reemployment_months")
    times = ex.param("periods.job_change_limit")
    day_one = left + _dt.timedelta(days=1)
    deadline = period_end(day_one, months)
    civil = passage("civil_code_period", ex.parameters)
    ex.step(
        f"離職日{date_text(left)}の翌日{date_text(day_one)}を第1日として{months}月の期間は"
        f"{date_text(deadline)}に満了する（民法第140条・第143条）。この日までに再就職すれば、利用中{times}回限りの転職として"
        "就労が継続している者として扱う。",
        "periods.job_change_reemployment_months", "periods.job_change_limit", extra=(civil,),
    )
    if rehired is not None and rehired <= deadline:
        reasons.append(
            f"{date_text(rehired)}の再就職は離職後{months}月以内（{date_text(deadline)}まで）のため、利用中{times}回限りの"
            f"転職として就労が継続している者として扱われ、支援は続きます。利用期間は元の就職日{date_text(employed)}から数え、"
            f"支給決定できる最後の日{date_text(latest_end)}は変わりません（2回目以降の転職は就労の継続として扱われません）。"
        )
        return True, None
    if rehired is None:
        why = "再就職日の入力がなく、就労が継続していないため"
    else:
        why = (f"再就職日{date_text(rehired)}は離職後{months}月（{date_text(deadline)}まで）を過ぎており、"
               "就労が継続している者として扱われないため")
    reasons.append(
        f"{why}、支援は離職日{date_text(left)}で終わります。離職後も就職等を希望する場合、事業者は相談支援事業者等と"
        "連携して連絡調整等を行います（基準省令第206条の9）。"
    )
    return False, left
