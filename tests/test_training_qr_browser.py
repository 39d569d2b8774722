"""issue 18 の4：サイトのアドレスを指定せずにビルドした研修のページでも、QR コードがある。

ページを開いたブラウザが、自分のアドレスで「計算機で開く」のリンクを絶対 URL にし、QR コードを描く
（docs/assets/training-qr.js、符号化は同梱の qrcodegen）。描いた QR コードを画像にして zbarimg で読み、
リンクの URL（サブパス /guide/ を含む）と同じであること、QR コードの下に印字した URL とも同じであること、
読んだ URL を開くと計算機がその問題の入力で結果を出すこと、配布資料を印刷した PDF（A4 1枚）にも読める
QR コードがあることを確かめる。
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from teichaku_site import training

pytest.importorskip("playwright.sync_api")

HANDOUTS = ["eligibility", "retention", "staffing"]


def _zbar(image: Path) -> list[str]:
    assert shutil.which("zbarimg"), "zbar-tools がありません（scripts/setup.sh --browser が入れます）"
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True,
                          text=True, check=False)
    return [line for line in done.stdout.splitlines() if line]


def test_training_page_draws_a_readable_qr_code_for_every_link(base_url: str, browser: Any, tmp_path: Path) -> None:
    if training.site_address() is not None:
        pytest.skip("このビルドにはサイトのアドレスがある（QR コードはビルドの時に描く）")
    page = browser.new_page(service_workers="block", viewport={"width": 1366, "height": 900})
    page.goto(base_url + "training/", wait_until="networkidle")
    page.wait_for_function("document.documentElement.dataset.trainingQr === 'drawn'")
    figures = page.locator("figure.training-qr")
    cases = [case for exercise in training.exercises() for case in exercise.cases]
    assert figures.count() == len(cases)
    status = page.locator(".training-qr-status").inner_text()
    assert "127.0.0.1" in status and "スマートフォンからは開けません" in status  # この試験の配信はこのコンピューターの中だけ
    links = []
    for index in range(figures.count()):
        figure = figures.nth(index)
        href = figure.locator("xpath=ancestor::div[contains(@class, 'training-try')]//a[contains(@class, 'training-open')]")
        expected = href.evaluate("a => a.href")
        assert expected.startswith(base_url + "calc/") and "#" in expected
        svg = figure.locator("svg.training-qr-code")
        assert svg.is_visible() and svg.get_attribute("role") == "img" and "計算機で開く" in (svg.get_attribute("aria-label") or "")
        assert figure.locator("code.training-qr-link").inner_text() == expected
        image = tmp_path / f"qr-{index}.png"
        svg.screenshot(path=str(image))
        assert _zbar(image) == [expected], index
        links.append(expected)
    # 読んだ URL を新しく開くと、計算機がその入力で結果を出す
    first = links[0]
    page.goto("about:blank")
    page.goto(first)
    page.wait_for_selector("form.calc[data-result='ok']", timeout=60000)
    page.close()


@pytest.mark.parametrize("name", HANDOUTS)
def test_printed_handout_carries_a_readable_qr_code(base_url: str, browser: Any, tmp_path: Path, name: str) -> None:
    if training.site_address() is not None:
        pytest.skip("このビルドにはサイトのアドレスがある")
    page = browser.new_page(service_workers="block")
    page.goto(base_url + f"training/{name}/", wait_until="networkidle")
    page.wait_for_function("document.documentElement.dataset.trainingQr === 'drawn'")
    expected = page.locator("a.training-open").first.evaluate("a => a.href")
    page.emulate_media(media="print")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info, info
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert _zbar(next(tmp_path.glob("page*.png"))) == [expected]
