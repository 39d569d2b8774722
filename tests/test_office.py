"""事業所単位の規則（teichaku.rules.office）：転職（平成30年12月17日 Q&A）、問2（別添 p.31）の除外、就労定着率の人数（別添 p.14）、
就労定着実績体制加算（報酬告示：42月以上78月未満、過去6年間）、延べ利用者数と平均利用者数（切り上げ）。
パラメータは規則が判断する日（年度末日）の値を読むこと。"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import pytest

from teichaku.rules import office
from teichaku.rules.dates import Month
from teichaku.rules.params import ParameterSet, default_parameters

D = dt.date.fromisoformat
PARAMS = default_parameters()


@dataclass(frozen=True)
class Person:
    """office.EmploymentFacts の形（テスト用）。"""

    id: str
    employed: dt.date
    start: dt.date
    end: dt.date | None = None
    left: dt.date | None = None
    reemployed: dt.date | None = None
    left_again: dt.date | None = None


def person(id: str, employed: str, start: str, end: str = "", left: str = "", reemployed: str = "", left_again: str = "") -> Person:
    return Person(id, D(employed), D(start), D(end) if end else None, D(left) if left else None,
                  D(reemployed) if reemployed else None, D(left_again) if left_again else None)


# ---- 転職（Q&A 2018-12-17）----

@pytest.mark.parametrize(("left", "deadline"), [
    ("2022-05-31", "2022-06-30"),  # 6月1日を第1日とする1月：6月30日に満了
    ("2022-01-30", "2022-02-28"),  # 1月31日を第1日：2月に応当する日がないので月末
    ("2023-12-31", "2024-01-31"),  # 年をまたぐ
    ("2024-01-30", "2024-02-29"),  # うるう年の2月
])
def test_qa_2018_12_17_one_month_after_leaving_is_counted_by_civil_code_143(left: str, deadline: str) -> None:
    assert office.job_change_deadline(D(left)) == D(deadline)


def test_qa_2018_12_17_reemployed_within_one_month_counts_as_continued_on_both_sides_of_the_boundary() -> None:
    inside = person("a", "2020-04-01", "2020-10-01", left="2022-05-31", reemployed="2022-06-30")
    outside = person("b", "2020-04-01", "2020-10-01", left="2022-05-31", reemployed="2022-07-01")
    assert office.job_change_counts(inside) and office.employed_on(inside, D("2023-03-31"))
    assert not office.job_change_counts(outside) and not office.employed_on(outside, D("2023-03-31"))
    assert office.employment_broken(outside, D("2023-03-31")) == D("2022-05-31")


def test_qa_2018_12_17_between_jobs_on_the_day_is_not_employed_that_day() -> None:
    changing = person("a", "2020-04-01", "2020-10-01", left="2023-03-20", reemployed="2023-04-05")
    assert not office.employed_on(changing, D("2023-03-31"))  # 年度末日には、まだ再就職していない
    assert office.employed_on(changing, D("2023-04-05"))


def test_qa_2018_12_17_a_second_change_of_job_is_not_continued_employment() -> None:
    twice = person("a", "2020-04-01", "2020-10-01", left="2022-05-31", reemployed="2022-06-10", left_again="2022-11-30")
    assert office.employed_on(twice, D("2022-11-29"))
    assert not office.employed_on(twice, D("2022-11-30"))
    assert office.employment_broken(twice, D("2023-03-31")) == D("2022-11-30")


def test_left_without_reemployment_breaks_on_the_day_of_leaving_and_not_before() -> None:
    left = person("a", "2020-04-01", "2020-10-01", left="2022-05-31")
    assert office.employed_on(left, D("2022-05-30")) and not office.employed_on(left, D("2022-05-31"))
    assert not office.employed_on(left, D("2020-03-31"))  # 就職の前


# ---- 問2（別添 p.31）と就労定着率の人数（別添 p.14）----

FYE = D("2023-03-31")


def test_q2_expired_then_left_in_the_same_fiscal_year_is_excluded_from_both_counts() -> None:
    # 就職 2019-04-01 → 支給決定できる最後の日 2022-09-30。利用終了 2022-09-30（満了）、2022-12-15 退職（同じ年度）
    q2 = person("U03", "2019-04-01", "2019-10-01", end="2022-09-30", left="2022-12-15")
    assert office.use_expired(q2, FYE, PARAMS) and office.q2_excluded(q2, FYE, PARAMS)
    counts = office.retention_counts([q2, person("U01", "2019-04-01", "2019-10-01")], FYE, PARAMS)
    assert [u.id for u in counts.users] == ["U03", "U01"]
    assert [u.id for u in counts.excluded] == ["U03"] and [u.id for u in counts.retained] == ["U01"]
    assert counts.computable


def test_q2_does_not_exclude_a_user_whose_use_ended_early_or_who_left_in_another_year() -> None:
    early = person("a", "2019-04-01", "2019-10-01", end="2022-06-30", left="2022-12-15")  # 満了の前に終了
    next_year = person("b", "2019-04-01", "2019-10-01", end="2022-09-30", left="2023-04-10")  # 翌年度に退職
    prior_year = person("c", "2018-04-01", "2018-10-01", end="2021-09-30", left="2022-05-01")  # 満了は前年度
    for user in (early, next_year, prior_year):
        assert not office.q2_excluded(user, FYE, PARAMS), user.id


def test_q2_with_a_job_change_that_counts_the_user_is_retained_not_excluded() -> None:
    changed = person("a", "2019-04-01", "2019-10-01", end="2022-09-30", left="2022-12-15", reemployed="2023-01-10")
    assert not office.q2_excluded(changed, FYE, PARAMS)
    assert [u.id for u in office.retention_counts([changed], FYE, PARAMS).retained] == ["a"]


def test_retention_window_is_the_three_years_to_the_fiscal_year_end() -> None:
    before = person("old", "2016-04-01", "2016-10-01", end="2020-03-31")  # 2020-04-01 より前に終了
    first_day = person("edge", "2016-04-01", "2016-10-01", end="2020-04-01")
    counts = office.retention_counts([before, first_day], FYE, PARAMS)
    assert counts.first == D("2020-04-01") and [u.id for u in counts.users] == ["edge"]
    assert not office.retention_counts([], FYE, PARAMS).computable


# ---- 就労定着実績体制加算（報酬告示：42月以上78月未満、過去6年間）----

@pytest.mark.parametrize(("left", "months"), [
    ("2022-09-30", 42),  # 2019-04-01 を第1日として 2022-09-30 に42月が満了
    ("2022-09-29", 41),
])
def test_whole_months_by_civil_code(left: str, months: int) -> None:
    assert office.whole_months(D("2019-04-01"), D(left)) == months


def test_track_record_counts_42_months_or_more_and_fewer_than_78() -> None:
    fye = D("2026-03-31")
    ended = "2021-03-31"
    exactly_42 = person("a", "2018-04-01", "2018-10-01", end=ended, left="2021-09-30")  # 42月
    short = person("b", "2018-04-01", "2018-10-01", end=ended, left="2021-09-29")  # 41月
    long = person("c", "2018-04-01", "2018-10-01", end=ended)  # 2026-03-31 まで就労：96月 → 78月以上
    reached_78 = person("d", "2019-10-01", "2020-04-01", end=ended, left="2026-03-31")  # 78月ちょうど → 含まない
    below_78 = person("e", "2019-10-01", "2020-04-01", end=ended, left="2026-03-30")  # 77月
    found = office.track_record([exactly_42, short, long, reached_78, below_78], fye, PARAMS)
    assert (found.ended, found.retained, found.ratio, found.meets) == (5, 2, Fraction(2, 5), False)
    assert found.first == D("2020-04-01") and found.reaches_back


def test_track_record_counts_a_job_change_within_one_month_as_continued() -> None:
    fye = D("2023-03-31")
    changed = person("a", "2019-04-01", "2019-10-01", end="2022-09-30", left="2021-05-31", reemployed="2021-06-15")
    late = person("b", "2019-04-01", "2019-10-01", end="2022-09-30", left="2021-05-31", reemployed="2021-07-15")
    found = office.track_record([changed, late], fye, PARAMS)
    assert (found.retained, found.ended) == (1, 2)  # a は 2023-03-31 まで48月、b は離職まで26月


# ---- 延べ利用者数と平均利用者数（解釈通知 第二 2(5)）----

def test_monthly_users_from_contacts_or_from_the_use_period() -> None:
    months = office.fiscal_months(FYE)
    assert (months[0], months[-1]) == (Month(2022, 4), Month(2023, 3))
    users = [person("a", "2021-04-01", "2021-10-01"), person("b", "2021-04-01", "2022-05-15", end="2022-06-01")]
    april, may = office.month_number(Month(2022, 4)), office.month_number(Month(2022, 5))
    assert may == april + 1 == 2022 * 12 + 4
    by_contact = office.monthly_user_counts(users, months, {"a": {april, may}, "b": {may}})
    assert by_contact[:3] == [1, 2, 0] and sum(by_contact) == 3
    by_period = office.monthly_user_counts(users, months, None)
    assert by_period[:3] == [1, 2, 2] and sum(by_period) == 14


def test_average_users_is_total_over_12_rounded_up_at_the_second_decimal() -> None:
    assert office.average_of([9], FYE, PARAMS) == Fraction(8, 10)  # 9 ÷ 12 = 0.75 → 0.8
    assert office.average_of([12] * 12, FYE, PARAMS) == 12


# ---- パラメータは年度末日の値 ----

class Recording:
    """ParameterSet を包み、問い合わせた（名前、日付）を覚える。"""

    def __init__(self, inner: ParameterSet) -> None:
        self.inner = inner
        self.asked: list[tuple[str, dt.date]] = []

    def value(self, name: str, on: dt.date) -> Any:
        self.asked.append((name, on))
        return self.inner.value(name, on)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_rules_read_their_parameters_at_the_fiscal_year_end_not_at_the_notice_date() -> None:
    recording = Recording(PARAMS)
    params = cast(ParameterSet, recording)
    users = [person("U03", "2019-04-01", "2019-10-01", end="2022-09-30", left="2022-12-15")]
    office.retention_counts(users, FYE, params)
    office.track_record(users, FYE, params)
    office.average_of([9], FYE, params)
    names = {name for name, _ in recording.asked}
    assert {"retention.lookback_years", "periods.late_start_limit_months", "periods.use_months",
            "fees.track_record_min_months", "fees.track_record_ratio"} <= names
    assert {on for _, on in recording.asked} == {FYE}
