"""今日の規則（令和3年度・令和6年度改定）の請求：登録簿の加算・減算、基本報酬の要件、金額と利用者負担。

値と確度は sources/current-regime.md。テストの名は、それぞれが示す法令の例・境目による。
"""

from __future__ import annotations

import json

import pytest

from teichaku.interfaces.calculators import CALCULATORS, claim_facts, parse_inputs
from teichaku.interfaces.cli import main
from teichaku.rules.dates import Month
from teichaku.rules.fees import ClaimFacts, claim


def _claim(month: str, **inputs: object) -> dict:
    calc = CALCULATORS["claim"]
    values, errors = parse_inputs(calc, {"month": month, "users": "20", "retained": "18", "scale_users": "12", **inputs})
    assert not errors, errors
    return claim(claim_facts(values)).to_dict()


def test_2024_month_without_face_to_face_but_with_the_support_report_bills_the_base_fee() -> None:
    """令和3年度改定の概要：支援レポートの月1回の共有が基本報酬の要件（対面は運営基準に残るが要件ではない）。"""
    data = _claim("2024-06", face_to_face="", support_report="on")
    assert data["base_units"] == 3348 and data["total_units"] == 3348  # 18/20 = 9割以上9割5分未満


def test_2024_month_without_the_support_report_bills_nothing() -> None:
    data = _claim("2024-06", support_report="", additions=["特別地域加算"], special_area="on")
    assert data["base_units"] == 0 and data["additions"] == []
    assert "支援レポート" in data["rejected"][0]["reason"]


@pytest.mark.parametrize(("month", "billable"), [("2021-03", False), ("2021-04", True)])
def test_face_to_face_is_the_billing_condition_until_march_2021_only(month: str, billable: bool) -> None:
    data = _claim(month, face_to_face="", support_report="on")
    assert (data["base_units"] > 0) is billable


@pytest.mark.parametrize(("month", "granted"), [("2021-03", True), ("2021-05", False)])
def test_company_coordination_addition_abolished_from_april_2021(month: str, granted: bool) -> None:
    data = _claim(month, additions=["企業連携等調整特別加算"], support_start="2020-10-01")
    assert any(a["name"] == "企業連携等調整特別加算" for a in data["additions"]) is granted
    if not granted:
        assert "2021年3月31日" in data["rejected"][0]["reason"] and "廃止" in data["rejected"][0]["reason"]


@pytest.mark.parametrize(("month", "name", "units"), [
    ("2021-04", "定着支援連携促進加算", 579), ("2024-03", "定着支援連携促進加算", 579),
    ("2024-04", "地域連携会議実施加算（Ⅰ）", 579),
])
def test_meeting_addition_renamed_in_april_2024(month: str, name: str, units: int) -> None:
    data = _claim(month, additions=[name], coordination_meeting_times="1", regional_meeting_1_times="1")
    key = {"定着支援連携促進加算": "coordination_meeting", "地域連携会議実施加算（Ⅰ）": "regional_meeting_1"}[name]
    assert data["additions"] == [{"key": key, "name": name, "units": units, "detail": f"{units}単位 × 1回"}]


def test_regional_meetings_one_and_two_together_at_most_once_a_month() -> None:
    data = _claim("2024-05", additions=["地域連携会議実施加算（Ⅰ）", "地域連携会議実施加算（Ⅱ）"],
                  regional_meeting_1_times="1", regional_meeting_2_times="1")
    assert [a["units"] for a in data["additions"]] == [579]
    assert "上限" in data["rejected"][0]["reason"] and data["rejected"][0]["name"] == "地域連携会議実施加算（Ⅱ）"


@pytest.mark.parametrize(("before", "granted"), [(3, True), (4, False)])
def test_regional_meetings_at_most_four_times_a_year(before: int, granted: bool) -> None:
    data = _claim("2025-01", additions=["地域連携会議実施加算（Ⅱ）"], regional_meeting_2_times="1", meeting_year_count=str(before))
    assert bool(data["additions"]) is granted


def test_reductions_multiply_the_base_and_round_half_up_step_by_step() -> None:
    """留意事項通知 第二 1 通則：割合を乗ずるたびに四捨五入。複数の減算は減算後の単位数に次の割合。"""
    data = _claim("2025-06", retained="16", users="18", no_support_system="on", info_unreported="on")
    # 2,768 × 0.90 = 2,491.2 → 2,491（減算 277）；2,491 × 0.95 = 2,366.45 → 2,366（減算 125）
    assert [(r["name"], r["units"]) for r in data["reductions"]] == [("支援体制構築未実施減算", 277), ("情報公表未報告減算", 125)]
    assert data["total_units"] == 2366


@pytest.mark.parametrize(("month", "applies"), [("2025-03", False), ("2025-04", True)])
def test_business_continuity_reduction_applies_to_teichaku_from_april_2025(month: str, applies: bool) -> None:
    data = _claim(month, bcp_missing="on")
    assert bool(data["reductions"]) is applies
    if not applies:  # 令和6年4月に創設、就労定着支援は経過措置で令和7年3月31日まで適用されない（岸和田市・八尾市）
        assert data["rejected"][0]["code"] == "transitional" and "経過措置" in data["rejected"][0]["reason"]


@pytest.mark.parametrize(("month", "code"), [("2024-03", "not_yet"), ("2024-04", "transitional"), ("2025-03", "transitional")])
def test_kishiwada_yao_business_continuity_reduction_existed_from_2024_with_a_transitional_measure(month: str, code: str) -> None:
    data = _claim(month, bcp_missing="on")
    assert data["reductions"] == [] and [(r["key"], r["code"]) for r in data["rejected"]] == [("bcp_missing", code)]


@pytest.mark.parametrize("month", ["2024-03", "2024-04"])
def test_reductions_new_in_april_2024_do_not_exist_before(month: str) -> None:
    data = _claim(month, info_unreported="on")
    assert bool(data["reductions"]) is (month == "2024-04")


def test_total_names_what_it_leaves_out() -> None:
    data = _claim("2024-03", additions=["利用者負担上限額管理加算"], upper_limit_management="on")
    assert data["total_label"] == "合計（利用者負担上限額管理加算を含まない）"
    assert [n["key"] for n in data["not_covered"]] == ["upper_limit_management"]
    data = _claim("2026-11", additions=["利用者負担上限額管理加算"], upper_limit_management="on")
    assert data["total_label"] == "合計（福祉・介護職員等処遇改善加算を含まない）"


@pytest.mark.parametrize(("month", "units"), [("2024-03", None), ("2024-04", 150), ("2026-11", 150)])
def test_office_ota_744_upper_limit_management_is_150_units_once_a_month_from_april_2024(month: str, units: int | None) -> None:
    """office-ota.info/archives/744：就労定着支援 利用者負担上限額管理加算「150単位/回 ※月1回を限度」（確度：低〜中、警告で示す）。"""
    data = _claim(month, additions=["upper_limit_management"], upper_limit_management="on")
    added = [(a["key"], a["units"]) for a in data["additions"]]
    assert added == ([("upper_limit_management", units)] if units else [])
    if units:
        assert any("二次情報一件" in w for w in data["warnings"])
    else:
        assert [n["key"] for n in data["not_covered"]] == ["upper_limit_management"]


def test_upper_limit_management_needs_the_management_done_that_month() -> None:
    data = _claim("2024-04", additions=["upper_limit_management"])
    assert data["additions"] == [] and data["rejected"][0]["code"] == "requirement_unmet"


def test_yen_truncates_below_one_yen_and_the_user_charge_is_capped_by_income_class() -> None:
    """留意事項通知 第二 1 (1)②：1円未満切り捨て。法第29条第3項：負担は上限月額と1割相当額の低い方。"""
    data = _claim("2024-06", retained="16", users="18", unit_price="10.7", income_class="一般1")
    assert data["yen"] == 29617  # 2,768 × 10.7 = 29,617.6
    assert data["user_charge"] == 2961  # 1割相当額 floor(29,617 × 10/100)（9,300円より低い）。tests/test_user_charge.py
    low = _claim("2024-06", retained="16", users="18", unit_price="10.7", income_class="低所得")
    assert low["user_charge"] == 0


def test_cli_accepts_official_names_with_full_width_or_ascii_roman_numerals(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("地域連携会議実施加算（Ⅱ）", "地域連携会議実施加算(II)"):
        code = main(["fee", "--users", "18", "--retained", "16", "--month", "2026-11", "--addition", name,
                     "--regional-meeting-2-times", "1", "--reduction", "情報公表未報告減算", "--unit-price", "10.7", "--json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 0
        assert data["additions"] == [{"key": "regional_meeting_2", "name": "地域連携会議実施加算（Ⅱ）", "units": 405,
                                      "detail": "405単位 × 1回"}]
        assert data["reductions"][0]["name"] == "情報公表未報告減算"
        assert {"not_covered", "total_units", "yen", "user_charge"} <= set(data)


def test_every_field_error_at_once_in_form_order() -> None:
    from teichaku.interfaces.web import run

    result = run("claim", {"month": "2024-13", "users": "x", "retained": "", "unit_price": "abc"})
    assert not result["ok"]
    assert [e["field"] for e in result["errors"]] == ["month", "users", "retained", "unit_price"]


def test_typed_facts_work_without_strings() -> None:
    result = claim(ClaimFacts(users=20, retained=19, month=Month(2024, 4)))
    assert result.retention.tier.label == "9割5分以上" and result.base_units == 3512


@pytest.mark.parametrize(("month", "warned"), [("2026-05", False), ("2026-06", True), ("2027-04", True)])
def test_months_after_the_last_confirmed_revision_say_a_later_revision_may_apply(month: str, warned: bool) -> None:
    data = _claim(month)
    assert any("反映していない" in w for w in data["warnings"]) is warned
    assert data["schedule"] == "令和6年度報酬改定"


def _boundaries() -> list[tuple[str, str]]:
    from teichaku.rules.params import registry

    out = []
    for item in registry().items:
        for value in item.values[1:] if item.values[0].since.isoformat() == "2018-04-01" else item.values:
            out.append((item.key, value.since.isoformat()[:7]))
    return out


@pytest.mark.parametrize(("key", "month"), _boundaries())
def test_every_registry_change_shows_on_both_sides_of_its_date(key: str, month: str) -> None:
    """登録簿の各値の施行日（2019-10-01・2021-04-01・2024-04-01・2025-04-01 …）の前の月とその月で、請求がその値に従う。"""
    from teichaku.rules.dates import parse_month
    from teichaku.rules.params import registry

    item = registry().get(key)
    this = parse_month(month, "month")
    facts = {k: "on" if f.kind == "flag" else "1" for k, f in registry().facts.items() if f.kind != "date" and k != "initial_claimed_before"}
    for side in (this.shift(-1), this):
        data = _claim(side.iso(), additions=[] if item.is_reduction else [item.name_on(side.first_day)],
                      support_start=side.first_day.isoformat(), **facts)
        value = item.at(side.first_day)
        name = item.name_on(side.first_day)
        granted = {a["name"]: a["units"] for a in data["additions"]} | {r["name"]: -r["units"] for r in data["reductions"]}
        if value is None:
            assert name not in granted and any(r["name"] == name for r in data["rejected"]), (side.iso(), data["rejected"])
        elif value.not_covered:
            assert any(n["name"] == name for n in data["not_covered"])
        elif value.exempt:  # 経過措置で適用しない期間
            assert any(r["name"] == name and r["code"] == "transitional" for r in data["rejected"])
        elif item.is_reduction:
            assert granted[name] < 0
        else:
            assert granted.get(name, 0) >= (value.units or 0) or any(r["name"] == name for r in data["rejected"])
            if name in granted:
                assert granted[name] % (value.units or 1) == 0


# ---- 福祉・介護職員等処遇改善加算（issue 16 item 2、sources/current-regime.md 8.4） ----

@pytest.mark.parametrize("month", ["2018-04", "2021-04", "2022-10", "2024-03"])
def test_mhlw_team_43_treatment_improvement_did_not_cover_teichaku_before_the_2024_revision(month: str) -> None:
    """第43回 報酬改定検討チーム資料：「『就労定着支援』…は…現在、処遇改善加算等の対象となっていない」。合計は完全。"""
    data = _claim(month)
    assert data["not_covered"] == [] and data["total_label"] == "合計"


@pytest.mark.parametrize("month", ["2024-04", "2024-05"])
def test_treatment_improvement_in_april_and_may_2024_is_left_out_with_its_reason_even_with_a_rate(month: str) -> None:
    data = _claim(month, treatment_rate="4.1")
    assert [n["key"] for n in data["not_covered"]] == ["treatment_improvement"]
    assert "令和6年4月からか" in data["not_covered"][0]["reason"]


@pytest.mark.parametrize(("rate", "units"), [("4.1", 137), ("4.0", 134), ("10.3", 345)])
def test_kaitei_r6_treatment_improvement_from_june_2024_is_the_entered_rate_of_the_month_units_rounded_half_up(
        rate: str, units: int) -> None:
    """3,348単位（9割以上9割5分未満）× 加算率、1単位未満四捨五入（4.1% → 137.268 → 137、4.0% → 133.92 → 134、
    10.3% → 344.844 → 345）。"""
    data = _claim("2024-06", treatment_rate=rate, treatment_class="1")
    assert [(a["key"], a["units"]) for a in data["additions"]] == [("treatment_improvement", units)]
    assert data["not_covered"] == [] and data["total_label"] == "合計" and data["total_units"] == 3348 + units
    assert "区分Ⅰ" in data["additions"][0]["detail"]


def test_treatment_improvement_is_taken_on_the_units_after_additions_and_reductions() -> None:
    data = _claim("2025-05", treatment_rate="4.1", additions=["job_coach"], job_coach_staff="on", info_unreported="on")
    units = 3348 + 120 - 167  # 情報公表未報告減算 5%（3,348 × 5% = 167.4 → 3,181 で 167 を減算）
    assert [(a["key"], a["units"]) for a in data["additions"]] == [("job_coach", 120),
                                                                    ("treatment_improvement", round(units * 0.041))]


def test_treatment_improvement_without_a_rate_is_named_as_left_out() -> None:
    data = _claim("2024-06")
    assert [n["key"] for n in data["not_covered"]] == ["treatment_improvement"]
    assert "加算率の入力がない" in data["not_covered"][0]["reason"]


def test_the_2026_june_revision_is_stated_as_a_caveat_on_the_entered_rate() -> None:
    before, after = _claim("2026-05", treatment_rate="4.1"), _claim("2026-06", treatment_rate="4.1")
    assert not any("令和8年6月の臨時改定（改定率" in w for w in before["warnings"])
    assert any("令和8年6月の臨時改定（改定率 +1.84%" in w for w in after["warnings"])


@pytest.mark.parametrize("rate", ["0", "100", "120"])
def test_a_treatment_rate_outside_0_to_100_percent_is_an_input_error(rate: str) -> None:
    calc = CALCULATORS["claim"]
    values, errors = parse_inputs(calc, {"month": "2024-06", "users": "20", "retained": "18", "treatment_rate": rate})
    assert not errors
    with pytest.raises(Exception, match="百分率"):
        claim_facts(values)


def test_cli_treatment_rate_and_class(capsys: pytest.CaptureFixture[str]) -> None:
    main(["fee", "--users", "20", "--retained", "18", "--month", "2024-06", "--treatment-rate", "4.1",
          "--treatment-class", "Ⅱ", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["additions"] == [{"key": "treatment_improvement", "name": "福祉・介護職員等処遇改善加算", "units": 137,
                                  "detail": "3,348単位 × 4.1%（区分Ⅱ）"}]


# ---- issue 16 item 4 ----

@pytest.mark.parametrize(("face_to_face", "units"), [(None, 240), ("on", 240), ("", None)])
def test_office_ota_1269_special_area_needs_face_to_face_support_at_home_or_at_work(face_to_face: str | None,
                                                                                      units: int | None) -> None:
    """office-ota.info/?p=1269：「…居宅もしくは…雇用された通常の事業所において、当該利用者との対面により…行った場合」。
    対面の事実は入力がなければ「はい」（フォームは最初からチェック、CLI は --no-special-area-face-to-face）。"""
    extra = {} if face_to_face is None else {"special_area_face_to_face": face_to_face}
    data = _claim("2025-06", additions=["special_area"], special_area="on", **extra)
    assert [(a["key"], a["units"]) for a in data["additions"]] == ([("special_area", units)] if units else [])
    if units is None:
        assert data["rejected"][0]["code"] == "requirement_unmet" and "対面" in data["rejected"][0]["reason"]


def test_cli_no_special_area_face_to_face(capsys: pytest.CaptureFixture[str]) -> None:
    main(["fee", "--users", "20", "--retained", "18", "--month", "2025-06", "--addition", "special_area", "--special-area",
          "--no-special-area-face-to-face", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["additions"] == [] and data["rejected"][0]["key"] == "special_area"


@pytest.mark.parametrize(("month", "warned"), [("2025-03", True), ("2025-04", False)])
def test_ws_magokoro_track_record_first_year_after_designation_is_a_low_confidence_caveat(month: str, warned: bool) -> None:
    """「指定を受けた日から1年間は算定できません」（二次情報一件、確度：低）：指定日が分かれば注意として示す（算定はする）。"""
    data = _claim(month, additions=["track_record"], track_record_ended="10", track_record_retained="8",
                  designated_on="2024-04-01")
    assert [(a["key"], a["units"]) for a in data["additions"]] == [("track_record", 300)]
    assert any("指定を受けた日から1年間" in w for w in data["warnings"]) is warned


def test_fukushi_net_3858_track_record_2024_states_the_widened_count() -> None:
    from teichaku.rules.params import registry
    value = registry().get("track_record").at(Month(2024, 4).first_day)
    assert value is not None and value.source.note and "生活介護等を一時的に利用した者" in value.source.note


def test_meeting_limit_per_year_is_stated_as_this_sites_reading_of_the_instrument() -> None:
    from teichaku.rules.params import registry
    reg = registry()
    assert "このサイトの読み" in reg.facts["meeting_year_count"].hint
    for key in ("coordination_meeting", "regional_meeting_1", "regional_meeting_2"):
        value = reg.get(key).values[0]
        assert value.per_year == 4 and value.source.note and "このサイトの読み" in value.source.note


@pytest.mark.parametrize("typed", ["就労選択支援", "選択支援", "sentaku"])
def test_fukushisoft_6360_shuro_sentaku_shien_is_recognised_and_is_not_in_the_kokuji_list(typed: str) -> None:
    """告示 別表第14の2 注1 の「生活介護等」に就労選択支援はない（令和7年10月以降の改正は未確認）。入力の誤りにしない。"""
    from teichaku.rules.eligibility import check_eligibility
    result = check_eligibility("2025-11-01", typed).to_dict()
    assert result["eligible"] is False and "就労選択支援" in " ".join(result["reasons"])
    notes = " ".join(str(s.get("note") or "") for s in result["sources"])
    assert "未確認" in notes


@pytest.mark.parametrize(("month", "noted"), [("2021-03", False), ("2021-04", True), ("2022-03", True), ("2022-04", False)])
def test_kaigosupport_fy2021_covid_option_is_stated_in_fy2021_months_only(month: str, noted: bool) -> None:
    """令和3年度改定の概要（kaigosupport.com 2021/05/18）：令和3年度の実績は「(I) 平成30年度、令和元年度及び令和2年度（3年間）
    (II) 平成30年度及び令和元年度（2年間）」のいずれかで評価。令和3年度の月だけ注意として示す（計算は入力の数による）。"""
    data = _claim(month)
    assert any("平成30年度・令和元年度の2年間" in w for w in data["warnings"]) is noted
