"""390×844 の画面：どのページも横にはみ出さず、表は行ごとに縦に積んで各値の前に列の見出しを示す。"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser  # 名前に _browser がないファイル：区分をここでも明示する

from test_site_browser import PAGES  # noqa: E402


def test_no_page_overflows_sideways_at_390_px(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    page = context.new_page()
    wide = []
    for path in PAGES:
        page.goto(base_url + path, wait_until="networkidle")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append((path, overflow))
    context.close()
    assert wide == []


def test_tables_stack_with_their_column_headings_at_390_px(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    page = context.new_page()
    page.goto(base_url + "fees/", wait_until="networkidle")
    cell = page.locator(".md-typeset table:not([class]) td").first
    assert cell.get_attribute("data-label") == "就労定着率の区分"
    assert page.evaluate("(el) => getComputedStyle(el).display", cell.element_handle()) == "grid"
    label = page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
    assert "就労定着率の区分" in label
    box = page.locator(".md-typeset table:not([class])").first.bounding_box()
    assert box is not None and box["width"] <= 390
    context.close()
