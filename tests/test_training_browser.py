"""研修のページをヘッドレス Chromium で：配布資料は A4 1枚に印刷され、QR コードは同じホストの計算機をその入力で開き、
axe-core の違反ゼロ、127.0.0.1 の外への要求なし、答えとスライド表示はキーボードで操作できる。

QR コードを試すため、サイトのアドレス（TEICHAKU_SITE_URL）を、配信を始めたサーバーの /guide/ にしてビルドする。
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import segno

playwright = pytest.importorskip("playwright.sync_api")

from conftest import warm_page  # noqa: E402
from teichaku.interfaces.web import run  # noqa: E402
from teichaku_site import training  # noqa: E402
from teichaku_site.today import build_date  # noqa: E402
from test_training import _Page, _with_border, qr_matrix_from_svg  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HANDOUTS = ["eligibility", "retention", "staffing"]
PAGES = ["training/", *(f"training/{name}/" for name in HANDOUTS)]


@pytest.fixture(scope="module")
def qr_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """サイトのアドレスを指定してビルドし、そのアドレスで配信する（QR コードが同じホストを指す）。"""
    import serve

    root = tmp_path_factory.mktemp("qr-served")
    server = serve.start(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/guide/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", training.SITE_URL_ENV: base}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root / "guide")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    yield base
    server.shutdown()


def pdf_pages(pdf: bytes, path: Path) -> int:
    """PDF のページ数：ページのオブジェクト（/Type /Page）を数え、pdfinfo（poppler-utils）があれば照合する。"""
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    if shutil.which("pdfinfo"):
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert f"Pages:          {count}" in info or re.search(rf"Pages:\s+{count}\b", info), info
    return count


def _outside(page: Any) -> list[str]:
    found: list[str] = []
    page.on("request", lambda r: found.append(r.url) if not r.url.startswith(("http://127.0.0.1:", "data:")) else None)
    return found


@pytest.mark.parametrize("name", HANDOUTS)
def test_handout_prints_on_exactly_one_a4_page(qr_base: str, browser: Any, name: str, tmp_path: Path) -> None:
    page = browser.new_page(service_workers="block")
    outside = _outside(page)
    page.goto(qr_base + f"training/{name}/", wait_until="networkidle")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".md-search", ".training-tools"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".training-dated").is_visible()
    assert page.locator("svg.training-qr-code").first.is_visible()
    pdf = page.pdf(format="A4")
    page.close()
    assert pdf_pages(pdf, tmp_path / f"{name}.pdf") == 1
    assert outside == []


def test_slide_mode_prints_one_section_per_page(qr_base: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(service_workers="block")
    page.goto(qr_base + "training/staffing/?slides", wait_until="networkidle")
    assert page.evaluate("() => document.body.classList.contains('training-slides')")
    sections = page.locator("section.training-slide").count()
    page.emulate_media(media="print")
    breaks = page.evaluate("() => [...document.querySelectorAll('section.training-slide')].map(s => getComputedStyle(s).breakBefore)")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.close()
    assert breaks == ["page"] * sections
    assert pdf_pages(pdf, tmp_path / "slides.pdf") == sections + 1  # 題と日付の1ページ + 1節1ページ


def test_every_qr_code_opens_the_calculator_with_the_exercise_inputs_on_the_same_host(qr_base: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    outside = _outside(page)
    page.goto(qr_base + "training/", wait_until="networkidle")
    parsed = _Page()
    parsed.feed(page.content())
    cases = [case for exercise in training.exercises(build_date()) for case in exercise.cases]
    assert len(parsed.qr) == len(cases)
    for figure, case in zip(parsed.qr, cases, strict=True):
        link = figure["caption"]
        expected_matrix = _with_border(segno.make(link))
        assert qr_matrix_from_svg(figure["path"], len(expected_matrix)) == expected_matrix
        assert link.startswith(qr_base)
        verdict = run(case.kind, case.input_dict())["verdict"]["text"]
        # 計算機ごとに最初のリンクは新しいページで開く（スマートフォンで QR コードを読んだときと同じ）。同じ計算機の次の
        # リンクは、起動済みのページを初期化して # だけを変えて開く（conftest.warm_page。入力を戻して計算する関数は同じ）
        calc = warm_page(browser, link, listen=lambda p: p.on("request", lambda r: outside.append(r.url)
                                                                if not r.url.startswith(("http://127.0.0.1:", "data:")) else None))
        try:
            calc.wait_for_function("t => { const v = document.querySelector('.calc-verdict'); return v && v.textContent.trim() === t; }",
                                   arg=verdict, timeout=60000)
        except playwright.TimeoutError:
            shown = calc.evaluate("() => (document.querySelector('.calc-result') || document.body).innerText")
            raise AssertionError(f"{link}: {verdict!r} が出ない。画面：{shown[:500]}") from None
        calc.close()
    page.close()
    assert outside == []


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations_on_the_training_pages(qr_base: str, browser: Any, path: str) -> None:
    page = browser.new_page(service_workers="block", bypass_csp=True)
    page.goto(qr_base + path, wait_until="networkidle")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")  # 答えと計算の手順も
    page.add_script_tag(path=str(AXE))
    script = "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}})"
    result = page.evaluate(script)
    page.get_by_role("button", name="スライド表示").click()
    slides = page.evaluate(script)
    page.close()
    for found in (result, slides):
        assert [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in found["violations"]] == []


def test_axe_finds_no_violations_without_a_site_address(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block", bypass_csp=True)
    page.goto(base_url + "training/", wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})")
    page.close()
    assert [v["id"] for v in result["violations"]] == []


def test_no_request_leaves_the_origin_from_the_training_pages(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    outside = _outside(page)
    for path in PAGES:
        page.goto(base_url + path, wait_until="networkidle")
        assert page.locator("h1").first.is_visible()
    page.goto(base_url + "training/", wait_until="networkidle")
    page.locator("a.training-open").first.click()
    page.wait_for_selector("form.calc[data-result='ok']", timeout=120000)
    page.close()
    assert outside == []


def _tab_to(page: Any, check: str, limit: int = 400) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"Tab で届かない：{check}")


def test_answer_opens_from_the_keyboard(qr_base: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    page.goto(qr_base + "training/", wait_until="networkidle")
    first = page.locator("details.training-answer").first
    assert not first.evaluate("d => d.open")
    assert not first.locator("dd").first.is_visible()
    _tab_to(page, "() => document.activeElement.closest('details.training-answer') !== null")
    page.keyboard.press("Enter")
    assert first.evaluate("d => d.open")
    assert first.locator("dd").first.is_visible()
    page.keyboard.press("Enter")
    assert not first.evaluate("d => d.open")
    page.close()


def test_slide_mode_is_keyboard_operable(qr_base: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768}, service_workers="block")
    page.goto(qr_base + "training/", wait_until="networkidle")
    _tab_to(page, "() => document.activeElement.classList.contains('training-slides-toggle')")
    page.keyboard.press("Enter")
    toggle = page.locator(".training-slides-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.body.classList.contains('training-slides')")
    assert not page.locator(".md-header").is_visible() and not page.locator(".md-sidebar--primary").is_visible()
    ids = page.evaluate("() => [...document.querySelectorAll('section.training-slide h2')].map(h => h.id)")

    def focused() -> str:
        return str(page.evaluate("() => document.activeElement.matches('section.training-slide') ? "
                                 "document.activeElement.querySelector('h2').id : ''"))

    assert focused() == ids[0]
    font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('section.training-slide p')).fontSize)")
    assert font >= 24  # 大きな文字（1366 px の画面で）
    page.keyboard.press("ArrowRight")
    assert focused() == ids[1]
    page.keyboard.press("PageDown")
    assert focused() == ids[2]
    top = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    bar = page.evaluate("() => document.querySelector('.training-tools').getBoundingClientRect().bottom")
    assert abs(top - bar) < 2  # その節が画面の上端（固定した帯の下）から
    page.keyboard.press("ArrowLeft")
    assert focused() == ids[1]
    page.keyboard.press("End")
    assert focused() == ids[-1]
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert not page.evaluate("() => document.body.classList.contains('training-slides')")
    assert page.evaluate("() => document.activeElement.classList.contains('training-slides-toggle')")
    page.close()
