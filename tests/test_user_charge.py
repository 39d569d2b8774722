"""利用者負担と訓練等給付費（円まで）：法第29条第3項、施行令第17条（負担上限月額）、上限額管理。

- 法第29条第3項：給付費 = 第1号（総費用額）− 第2号（政令で定める額。ただしそれが総費用額の「百分の十に相当する額」を
  超えるときはその額）。つまり 利用者負担 = min(負担上限月額, 1割相当額)、給付費 = 総費用額 − 利用者負担。
- 1割相当額 = floor(総費用額 × 10/100)（請求ソフト・国保連の記録様式の「1割相当額」）。
- 一般1（9,300円）は「入所施設利用者（20歳以上）、グループホーム利用者を除きます」：その人は一般2と同じ 37,200円。
- 上限は利用者ごと、すべてのサービスを合わせた月額（上限額管理）：一つの事業所の額は見込みの上限。

出典と確度は sources/current-regime.md 3。
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teichaku.interfaces.calculators import CALCULATORS, claim_facts, parse_inputs
from teichaku.interfaces.cli import main
from teichaku.rules.fees import UPPER_LIMIT_NOTE, ClaimResult, claim


def _result(**inputs: object) -> ClaimResult:
    values, errors = parse_inputs(CALCULATORS["claim"], {"month": "2024-06", "users": "18", "retained": "16", **inputs})
    assert not errors, errors
    return claim(claim_facts(values))


def test_issue_example_2768_units_at_10_70_yen_article_29_3() -> None:
    """2,768単位 × 10.70円 = 29,617円（1円未満切り捨て）→ 1割相当額 2,961円、利用者負担 2,961円、給付費 26,656円。"""
    data = _result(unit_price="10.70", income_class="一般1").to_dict()
    assert data["total_units"] == 2768  # 16/18 = 88.9%：令和6年度「8割以上9割未満」2,768単位
    assert data["yen"] == 29617
    assert data["user_charge_tenth"] == 2961  # floor(2,961.7)：旧い式（総費用額 − floor(総費用額 × 90/100)）は 2,962
    assert data["user_charge"] == 2961
    assert data["benefit"] == 26656
    assert data["user_charge"] + data["benefit"] == data["yen"]


def test_cap_binds_article_29_3_lower_of_cap_and_one_tenth() -> None:
    """低所得（負担上限月額 0円）：利用者負担 0円、給付費は総費用額のすべて。上限が1割相当額より低ければ上限が負担。"""
    low = _result(unit_price="10.70", income_class="低所得")
    assert (low.user_charge_tenth, low.user_charge, low.benefit) == (2961, 0, 29617)
    welfare = _result(unit_price="10.70", income_class="生活保護")
    assert welfare.user_charge == 0 and welfare.benefit == 29617
    # 上限が1割相当額を下回る一般の場合（この月の上限の残りが1,000円だったとして）：負担は上限まで
    capped = dataclasses.replace(_result(unit_price="10.70", income_class="一般1"), user_charge_cap=1000)
    assert (capped.user_charge, capped.benefit) == (1000, 28617)


def test_cap_does_not_bind_when_one_tenth_is_lower() -> None:
    general2 = _result(unit_price="10.70", income_class="一般2")
    assert general2.user_charge_cap == 37200
    assert general2.user_charge == 2961 and general2.benefit == 26656


def test_resident_of_an_institution_or_group_home_is_not_general1_enforcement_order_17() -> None:
    """一般1「入所施設利用者（20歳以上）、グループホーム利用者を除きます」：その人の上限は 37,200円。"""
    resident = _result(unit_price="10.70", income_class="一般1", resident="on")
    assert resident.user_charge_cap == 37200
    assert resident.user_charge == 2961  # 1割相当額のほうが低い
    steps = [s.text for s in resident.explanation.steps]
    assert any("グループホーム利用者のため一般1の上限は当たらない" in s and "37,200円" in s for s in steps)
    ordinary = _result(unit_price="10.70", income_class="一般1")
    assert ordinary.user_charge_cap == 9300
    # 入居者であることは一般1のときだけ上限を変える
    assert _result(unit_price="10.70", income_class="低所得", resident="on").user_charge_cap == 0
    assert _result(unit_price="10.70", income_class="一般2", resident="on").user_charge_cap == 37200


def test_without_income_class_the_charge_is_the_one_tenth_and_no_cap_is_applied() -> None:
    result = _result(unit_price="10.70")
    assert result.user_charge_cap is None
    assert (result.user_charge, result.benefit) == (2961, 26656)
    assert any("負担上限月額を当てていない" in s.text for s in result.explanation.steps)


def test_no_unit_price_no_money() -> None:
    data = _result(income_class="一般1").to_dict()
    assert data["yen"] is None and data["user_charge"] is None and data["benefit"] is None


def test_upper_limit_management_note_the_office_figure_is_an_upper_bound() -> None:
    """上限額管理：上限は利用者ごとにすべてのサービスを合わせた額。負担があるときはそう言う（0円のときは言わない）。"""
    assert UPPER_LIMIT_NOTE in _result(unit_price="10.70", income_class="一般1").warnings
    assert UPPER_LIMIT_NOTE not in _result(unit_price="10.70", income_class="低所得").warnings


def test_cli_resident_flag_and_benefit_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fee", "--users", "18", "--retained", "16", "--month", "2024-06", "--unit-price", "10.70",
                 "--income-class", "一般1", "--resident", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (data["yen"], data["user_charge_tenth"], data["user_charge"], data["benefit"]) == (29617, 2961, 2961, 26656)
    assert any("37,200円" in s["text"] for s in data["steps"])


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(["", "生活保護", "低所得", "一般1", "一般2"]),
       st.booleans())
def test_charge_plus_benefit_is_the_total_and_the_charge_is_the_lower_of_cap_and_tenth(
        units: int, income_class: str, resident: bool) -> None:
    base = _result(unit_price="10.70", income_class=income_class, resident="on" if resident else "")
    # 単位数だけを変える（基本報酬の行を置き換える）
    result = dataclasses.replace(base, base_units=units, additions=[], reductions=[])
    assert result.yen is not None and result.user_charge is not None and result.benefit is not None
    tenth = result.yen * 10 // 100
    assert result.user_charge_tenth == tenth
    cap = {"": None, "生活保護": 0, "低所得": 0, "一般1": 37200 if resident else 9300, "一般2": 37200}[income_class]
    assert result.user_charge == (tenth if cap is None else min(cap, tenth))
    assert result.user_charge + result.benefit == result.yen


def test_the_result_on_screen_shows_the_charge_with_its_tenth_and_the_benefit_2768_units_at_10_70() -> None:
    """画面の要約にも 1割相当額と訓練等給付費（issue の例：2,768単位 × 10.70円 → 29,617円、2,961円、26,656円）。"""
    from teichaku.interfaces.web import run

    result = run("claim", {"month": "2026-11", "users": "18", "retained": "16", "unit_price": "10.7", "income_class": "general1"})
    summary = {row["label"]: row["value"] for row in result["summary"]}
    assert summary["総費用額（単位数 × 単価、1円未満切り捨て）"].startswith("29,617円")
    assert summary["利用者負担の見込み（一般1）"] == "2,961円（1割相当額 2,961円と負担上限月額の低い方）"
    assert summary["訓練等給付費の見込み（総費用額 − 利用者負担）"] == "26,656円"
