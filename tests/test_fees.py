"""１か月の請求：基本報酬と加算（別添 p.14、支援事例① ③ p.25・p.27、基準省令第206条の8第2項）。"""

from __future__ import annotations

import pytest

from teichaku.rules.errors import InputError
from teichaku.rules.fees import monthly_claim

OFFICE = {"users": 20, "retained": 18, "scale_users": 15}  # 9割以上、20人以下 → 3,200単位


def test_a_san_bimonthly_ob_meeting_only_months_with_face_to_face_are_claimable() -> None:
    # 支援事例③ ※２：OB会（2か月に1回）での面談も対面支援。基本報酬は要件を満たした該当月分のみ請求できる。
    # （本通知の報酬表が効力を持つ 2019年4〜7月で）
    months = {"2019-04": True, "2019-05": False, "2019-06": True, "2019-07": False}
    totals = {m: monthly_claim(**OFFICE, month=m, face_to_face=f).total_units for m, f in months.items()}
    assert totals == {"2019-04": 3200, "2019-05": 0, "2019-06": 3200, "2019-07": 0}


def test_a_san_from_the_integrated_transition_office_gets_no_initial_addition() -> None:
    # 支援事例①：Aさんは X が一体的に運営する就労移行支援事業所を経ている → 初期加算の対象外。
    result = monthly_claim(**OFFICE, additions=["初期加算"])
    assert result.additions == []
    assert "一体的に運営" in result.rejected[0].reason


def test_initial_addition_for_a_user_from_another_office_once() -> None:
    first = monthly_claim(**OFFICE, additions=["初期加算"], from_other_office=True)
    again = monthly_claim(**OFFICE, additions=["初期加算"], from_other_office=True, initial_claimed_before=True)
    assert [(a.name, a.units) for a in first.additions] == [("初期加算", 900)]
    assert first.total_units == 4100
    assert again.additions == [] and "1回限り" in again.rejected[0].reason


@pytest.mark.parametrize(("month", "granted"), [("2019-10", True), ("2020-09", True), ("2020-10", False)])
def test_company_coordination_addition_within_one_year_of_start(month: str, granted: bool) -> None:
    result = monthly_claim(**OFFICE, additions=["企業連携"], support_start="2019-10-01", month=month)
    assert bool(result.additions) is granted


def test_company_coordination_mid_month_start_counts_the_month_containing_the_last_day() -> None:
    # 選択：1年の期間（2019-10-15〜2020-10-14）に1日でも含まれる月を算定可能とする。
    assert monthly_claim(**OFFICE, additions=["企業連携"], support_start="2019-10-15", month="2020-10").additions
    assert not monthly_claim(**OFFICE, additions=["企業連携"], support_start="2019-10-15", month="2020-11").additions


def test_company_coordination_without_dates_explains_what_is_missing() -> None:
    result = monthly_claim(**OFFICE, additions=["企業連携等調整特別加算"])
    assert "利用開始日とサービス提供月" in result.rejected[0].reason


@pytest.mark.parametrize(("ended", "kept", "granted"), [(10, 7, True), (1000, 699, False), (10, 10, True), (0, 0, False)])
def test_track_record_addition_needs_seventy_percent(ended: int, kept: int, granted: bool) -> None:
    result = monthly_claim(**OFFICE, additions=["就労定着実績体制加算"], track_record_ended=ended, track_record_retained=kept)
    assert bool(result.additions) is granted
    if granted:
        assert result.additions[0].units == 300


def test_special_area_and_job_coach_additions_need_their_facts() -> None:
    refused = monthly_claim(**OFFICE, additions=["特別地域加算", "ジョブコーチ"])
    granted = monthly_claim(**OFFICE, additions=["特別地域加算", "ジョブコーチ"], special_area=True, job_coach_staff=True)
    assert len(refused.rejected) == 2
    assert [(a.name, a.units) for a in granted.additions] == [("特別地域加算", 240), ("職場適応援助者養成研修修了者配置体制加算", 120)]
    assert granted.total_units == 3200 + 240 + 120


def test_no_face_to_face_refuses_base_and_every_addition() -> None:
    result = monthly_claim(**OFFICE, additions=["特別地域加算"], special_area=True, face_to_face=False)
    assert result.total_units == 0 and result.additions == []
    assert "対面" in result.rejected[0].reason
    assert any("p.27" in c.label for c in result.explanation.sources)


def test_month_before_support_start_is_not_claimable() -> None:
    result = monthly_claim(**OFFICE, support_start="2019-10-01", month="2019-09")
    assert result.total_units == 0


def test_larger_scale_gives_no_total_but_still_judges_additions() -> None:
    result = monthly_claim(20, 18, 25, additions=["特別地域加算"], special_area=True)
    assert result.base_units is None and result.total_units is None
    assert result.to_dict()["base_units_note"] == "本通知に記載なし"
    assert [a.name for a in result.additions] == ["特別地域加算"]


def test_concurrent_use_warns() -> None:
    result = monthly_claim(**OFFICE, also_using=["自立生活援助", "生活訓練"])
    assert len(result.warnings) == 2 and "併給調整" in result.warnings[0]


def test_month_before_the_service_existed_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        monthly_claim(**OFFICE, month="2018-03")
    assert caught.value.field == "month"


def test_unknown_addition_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        monthly_claim(**OFFICE, additions=["ケース会議加算"])
    assert caught.value.field == "additions"
