"""issue 18 の1：スマートフォン（390×844）で、どの計算機と名簿の結果も、文字が画面の外に出ない。

結果（.calc-result）のすべての文字（テキストノードの行の矩形）が画面の幅 0〜390 px の中にあることを確かめる。
横にスクロールできる箱（overflow-x が auto／scroll で中身が幅より広いもの）の中の文字は除く（スクロールすれば
読める）。画面から隠したもの（clip で切り抜いたスクリーンリーダー用の文字、幅のない矩形）も除く。
要約（dl.calc-summary）は 600 px 以下で項目名の下に値を置く（2列に押し込めない）ことも確かめる。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from calc_browser import _wait_result, compute_hand_checked_roster

pytest.importorskip("playwright.sync_api")


# 計算機ごとに、結果の項目が多くなる入力（共有リンクの形）。月の請求は今の報酬体系と本通知の時代の両方
CALCULATORS = {
    "eligibility": "calc/eligibility/#prior_service=就労移行支援&employed=2019-04-01&start=2019-10-01&left_on=2020-05-31"
                   "&reemployed_on=2020-06-20",
    "retention": "calc/retention/#month=2024-04&users=20&retained=19",
    "claim-today": "calc/claim/#month=2026-11&users=18&retained=16&additions=地域連携会議実施加算（Ⅰ）"
                   "&regional_meeting_1_times=1&info_unreported=on",
    "claim-2019": "calc/claim/#month=2019-11&users=20&retained=18&scale_users=15&additions=初期加算&from_other_office=on"
                  "&support_start=2019-10-01",
    "staffing": "calc/staffing/#users=45&hours=40&hours=40&hours=20&fulltime_hours=40",
    "first-recalculation": "calc/first-recalculation/#designated=2018-10-01",
    "new-office": "calc/new-office/#designated=2019-04-01&on=2019-08-01&settled_six_months=10",
}

OUTSIDE = """(width) => {
  const result = document.querySelector('.calc-result');
  const scrolls = el => {
    for (let node = el; node && node !== result.parentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowX) && node.scrollWidth > node.clientWidth + 1) return true;
    }
    return false;
  };
  // 視覚的に隠したもの（clip で切り抜いた、スクリーンリーダー用の見出しなど）は画面に出ない
  const hidden = el => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip && style.clip !== 'auto') return true;
      if (style.clipPath && style.clipPath !== 'none') return true;
    }
    return el.closest('[hidden]') !== null;
  };
  const found = [];
  const walker = document.createTreeWalker(result, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim() || hidden(text.parentElement) || scrolls(text.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const rect of range.getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue;
      if (rect.left < -0.5 || rect.right > width + 0.5) {
        found.push(`${text.textContent.trim().slice(0, 30)} [${Math.round(rect.left)}–${Math.round(rect.right)}]`);
        break;
      }
    }
  }
  return found;
}"""

STACKED = """() => [...document.querySelectorAll('.calc-result dl.calc-summary')].flatMap(dl =>
  [...dl.querySelectorAll(':scope > dt')].map(dt => {
    const dd = dt.nextElementSibling;
    if (!dd) return null;
    const a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
    return b.top >= a.bottom - 1 && b.width >= dl.getBoundingClientRect().width * 0.9 ? null : dt.textContent;
  })).filter(Boolean)"""


def _page(browser: Any) -> Any:
    return browser.new_page(service_workers="block", viewport={"width": 390, "height": 844})


def _check(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
    assert page.evaluate(OUTSIDE, 390) == [], name
    assert page.evaluate(STACKED) == [], name


@pytest.mark.parametrize("name", list(CALCULATORS))
def test_every_calculator_result_stays_inside_a_390_px_screen(base_url: str, browser: Any, tmp_path: Path, name: str) -> None:
    page = _page(browser)
    page.goto(base_url + CALCULATORS[name])
    _wait_result(page)
    _check(page, tmp_path, name)
    page.close()


def test_the_roster_result_stays_inside_a_390_px_screen(base_url: str, browser: Any, tmp_path: Path) -> None:
    page = _page(browser)
    compute_hand_checked_roster(page, base_url)
    _check(page, tmp_path, "roster")
    page.close()
