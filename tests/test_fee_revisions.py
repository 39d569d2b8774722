"""基本報酬の改定（令和元年10月・令和3年4月・令和6年4月）：サービス提供月の報酬表で答えること。

値は sources/secondary.md「Later revisions of the base fee」（二次情報で確認、確度つき）。
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from teichaku.rules.errors import InputError, ParameterError
from teichaku.rules.fees import monthly_claim
from teichaku.rules.params import default_parameters, load_parameters
from teichaku.rules.retention import retention_rate


@pytest.mark.parametrize(("before", "after", "units_before", "units_after"), [
    ("2019-09", "2019-10", 3200, 3215),   # 令和元年10月改定（9割以上、20人以下）
    ("2021-03", "2021-04", 3215, 3285),   # 令和3年度改定：90%は「9割以上9割5分未満」に
    ("2024-03", "2024-04", 3285, 3348),   # 令和6年度改定：利用者数による区分の廃止
])
def test_both_sides_of_each_effective_date_at_exactly_90_percent(before: str, after: str, units_before: int, units_after: int) -> None:
    assert retention_rate(20, 18, 0, 12, month=before).fee.units == units_before
    assert retention_rate(20, 18, 0, 12, month=after).fee.units == units_after


def test_95_percent_exactly_is_the_new_top_tier_from_april_2021() -> None:
    before = retention_rate(20, 19, 0, 12, month="2021-03")
    after = retention_rate(20, 19, 0, 12, month="2021-04")
    assert (before.tier.label, before.fee.units) == ("9割以上", 3215)
    assert (after.tier.label, after.tier.rank, after.fee.units) == ("9割5分以上", 1, 3449)


def test_just_under_95_percent_is_90_to_95_from_april_2021() -> None:
    result = retention_rate(10000, 9499, 0, 12, month="2021-04")
    assert (result.tier.label, result.fee.units) == ("9割以上9割5分未満", 3285)


def test_under_30_percent_is_one_bottom_tier_from_april_2021() -> None:
    assert retention_rate(10, 0, 0, 12, month="2021-04").tier.label == "3割未満"
    assert retention_rate(10, 0, 0, 12, month="2021-03").tier.label == "1割未満"


def test_from_april_2024_no_user_count_scale_is_needed() -> None:
    result = retention_rate(20, 18, 0, None, month="2024-04")
    assert result.fee.units == 3348
    assert result.fee.scale is not None and result.fee.scale.label == "利用者数による区分なし"
    assert retention_rate(20, 18, 0, 55, month="2024-04").fee.units == 3348


def test_larger_scales_before_2024_say_not_confirmed_never_a_guess() -> None:
    for month in ("2019-10", "2021-04"):
        result = retention_rate(20, 18, 0, 30, month=month)
        assert result.fee.units is None and result.fee.note == "記載なし（未確認）"
    notice = retention_rate(20, 18, 0, 30, month="2019-09")
    assert notice.fee.note == "本通知に記載なし"


def test_without_a_month_the_notice_schedule_applies() -> None:
    assert retention_rate(20, 18, 0, 12).schedule == "平成30年度報酬（本通知）"
    assert monthly_claim(20, 18, 12).base_units == 3200


def test_month_before_april_2018_is_refused_on_the_month_field() -> None:
    with pytest.raises(InputError) as caught:
        retention_rate(20, 18, 0, 12, month="2018-03")
    assert caught.value.field == "month"


def test_additions_from_april_2021_use_the_2021_kokuji_units_and_name_what_the_total_leaves_out() -> None:
    claim = monthly_claim(20, 18, 12, additions=["特別地域加算", "初期加算"], special_area=True, from_other_office=True,
                          month="2021-04")
    assert [(a.name, a.units) for a in claim.additions] == [("初期加算", 900), ("特別地域加算", 240)]
    assert claim.total_units == 3285 + 900 + 240
    assert claim.not_covered == []  # 処遇改善加算は令和6年度改定まで就労定着支援の対象でない（issue 16）
    assert claim.total_label == "合計"


def test_additions_in_march_2021_are_computed_with_a_warning_about_the_2019_revision() -> None:
    claim = monthly_claim(20, 18, 12, additions=["特別地域加算"], special_area=True, month="2021-03")
    assert [(a.name, a.units) for a in claim.additions] == [("特別地域加算", 240)]
    assert claim.total_units == 3215 + 240
    assert any("令和元年10月改定" in w for w in claim.warnings)


def test_claim_before_2024_without_a_scale_asks_for_it() -> None:
    with pytest.raises(InputError) as caught:
        monthly_claim(20, 18, None, month="2023-04")  # type: ignore[arg-type]
    assert caught.value.field == "scale_users"
    assert monthly_claim(20, 18, None, month="2024-04").base_units == 3348  # type: ignore[arg-type]


def test_every_later_schedule_cites_the_fee_kokuji_with_confidence_and_secondary_check() -> None:
    parameter = default_parameters().get("fees.base_fee")
    later = [value for value in parameter.values if value.since > dt.date(2018, 4, 1)]
    assert [value.since for value in later] == [dt.date(2019, 10, 1), dt.date(2021, 4, 1), dt.date(2024, 4, 1)]
    for value in later:
        assert value.source.document.key == "fee_kokuji"
        assert value.source.confidence in ("medium", "high")
        assert value.source.checked_against


def test_result_says_which_schedule_applied() -> None:
    result = retention_rate(20, 18, 0, 12, month="2022-06").to_dict()
    assert (result["schedule"], result["schedule_since"]) == ("令和3年度報酬改定", "2021-04-01")
    assert any("令和3年度報酬改定" in step["text"] for step in result["steps"])


def test_loader_rejects_a_schedule_whose_tiers_differ_from_the_tiers_in_force(data_copy: Path) -> None:
    path = data_copy / "retention.toml"
    text = path.read_text(encoding="utf-8")
    # 令和3年4月の区分表を令和3年5月からにずらすと、4月の報酬表（新しい区分）と区分表（古い区分）が合わない
    path.write_text(text.replace("since = 2021-04-01", "since = 2021-05-01"), encoding="utf-8")
    with pytest.raises(ParameterError, match="2021-04-01"):
        load_parameters(data_copy)
