"""結果が変わる条件を画面で：境目の両側（18/20 と 19/20、令和6年度の表）で、示す文が規則どおりに変わる。"""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from calc_browser import _by, _open, _result, _wait_result  # noqa: E402


def test_tier_what_if_changes_across_the_9_wari_5_bu_line(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/retention/#month=2024-06&users=20&retained=18")
    _wait_result(page)
    text = _result(page)
    assert "結果が変わる条件" in text
    assert "あと1人が就労を継続していれば（19/20 = 95.00%）「9割5分以上」（令和6年度報酬改定の表で3,512単位）。" in text
    _by(page, "就労が継続している者の数").fill("19")
    expect(page.locator(".calc-result")).to_contain_text("就労が継続している者が1人減ると（18/20）「9割以上9割5分未満」（令和6年度報酬改定の表で3,348単位）に下がります。")
    assert "あと1人が就労を継続していれば" not in _result(page)
    page.close()


def test_staffing_what_if_names_the_shortfall_and_the_next_service_manager(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/staffing/#users=60&hours=50&hours=12&fulltime_hours=40")
    _wait_result(page)
    text = _result(page)
    assert "就労定着支援員が常勤換算で0.2不足しています（必要1.5、現在1.3）。" in text
    assert "利用者数が61人になると、サービス管理責任者は2人以上必要です" in text
    page.close()
