"""issue 18 の7：研修のスライド表示。

- 「スライド表示を終える」の帯（固定）は、示している節の文字を覆わない（1366×900 と 1366×768、各節をキーボードで）。
- 答えを開いた節は画面に収まる（節の下端が画面の中、答えは読める高さ）。
- スライド表示のまま印刷すると、1節が A4 横の1ページ（題のページ + 節の数）で、ほとんど空のページがない。
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api")

PAGES = ["training/", "training/eligibility/", "training/retention/", "training/staffing/"]

COVERED = """() => {
  const bar = document.querySelector('.training-tools').getBoundingClientRect();
  const slide = document.activeElement.closest('section.training-slide');
  const found = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.bottom <= 0 || r.top >= innerHeight) continue;
      if (r.bottom > bar.top + 1 && r.top < bar.bottom - 1 && r.right > bar.left && r.left < bar.right) {
        found.push(text.textContent.trim().slice(0, 20));
        break;
      }
    }
  }
  return found;
}"""


def _slides(browser: Any, url: str, height: int = 900) -> Any:
    page = browser.new_page(service_workers="block", viewport={"width": 1366, "height": height})
    page.goto(url + "?slides", wait_until="networkidle")
    assert page.evaluate("() => document.body.classList.contains('training-slides')")
    return page


@pytest.mark.parametrize("height", [900, 768])
@pytest.mark.parametrize("path", PAGES)
def test_the_fixed_bar_covers_no_slide_text(base_url: str, browser: Any, path: str, height: int) -> None:
    page = _slides(browser, base_url + path, height)
    count = page.locator("section.training-slide").count()
    covered = []
    for index in range(count):
        if index:
            page.keyboard.press("ArrowRight")
        assert page.evaluate("() => document.activeElement.matches('section.training-slide')")
        covered += [(index, text) for text in page.evaluate(COVERED)]
    page.close()
    assert covered == []


def test_an_opened_answer_fits_the_screen(base_url: str, browser: Any, tmp_path: Path) -> None:
    page = _slides(browser, base_url + "training/")
    bar = page.locator(".training-tools").bounding_box()
    assert bar is not None
    answers = page.locator("details.training-answer")
    too_tall = []
    for index in range(answers.count()):
        if index:
            page.keyboard.press("ArrowRight")
        answer = answers.nth(index)
        answer.locator("> summary").focus()
        page.keyboard.press("Enter")  # キーボードで開く
        assert answer.evaluate("d => d.open")
        slide = page.evaluate("""() => { const s = document.activeElement.closest('section.training-slide');
          const r = s.getBoundingClientRect(); const d = s.querySelector('details.training-answer');
          return {top: r.top, bottom: r.bottom, answer: d.clientHeight, id: s.querySelector('h2').id}; }""")
        page.screenshot(path=str(tmp_path / f"answer-{index}.png"))
        if slide["bottom"] > 900 + 1 or slide["top"] < bar["height"] - 1 or slide["answer"] < 200:
            too_tall.append(slide)
        page.keyboard.press("Enter")  # 閉じる（次の節へ）
        page.locator("section.training-slide").nth(index).focus()
    page.close()
    assert too_tall == []


def _page_lines(pdf: Path) -> list[int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    lines = []
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines.append(len([line for line in text.splitlines() if line.strip()]))
    return lines


@pytest.mark.parametrize("path", PAGES)
def test_printing_in_slide_mode_gives_one_full_page_per_section(base_url: str, browser: Any, tmp_path: Path, path: str) -> None:
    page = _slides(browser, base_url + path)
    sections = page.locator("section.training-slide").count()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")  # 印刷の前（site.js の beforeprint）と同じ
    page.emulate_media(media="print")
    pdf = tmp_path / "slides.pdf"
    pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    page.close()
    lines = _page_lines(pdf)
    assert len(lines) == sections + 1, lines  # 題と日付の1ページ + 1節1ページ
    assert min(lines) >= 3, lines  # 出典の1行だけのようなページがない
