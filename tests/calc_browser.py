"""計算機のページのブラウザのテストが共有する道具（ページを開く・待つ・ラベルで項目を探す・axe）。

テストのファイル（test_calculators_browser.py、test_calculator_pages_browser.py）は、Playwright を importorskip で確かめて
からこのモジュールを import する（このモジュール自身は Playwright を import しない）。
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import warm_page

ROOT = Path(__file__).resolve().parents[1]


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


CALCULATORS = ["eligibility", "retention", "claim", "staffing", "first-recalculation", "new-office"]


# ページが CSP に違反したら記録する（meta の CSP とサーバーのヘッダーの CSP の両方）
CSP_WATCH = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"


def _open(browser: Any, url: str, *, cold: bool = False) -> Any:
    """計算機のページ。同じモジュールでは起動済みのページを初期化して使い回す（conftest.warm_page）。
    読み込みそのものを確かめるときは cold=True（新しいページ）。"""
    return warm_page(browser, url, cold=cold, init_scripts=(CSP_WATCH,))


def _wait_ready(page: Any) -> None:
    page.wait_for_selector("form.calc[data-state='ready']", timeout=60000)


def _wait_result(page: Any, state: str = "ok") -> None:
    page.wait_for_selector(f"form.calc[data-result='{state}']", timeout=60000)


def _by(page: Any, label: str) -> Any:
    """ラベルで項目を探す（ラベルの後ろの「必須」「任意」の印は除いて、完全一致で）。"""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"(\s*(必須|任意))?$"))


def _poll(page: Any, script: str, seconds: float = 60) -> None:
    """page.evaluate（CSP の外）で条件が真になるまで待つ。wait_for_function は文字列を eval するので CSP に止められる。"""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"条件が満たされません：{script}")


def _result(page: Any) -> str:
    text: str = page.locator(".calc-result").inner_text()
    return text


def _axe(page: Any) -> list[Any]:
    # page.evaluate で差し込む（開発者ツールと同じく CSP の外）：サイトの CSP のままの起動済みのページで調べられる
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    # 動いている途中の要素（スクロールで現れる「トップへ戻る」の半透明の途中など）で調べない：CSS の遷移が終わるまで待つ
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}})"
    )
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


_IN_VIEW = """() => { const h = document.querySelector('.calc-result h2'); if (!h) return null;
  const r = h.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: innerHeight,
  focused: document.activeElement === h, active: document.activeElement.id, scrollY: scrollY}; }"""


def _assert_result_brought_into_view(page: Any) -> None:
    box = page.evaluate(_IN_VIEW)
    assert box["focused"], box  # 読み上げも結果から
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box  # 見出しが画面の中（ヘッダーの下）
    header = page.evaluate("() => document.querySelector('.md-header').getBoundingClientRect().bottom")
    assert box["top"] >= header - 1, (box, header)


def _roster_files(tmp_path: Path) -> tuple[Path, Path]:
    from teichaku.interfaces.roster import analyse, to_xlsx  # noqa: F401  (Excel の名簿は openpyxl で作る)

    text = (ROOT / "tests" / "fixtures" / "roster" / "hand_checked.csv").read_text(encoding="utf-8")
    cp932 = tmp_path / "名簿_sjis.csv"
    cp932.write_bytes(text.encode("cp932"))
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sections = text.split("\n\n")
    for line in sections[0].splitlines():
        sheet.append(line.split(","))
    contacts = book.create_sheet("対面支援")
    for line in sections[1].splitlines():
        contacts.append(line.split(","))
    xlsx = tmp_path / "名簿.xlsx"
    book.save(xlsx)
    return cp932, xlsx


HAND_CHECKED = ROOT / "tests" / "fixtures" / "roster" / "hand_checked.csv"


def compute_hand_checked_roster(page: Any, base_url: str) -> None:
    """名簿の計算機を開き、手で確かめた名簿（年度末日 2023-03-31）を選んで計算し、結果を待つ。"""
    page.goto(base_url + "calc/roster/")
    _wait_ready(page)
    _by(page, "年度末日").fill("2023-03-31")
    page.locator("#f-file").set_input_files(str(HAND_CHECKED))
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
