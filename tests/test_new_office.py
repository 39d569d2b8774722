"""新規指定の事業所（Q&A 問3、別添 p.32）。"""

from __future__ import annotations

from fractions import Fraction

import pytest

from teichaku.rules.errors import InputError
from teichaku.rules.new_office import new_office


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
    assert caught.value.field == "settled_six_months"
    with pytest.raises(InputError) as caught:
        new_office("2018-10-01", "2018-09-01", settled_six_months=1)
    assert caught.value.field == "on"


# ---- 区分は基準日に効力を持つもの（令和3年4月1日から「9割5分以上」「3割未満」を含む7区分）----

def test_office_designated_2024_04_01_with_19_of_20_is_95_percent_and_over_and_5_of_20_is_under_30_percent() -> None:
    high = new_office("2024-04-01", "2024-05-01", settled_six_months=10, retained=19, placed=20)
    assert high.rate == Fraction(19, 20)
    assert high.tier == "9割5分以上"          # 本通知の区分なら「9割以上」
    low = new_office("2024-04-01", "2024-05-01", settled_six_months=10, retained=5, placed=20)
    assert low.tier == "3割未満"              # 本通知の区分なら「1割以上3割未満」
    assert any(c.document.key == "fee_kokuji" for c in high.explanation.sources)  # 令和3年4月以後の区分の出典


def test_office_designated_2018_keeps_the_notice_tiers() -> None:
    assert new_office("2018-10-01", "2019-03-31", settled_six_months=7, retained=19, placed=20).tier == "9割以上"
    assert new_office("2018-10-01", "2019-03-31", settled_six_months=7, retained=5, placed=20).tier == "1割以上3割未満"


def test_tiers_follow_the_reference_date_across_2021_04_01() -> None:
    # 2020-10-01 指定：基準日 2021-03-31 は旧区分、2021-04-01 は新区分（いずれも指定から1年未満で、就労定着率は推定値）。
    before = new_office("2020-10-01", "2021-03-31", settled_six_months=10, recent_user_months=30, retained=19,
                        placed=20)
    after = new_office("2020-10-01", "2021-04-01", settled_six_months=10, recent_user_months=30, retained=19,
                        placed=20)
    assert (before.stage, after.stage) == (0, 1)
    assert (before.tier, after.tier) == ("9割以上", "9割5分以上")


def test_inputs_are_named_by_their_keys() -> None:
    cases = [({"designated": "x", "on": "2019-01-01"}, "designated"),
             ({"designated": "2018-03-01", "on": "2018-05-01", "settled_six_months": 1}, "designated"),
             ({"designated": "2019-04-01", "on": "2019-05-01", "settled_six_months": "a"}, "settled_six_months"),
             ({"designated": "2019-04-01", "on": "2019-05-01", "settled_six_months": 1,
               "settled_six_months_at_application": "a"}, "settled_six_months_at_application"),
             ({"designated": "2019-04-01", "on": "2019-05-01", "settled_six_months": 1, "retained": 5, "placed": 0}, "placed"),
             ({"designated": "2019-04-01", "on": "2019-05-01", "settled_six_months": 1, "retained": 5, "placed": 4}, "retained"),
             ({"designated": "2019-04-01", "on": "2019-12-01"}, "recent_user_months")]
    for kwargs, key in cases:
        with pytest.raises(InputError) as caught:
            new_office(**kwargs)  # type: ignore[arg-type]
        assert caught.value.field == key, kwargs
