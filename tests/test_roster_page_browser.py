"""名簿の計算機のページ（docs/calc/roster.md）をブラウザで：読み込めなかった行は要約のすぐ下、「要約を印刷」は要約だけを
A4 1枚に、画面の表の日付は字の途中で折り返さない、1366×900 と 390×844 でページが横にはみ出さない（スクリーンショットは
tmp_path に残る）。ブラウザのいらない表の形は tests/test_roster_page.py。"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from calc_browser import CSP_WATCH, _poll, compute_hand_checked_roster  # noqa: E402
from test_record_browser import PRINT_STUB, _pdf  # noqa: E402


def _roster_page(browser: Any, width: int, height: int) -> Any:
    page = browser.new_page(service_workers="block", viewport={"width": width, "height": height})
    page.add_init_script(PRINT_STUB)
    page.add_init_script(CSP_WATCH)
    return page


def _table(page: Any, caption: str) -> Any:
    """見出し（caption）が caption で始まる結果の表（「利用者」は「月ごとの利用者数」と区別する）。"""
    return page.locator(".calc-result table", has=page.locator("caption", has_text=re.compile("^" + caption + "($|（)")))


def _top(page: Any, caption: str) -> float:
    box = _table(page, caption).bounding_box()
    assert box is not None, caption
    return float(box["y"])


def test_roster_page_shows_rejected_rows_above_the_user_table_and_prints_the_summary_on_one_a4_page(
        base_url: str, browser: Any, tmp_path: Path) -> None:
    page = _roster_page(browser, 1366, 900)
    compute_hand_checked_roster(page, base_url)
    rejected, users = _top(page, "読み込めなかった行"), _top(page, "利用者")
    summary = page.locator(".calc-result .calc-summary").bounding_box()
    assert summary is not None and summary["y"] < rejected < users
    assert rejected - (summary["y"] + summary["height"]) < 400  # 要約のすぐ下（間は算定根拠書の操作などだけ）
    assert page.locator(".calc-result td", has_text="2019年10月1日（令和元年10月1日）").count() >= 1
    page.screenshot(path=str(tmp_path / "roster-1366.png"), full_page=True)

    before = page.evaluate("window.__printed")
    page.get_by_role("button", name="要約を印刷").click()
    _poll(page, f"() => window.__printed === {before + 1}")
    pdf, text = _pdf(page, tmp_path, "roster-summary")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    flat = re.sub(r"\s+", "", text)
    assert "7人の行を読み込みました" in flat and "就労定着率5/6（83.33%）" in flat and "年度末日2023年3月31日" in flat
    assert "読み込めなかった行" in flat and "「2019-02-30」は存在しない日付です。" in flat
    # 利用者ごと・月ごとの表、フォーム、ページの説明は印刷しない
    assert "支給決定期間" not in flat and "月ごとの請求" not in flat and "最も早い利用開始日" not in flat
    assert "計算する" not in flat and "テンプレート" not in flat and "算定根拠書を印刷" not in flat
    # 印刷のあと（afterprint）、Ctrl+P はいつものページ
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    _, text = _pdf(page, tmp_path, "roster-page")
    assert "支給決定期間" in re.sub(r"\s+", "", text)
    page.close()


_TOKEN_ON_ONE_LINE = """([selector, token]) => {
  const cell = [...document.querySelectorAll(selector)].find(td => td.textContent.includes(token));
  const node = cell.firstChild;
  const start = node.textContent.indexOf(token);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + token.length);
  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return lines.size;
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_roster_tables_keep_dates_whole_and_the_page_does_not_scroll_sideways(
        base_url: str, browser: Any, tmp_path: Path, width: int, height: int) -> None:
    page = _roster_page(browser, width, height)
    compute_hand_checked_roster(page, base_url)
    page.screenshot(path=str(tmp_path / f"roster-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "ページが横にはみ出す"
    # 日付は西暦・和暦のそれぞれの途中で折り返さない（折り返すなら「（」の前だけ）
    for token in ("2019年10月1日", "（令和元年10月1日）", "2022年9月30日", "（令和4年9月30日）"):
        assert page.evaluate(_TOKEN_ON_ONE_LINE, [".calc-result td", token]) == 1, token
    if width >= 1024:  # 広い画面：表は箱の中でスクロールさせず、どの列も見える（1期間1行は9列が収まらないのでやめた）
        clipped = page.evaluate("() => [...document.querySelectorAll('.calc-result table')]"
                                ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.caption?.textContent)")
        assert clipped == []
    else:  # 狭い画面：表は縦に積み、値の前に列の見出し
        labels = page.locator(".calc-result td[data-label='支給決定できる最後の日']").count()
        assert labels == 7
    if width >= 1024:
        # 利用者の表は内容の幅いっぱい（フォームの幅 44rem に押し込めない）
        table = _table(page, "利用者").bounding_box()
        content = page.locator(".md-content__inner").bounding_box()
        assert table is not None and content is not None
        assert table["width"] > 0.9 * content["width"]
    page.close()
