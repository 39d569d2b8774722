"""結果が変わる条件：境目の両側で、同じ規則が示すとおりであること（区分の「以上」、サービス管理責任者の「40又はその端数」）。"""

from __future__ import annotations

import pytest

from teichaku.interfaces.web import run
from teichaku.rules.retention import retention_rate
from teichaku.rules.staffing import staffing
from teichaku.rules.whatif import claim_changes, retention_changes, staffing_changes


def _changes(kind: str, inputs: dict[str, object]) -> list[str]:
    result = run(kind, inputs)
    assert result["ok"], result
    found = [item for item in result["lists"] if item["title"] == "結果が変わる条件"]
    return found[0]["items"] if found else []


def test_17_of_20_is_one_person_from_9_wari_in_the_notice_table() -> None:
    """17/20 → 「あと1人で 9割以上」は、18/20 が本通知の表で9割以上（以上を含む）だから正しい。"""
    lines = _changes("retention", {"month": "2019-04", "users": "20", "retained": "17", "scale_users": "12"})
    assert lines[0] == "あと1人が就労を継続していれば（18/20 = 90.00%）「9割以上」（平成30年度報酬（本通知）の表で3,200単位）。"
    assert retention_rate(20, 18, 0, 12, month="2019-04").tier.label == "9割以上"
    assert retention_rate(20, 17, 0, 12, month="2019-04").tier.label == "8割以上9割未満"


def test_18_of_20_in_2024_is_one_person_from_9_wari_5_bu_and_one_from_dropping() -> None:
    lines = _changes("retention", {"month": "2024-06", "users": "20", "retained": "18"})
    assert lines[0].startswith("あと1人が就労を継続していれば（19/20 = 95.00%）「9割5分以上」（令和6年度報酬改定の表で3,512単位）")
    assert lines[1].startswith("就労が継続している者が1人減ると（17/20）「8割以上9割未満」")


@pytest.mark.parametrize(("users", "retained"), [(20, 17), (33, 30), (7, 5), (100, 89), (1000, 949)])
def test_the_counts_named_are_exactly_at_the_boundary(users: int, retained: int) -> None:
    result = retention_rate(users, retained, 0, None, month="2024-06")
    changes = retention_changes(result)
    more = int(changes[0].text.split("あと")[1].split("人")[0])
    assert retention_rate(users, retained + more, 0, None, month="2024-06").tier.rank < result.tier.rank
    assert retention_rate(users, retained + more - 1, 0, None, month="2024-06").tier.rank == result.tier.rank


def test_top_tier_says_only_how_many_may_leave() -> None:
    lines = _changes("retention", {"month": "2024-06", "users": "20", "retained": "20"})
    assert lines == ["あと1人までなら就労が継続している者が減っても「9割5分以上」のままです（2人減ると「9割以上9割5分未満」）。"]


@pytest.mark.parametrize(("users", "next_at"), [(60, 61), (61, 101), (100, 101), (45, 61)])
def test_next_service_manager_at_the_boundary_of_40_or_a_fraction(users: int, next_at: int) -> None:
    result = staffing(users)
    line = next(c.text for c in staffing_changes(result) if "サービス管理責任者" in c.text)
    assert line.startswith(f"利用者数が{next_at}人になると")
    assert staffing(next_at).service_managers_required == result.service_managers_required + 1
    assert staffing(next_at - 1).service_managers_required == result.service_managers_required


def test_staffing_shortfall_with_the_hours_cap() -> None:
    lines = _changes("staffing", {"users": "60", "hours": ["50", "12"], "fulltime_hours": "40"})
    assert lines[0] == "就労定着支援員が常勤換算で0.2不足しています（必要1.5、現在1.3）。"


def test_late_start_names_the_last_start_day_and_the_months_lost() -> None:
    lines = _changes("eligibility", {"prior_service": "就労移行支援", "employed": "2019-04-01", "start": "2021-01-15"})
    assert "2022年9月30日" in lines[0]
    assert "約15か月短く" in lines[1]


def test_claim_names_the_missing_fact_of_a_refused_addition() -> None:
    lines = _changes("claim", {"month": "2026-11", "users": "20", "retained": "17", "additions": ["特別地域加算"]})
    assert "「特別地域に居住」に当たれば、特別地域加算 +240単位" in lines[-1]


def test_claim_changes_select_by_key_and_reason_code_not_by_the_words_of_the_reason() -> None:
    """特別地域加算の要件（特別地域に居住）を満たさない：理由の文に「要件」がなくても、符号 requirement_unmet で選ぶ。"""
    import datetime as dt

    on = dt.date(2024, 4, 1)
    refused = {"key": "special_area", "name": "（表示名は何でもよい）", "reason": "（文は何でもよい）", "code": "requirement_unmet"}
    changes = claim_changes({"rejected": [refused]}, on)
    assert len(changes) == 1 and "「特別地域に居住」" in changes[0].text and "+240単位" in changes[0].text
    for other in ("billing_condition_unmet", "once_claimed", "ended"):
        assert claim_changes({"rejected": [{**refused, "code": other}]}, on) == []
    assert claim_changes({"rejected": [{**refused, "key": "no_such_item"}]}, on) == []

