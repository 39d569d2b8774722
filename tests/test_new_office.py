"""新規指定の事業所（Q&A 問3、別添 p.32）。"""

from __future__ import annotations

from fractions import Fraction

import pytest

from teichaku.errors import InputError
from teichaku.new_office import new_office


def test_q3_under_six_months_uses_seventy_percent_of_six_month_settlers() -> None:
    result = new_office("2018-10-01", "2019-03-31", settled_six_months=7, settled_six_months_at_application=9,
                        retained=8, placed=10)
    assert result.stage == 0
    assert result.fee_users == Fraction(49, 10)          # 7 × 70% = 4.9
    assert result.staffing_users == Fraction(63, 10)     # 9 × 70% = 6.3（申請日から起算）
    assert result.rate == Fraction(8, 10) and result.tier == "8割以上9割未満"


def test_q3_seventy_percent_rounds_up_at_the_second_decimal() -> None:
    assert new_office("2018-10-01", "2018-10-01", settled_six_months=1).fee_users == Fraction(7, 10)


def test_q3_six_months_to_one_year_divides_recent_six_months_by_six() -> None:
    result = new_office("2018-10-01", "2019-04-01", recent_user_months=31)
    assert result.stage == 1
    assert result.fee_users == Fraction(52, 10)          # 31 ÷ 6 = 5.166… → 5.2


def test_q3_one_year_and_more_divides_recent_year_by_twelve() -> None:
    result = new_office("2018-10-01", "2019-10-01", recent_user_months=121)
    assert result.stage == 2
    assert result.fee_users == Fraction(101, 10)
    assert result.rate is None and any("問1" in n for n in result.notes)


def test_q3_stage_boundary_is_the_last_day_of_six_months() -> None:
    assert new_office("2018-10-01", "2019-03-31", settled_six_months=1).stage == 0
    assert new_office("2018-10-01", "2019-09-30", recent_user_months=6).stage == 1


def test_q3_missing_input_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        new_office("2018-10-01", "2019-01-01")
    assert caught.value.field == "過去3年間の6月定着者数"
    with pytest.raises(InputError) as caught:
        new_office("2018-10-01", "2018-09-01", settled_six_months=1)
    assert caught.value.field == "基準日"
