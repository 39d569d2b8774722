"""issue 18 の5：名簿の結果の印刷と画面の表。

- 算定根拠書（「利用者ごとの表も含める」）：列の幅が内容に合う（利用者IDの列が表の 40% を取らない）、日付は字の途中で
  折らない、ページ数が減る（手で確かめた名簿で 7 → 5 ページ）。
- 結果をそのまま印刷（Ctrl+P）：利用者の表の「注意」「年度の合計単位数」の列が落ちない（利用者の注意を失わない）。
- 画面（1366×900、1024×768）：結果の表がスクロールの箱で切れない（どの列も見える）。
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api")

from calc_browser import _poll, compute_hand_checked_roster
from test_record_browser import PRINT_STUB, _pdf

USERS_BOX = "利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）"

TOKEN_LINES = """([selector, token]) => {
  const cells = [...document.querySelectorAll(selector)].filter(c => c.textContent.includes(token));
  return cells.map(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const start = node.textContent.indexOf(token);
      if (start < 0) continue;
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + token.length);
      return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
    }
    return 0;
  });
}"""


def _calculated(browser: Any, base_url: str, width: int = 1366, height: int = 900) -> Any:
    page = browser.new_page(service_workers="block", viewport={"width": width, "height": height})
    page.add_init_script(PRINT_STUB)
    compute_hand_checked_roster(page, base_url)
    return page


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def test_record_with_the_user_table_has_sensible_columns_and_fewer_pages(base_url: str, browser: Any, tmp_path: Path) -> None:
    page = _calculated(browser, base_url)
    page.get_by_label(USERS_BOX).check()
    before = page.evaluate("window.__printed")
    page.get_by_role("button", name="算定根拠書を印刷").click()
    _poll(page, f"() => window.__printed === {before + 1}")
    pdf, text = _pdf(page, tmp_path, "record-users")
    assert "利用者ID" in text and "U07" in text
    assert _pages(pdf) <= 5  # 7 ページだった
    page.emulate_media(media="print")
    widths = page.evaluate("""() => { const t = [...document.querySelectorAll('section.calc-record table')]
        .find(t => t.tHead && t.tHead.rows[0].cells.length === 9);
      const first = t.tBodies[0].rows[0].cells[0];
      return {id: first.getBoundingClientRect().width, table: t.getBoundingClientRect().width}; }""")
    assert widths["id"] < 0.1 * widths["table"], widths  # 利用者IDの列は表の 38% だった
    for token in ("2019年10月1日", "（令和元年10月1日）", "2022年9月30日", "（令和4年9月30日）", "U01", "就労移行支援"):
        lines = page.evaluate(TOKEN_LINES, ["section.calc-record td, section.calc-record th", token])
        assert lines and set(lines) == {1}, (token, lines)  # 字の途中で折らない
    page.close()


def test_plain_print_of_the_result_keeps_every_column(base_url: str, browser: Any, tmp_path: Path) -> None:
    page = _calculated(browser, base_url)
    pdf, text = _pdf(page, tmp_path, "plain")
    flat = re.sub(r"\s+", "", text)
    assert "年度の合計単位数" in flat and "注意" in flat
    assert "利用終了日が空欄" in flat and "42288" in flat  # U02 の注意と年度の合計（列が紙の外に落ちていた）
    page.emulate_media(media="print")
    clipped = page.evaluate("() => [...document.querySelectorAll('.calc-result table')]"
                            ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.caption?.textContent)")
    assert clipped == []
    assert _pages(pdf) <= 6  # 8 ページだった
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (1024, 768)])
def test_result_tables_on_screen_are_not_clipped(base_url: str, browser: Any, tmp_path: Path, width: int, height: int) -> None:
    page = _calculated(browser, base_url, width, height)
    page.screenshot(path=str(tmp_path / f"roster-{width}.png"), full_page=True)
    clipped = page.evaluate("() => [...document.querySelectorAll('.calc-result table')]"
                            ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.caption?.textContent)")
    assert clipped == []
    right = page.evaluate("() => document.querySelector('.md-content').getBoundingClientRect().right")
    outside = page.evaluate("""(right) => [...document.querySelectorAll('.calc-result td, .calc-result th')]
        .filter(c => c.getBoundingClientRect().right > right + 1).map(c => c.textContent.slice(0, 20))""", right)
    assert outside == []
    page.close()
