"""ガイドサイトをヘッドレス Chromium で開く：外部への要求なし、axe-core の違反ゼロ、日本語検索、サブパス、印刷（PDF）。"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "background/", "overview/", "today/", "fees/", "history/", "process/", "notes/", "case/", "qa/", "law/", "stats/",
         "glossary/", "parameters/", "about/", "method/", "calc/", "calc/eligibility/", "calc/retention/", "calc/claim/", "calc/staffing/",
         "calc/first-recalculation/", "calc/new-office/", "calc/roster/", "hosting/"]


def test_every_page_loads_without_any_request_leaving_the_origin(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    outside: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1:") and not r.url.startswith("data:") else None)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in PAGES:
        page.goto(base_url + path, wait_until="networkidle")
        assert page.locator("h1").first.is_visible()
    page.close()
    assert outside == []
    assert failed == []


# 計算機のページ（Pyodide を起動する）は tests/test_calculators_browser.py の axe が、読み込んだ後・結果・共有リンクで調べる
# （名簿も）。ここではガイドのページと計算機の一覧だけ（同じページを2度起動して調べない）
AXE_PAGES = [path for path in PAGES if not path.startswith("calc/") or path == "calc/"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_violations(base_url: str, browser: Any, path: str) -> None:
    page = browser.new_page(service_workers="block", bypass_csp=True)  # axe を差し込むため（CSP は別のテストで確かめる）
    page.goto(base_url + path, wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}})"
    )
    page.close()
    summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert summary == []


def _search(browser: Any, base_url: str, query: str) -> list[str]:
    """キーボードで検索を開いて query を入力し、結果のリンク（ページと節）を上から順に返す。"""
    page = browser.new_page(service_workers="block")
    page.goto(base_url, wait_until="networkidle")
    page.keyboard.press("/")  # キーボードだけで検索を開く
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    page.locator(".md-search-result__item a").first.wait_for(timeout=5000)
    hrefs: list[str] = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href)")
    missing = page.locator(".md-search-result del").count()  # 「含まれない語」の表示
    page.close()
    assert missing == 0
    return hrefs


def _pages(hrefs: list[str]) -> list[str]:
    paths = [urlsplit(href).path for href in hrefs]
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize(("query", "expected"), [("定着率", "/fees/"), ("常勤換算", "/overview/"),
                                                ("サービス管理責任者", "/overview/"), ("問2", "/qa/")])
def test_japanese_search_finds_the_right_page_first(base_url: str, browser: Any, query: str, expected: str) -> None:
    pages = _pages(_search(browser, base_url, query))
    assert any(path.endswith(expected) for path in pages[:3]), pages


def test_search_q2_leads_to_its_anchor_first(base_url: str, browser: Any) -> None:
    hrefs = _search(browser, base_url, "問2")
    assert urlsplit(hrefs[0]).path.endswith("/qa/")
    assert any(href.endswith("#q2") for href in hrefs[:2]), hrefs[:2]


def test_search_finds_teichakuritsu_inside_shuro_teichakuritsu(base_url: str, browser: Any) -> None:
    # 「定着率」は「就労定着率」の中でも見つかる（文脈で分かち書きが変わる TinySegmenter では見つからなかった）。
    hrefs = _search(browser, base_url, "定着率")
    assert any(urlsplit(href).path.endswith("/qa/") and href.endswith("#q1") for href in hrefs), hrefs


def test_search_terms_are_all_required(base_url: str, browser: Any) -> None:
    # 「就労定着率 基本報酬」は両方を含むページだけ。経緯のページは「就労定着率」だけ、概要のページは
    # 「基本報酬」だけを含むので出ない。上位2つは報酬のページと、題名が両方を含む計算機「就労定着率と基本報酬」。
    pages = _pages(_search(browser, base_url, "就労定着率 基本報酬"))
    assert {path.removeprefix("/guide/") for path in pages[:2]} == {"fees/", "calc/retention/"}, pages
    assert not any(path.endswith(("/background/", "/overview/")) for path in pages), pages
    index = browser.new_page(service_workers="block")
    docs = index.request.get(base_url + "search/search_index.json").json()["docs"]
    index.close()
    def text(location: str) -> str:
        return "".join(doc["title"] + doc["text"] for doc in docs if doc["location"].startswith(location))

    assert "基本報酬" in text("overview/") and "就労定着率" not in text("overview/")
    assert "就労定着率" in text("background/") and "基本報酬" not in text("background/")


def test_qa_prints_as_a_clean_handout(base_url: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(service_workers="block")
    page.goto(base_url + "qa/", wait_until="networkidle")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".print-footer").is_visible()
    assert "平成31年3月29日" in page.locator(".print-footer").inner_text()
    pdf = page.pdf(path=str(tmp_path / "qa.pdf"), format="A4")
    page.close()
    assert pdf[:4] == b"%PDF" and len(pdf) > 10000


def test_keyboard_reaches_the_navigation_and_content(base_url: str, browser: Any) -> None:
    page = browser.new_page(service_workers="block")
    page.goto(base_url, wait_until="networkidle")
    reached: set[str] = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('href')")
        if href:
            reached.add(href)
    page.close()
    assert any("qa" in h for h in reached) and any("overview" in h for h in reached)


@pytest.mark.parametrize("width", [1366, 390])
def test_stats_charts_fill_the_content_width_with_labels_of_at_least_12px(base_url: str, browser: Any, width: int) -> None:
    # issue 11：グラフは 300×141 px（文字 5.6 px）だった。内容の幅いっぱいに、文字は 12 px 以上で重ならず、隣に同じ数値の表。
    page = browser.new_page(viewport={"width": width, "height": 900}, service_workers="block")
    page.goto(base_url + "stats/", wait_until="networkidle")
    charts = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => {
      const figure = svg.closest('figure');
      const holder = figure.parentElement, style = getComputedStyle(holder);
      const content = holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
      const texts = [...svg.querySelectorAll('text')];
      const boxes = texts.map(t => t.getBoundingClientRect());
      let overlaps = 0;
      boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
      }));
      const table = figure.nextElementSibling && figure.nextElementSibling.querySelector('table');
      return {content, width: box.width, smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
              overlaps, values: [...svg.querySelectorAll('text.value')].map(t => t.textContent),
              column: table ? [...table.querySelectorAll('tbody tr td:last-child')].map(td => td.textContent.trim()) : []};
    })""")
    page.close()
    assert len(charts) == 2
    for chart in charts:
        assert chart["width"] >= chart["content"] - 1, chart
        assert chart["smallest"] >= 12, chart
        assert chart["overlaps"] == 0, chart
        assert chart["values"] == chart["column"] and chart["values"], chart


@pytest.mark.parametrize("touch", [False, True], ids=["keyboard", "touch"])
def test_glossary_explanation_opens_by_keyboard_and_touch(base_url: str, browser: Any, touch: bool) -> None:
    # 用語の説明（abbr の title）はマウスのホバーだけでなく、Tab でも指で触っても読める（Material の content.tooltips）。
    context = browser.new_context(has_touch=touch, is_mobile=touch, viewport={"width": 390 if touch else 1366, "height": 800},
                                  service_workers="block")
    page = context.new_page()
    page.goto(base_url + "overview/", wait_until="networkidle")
    term = page.locator("article abbr").first
    definition = term.get_attribute("title")
    assert definition
    if touch:
        term.scroll_into_view_if_needed()
        term.tap()
    else:
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.tagName") == "ABBR":
                break
    assert page.evaluate("() => document.activeElement.tagName") == "ABBR"
    page.wait_for_function("() => document.activeElement.getAttribute('aria-describedby')", timeout=3000)
    described = page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
    tip = page.locator(f"[id='{described}']")
    tip.wait_for(state="visible", timeout=3000)
    shown = tip.inner_text()
    context.close()
    assert shown.strip() == definition


def test_guidance_pages_never_fetch_the_calculator_runtime_even_with_the_service_worker(served_root: Path, pw: Any, tmp_path: Path) -> None:
    # 初回の訪問：service worker が入り、ガイドのページを保存し終えるまで待つ。サーバーが受けた要求を数える。
    import serve
    from conftest import CHROMIUM, FLAGS, SUBPATH

    seen: list[str] = []
    server = serve.start(served_root, requests_seen=seen)
    base = f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}/"
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS)
    try:
        page = context.new_page()
        for path in ("", "qa/", "fees/", "calc/"):
            page.goto(base + path, wait_until="networkidle")
        for _ in range(600):
            if page.evaluate("async () => navigator.serviceWorker.controller !== null && (await caches.keys()).length > 0"):
                break
            page.wait_for_timeout(100)
        page.wait_for_timeout(500)
        runtime = [path for path in seen if "/pyodide/" in path or "/wheels/" in path]
        assert runtime == []
        assert not [path for path in seen if path.endswith(".map") or "wordcut" in path or "lunr.multi" in path]
        assert any("search_index.json" in path or "/assets/" in path for path in seen)  # ガイドのページは保存した
        # 計算機のページを開くと読み込み、保存する（次からオフラインでも使える）
        page.goto(base + "calc/retention/")
        page.wait_for_selector("form.calc[data-offline='saved']", timeout=120000)
        assert any(path.endswith("/pyodide/pyodide.asm.wasm") for path in seen)
        cached = page.evaluate("""async () => { const out = [];
          for (const key of await caches.keys()) for (const r of await (await caches.open(key)).keys()) out.push(r.url);
          return out; }""")
        assert any(url.endswith("/pyodide/pyodide.asm.wasm") for url in cached)
        assert any(url.endswith(".whl") for url in cached)
    finally:
        context.close()
        server.shutdown()


def test_calculator_index_offers_to_keep_the_calculators_for_offline_use(served_root: Path, pw: Any, tmp_path: Path) -> None:
    import serve
    from conftest import CHROMIUM, FLAGS, SUBPATH

    seen: list[str] = []
    server = serve.start(served_root, requests_seen=seen)
    base = f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}/"
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS)
    try:
        page = context.new_page()
        page.goto(base + "calc/", wait_until="networkidle")
        assert not [path for path in seen if "/pyodide/" in path]
        page.get_by_role("button", name="オフラインでも使えるようにする").click()
        status = page.locator(".calc-offline-status")
        status.filter(has_text="保存しました").wait_for(timeout=120000)
        assert any(path.endswith("/pyodide/pyodide.asm.wasm") for path in seen)
        context.set_offline(True)
        page.goto(base + "calc/retention/#month=2019-04&users=20&retained=18&scale_users=12")
        page.wait_for_selector("form.calc[data-result='ok']", timeout=120000)
        assert "9割以上" in page.locator(".calc-result").inner_text()
    finally:
        context.close()
        server.shutdown()
