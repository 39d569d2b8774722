"""事実 → 結果：事業所の規則（teichaku.rules.office）を呼び、利用者ごとの利用期間（teichaku.rules.eligibility）と月ごとの請求
（teichaku.rules.fees.claim、この中では `_claim` の一か所だけ）を求める。

パラメータは年度末日 fye（規則が判断する日）の値を読む。月ごとの請求はその月のパラメータと登録簿による：

- 請求する加算・減算は登録簿から選ぶ（名で選ばない）：その月にある項目のうち、要件の事実（flag）がすべて名簿の「○」の
  列（[facts] の column）で真のもの。回数・人数の事実が要る項目（１回につきの加算、就労定着実績体制加算）は、名簿に
  その事実がないので請求しない。要件の事実のない項目（企業連携等調整特別加算）は毎月試し、その項目自身の条件
  （requirement_unmet）で算定しない月は「算定しない」に載せない（名簿が請求したのではないため）。
- 「１回限り」（once）の加算は、算定した月の後は claimed_fact を真にする（名簿の中の記録）。
- 基本報酬の要件はその月の fees.billing_condition の事実（対面／支援レポート）で、支援の記録の表のその種類（record）の
  行がその月にあれば満たす。ファイルにその種類の行が一つもなければ（「種類」の列のない以前のファイルの令和3年4月からの
  月など）、要件を満たしたものとして計算し、注意（warnings）でそう言う。
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ...rules import office
from ...rules.dates import Month, date_text, fiscal_year_end, months_text, parse_date
from ...rules.eligibility import decision_periods, rule_date, usable_window
from ...rules.errors import InputError
from ...rules.fees import ClaimFacts, check_code, claim
from ...rules.items import NO_CHECK, READS_SUPPORT_START, REQUIREMENT_UNMET, BillingCondition, ClaimItem, Registry
from ...rules.numbers import parse_decimal
from ...rules.params import ParameterSet, default_parameters, registry
from ...rules.retention import retention_rate
from ...rules.staffing import staffing
from .model import (
    CONTACT_KIND_DEFAULT,
    SUPPORT_STAFF,
    ClaimsBasis,
    MonthClaim,
    OfficeRetention,
    OfficeStaffing,
    RosterResult,
    RowCounts,
    TableInfo,
    TrackRecordResult,
    UserFacts,
    UserResult,
)
from .read import read
from .validate import Facts, validate

_LAST_FISCAL_YEAR_END = _dt.date(2100, 3, 31)  # 名簿の日付の範囲（〜2100年）に合わせる


def _fiscal_year_end(text: str | _dt.date | None, today: _dt.date | None, params: ParameterSet) -> _dt.date:
    """年度末日（項目キー "fiscal_year_end"）。省略すると today より前の直近の年度末日。最も早いのは、就労定着支援の
    創設日（periods.service_established）の年度の末日。"""
    if text in (None, ""):
        now = today or _dt.date.today()
        fye = fiscal_year_end(now)
        return _dt.date(fye.year - 1, 3, 31) if fye >= now else fye
    assert text is not None
    day = parse_date(text, "fiscal_year_end")
    if (day.month, day.day) != (3, 31):
        raise InputError("fiscal_year_end", f"{date_text(day)}は年度末日（3月31日）ではありません。")
    established: _dt.date = params.at_or_first("periods.service_established", day).value
    first = fiscal_year_end(established)
    if day < first:
        raise InputError("fiscal_year_end", f"就労定着支援は{date_text(established)}に始まったため、"
                                            f"{date_text(first)}以降の年度末日を指定してください。")
    if day > _LAST_FISCAL_YEAR_END:
        raise InputError("fiscal_year_end", "2100年3月31日までの年度末日を指定してください。")
    return day


def _fulltime_hours(text: str | None) -> str | None:
    """常勤の勤務時間（週の時間数）：読めない・0以下・1週の時間を超える値は、黙って無視せず入力の誤りにする。"""
    from ..calculators import ROSTER_FIELDS, parse_inputs_for

    if text is None or not str(text).strip():
        return None
    values = parse_inputs_for(ROSTER_FIELDS, {"fulltime_hours": text}, ("fulltime_hours",))
    return str(values["fulltime_hours"]) if values["fulltime_hours"] is not None else None


def analyse(data: bytes, name: str = "", fiscal_year_end_text: str | _dt.date | None = None,
            fulltime_hours: str | None = None, today: _dt.date | None = None,
            parameters: ParameterSet | None = None) -> RosterResult:
    """名簿ファイル（バイト列）を読み、年度末日の事業所の数字と利用者ごとの結果を返す。ファイル全体が読めなければ RosterError。"""
    params = parameters or default_parameters()
    fye = _fiscal_year_end(fiscal_year_end_text, today, params)
    fulltime_hours = _fulltime_hours(fulltime_hours)
    reading = read(data, name)
    facts = validate(reading.tables, params, fye)
    users = facts.users
    contacts = facts.contacts

    months = office.fiscal_months(fye)
    counts = office.monthly_user_counts(users, months, contacts)
    average = office.average_of(counts, fye, params)
    retention = _retention(users, fye, average, params)

    # 請求に使う区分・規模：前年度末日（fye の1年前）の就労定着率と、前年度の平均利用者数
    previous_end = _dt.date(fye.year - 1, 3, 31)
    before = office.retention_counts(users, previous_end, params)
    basis: ClaimsBasis | None = None
    if before.computable:
        prior_average = office.average_of(office.monthly_user_counts(users, office.fiscal_months(previous_end), contacts),
                                          previous_end, params)
        basis = ClaimsBasis(len(before.users), len(before.retained), len(before.excluded), prior_average, previous_end)

    cache: dict[tuple[Any, ...], MonthClaim] = {}  # この名簿の中で、条件が同じ月の請求は一度だけ計算する
    warnings: list[str] = []
    billing = _billing_by_month(months, facts.records, contacts is not None, params, warnings)
    face = facts.records.get(CONTACT_KIND_DEFAULT, {})
    chosen: dict[Any, Any] = {}  # 月と名簿の事実 → 請求する項目（Chosen）、利用開始日を読む条件の判定
    user_out = tuple(_user_result(u, months, basis, billing, face, fye, params, cache, chosen) for u in users)

    rejected = tuple(sorted(facts.rejected, key=lambda r: (r.sheet, r.row)))
    rows = RowCounts(len(users), len({(r.sheet, r.row) for r in rejected} & facts.roster_rows), facts.contact_rows,
                     len(facts.staff))
    tables = tuple(TableInfo(t.sheet, t.kind, t.header_row, len(t.rows), tuple(t.skipped)) for t in reading.tables) \
        + tuple(TableInfo(sheet, None, None, 0) for sheet in reading.ignored_sheets)
    overdue = [u.id for u, out in zip(users, user_out, strict=True) if u.end is None and out.latest_end < fye]
    if overdue:
        shown = "、".join(overdue[:5]) + (f" ほか{len(overdue) - 5}人" if len(overdue) > 5 else "")
        warnings.append(f"利用終了日が空欄（利用中）のまま、支給決定できる最後の日を年度末日までに過ぎた利用者が{len(overdue)}人います"
                        f"（{shown}）。利用を終了した日を入れてください。空欄のままでは、年度末日まで利用した者として"
                        "就労定着率・利用者数を数えています。")
    return RosterResult(
        fiscal_year_end=fye,
        retention=retention,
        monthly_users=tuple(zip(months, counts, strict=True)),
        average_users=average,
        counted_by_contacts=contacts is not None,
        staffing=_staffing(facts, average, fulltime_hours, fye, params),
        track_record=_track_record(users, fye, params),
        claims_basis=basis,
        users=user_out,
        rejected=rejected,
        rows=rows,
        tables=tables,
        warnings=tuple(warnings),
        claims_note=_claims_note(user_out, billing, basis, months, previous_end, params),
    )


def _claims_note(users: Sequence[UserResult], billing: Billing, basis: ClaimsBasis | None, months: Sequence[Month],
                 previous_end: _dt.date, params: ParameterSet) -> str | None:
    """月ごとの請求が一つもないときの理由（なぜ表が空で、年度の合計単位数が「—」か0なのか）。請求があれば None。"""
    if any(user.months for user in users):
        return None
    year = f"{months[0].japanese()}〜{months[-1].japanese()}"
    if billing is None:
        return ("名簿に対面支援（支援の記録）の表がないため、月ごとの請求と年度の合計単位数は計算していません"
                "（基本報酬を請求できる月かを、その表の記録で判定するため）。利用者ID・日付（・種類）の表を足すと計算します。")
    if basis is None:
        years = params.value("retention.lookback_years", previous_end)
        return (f"前年度末日{date_text(previous_end)}の就労定着率を名簿から求められない（その年度までの過去{years}年間に"
                "利用期間のかかる利用者がいない）ため、請求の区分が決まらず、月ごとの請求と年度の合計単位数は計算していません。")
    return (f"年度（{year}）に利用期間のかかる利用者がいないため、月ごとの請求はありません。"
            "名簿の年度と、年度末日の入力を確かめてください。")


def _retention(users: Sequence[UserFacts], fye: _dt.date, average: Fraction, params: ParameterSet) -> OfficeRetention:
    """年度末日の就労定着率（翌年度4月からの基本報酬）：office.retention_counts の人数を retention_rate に渡す。"""
    now = office.retention_counts(users, fye, params)
    next_month = Month(fye.year, 4)
    excluded = tuple(u.id for u in now.excluded)
    if not now.computable:
        return OfficeRetention(None, excluded, next_month,
                               "過去3年間の利用者がいないため就労定着率を算出できません（新規指定は問3の推定による）。")
    rate = retention_rate(len(now.users), len(now.retained), len(now.excluded), average, parameters=params, month=next_month)
    return OfficeRetention(rate, excluded, next_month)


def _staffing(facts: Facts, average: Fraction, fulltime_hours: str | None, fye: _dt.date,
              params: ParameterSet) -> OfficeStaffing | None:
    """人員基準（別添 p.18、teichaku.rules.staffing）：職員の表の就労定着支援員の週の勤務時間と常勤の勤務時間から。"""
    if not facts.staff:
        return None
    hours = tuple(s.hours for s in facts.staff if s.role_key == "support_staff")
    note: str | None = None
    if hours and fulltime_hours:
        result = staffing(average, [str(h) for h in hours], fulltime_hours, on=fye, parameters=params)
    else:
        result = staffing(average, on=fye, parameters=params)
        if hours:
            note = "常勤の勤務時間（就業規則の週の時間）を指定すると、常勤換算と基準を満たすかを判定します。"
        else:
            note = (f"職員の表に職種「{SUPPORT_STAFF}」の行がないため、常勤換算と基準を満たすかを判定できません"
                    "（必要数だけを示します）。")
    return OfficeStaffing(result, hours, note)


def _track_record(users: Sequence[UserFacts], fye: _dt.date, params: ParameterSet) -> TrackRecordResult:
    found = office.track_record(users, fye, params)
    years = params.value("fees.track_record_lookback_years", fye)
    if found.ratio is None:
        return TrackRecordResult(0, 0, None, None, f"過去{years}年間に利用を終了した者がいないため、割合を算出できません。")
    note = None if found.reaches_back else (f"名簿の最も早い利用開始日が{date_text(found.first)}より後のため、"
                                            f"過去{years}年間の全体を含んでいない可能性があります（参考値）。")
    return TrackRecordResult(found.ended, found.retained, found.ratio, found.meets, note)


# 月の通し番号（office.month_number）→ (その月の基本報酬の要件、利用者ID → 記録のある月、記録の種類がファイルにないか)。
# 支援の記録の表がなければ None
Billing = dict[int, tuple[BillingCondition, dict[str, set[int]], bool]] | None


def _billing_by_month(months: Sequence[Month], records: dict[str, dict[str, set[int]]], has_table: bool,
                      params: ParameterSet, warnings: list[str]) -> Billing:
    """各月の基本報酬の要件（fees.billing_condition、その月の初日の値）と、それを満たす記録（支援の記録の表の種類 record）。"""
    if not has_table:
        return None
    reg = registry(params)
    out: dict[int, tuple[BillingCondition, dict[str, set[int]], bool]] = {}
    unrecorded: dict[str, list[Month]] = {}
    for month in months:
        condition = reg.billing[params.value("fees.billing_condition", month.first_day)]
        found = records.get(condition.record or "")
        out[office.month_number(month)] = (condition, found or {}, found is None)
        if found is None:
            unrecorded.setdefault(condition.key, []).append(month)
    for key, missing in unrecorded.items():
        condition = reg.billing[key]
        warnings.append(f"支援の記録の表に種類「{condition.record}」の行がないため、{missing[0].japanese()}〜"
                        f"{missing[-1].japanese()}の月は基本報酬の要件（{condition.label}）を満たしたものとして請求を"
                        f"計算しています。対面支援の表に「種類」の列を足し、{condition.record}の行を入れると、その月ごとに判定します。")
    return out


def _start_check(item: ClaimItem, month: Month, flag_key: tuple[str, ...], flags: dict[str, bool], start: _dt.date,
                 params: ParameterSet, memo: dict[Any, Any]) -> str | None:
    """利用開始日を読む条件の判定の符号（同じ項目・月・事実・利用開始日の利用者は一度だけ判定する）。"""
    key = (item.key, month.year, month.month, flag_key, start)
    if key not in memo:
        memo[key] = check_code(item, month, flags, start, params)
    found: str | None = memo[key]
    return found


# 請求する項目、そのキー、そのうち利用開始日を読む条件の項目
Chosen = tuple[tuple[ClaimItem, ...], tuple[str, ...], tuple[ClaimItem, ...]]


def _requested(reg: Registry, on: _dt.date, flags: tuple[str, ...]) -> tuple[ClaimItem, ...]:
    """名簿の事実が示す加算・減算：その月にあり、要件の事実（flag）がすべて真（flags は真の事実のキー）で、名簿にない事実
    （回数・人数・日付）を要しないもの。"""
    out = []
    for item in reg.on(on):
        needed = item.requirement_facts
        if any(reg.facts[key].kind != "flag" for key in needed) or item.count_fact or item.months_fact:
            continue
        if not needed and item.check == NO_CHECK:
            continue  # 要件のない項目（処遇改善加算など）は claim が自分で示す（合計に含まないもの）
        if all(key in flags for key in needed):
            out.append(item)
    return tuple(out)


def _user_result(user: UserFacts, months: Sequence[Month], basis: ClaimsBasis | None,
                 billing: Billing, face_records: dict[str, set[int]], fye: _dt.date, params: ParameterSet,
                 cache: dict[tuple[Any, ...], MonthClaim],
                 chosen: dict[Any, Any]) -> UserResult:
    # check_eligibility と同じ日付の計算（usable_window）。利用者が多いので根拠の文章は作らない。
    window = usable_window(user.employed, None, params)
    warnings: list[str] = []
    if not user.qualifies:
        warnings.append(f"前サービス「{user.prior_service}」は対象外です。就労定着支援の対象は生活介護、自立訓練、就労移行支援、"
                        "就労継続支援を利用して一般就労した者に限られます（施行規則第6条の10の2）。")
    day = rule_date(user.employed, params)  # 利用期間の規則を読む日（check_eligibility と同じ）
    if user.start < window.earliest:
        wait = params.value("periods.wait_months", day)
        warnings.append(f"利用開始日{date_text(user.start)}は、最も早い利用開始日{date_text(window.earliest)}より前です"
                        f"（就職後{wait + 1}月目より前）。")
    elif user.start > window.latest_end:
        warnings.append(f"利用開始日{date_text(user.start)}は、支給決定できる最後の日{date_text(window.latest_end)}より後です。")
    if user.end is not None and user.end > window.latest_end:
        warnings.append(f"利用終了日{date_text(user.end)}が、支給決定できる最後の日{date_text(window.latest_end)}"
                        f"（就職日から{months_text(params.value('periods.late_start_limit_months', day))}）を過ぎています。")
    if user.end is None and window.latest_end < fye:
        warnings.append(f"利用終了日が空欄（利用中）ですが、支給決定できる最後の日{date_text(window.latest_end)}を"
                        f"年度末日{date_text(fye)}までに過ぎています。利用を終了した日を入れてください。")
    if user.left is not None and user.reemployed is not None:
        warnings += _job_change_notes(user, params)
    in_window = window.earliest <= user.start <= window.latest_end
    periods = tuple(decision_periods(user.start, window.latest_end, params.value("periods.decision_period_months", fye))) \
        if in_window else ()
    claims: list[MonthClaim] = []
    total: int | None = None
    if billing is not None and basis is not None:
        total = 0
        reg = registry(params)
        claimed: frozenset[str] = frozenset()  # 算定した「1回限り」の加算のキー
        flags = {key: bool(value) for key, value in user.facts.items()}
        flag_key = tuple(sorted(key for key, value in flags.items() if value))
        end = user.end
        for month, number, first, last, iso in _bounds(tuple(months)):
            if user.start > last or (end is not None and end < first):
                continue  # 利用期間にかからない月
            condition, recorded, unrecorded = billing[number]
            met = unrecorded or number in recorded.get(user.id, ())
            face = number in face_records.get(user.id, ())
            found: Chosen | None = chosen.get((first, flag_key))
            if found is None:
                items = _requested(reg, first, flag_key)
                found = chosen[(first, flag_key)] = (items, tuple(i.key for i in items),
                                                     tuple(i for i in items if i.check in READS_SUPPORT_START))
            requested, keys, reading_start = found
            # 利用開始日を読む条件（支援開始1年以内）は、その判定の結果で月をまとめる（利用開始日そのものではなく）
            start_checks = tuple(_start_check(item, month, flag_key, flags, user.start, params, chosen)
                                 for item in reading_start) if reading_start else ()
            key = (number, met, face, keys, claimed, start_checks)
            claim = cache.get(key)
            if claim is None:
                claim = cache[key] = _claim(basis, month, iso, condition, met, face, requested, flags, claimed, user.start,
                                            params, recorded=not unrecorded)
            if claim.claimed_once:
                claimed = claimed | frozenset(claim.claimed_once)
            claims.append(claim)
            if claim.units is None or total is None:
                total = None
            else:
                total += claim.units
    return UserResult(user.id, user.row, user.prior_service, user.qualifies and in_window, window.earliest, window.latest_end,
                      periods, tuple(warnings), tuple(claims), total)


def _job_change_notes(user: UserFacts, params: ParameterSet) -> list[str]:
    """転職を就労継続とみなさないときの説明（平成30年12月17日 Q&A）。"""
    assert user.left is not None and user.reemployed is not None
    notes = []
    if not office.job_change_counts(user, params):
        deadline = office.job_change_deadline(user.left, params)
        gap = months_text(params.at_or_first("periods.job_change_reemployment_months", user.left).value)
        notes.append(f"転職：再就職日{date_text(user.reemployed)}が、離職日の翌日から{gap}（{date_text(deadline)}まで）を"
                     f"過ぎているため、就労継続とはみなしません（平成30年12月17日 Q&A：離職から{gap}以内の再就職）。")
    if user.left_again is not None:
        notes.append(f"転職後の離職日{date_text(user.left_again)}：2回目の離職のため、この日で就労継続が途切れたものとして"
                     "数えます（平成30年12月17日 Q&A が就労継続とみなすのは1回の転職）。")
    return notes


@lru_cache(maxsize=8)
def _bounds(months: tuple[Month, ...]) -> tuple[tuple[Month, int, _dt.date, _dt.date, str], ...]:
    """各月の通し番号・初日・末日・表記（利用者ごとに計算し直さない）。"""
    return tuple((month, office.month_number(month), month.first_day, month.last_day, month.iso()) for month in months)


def _claim(basis: ClaimsBasis, month: Month, iso: str, condition: BillingCondition, met: bool, face: bool,
           requested: tuple[ClaimItem, ...], flags: dict[str, bool], claimed: frozenset[str], start: _dt.date,
           params: ParameterSet, recorded: bool = True) -> MonthClaim:
    """ある利用者のある月の請求：型つきの事実（ClaimFacts）で teichaku.rules.fees.claim を呼ぶ唯一の場所。

    結果を決める条件（月、基本報酬の要件を満たしたか、請求する項目、名簿の事実、算定済みの「1回限り」、利用開始日）が
    同じなら結果も同じなので、呼び出し側（_user_result）が1回の analyse の中で覚えておく。
    """
    reg = registry(params)
    facts: dict[str, Any] = dict(flags)
    facts[condition.fact] = met
    for item in requested:
        if item.claimed_fact:
            facts[item.claimed_fact] = item.key in claimed
    result = claim(ClaimFacts(
        users=basis.users, retained=basis.retained, month=month, excluded=basis.excluded,
        scale_users=parse_decimal(basis.average_text, "scale_users"), support_start=start,
        requested=tuple(item.key for item in requested), facts=facts,
    ), params)
    tried = {item.key for item in requested if not item.requirement_facts}  # 名簿の事実が示したのではなく試した項目
    refused = [r for r in result.rejected if not (r.key in tried and r.code == REQUIREMENT_UNMET)]
    once = tuple(a.key for a in result.additions if reg.get(a.key).counting == "once")
    return MonthClaim(iso, face, result.total_units, result.base_units, tuple((a.name, a.units) for a in result.additions),
                      tuple(r.name for r in refused), once, tuple(a.key for a in result.additions),
                      tuple(r.key for r in refused), condition.key, met, tuple((r.name, r.units) for r in result.reductions),
                      tuple(r.key for r in result.reductions), recorded, condition.record or "")
