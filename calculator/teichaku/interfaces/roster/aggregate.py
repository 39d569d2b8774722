"""事実 → 結果：事業所の規則（teichaku.rules.office）を呼び、利用者ごとの利用期間（teichaku.rules.eligibility）と月ごとの請求
（teichaku.rules.fees.claim、この中では `_claim` の一か所だけ）を求める。

パラメータは年度末日 fye（規則が判断する日）の値を読む。
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ...rules import office
from ...rules.dates import Month, fiscal_year_end, japanese_date, parse_date, period_end
from ...rules.eligibility import decision_periods, usable_window
from ...rules.errors import InputError
from ...rules.fees import ClaimFacts, claim
from ...rules.items import registry
from ...rules.numbers import parse_decimal
from ...rules.params import ParameterSet, default_parameters
from ...rules.retention import retention_rate
from ...rules.staffing import staffing
from .model import (
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

_FIRST_FISCAL_YEAR_END = _dt.date(2019, 3, 31)  # 就労定着支援の創設（平成30年4月）の年度の末日
_LAST_FISCAL_YEAR_END = _dt.date(2100, 3, 31)  # 名簿の日付の範囲（〜2100年）に合わせる


def _fiscal_year_end(text: str | _dt.date | None, today: _dt.date | None) -> _dt.date:
    """年度末日（項目キー "fiscal_year_end"）。省略すると today より前の直近の年度末日。"""
    if text in (None, ""):
        now = today or _dt.date.today()
        fye = fiscal_year_end(now)
        return _dt.date(fye.year - 1, 3, 31) if fye >= now else fye
    assert text is not None
    day = parse_date(text, "fiscal_year_end")
    if (day.month, day.day) != (3, 31):
        raise InputError("fiscal_year_end", f"{japanese_date(day)}は年度末日（3月31日）ではありません。")
    if day < _FIRST_FISCAL_YEAR_END:
        raise InputError("fiscal_year_end", "就労定着支援は平成30年4月に始まったため、2019年3月31日以降の年度末日を指定してください。")
    if day > _LAST_FISCAL_YEAR_END:
        raise InputError("fiscal_year_end", "2100年3月31日までの年度末日を指定してください。")
    return day


def analyse(data: bytes, name: str = "", fiscal_year_end_text: str | _dt.date | None = None,
            fulltime_hours: str | None = None, today: _dt.date | None = None,
            parameters: ParameterSet | None = None) -> RosterResult:
    """名簿ファイル（バイト列）を読み、年度末日の事業所の数字と利用者ごとの結果を返す。ファイル全体が読めなければ RosterError。"""
    params = parameters or default_parameters()
    fye = _fiscal_year_end(fiscal_year_end_text, today)
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
    user_out = tuple(_user_result(u, months, basis, contacts, fye, params, cache) for u in users)

    rejected = tuple(sorted(facts.rejected, key=lambda r: (r.sheet, r.row)))
    rows = RowCounts(len(users), len({(r.sheet, r.row) for r in rejected} & facts.roster_rows), facts.contact_rows,
                     len(facts.staff))
    tables = tuple(TableInfo(t.sheet, t.kind, t.header_row, len(t.rows), tuple(t.skipped)) for t in reading.tables) \
        + tuple(TableInfo(sheet, None, None, 0) for sheet in reading.ignored_sheets)
    warnings: list[str] = []
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
    )


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
    hours = tuple(s.hours for s in facts.staff if s.role == SUPPORT_STAFF)
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
    if found.ratio is None:
        return TrackRecordResult(0, 0, None, None, "過去6年間に利用を終了した者がいないため、割合を算出できません。")
    note = None if found.reaches_back else (f"名簿の最も早い利用開始日が{japanese_date(found.first)}より後のため、"
                                            "過去6年間の全体を含んでいない可能性があります（参考値）。")
    return TrackRecordResult(found.ended, found.retained, found.ratio, found.meets, note)


def _user_result(user: UserFacts, months: Sequence[Month], basis: ClaimsBasis | None,
                 contacts: dict[str, set[int]] | None, fye: _dt.date, params: ParameterSet,
                 cache: dict[tuple[Any, ...], MonthClaim]) -> UserResult:
    # check_eligibility と同じ日付の計算（usable_window）。利用者が多いので根拠の文章は作らない。
    window = usable_window(user.employed, None, params)
    warnings: list[str] = []
    if not user.qualifies:
        warnings.append(f"前サービス「{user.prior_service}」は対象外です。就労定着支援の対象は生活介護、自立訓練、就労移行支援、"
                        "就労継続支援を利用して一般就労した者に限られます（施行規則第6条の10の2）。")
    if user.start < window.earliest:
        warnings.append(f"利用開始日{japanese_date(user.start)}は、最も早い利用開始日{japanese_date(window.earliest)}より前です"
                        "（就職後7月目より前）。")
    elif user.start > window.latest_end:
        warnings.append(f"利用開始日{japanese_date(user.start)}は、支給決定できる最後の日{japanese_date(window.latest_end)}より後です。")
    if user.end is not None and user.end > window.latest_end:
        warnings.append(f"利用終了日{japanese_date(user.end)}が、支給決定できる最後の日{japanese_date(window.latest_end)}"
                        "（就職日から3年6月）を過ぎています。")
    if user.end is None and window.latest_end < fye:
        warnings.append(f"利用終了日が空欄（利用中）ですが、支給決定できる最後の日{japanese_date(window.latest_end)}を"
                        f"年度末日{japanese_date(fye)}までに過ぎています。利用を終了した日を入れてください。")
    if user.left is not None and user.reemployed is not None:
        warnings += _job_change_notes(user)
    in_window = window.earliest <= user.start <= window.latest_end
    periods = tuple(decision_periods(user.start, window.latest_end, params.value("periods.decision_period_months", fye))) \
        if in_window else ()
    claims: list[MonthClaim] = []
    total: int | None = None
    if contacts is not None and basis is not None:
        total = 0
        seen = contacts.get(user.id, ())
        initial_done = False
        first_year_end = period_end(user.start, params.value("fees.company_coordination_months", fye))
        end = user.end
        # 請求する加算：初期加算（他事業所からの受入れ）、企業連携等調整特別加算（支援開始1年以内の月）、特別地域加算
        initial = ("初期加算",) if user.from_other_office else ()
        area = ("特別地域加算",) if user.special_area else ()
        early, later = (*initial, "企業連携等調整特別加算", *area), (*initial, *area)
        for month, number, first, last, iso in _bounds(tuple(months)):
            if user.start > last or (end is not None and end < first):
                continue  # 利用期間にかからない月
            face = number in seen
            requested = early if first <= first_year_end else later
            key = (month, face, requested, initial_done)
            claim = cache.get(key)
            if claim is None:
                claim = cache[key] = _claim(basis, month, iso, face, requested, initial_done, user.start, params)
            initial_done = initial_done or claim.initial
            claims.append(claim)
            if claim.units is None or total is None:
                total = None
            else:
                total += claim.units
    return UserResult(user.id, user.row, user.prior_service, user.qualifies and in_window, window.earliest, window.latest_end,
                      periods, tuple(warnings), tuple(claims), total)


def _job_change_notes(user: UserFacts) -> list[str]:
    """転職を就労継続とみなさないときの説明（平成30年12月17日 Q&A）。"""
    assert user.left is not None and user.reemployed is not None
    notes = []
    if not office.job_change_counts(user):
        deadline = office.job_change_deadline(user.left)
        notes.append(f"転職：再就職日{japanese_date(user.reemployed)}が、離職日の翌日から1月（{japanese_date(deadline)}まで）を"
                     "過ぎているため、就労継続とはみなしません（平成30年12月17日 Q&A：離職から1月以内の再就職）。")
    if user.left_again is not None:
        notes.append(f"転職後の離職日{japanese_date(user.left_again)}：2回目の離職のため、この日で就労継続が途切れたものとして"
                     "数えます（平成30年12月17日 Q&A が就労継続とみなすのは1回の転職）。")
    return notes


@lru_cache(maxsize=8)
def _bounds(months: tuple[Month, ...]) -> tuple[tuple[Month, int, _dt.date, _dt.date, str], ...]:
    """各月の通し番号・初日・末日・表記（利用者ごとに計算し直さない）。"""
    return tuple((month, office.month_number(month), month.first_day, month.last_day, month.iso()) for month in months)


def _claim(basis: ClaimsBasis, month: Month, iso: str, face: bool, requested: tuple[str, ...], initial_done: bool,
           start: _dt.date, params: ParameterSet) -> MonthClaim:
    """ある利用者のある月の請求：型つきの事実（ClaimFacts）で teichaku.rules.fees.claim を呼ぶ唯一の場所。

    結果を決める条件（月、対面支援の有無、請求する加算、初期加算を算定済みか）が同じなら結果も同じなので、呼び出し側
    （_user_result）が1回の analyse の中で覚えておく（企業連携等調整特別加算は、支援開始1年以内の月にだけ requested に
    入れてある。そのとき start は支援開始日として渡す）。
    """
    first_year = "企業連携等調整特別加算" in requested
    reg = registry(params)
    keys = tuple(item.key for item in (reg.lookup(name) for name in requested) if item is not None)
    facts = ClaimFacts(
        users=basis.users, retained=basis.retained, month=month, excluded=basis.excluded,
        scale_users=parse_decimal(basis.average_text, "scale_users"), face_to_face=face,
        support_start=start if first_year else None, requested=keys,
        facts={"from_other_office": "初期加算" in requested, "initial_claimed_before": initial_done,
               "special_area": "特別地域加算" in requested},
    )
    result = claim(facts, params)
    additions = tuple((a.name, a.units) for a in result.additions)
    return MonthClaim(iso, face, result.total_units, result.base_units, additions, tuple(r.name for r in result.rejected),
                      any(name == "初期加算" for name, _ in additions))
