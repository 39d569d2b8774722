"""2回目からの訪問を Pyodide のメモリのスナップショットから起動する（issue 17、docs/assets/calc/worker.js）：
Chromium の新しいプロファイル（service worker あり）で確かめる。

- 最初の結果の後、この版の鍵（build.json の snapshot_key）で、0 ばかりのページを省いた形（assets/calc/snapshot-format.js）の
  スナップショットが Cache Storage に置かれ、
  次の訪問はそこから起動して同じ結果を出す。名簿（openpyxl の Excel）もそのまま読める。
- 違うビルドのスナップショット（ビルド ID の違うもの）、壊れた項目：普通に起動して結果を出し、項目を消し、同じ鍵では
  作り直さない印を残す。
- サイトのデータを消したら（Cache Storage が空）、普通に起動して、また作る。
- 新しいビルド（鍵が変わる）：一度普通に起動して新しい項目を置き、古いものを消す。
- 「オフラインでも使えるようにする」の後、オフラインでも作り、使う。
- service worker は、前のビルドが同じディレクトリに残した配信の設定（.htaccess など）を保存しない。
- 計算機のページは Material の検索の索引を最初の結果の後に読み（assets/calc/start.js）、検索はそのまま使える。
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parents[1]
RETENTION = "calc/retention/#users=20&retained=18&scale_users=12"

# ページから Cache Storage の項目を読む・書く（worker.js と同じ名前と鍵）
ENTRY = """async () => {
  const info = await (await fetch(new URL("assets/calc/build.json", document.baseURI.replace(/calc\\/.*$/, "")))).json();
  const cache = await caches.open("teichaku-snapshot");
  const keys = (await cache.keys()).map(request => new URL(request.url).pathname);
  const url = new URL(`assets/calc/snapshot/${info.snapshot_key}`, document.baseURI.replace(/calc\\/.*$/, "")).href;
  const hit = await cache.match(url);
  const body = hit ? new Uint8Array(await hit.clone().arrayBuffer()) : null;
  const head = body ? String.fromCharCode(...body.slice(0, 8)) : null;
  return { key: info.snapshot_key, url, keys, head, bytes: body ? body.length : 0,
           raw: hit ? Number(hit.headers.get("X-Raw-Bytes")) : 0,
           failed: Boolean(await cache.match(`${url}.failed`)) };
}"""
# 項目を、ビルド ID の部分（Pyodide の見出しの 16〜48 バイト）だけ変えたものに置き換える（worker.js と同じ形で）
WRONG_BUILD = """async url => {
  const { packSnapshot, unpackSnapshot } = await import(new URL("assets/calc/snapshot-format.js", url.replace(/assets\\/calc\\/snapshot\\/.*$/, "")).href);
  const cache = await caches.open("teichaku-snapshot");
  const raw = unpackSnapshot(new Uint8Array(await (await cache.match(url)).arrayBuffer()));
  raw.fill(0xab, 16, 48);
  await cache.put(url, new Response(new Blob(packSnapshot(raw)), { headers: { "X-Raw-Bytes": String(raw.length) } }));
}"""
CORRUPT = """async url => {
  const cache = await caches.open("teichaku-snapshot");
  const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
  await cache.put(url, new Response(junk));
}"""


def _timings(page: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(page.evaluate("() => document.querySelector('form.calc').dataset.timings"))
    return value


def _visit(page: Any, url: str) -> str:
    """ページを開き直して（同じ URL でも読み込み直す）、最初の結果の文を返す。"""
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector("form.calc[data-result='ok']", timeout=180000)
    text: str = page.locator(".calc-result").inner_text()
    return text


def _wait_for_entry(page: Any, seconds: float = 180) -> dict[str, Any]:
    for _ in range(int(seconds * 5)):
        entry: dict[str, Any] = page.evaluate(ENTRY)
        if entry["head"]:
            return entry
        page.wait_for_timeout(200)
    raise AssertionError(f"スナップショットが置かれません：{page.evaluate(ENTRY)}")


@pytest.fixture
def context(pw: Any, tmp_path: Path) -> Any:
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS)
    yield context
    context.close()


def test_snapshot_is_stored_after_the_first_result_and_the_next_visit_boots_from_it(base_url: str, context: Any,
                                                                                    tmp_path: Path) -> None:
    page = context.new_page()
    first = _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "none"
    entry = _wait_for_entry(page)
    assert entry["head"] == "TKZPAGE1"  # 0 ばかりのページを省いた形
    assert entry["raw"] > 20_000_000  # Pyodide のメモリ全体（約38 MB）
    assert entry["bytes"] < entry["raw"] * 0.8  # 0 ばかりのページ（約45%）を省いた
    assert re.fullmatch(r"314\.\d+\.\d+-[0-9a-f]{16}-[0-9a-f]{24}", entry["key"])
    assert [key for key in entry["keys"] if not key.endswith(entry["key"])] == []  # この版の1つだけ
    # 次の訪問：スナップショットから起動して、同じ結果
    again = _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "restored"
    assert again == first
    # 入力を変えても計算する（復元した Pyodide で、import 済みでないものも読める）
    page.locator("#f-retained").fill("19")
    for _ in range(300):
        if page.locator(".calc-result").inner_text() != again:
            break
        page.wait_for_timeout(100)
    assert "19/20" in page.locator(".calc-result").inner_text()
    # 名簿：スナップショットに import 済みの openpyxl で Excel を読む（wheel のファイルは展開し直す）
    import openpyxl

    text = (ROOT / "tests" / "fixtures" / "roster" / "hand_checked.csv").read_text(encoding="utf-8")
    book = openpyxl.Workbook()
    sections = text.split("\n\n")
    for line in sections[0].splitlines():
        book.active.append(line.split(","))
    contacts = book.create_sheet("対面支援")
    for line in sections[1].splitlines():
        contacts.append(line.split(","))
    xlsx = tmp_path / "名簿.xlsx"
    book.save(xlsx)
    page.goto(base_url + "calc/roster/")
    page.wait_for_selector("form.calc[data-state='ready']", state="attached", timeout=180000)
    assert _timings(page)["snapshot"] == "restored"
    page.get_by_label(re.compile("^年度末日")).fill("2023-03-31")
    page.locator("#f-file").set_input_files(str(xlsx))
    page.get_by_role("button", name="計算する").click()
    page.wait_for_selector("form.calc[data-result='ok']", timeout=180000)
    assert "就労定着率\n5/6（83.33%）" in page.locator(".calc-result").inner_text()


@pytest.mark.parametrize("damage", [WRONG_BUILD, CORRUPT], ids=["wrong-build", "corrupt"])
def test_a_snapshot_that_cannot_be_restored_is_dropped_and_the_page_boots_normally(base_url: str, context: Any,
                                                                                   damage: str) -> None:
    page = context.new_page()
    first = _visit(page, base_url + RETENTION)
    entry = _wait_for_entry(page)
    page.evaluate(damage, entry["url"])
    again = _visit(page, base_url + RETENTION)
    mode = _timings(page)["snapshot"]
    assert mode.startswith("failed: "), mode
    if damage == WRONG_BUILD:
        assert "build id mismatch" in mode
    assert again == first  # 結果は失わない
    after = page.evaluate(ENTRY)
    assert after["head"] is None and after["failed"]  # 項目を消し、同じ鍵では作り直さない
    page.wait_for_timeout(5000)
    assert page.evaluate(ENTRY)["head"] is None
    # 次の訪問も普通に起動する
    _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "none"


def test_after_clearing_site_data_the_page_boots_normally_and_keeps_a_new_snapshot(base_url: str, context: Any) -> None:
    page = context.new_page()
    _visit(page, base_url + RETENTION)
    _wait_for_entry(page)
    page.evaluate("async () => { for (const key of await caches.keys()) await caches.delete(key); }")
    _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "none"
    _wait_for_entry(page)
    _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "restored"


def test_service_worker_never_precaches_the_server_configs(built_site: Path, tmp_path: Path) -> None:
    from teichaku_site import bundle, hosting

    text = (built_site / "sw.js").read_text(encoding="utf-8")
    urls = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", text, re.S).group(1))  # type: ignore[union-attr]
    configs = set(hosting.CONFIGS.values())
    assert configs & set(urls) == set()
    # 前のビルドの設定が同じディレクトリに残っていても（MkDocs は . で始まるファイルを消さない）保存しない
    site = tmp_path / "site"
    for name in [*configs, "index.html", "qa/index.html"]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x", encoding="utf-8")
    assert bundle.site_urls(site) == ["./", "qa/"]


def test_calculator_page_loads_the_search_index_after_the_first_result_and_search_still_works(base_url: str,
                                                                                            context: Any) -> None:
    page = context.new_page()
    _visit(page, base_url + RETENTION)
    for _ in range(100):
        started = page.evaluate("""() => {
          const index = performance.getEntriesByType("resource").find(e => e.name.endsWith("/search/search_index.json"));
          const marks = JSON.parse(document.querySelector("form.calc").dataset.timings).marks;
          return index ? [index.startTime, marks.imported - performance.timeOrigin] : null;
        }""")
        if started:
            break
        page.wait_for_timeout(100)
    assert started is not None, "検索の索引を読みません"
    index_at, python_ready_at = started
    assert index_at > python_ready_at  # Pyodide の起動と teichaku の import の後（最初の結果とともに）
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill("就労定着率")
    box.press("End")
    page.locator(".md-search-result__item a").first.wait_for(timeout=10000)


def test_kept_for_offline_use_the_calculators_make_and_use_the_snapshot_offline(base_url: str, context: Any) -> None:
    """「オフラインでも使えるようにする」で実行環境を保存し、オフラインで計算機を開く：普通に起動して結果を出し、
    スナップショットを作り（実行環境は service worker の保存したものから）、次のオフラインの訪問はそこから起動する。"""
    page = context.new_page()
    page.goto(base_url + "calc/", wait_until="networkidle")
    page.get_by_role("button", name="オフラインでも使えるようにする").click()
    page.locator(".calc-offline-status").filter(has_text="保存しました").wait_for(timeout=180000)
    context.set_offline(True)
    first = _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "none"
    _wait_for_entry(page)
    assert _visit(page, base_url + RETENTION) == first
    assert _timings(page)["snapshot"] == "restored"


def test_a_new_build_boots_normally_once_and_replaces_the_old_snapshot(built_site: Path, pw: Any, tmp_path: Path) -> None:
    """新しいビルド（wheel が変わり、鍵が変わる）：service worker が入れ替わった後の訪問は、古い鍵の項目を使わずに
    普通に起動し、新しい鍵の項目を置いて古いものを消す。"""
    import shutil

    import serve

    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    server = serve.start(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS)
    try:
        page = context.new_page()
        _visit(page, base + RETENTION)
        old = _wait_for_entry(page)
        # 新しいビルド：build.json の鍵と、service worker の版（内容のハッシュ）が変わる
        build = site / "assets" / "calc" / "build.json"
        info = json.loads(build.read_text(encoding="utf-8"))
        info["snapshot_key"] = info["snapshot_key"][:-4] + "beef"
        build.write_text(json.dumps(info), encoding="utf-8")
        for stale in (build.with_name("build.json.br"), build.with_name("build.json.gz")):
            stale.unlink(missing_ok=True)
        worker = site / "sw.js"
        text = worker.read_text(encoding="utf-8")
        version = re.search(r'const VERSION = "([0-9a-f]+)";', text).group(1)  # type: ignore[union-attr]
        worker.write_text(text.replace(version, "0" * len(version)), encoding="utf-8")
        for stale in (worker.with_name("sw.js.br"), worker.with_name("sw.js.gz")):
            stale.unlink(missing_ok=True)
        for _ in range(900):  # 新しい service worker が制御し、新しい build.json を返すまで（混んだ機械でも、最大 180 秒）
            page.evaluate("async () => { const r = await navigator.serviceWorker.getRegistration(); if (r) await r.update(); }")
            if page.evaluate(ENTRY)["key"] == info["snapshot_key"]:
                break
            page.wait_for_timeout(200)
        assert page.evaluate(ENTRY)["key"] == info["snapshot_key"]
        _visit(page, base + RETENTION)
        assert _timings(page)["snapshot"] == "none"  # 古い鍵の項目は使わない
        new = _wait_for_entry(page)
        assert new["key"] != old["key"] and [key for key in new["keys"] if not key.endswith(new["key"])] == []
        _visit(page, base + RETENTION)
        assert _timings(page)["snapshot"] == "restored"
    finally:
        context.close()
        server.shutdown()


def test_inputs_while_the_snapshot_is_being_made_get_their_results_and_the_snapshot_follows(base_url: str,
                                                                                          context: Any) -> None:
    """最初の結果の後、1秒ごとに入力を続けると：どの入力にもすぐ結果が出て（スナップショットは計算が1.5秒頼まれない
    ときに作り始め、作っている間に頼まれたら止める）、入力が止まった後でスナップショットが置かれる。"""
    page = context.new_page()
    _visit(page, base_url + RETENTION)
    field = page.locator("#f-retained")
    for value in ["17", "16", "15", "14", "13", "12", "11", "10"]:
        field.fill(value)
        for _ in range(300):
            if f"{value}/20" in page.locator(".calc-result").inner_text():
                break
            page.wait_for_timeout(50)
        assert f"{value}/20" in page.locator(".calc-result").inner_text()
        page.wait_for_timeout(1000)
    entry = _wait_for_entry(page)
    assert entry["head"] == "TKZPAGE1"
    _visit(page, base_url + RETENTION)
    assert _timings(page)["snapshot"] == "restored"
