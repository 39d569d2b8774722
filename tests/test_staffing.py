"""人員基準（別添 p.18）、平均利用者数、実施主体（基準省令第206条の7）。"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teichaku.errors import InputError
from teichaku.staffing import average_users, staffing


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
    assert caught.value.field == "常勤の勤務時間"


def test_bad_hours_name_the_row() -> None:
    with pytest.raises(InputError) as caught:
        staffing(users="10", hours=["20", "二十"], fulltime_hours=40)
    assert caught.value.field == "勤務時間（2人目）"


def test_average_users_example_4_62_rounds_up_to_4_7() -> None:
    value, _ = average_users(5544, 1200)  # 4.62
    assert value == Fraction(47, 10)


def test_average_users_from_yearly_total_rounds_up_at_the_second_decimal() -> None:
    assert average_users(121)[0] == Fraction(101, 10)   # 10.0833… → 10.1
    assert average_users(120)[0] == Fraction(10)        # 10.0 exactly
    assert staffing(total_user_months=241).to_dict()["users"] == "20.1"


def test_users_and_total_are_exclusive() -> None:
    with pytest.raises(InputError):
        staffing(users="10", total_user_months="120")
    with pytest.raises(InputError):
        staffing()


@pytest.mark.parametrize(("placements", "ok"), [(3, True), (2, False), (0, False), (4, True)])
def test_implementing_body_needs_an_average_of_one_placement_a_year(placements: int, ok: bool) -> None:
    assert staffing(users="10", placements=placements).placements_ok is ok


@given(st.decimals(min_value=0, max_value=500, places=1), st.decimals(min_value=0, max_value=500, places=1))
def test_more_users_never_need_fewer_staff(a: object, b: object) -> None:
    low, high = sorted([str(a), str(b)], key=lambda text: Fraction(text))
    first, second = staffing(users=low), staffing(users=high)
    assert second.support_staff_required >= first.support_staff_required
    assert second.service_managers_required >= first.service_managers_required
