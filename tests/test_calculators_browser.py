"""計算機をヘッドレス Chromium で人と同じように使う：入力して計算、根拠、エラーの表示、共有リンク、結果へのフォーカス、
キーボード。ページの読み込み・外への要求・CSP・axe・オフライン・名簿は test_calculator_pages_browser.py。"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

from calc_browser import (  # noqa: E402  Playwright を確かめてから
    _assert_result_brought_into_view,
    _by,
    _open,
    _poll,
    _result,
    _wait_ready,
    _wait_result,
)


def test_eligibility_filled_like_a_person_shows_dates_timeline_and_basis(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/eligibility/")
    assert "読み込み中" in page.locator(".calc-status").inner_text() or page.locator("form.calc[data-state='ready']").count()
    _by(page, "前サービス").select_option("就労移行支援")
    _by(page, "就職日").fill("平成３１年４月１日")  # 和暦と全角数字
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    text = _result(page)
    assert "利用できます" in text
    assert "最も早い利用開始日\n2019年10月1日（令和元年10月1日）" in text
    assert "支給決定できる最後の日\n2022年9月30日（令和4年9月30日）" in text
    assert page.locator(".calc-timeline li").count() == 4
    # 根拠：手順と、本通知・法令の該当箇所（サイト内）へのリンク
    assert page.locator(".calc-basis ol li").count() >= 3
    links = page.locator(".calc-basis a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(urlsplit(href).path.endswith("/guide/law/") for href in links)
    assert any("民法" in t for t in page.locator(".calc-basis li").all_inner_texts())
    assert page.evaluate("window.__csp") == []
    page.close()


def test_invalid_date_shows_the_python_message_next_to_the_field_and_keeps_the_other_inputs(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/eligibility/")
    _by(page, "前サービス").select_option("就労継続支援B型")
    _by(page, "就職日").fill("2019-02-30")
    _by(page, "利用開始日").fill("2019-10-01")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page, "error")
    error = page.locator("#f-employed-error")
    assert error.is_visible()
    assert error.inner_text() == "エラー：「2019-02-30」は存在しない日付です。"  # teichaku.rules.dates.parse_date のメッセージ
    field = page.locator("#f-employed")
    assert field.get_attribute("aria-invalid") == "true"
    assert "f-employed-error" in (field.get_attribute("aria-describedby") or "")
    # フォーカスはエラーの一覧へ。一覧のリンクで項目へ移る（# 以降の入力は書き換えない）
    assert page.evaluate("document.activeElement.className") == "calc-error-summary"
    page.locator(".calc-error-summary a", has_text="就職日").click()
    assert page.evaluate("document.activeElement.id") == "f-employed"
    assert "employed=2019-02-30" in page.url
    assert page.locator("#f-prior_service option:checked").inner_text() == "就労継続支援B型"  # 値はキーでも表示は名
    assert page.locator("#f-start").input_value() == "2019-10-01"
    assert field.input_value() == "2019-02-30"
    # 直すと、再読み込みなしで結果に変わり、エラーは消える
    field.fill("2019-04-01")
    _wait_result(page)
    assert not error.is_visible() and field.get_attribute("aria-invalid") is None
    assert "利用開始日（入力）" in _result(page)
    page.close()


def test_retention_89_95_percent_highlights_the_tier_row_and_updates_live(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/retention/")
    _by(page, "サービス提供月").fill("2019-04")  # 本通知の報酬表の月
    _by(page, "過去3年間の総利用者数").fill("10000")
    _by(page, "就労が継続している者の数").fill("8995")
    _by(page, "利用者数規模（平均利用者数）").fill("20")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    current = page.locator(".calc-result tr.calc-current th").inner_text()
    assert current == "8割以上9割未満（該当）"
    navigations = page.evaluate("performance.getEntriesByType('navigation').length")
    _by(page, "就労が継続している者の数").fill("9000")
    expect(page.locator(".calc-result tr.calc-current th")).to_have_text(re.compile("^9割以上"))
    assert page.evaluate("performance.getEntriesByType('navigation').length") == navigations
    _by(page, "利用者数規模（平均利用者数）").fill("30")
    expect(page.locator(".calc-result")).to_contain_text("本通知に記載なし")
    page.close()


def test_claim_lists_granted_and_refused_additions_with_reasons(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/claim/")
    _by(page, "サービス提供月").fill("令和元年6月")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("18")
    _by(page, "利用者数規模（平均利用者数）").fill("12")
    _by(page, "初期加算").check()
    _by(page, "特別地域加算").check()
    _by(page, "特別地域に居住").check()
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    text = _result(page)
    assert re.search(r"算定する加算\n特別地域加算：\d[\d,]*単位", text)
    assert re.search(r"算定しない項目と理由\n初期加算：", text)
    assert re.search(r"合計(（[^）]*を含まない）)?\n\d[\d,]*単位", text)  # 含まない項目がない月は「合計」だけ
    _by(page, "この月に対面による支援があった").uncheck()
    # 基本報酬を請求できない月は何も請求しないので、合計0単位は完全（含まない項目もない）
    expect(page.locator(".calc-result .calc-summary")).to_contain_text("基本報酬0単位合計0単位")
    page.close()


def test_staffing_rows_can_be_added_and_removed_and_a_bad_row_is_named(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/staffing/")
    expect(page.locator(".calc-hours tbody tr")).to_have_count(2)  # 行はページのモジュールが作る：揃うまで待つ
    _by(page, "利用者数").fill("45")
    _by(page, "1人目の週の勤務時間（時間）").fill("40")
    _by(page, "2人目の週の勤務時間（時間）").fill("abc")
    page.get_by_role("button", name="行を追加").click()
    assert page.evaluate("document.activeElement.id") == "f-hours-2"
    page.keyboard.type("20")
    _by(page, "常勤の勤務時間").fill("40")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page, "error")
    assert "「abc」は数として読めません" in page.locator("#f-hours-error").inner_text()
    assert page.locator("#f-hours-1").get_attribute("aria-invalid") == "true"
    page.get_by_role("button", name="2人目を削除").click()
    _wait_result(page)
    assert page.locator(".calc-hours tbody tr").count() == 2
    assert "就労定着支援員の人員基準を満たします" in _result(page)
    page.close()


@pytest.mark.parametrize(("calculator", "expected"), [("first-recalculation", "2019年9月30日"), ("new-office", "指定から6月未満")])
def test_example_link_fills_the_form_and_computes(base_url: str, browser: Any, calculator: str, expected: str) -> None:
    page = _open(browser, base_url + f"calc/{calculator}/")
    page.locator("a.calc-example").first.click()
    _wait_result(page)
    assert expected in _result(page)
    page.close()


def test_guidance_example_opens_the_calculator_with_the_notice_example(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "qa/")
    page.locator("#q1 ~ p a.calc-example").first.click()
    page.wait_for_url(re.compile(r".*/calc/first-recalculation/#designated=2018-10-01"))
    _wait_result(page)
    assert page.locator("#f-designated").input_value() == "2018-10-01"
    assert "2019年10月から2020年3月31日" in _result(page)
    page.close()


def test_shared_link_restores_the_scenario_without_personal_data(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/claim/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _by(page, "サービス提供月").fill("2020-03")  # 企業連携等調整特別加算がある月（令和3年3月まで）
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("17")
    _by(page, "問2による除外数").fill("2")
    _by(page, "利用者数規模（平均利用者数）").fill("12.5")
    _by(page, "企業連携等調整特別加算").check()
    _by(page, "利用開始日").fill("令和元年10月1日")
    page.get_by_role("button", name="この条件のリンクをコピー").click()
    link = page.locator(".calc-share-link").input_value()
    assert "#" in link and "retained=17" in link and "excluded=2" in link
    from teichaku.interfaces.web import FORMS

    # リンクに入るのはフォームの項目キーだけ（ファイル名・氏名などはない）
    assert set(re.findall(r"([a-z_0-9]+)=", urlsplit(link).fragment)) <= {f.key for f in FORMS["claim"]}
    page.close()
    other = _open(browser, link, cold=True)  # 新しく開いたときの復元
    _wait_result(other)
    assert other.locator("#f-excluded").input_value() == "2"
    assert other.locator("#f-support_start").input_value() == "令和元年10月1日"
    assert _by(other, "企業連携等調整特別加算").is_checked()
    assert "17/18" in _result(other)
    other.close()


def test_form_can_be_filled_while_pyodide_loads_and_computes_when_ready(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    release: list[Any] = []
    page.route("**/pyodide.asm.wasm", lambda route: release.append(route))
    page.goto(base_url + "calc/retention/")
    assert "読み込み中" in page.locator(".calc-status").inner_text()
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("18")
    page.get_by_role("button", name="計算する").click()
    expect(page.locator(".calc-status")).to_contain_text("準備ができ次第")  # モジュールの前でも後でも、押したことが伝わる
    for _ in range(100):
        if release:
            break
        page.wait_for_timeout(100)
    release[0].continue_()
    _wait_result(page)
    assert "9割以上" in _result(page)
    page.close()


def test_failed_load_says_so_and_retry_recovers(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    page.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page.goto(base_url + "calc/eligibility/")
    page.wait_for_selector("form.calc[data-state='failed']", timeout=60000)
    assert "失敗" in page.locator(".calc-status").inner_text()
    retry = page.get_by_role("button", name="再試行")
    assert retry.is_visible()
    page.unroute("**/pyodide.asm.wasm")
    retry.focus()
    page.keyboard.press("Enter")
    _wait_ready(page)
    page.close()


def test_keyboard_alone_fills_and_computes(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/first-recalculation/")
    page.locator("#f-designated").focus()
    page.keyboard.type("H30.10.1")
    page.keyboard.press("Enter")  # フォームの送信
    _wait_result(page)
    assert "2019年9月30日" in _result(page)
    page.close()


def test_claim_defaults_to_this_month_and_says_which_schedule_applied(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/claim/")
    month = page.evaluate("() => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`; }")
    assert _by(page, "サービス提供月").input_value() == month
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("19")
    _by(page, "特別地域加算").check()
    _by(page, "特別地域に居住").check()
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    text = _result(page)
    assert "適用した報酬表\n令和6年度報酬改定（2024年4月1日" in text  # 2024年4月以降の月（この月）
    assert re.search(r"算定する加算\n特別地域加算：240単位", text)  # 令和6年度の登録簿の加算
    # 2021年3月に変えると、令和元年10月改定の表で、加算も計算する
    _by(page, "サービス提供月").fill("2021-03")
    _by(page, "利用者数規模（平均利用者数）").fill("12")
    expect(page.locator(".calc-result .calc-summary")).to_contain_text("令和元年10月改定")
    expect(page.locator(".calc-result")).to_contain_text("算定する加算特別地域加算")
    page.close()


def test_stale_result_is_cleared_when_retained_becomes_invalid_and_does_not_print(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/retention/#month=2019-04&users=20&retained=18&scale_users=12")
    _wait_result(page)
    assert "9割以上" in _result(page)
    _by(page, "就労が継続している者の数").fill("abc")  # 計算した後は入力のたびに計算し直す
    _wait_result(page, "error")
    text = _result(page)
    assert "計算結果" not in text and "9割以上" not in text
    assert "入力にエラーがあるため、結果を表示していません。" in text
    page.emulate_media(media="print")
    assert "9割以上" not in page.locator(".calc-result").inner_text()  # ページの説明は今の区分を書くので、結果の欄で
    page.emulate_media(media="screen")
    summary = page.locator(".calc-error-summary")
    assert summary.is_visible() and "就労が継続している者の数：「abc」は整数として読めません" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "f-retained"  # 入力中はフォーカスを動かさない
    _by(page, "就労が継続している者の数").fill("17")
    _wait_result(page)
    assert not summary.is_visible() and "8割以上9割未満" in _result(page)
    page.close()


def test_empty_eligibility_form_lists_every_field_error_in_form_order_with_a_focused_summary(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/eligibility/")
    _by(page, "利用開始日").fill("x")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page, "error")
    summary = page.locator(".calc-error-summary")
    assert page.evaluate("document.activeElement.className") == "calc-error-summary"
    assert summary.get_by_role("heading").inner_text() == "入力内容を確認してください"
    links = summary.locator("a").all_inner_texts()
    assert [link.split("：")[0] for link in links] == ["前サービス", "就職日", "利用開始日"]  # フォームの順
    assert "3件のエラーがあります" in summary.inner_text()
    for field in ("prior_service", "employed", "start"):
        assert page.locator(f"#f-{field}").get_attribute("aria-invalid") == "true"
        assert page.locator(f"#f-{field}-error").is_visible()
    summary.locator("a").nth(1).click()
    assert page.evaluate("document.activeElement.id") == "f-employed"
    assert page.evaluate("window.__csp") == []
    page.close()


def test_staffing_row_error_is_linked_to_its_row_in_the_summary(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/staffing/")
    _by(page, "利用者数").fill("abc")
    _by(page, "1人目の週の勤務時間（時間）").fill("40")
    _by(page, "2人目の週の勤務時間（時間）").fill("x")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page, "error")
    links = page.locator(".calc-error-summary a")
    assert links.first.inner_text().startswith("利用者数：")
    links.last.click()
    assert page.evaluate("document.activeElement.id") == "f-hours-1"
    page.close()


def test_inputs_stay_in_the_url_so_reload_and_back_keep_them(base_url: str, browser: Any) -> None:
    page = _open(browser, base_url + "calc/retention/")
    _by(page, "サービス提供月").fill("2019-04")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("18")
    _by(page, "利用者数規模（平均利用者数）").fill("12")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    fragment = urlsplit(page.url).fragment
    assert "users=20" in fragment and "retained=18" in fragment and "month=2019-04" in fragment
    navigations = page.evaluate("history.length")
    _by(page, "就労が継続している者の数").fill("17")  # 入力を変えるたびに URL も変わる（履歴は増えない）
    _wait_result(page)
    expect(page).to_have_url(re.compile(r"retained=17"))
    assert page.evaluate("history.length") == navigations
    page.reload()
    _wait_result(page)
    assert _by(page, "就労が継続している者の数").input_value() == "17"
    assert "8割以上9割未満" in _result(page)
    page.goto(base_url + "qa/")
    page.go_back()
    _wait_result(page)
    assert _by(page, "過去3年間の総利用者数").input_value() == "20"
    assert _by(page, "就労が継続している者の数").input_value() == "17"
    page.close()


def test_result_is_brought_into_view_after_compute_enter_and_a_share_link_but_not_while_typing(
        base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block", viewport={"width": 390, "height": 844})
    page.goto(base_url + "calc/claim/")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("19")
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    _assert_result_brought_into_view(page)
    # 入力を変える（計算し直す）：フォーカスは入力欄のまま、画面も動かない
    field = _by(page, "就労が継続している者の数")
    field.scroll_into_view_if_needed()
    field.click()
    before = page.evaluate("scrollY")
    field.press("End")
    field.press("Backspace")
    page.keyboard.type("8")
    expect(page.locator(".calc-result .calc-summary")).to_contain_text("18/20")
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.id") == "f-retained"
    assert page.evaluate("scrollY") == before
    # Enter で送信：結果へ
    field.press("Enter")
    _poll(page, "() => document.activeElement === document.querySelector('.calc-result h2')", 20)
    _assert_result_brought_into_view(page)
    link = page.url
    page.close()
    # 共有リンクで開く：結果が画面に入る（2,000 px 下ではなく）
    other = browser.new_page(service_workers="block", viewport={"width": 390, "height": 844})
    other.goto(link)
    _wait_result(other)
    _assert_result_brought_into_view(other)
    other.close()


def test_a_share_link_does_not_move_focus_when_typing_started_while_loading(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block", viewport={"width": 390, "height": 844})
    release: list[Any] = []
    page.route("**/pyodide.asm.wasm", lambda route: release.append(route))
    page.goto(base_url + "calc/retention/#users=20&retained=18")
    for _ in range(100):
        if release:
            break
        page.wait_for_timeout(100)
    _by(page, "利用者数規模（平均利用者数）").click()
    release[0].continue_()
    _wait_result(page)
    assert page.evaluate("document.activeElement.id") == "f-scale_users"
    page.close()


def test_an_old_share_link_with_names_ticks_the_boxes_and_the_page_keeps_keys(base_url: str, browser: Any) -> None:
    from urllib.parse import quote

    # 以前の共有リンク（加算を正式名・別名で、全角・半角の括弧も）
    old = "month=2024-06&users=20&retained=19&additions=" + quote("特別地域加算") + "&additions=" + quote("地域連携会議加算(I)") \
          + "&special_area=on&regional_meeting_1_times=1"
    page = _open(browser, base_url + "calc/claim/#" + old)
    _wait_result(page)
    assert _by(page, "特別地域加算").is_checked() and _by(page, "地域連携会議実施加算（Ⅰ）").is_checked()
    assert re.search(r"特別地域加算：240単位", _result(page))
    # このページのアドレス（共有リンク）はキーで：ASCII だけで短い
    fragment = urlsplit(page.url).fragment
    assert "additions=special_area" in fragment and "additions=regional_meeting_1" in fragment
    assert "%" not in fragment, fragment
    page.close()


def test_compute_pressed_before_the_page_scripts_are_in_computes_without_reloading(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    held: list[Any] = []
    page.route("**/assets/calc/calculator.js", lambda route: held.append(route))  # 計算機のモジュールを遅らせる
    page.goto(base_url + "calc/retention/")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    navigations = page.evaluate("performance.getEntriesByType('navigation').length")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("18")
    page.get_by_role("button", name="計算する").click()
    page.wait_for_timeout(300)
    held[0].continue_()
    _wait_result(page)
    assert "9割以上" in _result(page)
    assert "?" not in page.url and page.evaluate("performance.getEntriesByType('navigation').length") == navigations
    assert page.evaluate("document.activeElement === document.querySelector('.calc-result h2')")
    page.close()
