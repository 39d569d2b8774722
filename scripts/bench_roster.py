"""名簿のベンチマーク（時間を表示する。テストではない）：利用者10,000人と3年分の毎月の対面支援の名簿を作り、
CPython と、ヘッドレス Chromium の Pyodide（名簿のページ）で、読み込みから結果までの時間を測る。目標：ブラウザで2秒未満。

使い方：.venv/bin/python scripts/bench_roster.py [--users 10000] [--site DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculator"))
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402
from teichaku.interfaces.roster import analyse  # noqa: E402
from teichaku.rules.dates import period_end  # noqa: E402

CHROMIUM, FLAGS = serve.CHROMIUM, serve.CHROMIUM_FLAGS
SERVICES = ["就労移行支援", "就労継続支援A型", "就労継続支援B型", "生活介護", "自立訓練"]


def generate(users: int, seed: int = 1) -> bytes:
    """利用者 users 人、2020〜2023年度の3年分の毎月の対面支援（利用期間の中）の名簿（CSV、UTF-8）。"""
    rng = random.Random(seed)
    lines = ["利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域"]
    contacts = ["利用者ID,日付"]
    for i in range(users):
        employed = dt.date(2017, 4, 1) + dt.timedelta(days=rng.randrange(0, 5 * 365))
        start = period_end(employed, 6) + dt.timedelta(days=1 + rng.randrange(0, 60))
        end = min(period_end(start, 36), dt.date(2024, 3, 31))
        left = employed + dt.timedelta(days=rng.randrange(200, 2500)) if rng.random() < 0.3 else None
        if left is not None and left < start:
            left = None
        ended = end if end < dt.date(2024, 3, 31) else None
        lines.append(f"U{i:05d},{rng.choice(SERVICES)},{employed},{left or ''},,{start},{ended or ''},"
                     f"{'○' if rng.random() < 0.2 else ''},{'○' if rng.random() < 0.1 else ''}")
        day = max(start, dt.date(2021, 4, 1))
        last = min(end, left or end, dt.date(2024, 3, 31))
        while day <= last:
            contacts.append(f"U{i:05d},{day.replace(day=min(day.day, 28))}")
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=10)
    return ("\n".join(lines) + "\n\n" + "\n".join(contacts) + "\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--site", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = generate(args.users)
    contact_rows = data.decode("utf-8").split("\n\n")[1].count("\n") - 1
    print(f"名簿：利用者 {args.users:,}人、対面支援 {contact_rows:,}行、{len(data) / 1024 / 1024:.1f}MB")
    cpython, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = analyse(data, "bench.csv", "2023-03-31").to_dict()
        cpython.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    # 共有のマシンでは経過時間が他の負荷で伸びる：CPU 時間（このプロセスの分）と負荷（load average）も示す
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPython {sys.version.split()[0]}：{statistics.median(cpython):,.0f} ms（{args.repeat}回の中央値。CPU 時間 "
          f"{statistics.median(cpu):,.0f} ms、最小 {min(cpu):,.0f} ms、load average {load:.1f}）"
          f"　就労定着率 {result['retention']['rate']}、読み込めなかった行 {len(result['rejected'])}件")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "site"
        if args.site:
            shutil.copytree(args.site, root)
        else:
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(root)], cwd=ROOT, env=env, check=True)
        roster = Path(temp) / "bench.csv"
        roster.write_bytes(data)
        server = serve.start(root)
        url = f"http://127.0.0.1:{server.server_address[1]}/calc/roster/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            browser_ms, python_ms = [], []
            for _ in range(args.repeat):
                # 毎回新しいページ（新しい Worker）で測る：直前の結果の再利用なし
                page = browser.new_page(service_workers="block")
                page.goto(url)
                page.wait_for_selector("form.calc[data-state='ready']", timeout=120000)
                page.locator("#f-fiscal_year_end").fill("2023-03-31")
                page.locator("#f-file").set_input_files(str(roster))
                started = time.perf_counter()
                page.get_by_role("button", name="計算する").click()
                page.wait_for_selector("form.calc[data-result]", timeout=300000)
                browser_ms.append((time.perf_counter() - started) * 1000)
                python_ms.append(float(page.locator("form.calc").get_attribute("data-compute-ms") or 0))
                page.close()
            browser.close()
        server.shutdown()
    median = statistics.median(browser_ms)
    print(f"Chromium の Pyodide：クリックから結果の表示まで {median:,.0f} ms（うち Python {statistics.median(python_ms):,.0f} ms、"
          f"{args.repeat}回の中央値）")
    print(f"目標：ブラウザで2秒未満 … {'達成' if median < 2000 else '未達'}")


if __name__ == "__main__":
    main()
