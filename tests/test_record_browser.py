"""算定根拠書をヘッドレス Chromium で：各計算機に人と同じように入力して「算定根拠書を印刷」を押し、印刷（print メディア、
@page の A4）を PDF にして、その文字（poppler-utils の pdftotext）に、入力（表示のとおり）・結果・根拠の手順・出典の引用・
規則の版（パッケージの版とコミット）があり、サイトのナビゲーションやフォームはないことを確かめる。QR コードは共有リンクを
表す：ページの SVG の行列が segno.make(共有リンク) の行列と等しく、zbarimg（zbar-tools）があれば印刷した PDF の画像から
読んだ文字列が共有リンクに等しい。その共有リンクを開くと同じ結果になる。名簿の記録は既定で事業所の合計だけ（利用者ID・
氏名なし）、チェックしたときだけ利用者ごとの表。axe-core の違反ゼロ、127.0.0.1 の外への要求なし、キーボードで操作できる。

ヘッドレスの Chromium では window.print() が印刷の画面を開かないので、呼ばれた回数を数える関数に置き換え、印刷そのものは
page.pdf（印刷と同じ print メディアと @page）で作る。
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import segno

pytest.importorskip("playwright.sync_api")

from calc_browser import CSP_WATCH, _axe, _by, _poll, _roster_files, _wait_result
from conftest import warm_page
from teichaku import __version__
from teichaku.interfaces.web import FORMS, run
from test_training import _with_border, qr_matrix_from_svg

ROOT = Path(__file__).resolve().parents[1]
PRINT_STUB = "window.__printed = 0; window.print = () => { window.__printed += 1; };"
NAVIGATION = ("計算する", "この条件のリンクをコピー", "入力を消す", "このサイトについて", "パラメータ一覧", "算定根拠書を印刷")
FOOTER = re.compile(r"^\s*算定根拠書\s*\d+\s*/\s*\d+\s*$", re.M)


# ---- 人と同じ入力（ラベルで探して入れる）----

def _eligibility(page: Any) -> None:
    _by(page, "前サービス").select_option("就労移行支援")
    _by(page, "就職日").fill("平成３１年４月１日")  # 和暦と全角数字：そのまま記録に載る
    _by(page, "利用開始日").fill("2019-10-01")


def _retention(page: Any) -> None:
    _by(page, "サービス提供月").fill("2024-06")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("18")


def _claim(page: Any) -> None:
    _by(page, "サービス提供月").fill("令和6年6月")
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("19")
    _by(page, "特別地域加算").check()
    _by(page, "特別地域に居住").check()


def _staffing(page: Any) -> None:
    _by(page, "利用者数").fill("45")
    _by(page, "1人目の週の勤務時間（時間）").fill("40")
    _by(page, "2人目の週の勤務時間（時間）").fill("32")
    _by(page, "常勤の勤務時間").fill("40")


def _first_recalculation(page: Any) -> None:
    _by(page, "指定日").fill("H30.10.1")


def _new_office(page: Any) -> None:
    _by(page, "指定日").fill("2018-10-01")
    _by(page, "基準日").fill("2019-01-15")
    _by(page, "過去3年間の6月定着者数").fill("7")


# (ページ, 計算機のキー, 入力, 記録に載る「項目 → 入力した値」, 結果に必ずある文字)
SCENARIOS: list[tuple[str, str, Callable[[Any], None], list[tuple[str, str]], str]] = [
    ("eligibility", "eligibility", _eligibility,
     [("前サービス", "就労移行支援"), ("就職日", "平成３１年４月１日"), ("利用開始日", "2019-10-01")], "利用できます"),
    ("retention", "retention", _retention,
     [("サービス提供月", "2024-06"), ("過去3年間の総利用者数", "20"), ("就労が継続している者の数", "18")], "3,348単位"),
    ("claim", "claim", _claim,
     [("サービス提供月", "令和6年6月"), ("就労が継続している者の数", "19"), ("この月に支援レポートを共有した", "はい"),
      ("加算", "特別地域加算"), ("特別地域に居住", "はい")], "特別地域加算：240単位"),
    ("staffing", "staffing", _staffing,
     [("利用者数", "45"), ("勤務時間（就労定着支援員ごと）", "1人目：40、2人目：32"), ("常勤の勤務時間", "40")],
     "就労定着支援員の人員基準を満たします"),
    ("first-recalculation", "first_recalculation", _first_recalculation, [("指定日", "H30.10.1")], "2019年9月30日"),
    ("new-office", "new_office", _new_office,
     [("指定日", "2018-10-01"), ("基準日", "2019-01-15"), ("過去3年間の6月定着者数", "7")], "4.9人"),
]


def _japanese(iso: str) -> str:
    from datetime import date

    from teichaku.rules.dates import date_text

    return date_text(date.fromisoformat(iso))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _inputs_of(kind: str, link: str) -> dict[str, Any]:
    """共有リンク（# 以降）→ web.run の入力（複数の値を持つ項目はリスト）。"""
    many = {f.key for f in FORMS[kind] if f.kind in ("checkboxes", "hours")}
    out: dict[str, Any] = {key: [] for key in many}
    for key, value in parse_qsl(urlsplit(link).fragment, keep_blank_values=True):
        if key in many:
            out[key].append(value)
        else:
            out[key] = value
    return out


def _open(browser: Any, url: str, *, cold: bool = False, **options: Any) -> tuple[Any, list[str]]:
    """計算機のページと、外へ出た要求の一覧。同じモジュールでは起動済みのページを使い回す（conftest.warm_page）。"""
    outside: list[str] = []

    def listen(page: Any) -> None:
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1:") else None)

    page = warm_page(browser, url, cold=cold, init_scripts=(PRINT_STUB, CSP_WATCH), listen=listen, **options)
    return page, outside


def _print_record(page: Any, tmp_path: Path, name: str) -> tuple[Path, str]:
    """「算定根拠書を印刷」を押し、印刷されるもの（print メディア、@page）を PDF にして、その文字を返す。"""
    before = page.evaluate("window.__printed")
    page.get_by_role("button", name="算定根拠書を印刷").click()
    _poll(page, f"() => window.__printed === {before + 1}")
    return _pdf(page, tmp_path, name)


def _pdf(page: Any, tmp_path: Path, name: str) -> tuple[Path, str]:
    assert shutil.which("pdftotext"), "poppler-utils がありません（scripts/setup.sh --browser が入れます）"
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)", info), info  # pdfinfo が A4 と認める大きさ
    # -raw：描いた順（DOM の順）に読む。表の項目と値が隣り合い、行末の「-」も消さない
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, FOOTER.sub("", text)


def _readable(link: str) -> str:
    """人が読む形の共有リンク：日本語の %XX の連なりを文字に戻す（ASCII の %XX は区切りの意味があるので残す）。"""
    return re.sub(r"(?:%[89A-Fa-f][0-9A-Fa-f])+", lambda m: unquote(m.group(0), errors="strict"), link)


def _record_link(page: Any) -> str:
    link: str = page.locator("section.calc-record figure.calc-record-qr").get_attribute("data-link")
    return link


def _assert_qr_is_the_link(page: Any, pdf: Path, link: str, tmp_path: Path) -> None:
    svg = page.locator("section.calc-record figure.calc-record-qr svg")
    assert svg.get_attribute("role") == "img" and "共有リンク" in (svg.get_attribute("aria-label") or "")
    expected = _with_border(segno.make(link, micro=False))
    assert svg.get_attribute("viewBox") == f"0 0 {len(expected)} {len(expected)}"
    assert qr_matrix_from_svg(svg.locator("path").get_attribute("d"), len(expected)) == expected
    assert shutil.which("zbarimg"), "zbar-tools がありません（scripts/setup.sh --browser が入れます）"
    # 印刷した PDF の1頁目を画像にして、QR コードを読む：300 dpi（よい印刷）と 72 dpi（粗い印刷・画面で見た PDF）
    for dpi in (300, 72):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / f"page{dpi}")],
                       check=True)
        image = next(tmp_path.glob(f"page{dpi}*.png"))
        read = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, check=False)
        assert read.stdout.strip() == link, (dpi, read.stderr)


def _assert_result_printed(text: str, expected: dict[str, Any]) -> None:
    """結果（判定・要約・一覧）、根拠の手順のすべて、出典のすべて（名前と引用）が印刷されている。"""
    flat = _compact(text)
    assert _compact(expected["verdict"]["text"]) in flat
    for item in expected["summary"]:
        assert _compact(item["label"]) in flat and _compact(item["value"]) in flat, item
    for listed in expected["lists"]:
        assert all(_compact(entry) in flat for entry in listed["items"]), listed
    assert expected["steps"]
    for step in expected["steps"]:
        assert _compact(step["text"]) in flat, step["text"]
    assert expected["sources"]
    for source in expected["sources"]:
        assert _compact(source["label"]) in flat, source["label"]
        if source.get("quote"):
            assert _compact(f"「{source['quote']}」") in flat, source["quote"]


def _build(built_site: Path) -> dict[str, str]:
    build: dict[str, str] = json.loads((built_site / "assets" / "calc" / "build.json").read_text(encoding="utf-8"))
    return build


@pytest.mark.parametrize(("slug", "kind", "fill", "entered", "answer"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_record_prints_inputs_result_basis_sources_version_and_a_qr_code_of_the_share_link(
        base_url: str, browser: Any, built_site: Path, tmp_path: Path, slug: str, kind: str,
        fill: Callable[[Any], None], entered: list[tuple[str, str]], answer: str) -> None:
    page, outside = _open(browser, base_url + f"calc/{slug}/")
    fill(page)
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    pdf, text = _print_record(page, tmp_path, slug)
    record = page.locator("section.calc-record")
    # 入力：フォームの表示のとおり（項目名 → 入力した値）
    pairs = [tuple(cells) for cells in record.locator("table").first.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))")]
    for pair in entered:
        assert pair in pairs, (pair, pairs)
        assert _compact(pair[0]) in _compact(text) and _compact(pair[1]) in _compact(text)
    # 結果・根拠・出典：同じ入力を teichaku.interfaces.web.run で計算したものが、すべて印刷されている
    link = _record_link(page)
    assert link == page.url  # 共有リンク＝入力を保ったこのページのアドレス
    expected = run(kind, _inputs_of(kind, link))
    assert expected["ok"] and answer in json.dumps(expected, ensure_ascii=False)
    _assert_result_printed(text, expected)
    # 計算日時・規則の基準日・規則の版・共有リンク
    flat = _compact(text)
    meta = dict(record.locator("dl.calc-record-meta").evaluate(
        "dl => [...dl.querySelectorAll('dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent])"))
    when = r"\d{4}年\d{1,2}月\d{1,2}日（(令和|平成)(元|\d+)年\d{1,2}月\d{1,2}日）\s?\d{1,2}時\d{2}分（UTC[+−]\d+(:\d\d)?）"
    assert re.fullmatch(when, meta["計算日時"]) and re.search(when.replace("\\s?", ""), flat)
    assert meta["規則の基準日"].startswith(re.sub(r"（.*", "", _japanese(expected["rules_on"])))
    # 印刷した共有リンクは人が読める形（「%E4%BB%A4…」の行が続かない）。QR コードは ASCII のリンクそのもの
    assert meta["共有リンク"] == _readable(link) and meta["計算機"] == expected["title"]
    assert not re.search(r"%[89A-F][0-9A-F]", meta["共有リンク"]) and not re.search(r"%[89A-F][0-9A-F]", text)
    assert "計算日時" in flat and "規則の基準日" in flat and _compact(meta["規則の基準日"]) in flat
    build = _build(built_site)
    assert f"teichaku{__version__}（サイトを作ったコミット：{build['commit']}）" in flat
    assert _compact(_readable(link)) in flat
    if kind in ("retention", "claim"):
        assert "適用した報酬表令和6年度報酬改定" in flat
    # 記録だけを印刷：フォームの操作やサイトのナビゲーションはない
    assert not any(word in text for word in NAVIGATION), [word for word in NAVIGATION if word in text]
    _assert_qr_is_the_link(page, pdf, link, tmp_path)
    assert outside == []
    assert page.evaluate("window.__csp") == []
    page.close()
    # 紙の QR コード（共有リンク）から開くと、同じ入力で同じ結果
    again, _ = _open(browser, link, cold=True)  # 新しく開く
    _wait_result(again)
    assert again.locator(".calc-verdict").inner_text() == expected["verdict"]["text"]
    again.close()


def test_record_is_dropped_when_the_result_changes_and_ctrl_p_prints_the_page_again(base_url: str, browser: Any,
                                                                                     tmp_path: Path) -> None:
    page, _ = _open(browser, base_url + "calc/retention/#month=2024-06&users=20&retained=18")
    _wait_result(page)
    _, text = _print_record(page, tmp_path, "first")
    assert "18/20（90.00%）" in text
    _by(page, "就労が継続している者の数").fill("19")  # 入力を変えると計算し直し、古い記録は消える
    _poll(page, "() => !document.querySelector('section.calc-record') && "
                "document.querySelector('.calc-verdict').textContent.includes('9割5分以上')")
    assert page.evaluate("document.documentElement.classList.contains('calc-record-printing')") is False
    _, text = _pdf(page, tmp_path, "page")  # 記録を選ばずに印刷：いつものページ（算定根拠書ではない）
    assert "算定根拠書" not in text and "19/20（95.00%）" in text
    _, text = _print_record(page, tmp_path, "second")
    assert "19/20（95.00%）" in text and "18/20（90.00%）" not in text
    page.close()


def _roster(page: Any, path: Path) -> None:
    _by(page, "年度末日").fill("2023-03-31")
    page.locator("#f-file").set_input_files(str(path))
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)


def test_roster_record_holds_office_totals_only_unless_the_user_table_is_chosen(base_url: str, browser: Any,
                                                                              built_site: Path, tmp_path: Path) -> None:
    cp932, _ = _roster_files(tmp_path)
    page, outside = _open(browser, base_url + "calc/roster/")
    _roster(page, cp932)
    pdf, text = _print_record(page, tmp_path, "roster-office")
    flat = _compact(text)
    data = cp932.read_bytes()
    link = _record_link(page)
    expected = run("roster", {**_inputs_of("roster", link), "file": cp932.name}, data)
    assert expected["ok"]
    # 事業所の合計：就労定着率・区分・基本報酬・延べ利用者数など（利用者ごとの項目を除くすべて）
    for item in expected["summary"]:
        if item["label"] not in ("問2で除外した利用者", "注意"):
            assert _compact(item["label"]) in flat and _compact(item["value"]) in flat, item
    assert "問2で除外した利用者の数1人" in flat  # U03（問2）を、IDでなく人数で
    assert "月ごとの利用者数" in flat and "利用者ID" not in flat
    assert not re.search(r"U0\d", text), "利用者IDが載っている"
    assert re.search(r"読み込めなかった行：\d+行（利用者ごと・行ごとの内容のため省略）", flat)
    # 入力：ファイルの名前・大きさ・SHA-256（中身は載せない）、年度末日。根拠と出典、規則の版
    assert "名簿_sjis.csv" in flat and "年度末日" in flat and "2023-03-31" in flat
    import hashlib

    assert hashlib.sha256(data).hexdigest() in flat
    _assert_result_printed(text, {**expected, "summary": [], "lists": []})
    assert f"teichaku{__version__}" in flat and _build(built_site)["commit"] in flat
    assert "fiscal_year_end=2023-03-31" in link and "file" not in urlsplit(link).fragment  # ファイルはリンクに入らない
    _assert_qr_is_the_link(page, pdf, link, tmp_path)
    # 利用者ごとの表を含める（チェックは入力ではない：計算し直さない）
    computed = page.locator("form.calc").get_attribute("data-compute-ms")
    page.get_by_label("利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）").check()
    assert page.locator("form.calc").get_attribute("data-compute-ms") == computed
    _, text = _print_record(page, tmp_path, "roster-users")
    assert "利用者ID" in text and re.search(r"U01", text) and "問2で除外した利用者" in text and "U03" in text
    assert outside == [] and page.evaluate("window.__csp") == []
    page.close()


def test_roster_record_never_prints_the_names_in_the_file(base_url: str, browser: Any, tmp_path: Path) -> None:
    named = ROOT / "tests" / "fixtures" / "roster" / "titled_with_names.csv"
    page, _ = _open(browser, base_url + "calc/roster/")
    _roster(page, named)
    _, office = _print_record(page, tmp_path, "named-office")
    page.get_by_label("利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）").check()
    _, users = _print_record(page, tmp_path, "named-users")
    for name in ("山田", "佐藤", "高橋", "田中", "伊藤"):
        assert name not in office and name not in users
    assert "T01" not in office and "T01" in users
    page.close()


@pytest.mark.parametrize("slug", [s[0] for s in SCENARIOS])
def test_axe_finds_no_violations_with_the_record_action_and_on_the_printed_record(base_url: str, browser: Any,
                                                                                   slug: str) -> None:
    fill = next(s[2] for s in SCENARIOS if s[0] == slug)
    page, _ = _open(browser, base_url + f"calc/{slug}/")  # axe は CSP のままで差し込む（_axe）
    fill(page)
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    assert _axe(page) == []
    page.get_by_role("button", name="算定根拠書を印刷").click()
    _poll(page, "() => window.__printed === 1")
    page.emulate_media(media="print")  # 印刷される記録（表、QR コードの代替テキスト、見出し）
    assert _axe(page) == []
    page.close()


def test_axe_finds_no_violations_on_the_roster_record(base_url: str, browser: Any, tmp_path: Path) -> None:
    cp932, _ = _roster_files(tmp_path)
    page, _ = _open(browser, base_url + "calc/roster/")
    _roster(page, cp932)
    assert _axe(page) == []
    page.get_by_label("利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）").check()
    page.get_by_role("button", name="算定根拠書を印刷").click()
    _poll(page, "() => window.__printed === 1")
    page.emulate_media(media="print")
    assert _axe(page) == []
    page.close()


def _tab_to(page: Any, script: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script):
            return
    raise AssertionError(f"Tab で届きません：{script}")


def test_record_is_printed_from_the_keyboard(base_url: str, browser: Any, tmp_path: Path) -> None:
    page, _ = _open(browser, base_url + "calc/first-recalculation/")
    page.locator("#f-designated").focus()
    page.keyboard.type("2018-10-01")
    page.keyboard.press("Enter")
    _wait_result(page)
    _tab_to(page, "() => document.activeElement.classList.contains('calc-record-print')")
    page.keyboard.press("Enter")
    _poll(page, "() => window.__printed === 1")
    assert page.evaluate("document.activeElement.classList.contains('calc-record-print')")  # フォーカスはボタンに残る
    assert page.locator(".calc-record-status").inner_text().startswith("算定根拠書を印刷します")
    _, text = _pdf(page, tmp_path, "keyboard")
    assert "2019年9月30日" in text
    page.close()


def test_roster_user_table_choice_and_print_from_the_keyboard(base_url: str, browser: Any, tmp_path: Path) -> None:
    cp932, _ = _roster_files(tmp_path)
    page, _ = _open(browser, base_url + "calc/roster/")
    _roster(page, cp932)
    page.locator(".calc-record-print").focus()
    _tab_to(page, "() => document.activeElement.classList.contains('calc-record-users')", limit=5)
    page.keyboard.press("Space")
    assert page.locator(".calc-record-users").is_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    _poll(page, "() => window.__printed === 1")
    _, text = _pdf(page, tmp_path, "roster-keyboard")
    assert "U01" in text
    page.close()


# ---- 見ていない項目は印刷しない：この月に画面に出ていない項目（要件の変わった月の前後） ----

@pytest.mark.parametrize(("month", "shown", "not_shown"), [
    ("令和6年6月", "この月に支援レポートを共有した", "この月に対面による支援があった"),  # 令和3年4月から：支援レポート
    ("令和2年6月", "この月に対面による支援があった", "この月に支援レポートを共有した"),  # 令和3年3月まで：対面
])
def test_claim_record_prints_only_the_fields_shown_for_the_month(base_url: str, browser: Any, tmp_path: Path, month: str,
                                                                 shown: str, not_shown: str) -> None:
    page, _ = _open(browser, base_url + "calc/claim/")
    _by(page, "サービス提供月").fill(month)
    _by(page, "過去3年間の総利用者数").fill("20")
    _by(page, "就労が継続している者の数").fill("19")
    _by(page, "利用者数規模（平均利用者数）").fill("12")
    assert _by(page, shown).is_visible() and not _by(page, not_shown).is_visible()
    page.get_by_role("button", name="計算する").click()
    _wait_result(page)
    _, text = _print_record(page, tmp_path, "claim-month")
    labels = page.locator("section.calc-record table").first.locator("tbody th").all_inner_texts()
    assert shown in labels and not_shown not in labels, labels
    assert _compact(not_shown) not in _compact(text)
    page.close()
