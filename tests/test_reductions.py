"""サービス提供職員欠如減算・サービス管理責任者欠如減算・個別支援計画未作成減算（issue 16 item 1）。

減算の月の境目（始まる月・割合が変わる月・終わる月）の両側を、資料の例の名で試す（sources/current-regime.md 8.1）。
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from teichaku.interfaces import cli
from teichaku.rules.dates import Month
from teichaku.rules.fees import ClaimFacts, claim
from teichaku.rules.items import NOT_STARTED, RESOLVED, SMALLER_OVERLAP
from teichaku.rules.params import registry

BASE = 3512  # 令和6年度の報酬表、区分「9割5分以上」（20人中19人）
X70 = BASE - round(BASE * Fraction(70, 100))  # 1,054 を減算
X50 = BASE - BASE // 2  # 1,756 を減算


def _reductions(month: Month, facts: dict[str, object]) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    result = claim(ClaimFacts(users=20, retained=19, month=month, facts=facts))
    assert result.base_units == BASE
    return [(r.key, r.units) for r in result.reductions], [(r.key, r.code) for r in result.rejected]


# ---- サービス提供職員欠如減算 ----

OSAKA = {"staff_shortage_since": dt.date(2025, 4, 1), "staff_shortage_over_10": True,
         "staff_shortage_resolved": dt.date(2025, 6, 1)}


@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2025, 3), None),  # 欠如の前
    (Month(2025, 4), None),  # 1割超の欠如の月：減算は翌月から
    (Month(2025, 5), X70),
    (Month(2025, 6), X70),  # 6月1日に配置：解消した月まで減算
    (Month(2025, 7), None),
])
def test_syogaifukushi_osaka_over_ten_percent_from_april_filled_june_first(month: Month, reduced: int | None) -> None:
    """syogaifukushi-osaka.com：4月1日に1割を超える欠員、6月1日に配置 → 5月1日から減算（4月なし、5月・6月 ×70/100）。"""
    lines, rejected = _reductions(month, OSAKA)
    assert lines == ([("staff_shortage", reduced)] if reduced else [])
    if not reduced:
        assert rejected and rejected[0][0] == "staff_shortage"


@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2025, 4), None), (Month(2025, 5), X70), (Month(2025, 6), X70), (Month(2025, 7), X50), (Month(2026, 3), X50),
])
def test_hukushi_nabana_staff_shortage_over_ten_percent_takes_half_from_the_third_reduced_month(
        month: Month, reduced: int | None) -> None:
    """hukushi-nabana entry47：減算が適用される月から2月目まで ×70/100、3月以上連続して ×50/100（1割超は翌月から）。"""
    lines, _ = _reductions(month, {"staff_shortage_since": dt.date(2025, 4, 20), "staff_shortage_over_10": True})
    assert lines == ([("staff_shortage", reduced)] if reduced else [])


@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2025, 1), None), (Month(2025, 2), None), (Month(2025, 3), X70), (Month(2025, 4), X70), (Month(2025, 5), X50),
])
def test_charedo_within_ten_percent_from_january_starts_in_march(month: Month, reduced: int | None) -> None:
    """charedo.jp：1月に欠如（1割の範囲内）→ 3月もいなければ3月から減算（翌々月から）。"""
    lines, _ = _reductions(month, {"staff_shortage_since": dt.date(2025, 1, 15)})
    assert lines == ([("staff_shortage", reduced)] if reduced else [])


@pytest.mark.parametrize("resolved", [dt.date(2025, 1, 31), dt.date(2025, 2, 28)])
def test_charedo_within_ten_percent_resolved_by_the_end_of_the_next_month_is_never_reduced(resolved: dt.date) -> None:
    """charedo.jp：「1月に回復するか、2月に回復すれば、減算されません」。"""
    facts = {"staff_shortage_since": dt.date(2025, 1, 15), "staff_shortage_resolved": resolved}
    for month in (Month(2025, 1), Month(2025, 2), Month(2025, 3), Month(2025, 4)):
        lines, rejected = _reductions(month, facts)
        assert lines == []
        assert rejected[0][1] in (NOT_STARTED, RESOLVED)


def test_charedo_within_ten_percent_resolved_in_march_is_reduced_in_march_only() -> None:
    facts = {"staff_shortage_since": dt.date(2025, 1, 15), "staff_shortage_resolved": dt.date(2025, 3, 1)}
    assert _reductions(Month(2025, 3), facts)[0] == [("staff_shortage", X70)]
    assert _reductions(Month(2025, 4), facts)[1] == [("staff_shortage", RESOLVED)]


# ---- サービス管理責任者欠如減算 ----

@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2025, 1), None), (Month(2025, 2), None),  # 欠如した月・翌月
    (Month(2025, 3), X70),  # 翌々月から
    (Month(2025, 6), X70),  # 減算の4か月目
    (Month(2025, 7), X50),  # 5か月目
])
def test_hukushi_nabana_manager_absent_in_january_is_reduced_from_march_and_half_in_july(
        month: Month, reduced: int | None) -> None:
    """hukushi-nabana entry46：「1月に欠如した場合は3月から30%の減算」、4月目まで ×70/100、5月以上連続して ×50/100。"""
    lines, _ = _reductions(month, {"manager_absent_since": dt.date(2025, 1, 10)})
    assert lines == ([("manager_absent", reduced)] if reduced else [])


@pytest.mark.parametrize(("resolved", "march"), [(dt.date(2025, 2, 28), None), (dt.date(2025, 3, 1), X70)])
def test_syogaifukushi_osaka_manager_resolved_by_the_end_of_the_next_month_is_not_reduced(
        resolved: dt.date, march: int | None) -> None:
    """syogaifukushi-osaka.com：翌々月1日から（ただし、翌月の末日において人員基準を満たすに至っている場合は除く）。"""
    lines, _ = _reductions(Month(2025, 3), {"manager_absent_since": dt.date(2025, 1, 10), "manager_absent_resolved": resolved})
    assert lines == ([("manager_absent", march)] if march else [])


# ---- 個別支援計画未作成減算 ----

ZEIRISHI = {"plan_missing_since": dt.date(2024, 8, 5), "plan_made_on": dt.date(2025, 5, 10)}


@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2024, 7), None),
    (Month(2024, 8), X70), (Month(2024, 9), X70), (Month(2024, 10), X50),
    (Month(2025, 4), X50),  # 作成した月の前月まで
    (Month(2025, 5), None),  # 5月10日に作成：5月は減算しない
])
def test_syogai_zeirishi_plan_lapsed_august_fifth(month: Month, reduced: int | None) -> None:
    """syogai-zeirishi.com/1179：8月5日から未作成 → 8月 ×70%、9月 ×70%、10月 ×50%…、翌年5月10日に作成 → 4月 ×50%、5月 なし。"""
    lines, _ = _reductions(month, ZEIRISHI)
    assert lines == ([("plan_missing", reduced)] if reduced else [])


def test_the_plan_reduction_is_taken_from_the_units_before_additions() -> None:
    """留意事項通知：「当該所定単位数は、各種加算がなされる前の単位数」。"""
    result = claim(ClaimFacts(users=20, retained=19, month=Month(2024, 10), requested=("job_coach",),
                              facts={**ZEIRISHI, "job_coach_staff": True}))
    assert [(a.key, a.units) for a in result.additions] == [("job_coach", 120)]
    assert [(r.key, r.units) for r in result.reductions] == [("plan_missing", X50)]
    assert result.total_units == BASE + 120 - X50


# ---- 両方当てはまるとき（H30 Q&A VOL.3 問2） ----

@pytest.mark.parametrize(("month", "applied"), [
    (Month(2025, 1), ("plan_missing", X70)),  # サビ管はまだ減算の前
    (Month(2025, 3), ("plan_missing", X50)),  # 計画 50% > サビ管 30%
    (Month(2025, 5), ("plan_missing", X50)),
])
def test_h30_qa_vol3_q2_only_the_larger_of_manager_absent_and_plan_missing(month: Month, applied: tuple[str, int]) -> None:
    facts = {"manager_absent_since": dt.date(2025, 1, 10), "plan_missing_since": dt.date(2025, 1, 5)}
    lines, rejected = _reductions(month, facts)
    assert lines == [applied]
    if month >= Month(2025, 3):
        assert ("manager_absent", SMALLER_OVERLAP) in rejected


def test_h30_qa_vol3_q2_the_manager_reduction_wins_when_it_is_larger() -> None:
    # サビ管は2024年11月に欠如（2025年1月から減算、5月が5か月目で50%）、計画は2025年5月から未作成（1か月目で30%）
    facts = {"manager_absent_since": dt.date(2024, 11, 1), "plan_missing_since": dt.date(2025, 5, 1)}
    lines, rejected = _reductions(Month(2025, 5), facts)
    assert lines == [("manager_absent", X50)] and ("plan_missing", SMALLER_OVERLAP) in rejected


def test_staff_shortage_is_not_in_the_overlap_group_and_stacks() -> None:
    facts = {"staff_shortage_since": dt.date(2025, 4, 1), "staff_shortage_over_10": True,
             "plan_missing_since": dt.date(2025, 5, 1)}
    lines, _ = _reductions(Month(2025, 5), facts)
    after_staff = BASE - X70
    assert lines == [("staff_shortage", X70), ("plan_missing", after_staff - round(after_staff * Fraction(70, 100)))]


# ---- データ・窓口 ----

def test_the_three_reductions_are_registry_items_with_sources_and_confidence() -> None:
    reg = registry()
    for key in ("staff_shortage", "manager_absent", "plan_missing"):
        item = reg.get(key)
        assert item.counting == "percent_by_months" and item.is_reduction
        value = item.values[-1]
        assert value.source.confidence in ("medium", "high") and value.source.checked_against
    assert reg.larger_of["manager_plan"].source.document.key == "qa_h30_vol3"


def test_cli_takes_the_dates_and_the_over_ten_percent_flag(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    code = cli.main(["fee", "--users", "20", "--retained", "19", "--month", "2025-05", "--staff-shortage-since", "2025-04-01",
                     "--staff-shortage-over-10", "--staff-shortage-resolved", "2025-06-01", "--json"])
    assert code in (0, None)
    data = json.loads(capsys.readouterr().out)
    assert [(r["key"], r["units"]) for r in data["reductions"]] == [("staff_shortage", X70)]


def test_naming_the_staff_reduction_does_not_imply_a_shortfall_over_ten_percent() -> None:
    """減算を名で選んでも、1割超（翌月から）とはしない：1割以内なら翌々月から（charedo.jp）。"""
    from teichaku.interfaces.calculators import CALCULATORS, claim_facts, parse_inputs
    values, errors = parse_inputs(CALCULATORS["claim"], {"month": "2025-02", "users": "20", "retained": "19",
                                                         "reductions": ["staff_shortage"], "staff_shortage_since": "2025-01-15"})
    assert not errors
    facts = claim_facts(values)
    assert not facts.facts.get("staff_shortage_over_10")
    assert claim(facts).reductions == []
