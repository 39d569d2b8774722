"""就労定着率・区分・基本報酬（別添 p.14）、問1（p.30）、問2（p.31）。"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teichaku.rules.dates import Month
from teichaku.rules.errors import InputError
from teichaku.rules.retention import first_recalculation, retention_rate

# (就労継続者, 総利用者, 区分, 20人以下の単位) — 各区分の下限ちょうどと、その直下
BOUNDARIES = [
    (9, 10, "9割以上", 3200),
    (8995, 10000, "8割以上9割未満", 2640),  # 89.95% は 9割未満
    (8, 10, "8割以上9割未満", 2640),
    (7999, 10000, "7割以上8割未満", 2120),
    (7, 10, "7割以上8割未満", 2120),
    (6999, 10000, "5割以上7割未満", 1600),
    (5, 10, "5割以上7割未満", 1600),
    (4999, 10000, "3割以上5割未満", 1360),
    (3, 10, "3割以上5割未満", 1360),
    (2999, 10000, "1割以上3割未満", 1200),
    (1, 10, "1割以上3割未満", 1200),
    (999, 10000, "1割未満", 1040),
    (0, 10, "1割未満", 1040),
    (10, 10, "9割以上", 3200),
]


@pytest.mark.parametrize(("retained", "users", "tier", "units"), BOUNDARIES)
def test_tier_boundaries_are_exact_ijou_miman(retained: int, users: int, tier: str, units: int) -> None:
    result = retention_rate(users, retained, scale_users=20)
    assert result.tier.label == tier
    assert result.fee.units == units


def test_rate_is_the_unreduced_fraction_after_exclusion() -> None:
    result = retention_rate(20, 18, 0, 15)
    assert result.to_dict()["rate"] == "18/20"
    assert result.to_dict()["rate_reduced"] == "9/10"
    assert result.to_dict()["percent"] == "90.00%"


def test_q2_exclusion_removes_the_person_from_the_denominator() -> None:
    # 問2：期間満了後に同年度内に退職した者は総数・就労継続者数の双方から除外（退職者なので継続者数には元々いない）。
    without = retention_rate(20, 17, 0, 15)
    with_exclusion = retention_rate(20, 17, 2, 15)
    assert without.rate == Fraction(17, 20) and without.tier.label == "8割以上9割未満"
    assert with_exclusion.rate == Fraction(17, 18) and with_exclusion.tier.label == "9割以上"
    assert any("問2" in c.label for c in with_exclusion.explanation.sources)


def test_retained_cannot_exceed_users_after_exclusion() -> None:
    with pytest.raises(InputError) as caught:
        retention_rate(10, 10, 1)
    assert caught.value.field == "retained"


def test_exclusion_cannot_exceed_users() -> None:
    with pytest.raises(InputError) as caught:
        retention_rate(3, 0, 4)
    assert caught.value.field == "excluded"


def test_no_users_gives_a_message_not_a_division_by_zero() -> None:
    with pytest.raises(InputError, match="算出できません"):
        retention_rate(0, 0)


@pytest.mark.parametrize("bad", ["-1", "1.5", "十", ""])
def test_bad_counts_name_the_field(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        retention_rate(bad, 0)
    assert caught.value.field == "users"


def test_full_width_counts_are_accepted() -> None:
    assert retention_rate("２０", "１８").rate == Fraction(9, 10)


@pytest.mark.parametrize(("scale_users", "units"), [("20", 3200), ("20.0", 3200), ("0", 3200)])
def test_twenty_users_or_fewer_use_the_notice_table(scale_users: str, units: int) -> None:
    assert retention_rate(10, 9, scale_users=scale_users).fee.units == units


@pytest.mark.parametrize(("scale_users", "scale"), [("20.1", "利用者数21人以上40人以下"), ("40", "利用者数21人以上40人以下"),
                                                    ("40.1", "利用者数41人以上"), ("120", "利用者数41人以上")])
def test_larger_scales_say_not_given_in_the_notice_instead_of_a_number(scale_users: str, scale: str) -> None:
    result = retention_rate(10, 9, scale_users=scale_users)
    assert result.fee.units is None
    assert result.fee.note == "本通知に記載なし"  # 報酬表の missing_label（data/fees.toml）
    assert result.fee.scale is not None and result.fee.scale.label == scale
    assert "本通知に記載なし" in result.explanation.steps[-1].text


def test_without_scale_no_units_and_a_note() -> None:
    result = retention_rate(10, 9)
    assert result.fee.units is None and result.fee.note and "利用者数規模" in result.fee.note


@given(st.integers(min_value=1, max_value=500), st.data())
def test_a_higher_rate_never_earns_fewer_units(users: int, data: st.DataObject) -> None:
    low = data.draw(st.integers(min_value=0, max_value=users))
    high = data.draw(st.integers(min_value=low, max_value=users))
    first = retention_rate(users, low, scale_users=10)
    second = retention_rate(users, high, scale_users=10)
    assert first.fee.units is not None and second.fee.units is not None
    assert second.fee.units >= first.fee.units
    assert second.tier.rank <= first.tier.rank


def test_q1_designated_1_october_2018_recalculates_from_october_2019() -> None:
    result = first_recalculation("2018-10-01")
    assert result.count_date == dt.date(2019, 9, 30)
    assert result.applies_from == Month(2019, 10)
    assert result.applies_until == dt.date(2020, 3, 31)


def test_q1_designated_1_april_2019_counts_at_fiscal_year_end() -> None:
    result = first_recalculation("2019-04-01")
    assert result.count_date == dt.date(2020, 3, 31)
    assert result.applies_from == Month(2020, 4)
    assert result.applies_until == dt.date(2021, 3, 31)


def test_q1_designated_1_march_2019_applies_only_until_the_same_fiscal_year_end() -> None:
    result = first_recalculation("2019-03-01")
    assert (result.count_date, result.applies_from, result.applies_until) == (
        dt.date(2020, 2, 29), Month(2020, 3), dt.date(2020, 3, 31))


@pytest.mark.parametrize(("retained", "month", "key", "label"), [
    (19, Month(2024, 4), "r95_up", "9割5分以上"),      # 令和6年度：19/20 = 95% は「9割5分以上」
    (18, Month(2024, 4), "r90_95", "9割以上9割5分未満"),
    (19, Month(2019, 4), "r90_up", "9割以上"),          # 本通知の区分：同じ 95% でも「9割以上」
])
def test_result_json_names_the_tier_by_key_beside_its_label(retained: int, month: Month, key: str, label: str) -> None:
    data = retention_rate(users=20, retained=retained, month=month, scale_users=15).to_dict()
    assert (data["tier_key"], data["tier"]) == (key, label)
