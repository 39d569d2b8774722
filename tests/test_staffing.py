"""人員基準（別添 p.18）、平均利用者数、実施主体（基準省令第206条の7）。"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teichaku.rules.errors import InputError
from teichaku.rules.staffing import average_users, staffing


@pytest.mark.parametrize(("users", "managers"), [("1", 1), ("60", 1), ("60.1", 2), ("61", 2), ("100", 2), ("100.1", 3),
                                                 ("101", 3), ("105", 3), ("140", 3), ("141", 4)])
def test_service_managers_60_then_one_per_40_or_part(users: str, managers: int) -> None:
    assert staffing(users=users).service_managers_required == managers


@pytest.mark.parametrize(("users", "required"), [("40", "1"), ("41", "1.025"), ("20", "0.5"), ("4.7", "0.1175")])
def test_support_staff_required_is_users_over_40_exactly(users: str, required: str) -> None:
    assert staffing(users=users).to_dict()["support_staff_required"] == required


def test_fte_example_28_35_32_over_40_truncates_to_2_3() -> None:
    result = staffing(users="92", hours=[28, 35, 32], fulltime_hours=40)
    assert result.fte == Fraction(23, 10)
    assert result.to_dict()["fte"] == "2.3"
    assert result.meets is True  # 2.3 ≧ 92/40 = 2.3


def test_fte_just_below_requirement_does_not_meet() -> None:
    result = staffing(users="92.1", hours=[28, 35, 32], fulltime_hours=40)
    assert result.meets is False


def test_fulltime_hours_below_32_divide_by_32() -> None:
    result = staffing(users="40", hours=[30, 30], fulltime_hours=30)
    assert result.fte == Fraction(18, 10)  # 60 ÷ 32 = 1.875 → 1.8
    assert any("32時間で除する" in s.text for s in result.explanation.steps)


def test_fulltime_hours_of_32_are_used_as_they_are() -> None:
    assert staffing(users="40", hours=[32], fulltime_hours=32).fte == 1


def test_hours_without_fulltime_hours_name_the_field() -> None:
    with pytest.raises(InputError) as caught:
        staffing(users="10", hours=[20])
    assert caught.value.field == "fulltime_hours"


def test_bad_hours_name_the_row() -> None:
    with pytest.raises(InputError) as caught:
        staffing(users="10", hours=["20", "二十"], fulltime_hours=40)
    assert (caught.value.field, caught.value.index) == ("hours", 1)


def test_average_users_example_4_62_rounds_up_to_4_7() -> None:
    value, _ = average_users(5544, 1200)  # 4.62
    assert value == Fraction(47, 10)


def test_average_users_from_yearly_total_rounds_up_at_the_second_decimal() -> None:
    assert average_users(121)[0] == Fraction(101, 10)   # 10.0833… → 10.1
    assert average_users(120)[0] == Fraction(10)        # 10.0 exactly
    assert staffing(total_user_months=241).to_dict()["users"] == "20.1"


def test_users_and_total_are_exclusive() -> None:
    with pytest.raises(InputError) as caught:
        staffing(users="10", total_user_months="120")
    assert caught.value.field == "users"
    with pytest.raises(InputError) as caught:
        staffing()
    assert caught.value.field == "users"


@pytest.mark.parametrize(("placements", "ok"), [(3, True), (2, False), (0, False), (4, True)])
def test_implementing_body_needs_an_average_of_one_placement_a_year(placements: int, ok: bool) -> None:
    assert staffing(users="10", placements=placements).placements_ok is ok


@given(st.decimals(min_value=0, max_value=500, places=1), st.decimals(min_value=0, max_value=500, places=1))
def test_more_users_never_need_fewer_staff(a: object, b: object) -> None:
    low, high = sorted([str(a), str(b)], key=lambda text: Fraction(text))
    first, second = staffing(users=low), staffing(users=high)
    assert second.support_staff_required >= first.support_staff_required
    assert second.service_managers_required >= first.service_managers_required


# ---- 勤務延べ時間数の上限（解釈通知 用語の定義：1人につき常勤の従業者が勤務すべき時間数まで）----

def test_hours_above_fulltime_count_only_up_to_fulltime_60_users_50_and_12_hours_fte_1_3_does_not_meet_1_5() -> None:
    # 上限なしなら (50+12)÷40 = 1.55 → 1.5 で 60÷40 = 1.5 を満たしてしまう。50時間は40時間として数える：52÷40 = 1.3。
    result = staffing(users="60", hours=[50, 12], fulltime_hours=40)
    assert result.fte == Fraction(13, 10)
    assert result.support_staff_required == Fraction(3, 2)
    assert result.meets is False
    step = next(s for s in result.explanation.steps if "算入できる" in s.text)
    assert "1人目の50時間は40時間" in step.text
    assert any("勤務延べ時間数" in c.section for c in result.explanation.sources)


def test_hours_equal_to_fulltime_are_not_capped_and_cite_nothing_extra() -> None:
    result = staffing(users="60", hours=[40, 20], fulltime_hours=40)
    assert result.fte == Fraction(15, 10) and result.meets is True
    assert not any("算入できる" in s.text for s in result.explanation.steps)


def test_cap_is_the_offices_fulltime_hours_even_when_dividing_by_32() -> None:
    # 常勤30時間の事業所：1人の算入は30時間まで、除数は32時間。(30+30)÷32 = 1.875 → 1.8。
    assert staffing(users="40", hours=[35, 30], fulltime_hours=30).fte == Fraction(18, 10)


def test_hours_over_a_week_name_the_row() -> None:
    with pytest.raises(InputError) as caught:
        staffing(users="10", hours=["20", "200"], fulltime_hours=40)
    assert (caught.value.field, caught.value.index) == ("hours", 1)


def test_other_fields_are_named_by_their_keys() -> None:
    for kwargs, key in (({"users": "abc"}, "users"), ({"total_user_months": "x"}, "total_user_months"),
                        ({"users": "10", "placements": "-1"}, "placements"),
                        ({"users": "10", "hours": ["10"], "fulltime_hours": "0"}, "fulltime_hours"),
                        ({"users": "10", "on": "2019-02-30"}, "on")):
        with pytest.raises(InputError) as caught:
            staffing(**kwargs)  # type: ignore[arg-type]
        assert caught.value.field == key, kwargs


# ---- 判定する日（on）：パラメータはその日の値。今日の日付は規則の中で読まない ----

def test_staffing_reads_parameters_at_the_date_given_and_refuses_dates_before_the_service() -> None:
    result = staffing(users="45", on="2024-04-01")
    assert result.explanation.on == dt.date(2024, 4, 1)
    assert result.support_staff_required == Fraction(45, 40)
    assert staffing(users="45", on=dt.date(2018, 4, 1)).service_managers_required == 1
    with pytest.raises(InputError) as caught:
        staffing(users="45", on="2018-03-31")
    assert caught.value.field == "on"
    assert average_users(121, on="2024-04-01")[1].on == dt.date(2024, 4, 1)
