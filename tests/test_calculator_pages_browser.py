"""計算機のページそのもの：外への要求なし・CSP・axe-core（読み込み後と結果の表示後）・オフライン・読み込みの進み具合、
名簿（ファイルをページの中で読む）。入力と結果の振る舞いは test_calculators_browser.py。"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, FLAGS

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

from calc_browser import (  # noqa: E402  Playwright を確かめてから
    CALCULATORS,
    CSP_WATCH,
    _axe,
    _by,
    _open,
    _poll,
    _result,
    _roster_files,
    _wait_ready,
    _wait_result,
)


@pytest.mark.parametrize("calculator", CALCULATORS)
def test_calculator_makes_no_request_off_origin_and_no_csp_violation(base_url: str, browser: Any, calculator: str) -> None:
    page = browser.new_page(service_workers="block")
    page.add_init_script(CSP_WATCH)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1:") else None)
    page.goto(base_url + f"calc/{calculator}/")
    page.locator("a.calc-example").first.click()
    _wait_result(page)
    assert outside == []
    assert page.evaluate("window.__csp") == []
    page.close()


@pytest.mark.parametrize("calculator", CALCULATORS)
def test_axe_finds_no_violations_when_loaded_and_with_a_result(base_url: str, browser: Any, calculator: str) -> None:
    page = _open(browser, base_url + f"calc/{calculator}/")
    _wait_ready(page)
    assert _axe(page) == []
    page.locator("a.calc-example").first.click()
    _wait_result(page)
    assert _axe(page) == []
    page.locator("button.calc-share").click()
    assert _axe(page) == []
    page.close()


def test_calculator_works_offline_after_the_first_visit(base_url: str, pw: Any, tmp_path: Path) -> None:
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS)
    page = context.new_page()
    page.goto(base_url + "calc/retention/")
    _wait_ready(page)
    # service worker がサイトを保存し終えて、このページを制御するまで待つ
    _poll(page, "() => navigator.serviceWorker.controller !== null")
    _poll(page, "async () => (await caches.keys()).some(k => k.startsWith('teichaku-'))")
    page.wait_for_selector("form.calc[data-offline='saved']", state="attached", timeout=120000)  # 実行環境も保存し終えた
    context.set_offline(True)
    page.goto(base_url + "calc/retention/#users=20&retained=18&scale_users=12")
    page.reload()
    _wait_result(page)
    assert "9割以上" in _result(page)
    # 保存したガイドのページもオフラインで開ける
    page.goto(base_url + "qa/")
    assert page.locator("#q2").is_visible()
    context.close()


def test_roster_reads_cp932_csv_and_xlsx_in_the_page_without_any_request(base_url: str, browser: Any, tmp_path: Path) -> None:
    cp932, xlsx = _roster_files(tmp_path)
    page = browser.new_page(service_workers="block", accept_downloads=True)
    page.add_init_script(CSP_WATCH)
    page.goto(base_url + "calc/roster/")
    _wait_ready(page)
    requests: list[Any] = []
    page.on("request", lambda r: requests.append(r))
    _by(page, "年度末日").fill("2023-03-31")
    for path in (cp932, xlsx):
        page.locator("#f-file").set_input_files(str(path))
        page.evaluate("() => { delete document.querySelector('form.calc').dataset.result; }")
        page.get_by_role("button", name="計算する").click()
        _wait_result(page)
        text = _result(page)
        assert "就労定着率\n5/6（83.33%）" in text
        assert "問2で除外した利用者\nU03" in text
        assert page.locator(".calc-result table caption", has_text="読み込めなかった行").count() == 1
        rows = page.locator(".calc-result table:has(caption:text('読み込めなかった行')) tbody tr").all_inner_texts()
        assert rows[0].split("\t")[1:3] == ["9", "就職日"]
    # ファイルを読む間、何も送らない：本文のある要求も GET 以外の要求もなく、このサイトの外への要求もない（読むのは
    # このサイトのファイルだけ：準備完了の後に worker.js が裏で起動し直すスナップショット用の Pyodide、最初の結果の後の
    # 検索の索引、ブラウザが自分で取りに行くアイコン。どれも名簿と関係がない）
    assert [(r.method, r.url) for r in requests if r.method != "GET" or r.post_data] == []
    assert [r.url for r in requests if not r.url.startswith(("blob:", base_url))] == []
    # 保存は一度押すだけ（ボタンがリンクに変わって、もう一度押させることはない）。ボタンは残り、もう一度押せばもう一度保存する
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV（UTF-8）で保存").click()
    saved = tmp_path / "out.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf") and "【事業所】" in saved.read_text(encoding="utf-8-sig")
    expect(page.locator(".calc-download-status")).to_contain_text(".csv を保存しました")
    with page.expect_download() as download:
        page.get_by_role("button", name="Excel（.xlsx）で保存").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as again:
        page.get_by_role("button", name="Excel（.xlsx）で保存").click()
    assert again.value.suggested_filename == download.value.suggested_filename
    saved = tmp_path / "out.xlsx"
    download.value.save_as(saved)
    import openpyxl

    assert openpyxl.load_workbook(saved).sheetnames[0] == "事業所"
    assert page.evaluate("window.__csp") == []
    page.close()


def test_roster_not_a_roster_file_gets_the_message_beside_the_field(base_url: str, browser: Any, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    page = _open(browser, base_url + "calc/roster/")
    _wait_ready(page)
    page.locator("#f-file").set_input_files(str(image))
    page.get_by_role("button", name="計算する").click()
    _wait_result(page, "error")
    assert "画像や PDF のファイルです" in page.locator("#f-file-error").inner_text()
    page.close()


def test_axe_finds_no_violations_on_the_roster_page_with_a_result(base_url: str, browser: Any, tmp_path: Path) -> None:
    cp932, _ = _roster_files(tmp_path)
    page = _open(browser, base_url + "calc/roster/")
    _wait_ready(page)
    assert _axe(page) == []
    page.locator("#f-file").set_input_files(str(cp932))
    _by(page, "年度末日").fill("2023-03-31")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    assert _axe(page) == []
    page.close()


def test_status_shows_the_bytes_of_the_runtime_loaded_out_of_the_total(base_url: str, browser: Any, built_site: Path) -> None:
    import json

    runtime = json.loads((built_site / "assets" / "calc" / "runtime.json").read_text(encoding="utf-8"))
    # 読まないもの：package.json と Pyodide の標準ライブラリ全体（計算機は python_stdlib_site.zip を読む、issue 17）
    unread = ("pyodide/package.json", "pyodide/python_stdlib.zip")
    total = sum(size for name, size in runtime["files"].items() if name.startswith("pyodide/") and name not in unread)
    total += runtime["files"][runtime["wheel"]]
    page = browser.new_page(service_workers="block")
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    # wasm を止めておき、読み込みの途中の表示を確かめてから流す（速い機械では止めないと「起動中」へ進んでしまう）
    held: list[Any] = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(base_url + "calc/retention/")
    status = page.locator(".calc-status")
    expect(status).to_contain_text("読み込み中")
    bar = status.locator("progress")
    assert bar.get_attribute("aria-label") == "計算の準備の進み具合"
    assert page.locator(".calc-status-text").get_attribute("aria-live") == "polite"
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert "読み込み中" in status.inner_text()
    held[0].continue_()
    _wait_ready(page)
    form = page.locator("form.calc")
    assert int(form.get_attribute("data-total") or 0) == total  # 展開後のバイト数（12 MB あまり）
    assert int(form.get_attribute("data-loaded") or 0) == total  # 読んだバイト数：すべて
    assert not bar.is_visible()
    assert "準備完了" in status.inner_text()
    page.close()
