"""計算機のベンチマーク（時間とバイト数を表示する。テストではない）。

ビルドしたサイトを 127.0.0.1 で配信し、ヘッドレス Chromium（Debian の chromium）で測る：
- 下限：同じ Pyodide を Web Worker で起動して `1+1` を計算するだけのページ（このスクリプトが一時的に置く）
- 各計算機のページ：ナビゲーション → フォームの表示、→ 準備完了、→ 最初の結果（例の入力を # で渡す）。
  初回（キャッシュなし）と2回目（service worker と HTTP キャッシュあり）。
- 入力を変えてから新しい結果までの時間（中央値）
- 転送したバイト数（サーバーが送った本文の合計。初回と2回目）

- --first-visit（--visits も同じ）：最初の訪問と2回目の訪問（issue 11、17）。毎回新しいプロファイル（ディスクの
  HTTP キャッシュ、service worker あり）で、下限のページ（同じ Pyodide を Web Worker で起動して 1+1）と計算機の
  ページを交互に開く。1回目 = 最初の訪問、同じプロファイルでもう一度開く = 2回目の訪問（計算機は Pyodide の
  スナップショットを置き終えるのを待ってから）。ナビゲーション → 最初の結果の中央値と、下限の同じ回との比、
  各段階の内訳、サーバーが送ったバイト数（最初の結果まで、保存し終えるまで、2回目）、2回目の訪問で入力を変えて
  から結果までの時間。続けて、ガイドのページ（Q&A）と計算機のページを開いたときの転送量と要求の数。

- --throttled（--first-visit と）：遅い回線（1.5 Mbps をサーバー側の共有の帯域で、CPU 4倍遅くを CDP の
  Emulation.setCPUThrottlingRate で）で、最初の結果 ÷ その時までにサーバーが送ったバイト数 / 帯域（下限）。
- --against DIR（--first-visit と）：もう1つのビルド（変更の前など）を同じ回の中で交互に測り、比べる
  （下限はこのビルドの Pyodide）。

使い方：.venv/bin/python scripts/bench_calculators.py [--site DIR] [--repeat N]
        [--first-visit [--runs 5] [--ratio-only] [--against DIR] [--throttled [--throttled-runs 3]]]
目標（issue 4）：最初の結果 ≦ 下限 × 1.15、入力の変更 → 結果 ≦ 50 ms（中央値）、2回目の転送 < 100 KB、
Pyodide の準備より前にフォームを表示。issue 17：2回目の訪問の最初の結果 ≦ 1.0 秒（中央値）かつ ≦ 下限の
2回目 × 0.4、最初の訪問 ≦ 下限の最初の訪問 × 1.0、遅い回線で変更の前のビルド（--against）より遅くない。
負荷（uptime）を数値と一緒に表示する：このマシンは共有で、数値は負荷で大きく変わる。
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402

CHROMIUM, FLAGS = serve.CHROMIUM, serve.CHROMIUM_FLAGS
EXAMPLES = {
    "eligibility": "prior_service=就労移行支援&employed=2019-04-01",
    "retention": "users=20&retained=18&scale_users=12",
    "claim": "users=20&retained=18&scale_users=12&face_to_face=on&additions=初期加算&from_other_office=on",
    "staffing": "users=45&hours=40&hours=40&hours=20&fulltime_hours=40",
    "first-recalculation": "designated=2018-10-01",
    "new-office": "designated=2019-04-01&on=2019-08-01&settled_six_months=10",
}
CHANGES = {  # 入力を変える項目と、交互に入れる2つの値
    "eligibility": ("#f-employed", "2019-04-01", "2019-08-31"),
    "retention": ("#f-retained", "18", "17"),
    "claim": ("#f-retained", "18", "17"),
    "staffing": ("#f-users", "45", "61"),
    "first-recalculation": ("#f-designated", "2018-10-01", "2019-04-01"),
    "new-office": ("#f-settled_six_months", "10", "12"),
}
BARE_HTML = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>下限</title></head><body>
<p id="out">…</p><script type="module" src="bare.js"></script></body></html>"""
BARE_JS = """const worker = new Worker(new URL("bare-worker.js", import.meta.url), { type: "module" });
worker.onmessage = event => { const [value, marks] = event.data;
  window.__bare = { value, at: performance.now(), worker: marks.worker - performance.timeOrigin,
                    boot: marks.boot - performance.timeOrigin, pyodide: marks.pyodide - performance.timeOrigin };
  document.getElementById("out").textContent = String(value); };"""
BARE_WORKER = """import { loadPyodide } from "../pyodide/pyodide.mjs";
const started = performance.now();
const indexURL = new URL("../pyodide/", import.meta.url).href;
const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL });
const at = ms => performance.timeOrigin + ms;
self.postMessage([pyodide.runPython("1+1"), { worker: at(0), boot: at(started), pyodide: at(performance.now()) }]);"""
# 最初の訪問の内訳（ページの時刻の原点 = ナビゲーションの開始からの ms）。worker.js の timings.marks から。
PHASES_SCRIPT = """() => {
  const form = document.querySelector("form.calc");
  const timings = JSON.parse(form.dataset.timings), marks = timings.marks || {};
  const origin = performance.timeOrigin, nav = performance.getEntriesByType("navigation")[0];
  const rel = name => marks[name] ? marks[name] - origin : NaN;
  const first = Number(form.dataset.firstResultAt), run = Number(form.dataset.computeMs);
  return { html: nav.responseEnd, dom: nav.domContentLoadedEventEnd, worker: rel("worker"), boot: rel("boot"),
           pyodide: rel("pyodide"), load_pyodide: rel("pyodide") - rel("boot"), wait_wheel: rel("wheel") - rel("pyodide"),
           unpack: rel("unpacked") - rel("wheel"), import: rel("imported") - rel("unpacked"), run,
           to_page: first - rel("imported") - run, first };
}"""

CHANGE_SCRIPT = """async ([selector, value]) => {
  const form = document.querySelector("form.calc");
  const input = document.querySelector(selector);
  const done = new Promise(resolve => form.addEventListener("calc:result", resolve, { once: true }));
  const started = performance.now();
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  await done;
  return performance.now() - started;
}"""


def _build(target: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)], cwd=ROOT, env=env, check=True)


def _bytes(traffic: list[tuple[str, int, int]]) -> int:
    return sum(size for _, _, size in traffic)


def _wait(page: Any, selector: str) -> None:
    page.wait_for_selector(selector, timeout=120000)


def _page_times(page: Any) -> dict[str, float]:
    times: dict[str, float] = page.evaluate("""() => {
      const form = document.querySelector("form.calc");
      const nav = performance.getEntriesByType("navigation")[0];
      return { form_shown: nav.domContentLoadedEventEnd, ready: Number(form.dataset.readyAt),
               first_result: Number(form.dataset.firstResultAt), python_boot: JSON.parse(form.dataset.timings).pyodide,
               teichaku_import: JSON.parse(form.dataset.timings).teichaku };
    }""")
    return times


THROTTLED_BPS = 1_500_000 // 8  # 1.5 Mbps（issue 11 の遅い回線）
THROTTLED_CPU = 4  # CPU 4倍遅く（CDP の Emulation.setCPUThrottlingRate）


class _Link:
    """サーバー側の1本の回線（すべての接続で共有する帯域）：送る前に、その量を送り終える時刻まで待つ。"""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.lock = threading.Lock()
        self.free_at = 0.0

    def send(self, out: Any, data: bytes) -> None:
        with self.lock:
            now = time.monotonic()
            self.free_at = max(self.free_at, now) + len(data) / self.rate
            until = self.free_at
        time.sleep(max(0.0, until - time.monotonic()))
        out.write(data)


def _throttled_server(root: Path, link: _Link, traffic: list[tuple[str, int, int]]) -> Any:
    """serve.py の配信（事前圧縮・CSP など同じ）を、帯域を絞った回線で。"""

    class Handler(serve.SiteHandler):
        def copyfile(self, source: Any, outputfile: Any) -> None:
            start = source.tell()
            source.seek(0, 2)
            traffic.append((self.path, getattr(self, "_status", 200), source.tell() - start))
            source.seek(start)
            while chunk := source.read(16384):
                link.send(outputfile, chunk)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _throttled(p: Any, root: Path, runs: int, against: Path | None = None) -> None:
    """遅い回線（1.5 Mbps、サーバー側で絞る）と CPU 4倍遅く：最初の結果 ÷ 読み込んだバイト数 / 帯域（下限）。
    下限のバイト数は、最初の結果までにサーバーが送った本文（圧縮した形）。against があれば交互に測って比べる。"""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    sites = {"calc": root, **({"against": against} if against is not None else {})}
    firsts: dict[str, list[float]] = {kind: [] for kind in sites}
    floors: dict[str, list[float]] = {kind: [] for kind in sites}
    for _ in range(runs):
        for kind, site in sites.items():
            traffic: list[tuple[str, int, int]] = []
            server = _throttled_server(site, _Link(THROTTLED_BPS), traffic)
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLED_CPU})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/calc/retention/#{EXAMPLES['retention']}", timeout=300000)
            page.wait_for_selector("form.calc[data-result='ok']", timeout=300000)
            firsts[kind].append(_page_times(page)["first_result"])
            floors[kind].append(_bytes(traffic) / THROTTLED_BPS * 1000)
            context.close()
            server.shutdown()
    browser.close()
    profile = f"{THROTTLED_BPS * 8 / 1e6:.1f} Mbps、CPU {THROTTLED_CPU}倍遅く"
    print(f"負荷（uptime の load average）：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for kind in reversed(sites):
        label = "" if kind == "calc" else f"（比較：{against}）"
        first_ms, floor_ms = statistics.median(firsts[kind]), statistics.median(floors[kind])
        print(f"遅い回線（{profile}）{label}：最初の結果 ms：{' '.join(f'{x:.0f}' for x in firsts[kind])}")
        print(f"  読み込んだバイト数 / 帯域（下限）ms：{' '.join(f'{x:.0f}' for x in floors[kind])}")
        print(f"比（遅い回線）{label}：{first_ms / floor_ms:.2f}（中央値 {first_ms:.0f} ms ÷ {floor_ms:.0f} ms、{runs}回、目標 ≦ 1.25）")


def _print_phases(label: str, phases: list[dict[str, float]], names: tuple[tuple[str, str], ...]) -> None:
    cells = []
    for key, name in names:
        values = [x[key] for x in phases if x.get(key) == x.get(key)]  # NaN（記録のない版）を除く
        cells.append(f"{name} {statistics.median(values):.0f}" if values else f"{name} -")
    print(f"  {label}：" + "、".join(cells))


# スナップショットを置き終えたか（スナップショットのない版：build.json に snapshot_key がなければ待たない）
SNAPSHOT_STORED = """async () => {
  const info = await (await fetch(new URL("../../assets/calc/build.json", location.href))).json();
  if (!info.snapshot_key || !self.caches) return true;
  const cache = await caches.open("teichaku-snapshot");
  return (await cache.keys()).some(request => request.url.endsWith(info.snapshot_key));
}"""


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}" if values else "-"


def _visits(p: Any, root: Path, runs: int, against: Path | None = None, changes: int = 5) -> None:
    """最初の訪問と2回目の訪問：下限のページと計算機のページ（と比べるビルド）を交互に、毎回新しいプロファイルで。
    下限の2回目 = 同じプロファイルでもう一度開く（HTTP キャッシュと V8 のコードキャッシュが効く）。"""
    sites: dict[str, Path] = {"bare": root, "calc": root, **({"against": against} if against is not None else {})}
    traffic: dict[str, list[tuple[str, int, int]]] = {kind: [] for kind in sites}
    servers = {kind: serve.start(site, traffic=traffic[kind]) for kind, site in sites.items()}
    url = {kind: f"http://127.0.0.1:{server.server_address[1]}/" + ("bench/bare.html" if kind == "bare" else
                                                                     f"calc/retention/#{EXAMPLES['retention']}")
           for kind, server in servers.items()}
    first: dict[str, list[float]] = {kind: [] for kind in sites}
    repeat: dict[str, list[float]] = {kind: [] for kind in sites}
    phases: dict[str, list[dict[str, float]]] = {kind: [] for kind in sites}
    repeat_phases: dict[str, list[dict[str, float]]] = {kind: [] for kind in sites}
    sent: dict[str, list[tuple[int, int, int]]] = {kind: [] for kind in sites}  # 最初の結果まで、保存し終えるまで、2回目
    restored: dict[str, list[str]] = {kind: [] for kind in sites}
    change: dict[str, list[float]] = {kind: [] for kind in sites}
    loads = [_load()]

    def visit(page: Any, kind: str) -> float:
        page.goto("about:blank")
        page.goto(url[kind])
        if kind == "bare":
            page.wait_for_function("() => window.__bare !== undefined", timeout=120000)
            return float(page.evaluate("() => window.__bare.at"))
        _wait(page, "form.calc[data-result='ok']")
        return _page_times(page)["first_result"]

    with tempfile.TemporaryDirectory() as profiles:
        for run in range(runs):
            for kind in sites:
                traffic[kind].clear()
                context = p.chromium.launch_persistent_context(str(Path(profiles) / f"{kind}-{run}"),
                                                               executable_path=CHROMIUM, args=FLAGS)
                page = context.pages[0] if context.pages else context.new_page()
                first[kind].append(visit(page, kind))
                at_first = _bytes(traffic[kind])
                if kind != "bare":
                    phases[kind].append(page.evaluate(PHASES_SCRIPT))
                    # 保存し終えるまで：service worker の実行環境（data-offline）と、あればスナップショット（60秒まで）
                    with contextlib.suppress(Exception):
                        page.wait_for_selector("form.calc[data-offline]", timeout=60000)
                    for _ in range(600):
                        if page.evaluate(SNAPSHOT_STORED):
                            break
                        page.wait_for_timeout(100)
                    page.wait_for_timeout(500)
                settled = _bytes(traffic[kind])
                traffic[kind].clear()
                repeat[kind].append(visit(page, kind))
                sent[kind].append((at_first, settled, _bytes(traffic[kind])))
                if kind != "bare":
                    repeat_phases[kind].append(page.evaluate(PHASES_SCRIPT))
                    timings = json.loads(page.evaluate("() => document.querySelector('form.calc').dataset.timings"))
                    restored[kind].append(str(timings.get("snapshot", "（記録なし）")))
                    selector, one, other = CHANGES["retention"]
                    change[kind] += [page.evaluate(CHANGE_SCRIPT, [selector, other if i % 2 == 0 else one]) for i in range(changes)]
                context.close()
            loads.append(_load())
    for server in servers.values():
        server.shutdown()

    names = {"bare": "下限（Pyodide を Web Worker で起動して 1+1）", "calc": "計算機（就労定着率）",
             "against": f"計算機（比較：{against}）"}
    steps = (("html", "HTML"), ("worker", "worker の開始"), ("load_pyodide", "loadPyodide"), ("wait_wheel", "wheel を待つ"),
             ("unpack", "wheel の展開"), ("import", "import teichaku.interfaces.web"), ("run", "最初の run_json"),
             ("to_page", "結果の受け渡しと表示"), ("first", "結果"))
    print(f"負荷（uptime の load average、各回の後）：{' / '.join(loads)}")
    print(f"ナビゲーション → 最初の結果（ms、{runs}回、交互、毎回新しいプロファイル）")
    for kind in sites:
        print(f"{names[kind]}")
        print(f"  最初の訪問：{' '.join(f'{x:.0f}' for x in first[kind])}（中央値 {_median(first[kind])}）")
        print(f"  2回目の訪問：{' '.join(f'{x:.0f}' for x in repeat[kind])}（中央値 {_median(repeat[kind])}）")
        if kind != "bare":
            _print_phases("最初の訪問の内訳（中央値 ms）", phases[kind], steps)
            _print_phases("2回目の訪問の内訳（中央値 ms）", repeat_phases[kind], steps)
            print(f"  2回目の起動：{'、'.join(sorted(set(restored[kind])))}")
            print(f"  入力の変更 → 結果（2回目の訪問）ms：中央値 {statistics.median(change[kind]):.1f}、最大 {max(change[kind]):.1f}")
        mb = 1048576
        print(f"  サーバーが送ったバイト数（中央値 MB）：最初の結果まで {statistics.median(x[0] for x in sent[kind]) / mb:.2f}、"
              f"保存し終えるまで {statistics.median(x[1] for x in sent[kind]) / mb:.2f}、"
              f"2回目の訪問 {statistics.median(x[2] for x in sent[kind]) / mb:.3f}")
    bare_first, bare_repeat = statistics.median(first["bare"]), statistics.median(repeat["bare"])
    for kind in [kind for kind in sites if kind != "bare"]:
        label = "" if kind == "calc" else "（比較のビルド）"
        f_ms, r_ms = statistics.median(first[kind]), statistics.median(repeat[kind])
        print(f"比{label}：最初の訪問 {f_ms / bare_first:.2f}（目標 ≦ 1.0）、2回目の訪問 {r_ms / bare_repeat:.2f}（目標 ≦ 0.4）、"
              f"2回目 {r_ms / 1000:.2f} 秒（目標 ≦ 1.0）")
        # 同じ回の下限との比（負荷が回ごとに変わるとき、中央値どうしの比より確か）
        paired_first = statistics.median(c / b for c, b in zip(first[kind], first["bare"], strict=True))
        paired_repeat = statistics.median(c / b for c, b in zip(repeat[kind], repeat["bare"], strict=True))
        print(f"  同じ回の下限との比の中央値{label}：最初の訪問 {paired_first:.2f}、2回目の訪問 {paired_repeat:.2f}")


def _guide_and_calculator_bytes(p: Any, root: Path) -> None:
    """service worker を有効にした新しいプロファイルで、ガイドのページ（Q&A）と計算機のページを開いたときに
    サーバーが送ったバイト数と要求の数（service worker が保存し終えるまで）。"""
    traffic: list[tuple[str, int, int]] = []
    server = serve.start(root, traffic=traffic)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with tempfile.TemporaryDirectory() as profiles:
        saved = "form.calc[data-offline='saved']"
        for label, path, ready in (("ガイドのページ（Q&A）", "qa/", None),
                                   ("計算機のページ（就労定着率）", f"calc/retention/#{EXAMPLES['retention']}", saved)):
            traffic.clear()
            context = p.chromium.launch_persistent_context(str(Path(profiles) / label), executable_path=CHROMIUM, args=FLAGS)
            page = context.new_page()
            page.goto(base + path)
            if ready:
                _wait(page, "form.calc[data-result='ok']")
                with contextlib.suppress(Exception):  # 実行環境を保存し終えるまで（この仕組みのない版では待たない）
                    page.wait_for_selector(ready, timeout=30000)
            for _ in range(600):
                if page.evaluate("async () => navigator.serviceWorker.controller !== null && (await caches.keys()).length > 0"):
                    break
                page.wait_for_timeout(100)
            page.wait_for_timeout(1500)  # service worker の保存が終わるまで
            runtime = sum(size for name, _, size in traffic if "/pyodide/" in name or "/wheels/" in name)
            print(f"{label}：{_bytes(traffic) / 1048576:.2f} MB、{len(traffic)}件（うち計算用の実行環境 {runtime / 1048576:.2f} MB）")
            context.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="ビルド済みのサイト（省略時はここでビルドする）")
    parser.add_argument("--repeat", type=int, default=20, help="入力の変更を測る回数")
    parser.add_argument("--json", action="store_true", help="結果を JSON でも出す")
    parser.add_argument("--first-visit", "--visits", action="store_true",
                        help="最初の訪問と2回目の訪問を、下限のページと並べて測る（比と転送量）")
    parser.add_argument("--runs", type=int, default=5, help="--first-visit の回数（中央値を取る）")
    parser.add_argument("--against", type=Path, help="--first-visit で同じ回に交互に測るもう1つのビルド済みサイト（変更の前など）")
    parser.add_argument("--throttled", action="store_true", help="--first-visit で遅い回線（1.5 Mbps、CPU 4倍遅く）の比も測る")
    parser.add_argument("--throttled-runs", type=int, default=3, help="--throttled の回数（中央値を取る）")
    parser.add_argument("--ratio-only", action="store_true",
                        help="--first-visit でガイドのページと計算機のページの転送量（service worker が保存する量）を測らない")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "site"
        if args.site:
            shutil.copytree(args.site, root)
        else:
            _build(root)
        bench = root / "bench"
        bench.mkdir()
        (bench / "bare.html").write_text(BARE_HTML, encoding="utf-8")
        (bench / "bare.js").write_text(BARE_JS, encoding="utf-8")
        (bench / "bare-worker.js").write_text(BARE_WORKER, encoding="utf-8")
        if args.first_visit:
            with sync_playwright() as p:
                if args.runs > 0:
                    _visits(p, root, args.runs, against=args.against)
                    if not args.ratio_only:
                        _guide_and_calculator_bytes(p, root)
                if args.throttled:
                    _throttled(p, root, args.throttled_runs, against=args.against)
            return
        traffic: list[tuple[str, int, int]] = []
        server = serve.start(root, traffic=traffic)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        report: dict[str, Any] = {"calculators": {}}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            # 下限：同じ Pyodide を起動して 1+1（初回、キャッシュなし）
            floor = []
            for _ in range(3):
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                page.goto(base + "bench/bare.html")
                page.wait_for_function("() => window.__bare !== undefined", timeout=120000)
                floor.append(page.evaluate("() => window.__bare.at"))
                context.close()
            report["floor_ms"] = statistics.median(floor)

            for name, example in EXAMPLES.items():
                url = f"{base}calc/{name}/#{example}"
                result: dict[str, Any] = {}
                cold = []
                for _ in range(3):
                    traffic.clear()
                    context = browser.new_context(service_workers="block")
                    page = context.new_page()
                    page.goto(url)
                    _wait(page, "form.calc[data-result='ok']")
                    cold.append(_page_times(page))
                    result["cold_bytes"] = _bytes(traffic)
                    context.close()
                result["cold"] = {key: statistics.median(t[key] for t in cold) for key in cold[0]}
                # 2回目：service worker と HTTP キャッシュのある同じプロファイル
                profile = Path(temp) / f"profile-{name}"
                context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=FLAGS)
                page = context.new_page()
                page.goto(url)
                _wait(page, "form.calc[data-result='ok']")
                for _ in range(600):
                    if page.evaluate("async () => navigator.serviceWorker.controller !== null && (await caches.keys()).length > 0"):
                        break
                    page.wait_for_timeout(100)
                page.close()
                traffic.clear()
                page = context.new_page()
                page.goto(url)
                _wait(page, "form.calc[data-result='ok']")
                result["warm"] = _page_times(page)
                result["warm_bytes"] = _bytes(traffic)
                result["warm_requests"] = len(traffic)
                selector, first, second = CHANGES[name]
                changes = [page.evaluate(CHANGE_SCRIPT, [selector, second if i % 2 == 0 else first]) for i in range(args.repeat)]
                result["change_ms_median"] = statistics.median(changes)
                result["change_ms_max"] = max(changes)
                context.close()
                report["calculators"][name] = result
            browser.close()
        server.shutdown()

    floor_ms = report["floor_ms"]
    print(f"下限（同じ Pyodide を起動して 1+1、初回、3回の中央値）：{floor_ms:.0f} ms")
    print()
    print("計算機               フォーム表示  準備完了  最初の結果  ÷下限   2回目の結果  入力→結果(中央値/最大)  初回の転送   2回目の転送")
    for name, r in report["calculators"].items():
        ratio = r["cold"]["first_result"] / floor_ms
        print(f"{name:20} {r['cold']['form_shown']:8.0f} ms {r['cold']['ready']:7.0f} ms {r['cold']['first_result']:8.0f} ms "
              f"{ratio:6.2f}  {r['warm']['first_result']:8.0f} ms  {r['change_ms_median']:8.1f} / {r['change_ms_max']:5.1f} ms"
              f"  {r['cold_bytes'] / 1024:9.0f} KB {r['warm_bytes'] / 1024:8.1f} KB（{r['warm_requests']}件）")
    print()
    worst_ratio = max(r["cold"]["first_result"] / floor_ms for r in report["calculators"].values())
    worst_change = max(r["change_ms_median"] for r in report["calculators"].values())
    worst_warm = max(r["warm_bytes"] for r in report["calculators"].values())
    before = all(r["cold"]["form_shown"] < r["cold"]["ready"] for r in report["calculators"].values())
    print(f"目標：最初の結果 ≦ 下限×1.15 … 最大 {worst_ratio:.2f} 倍 {'達成' if worst_ratio <= 1.15 else '未達'}")
    print(f"目標：入力の変更 → 結果 ≦ 50 ms（中央値）… 最大 {worst_change:.1f} ms {'達成' if worst_change <= 50 else '未達'}")
    print(f"目標：2回目の転送 < 100 KB … 最大 {worst_warm / 1024:.1f} KB {'達成' if worst_warm < 100 * 1024 else '未達'}")
    print(f"目標：Pyodide の準備より前にフォームを表示 … {'達成' if before else '未達'}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
