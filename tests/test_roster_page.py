"""名簿の計算機のページ（docs/calc/roster.md）に出す表の形（ブラウザなし、teichaku.interfaces.web）：

- 画面の表の日付は和暦つき「2019年10月1日（令和元年10月1日）」（teichaku.rules.dates.date_text）。
  ダウンロード（CSV・Excel）と JSON の data は ISO のまま（Excel で日付として扱えるように）。
- ブラウザでの並び・印刷・幅は tests/test_roster_page_browser.py。
"""

from __future__ import annotations

import re
from pathlib import Path

from teichaku.interfaces import roster, web

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "roster" / "hand_checked.csv"
INPUTS = {"file": FIXTURE.name, "fiscal_year_end": "2023-03-31", "fulltime_hours": "40"}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---- 画面の表（teichaku.interfaces.web）----

def test_roster_tables_on_screen_show_japanese_dates_and_the_downloads_stay_iso() -> None:
    result = web.run("roster", INPUTS, FIXTURE.read_bytes())
    assert result["ok"], result
    summary = {item["label"]: item["value"] for item in result["summary"]}
    assert summary["年度末日"] == "2023年3月31日（令和5年3月31日）"
    users = next(t for t in result["tables"] if t["caption"].startswith("利用者"))
    u01 = next(row["cells"] for row in users["rows"] if row["cells"][0] == "U01")
    columns = users["columns"]
    assert u01[columns.index("最も早い利用開始日")] == "2019年10月1日（令和元年10月1日）"
    assert u01[columns.index("支給決定できる最後の日")] == "2022年9月30日（令和4年9月30日）"
    assert u01[columns.index("支給決定期間")].split("、")[0] == "2019年10月1日（令和元年10月1日）〜2020年9月30日（令和2年9月30日）"
    months = next(t for t in result["tables"] if t["caption"].startswith("月ごとの利用者数"))
    assert months["rows"][0]["cells"][0] == "2022年4月"
    claims = next(t for t in result["tables"] if t["caption"].startswith("月ごとの請求"))
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月", row["cells"][1]) for row in claims["rows"])
    # 日付を書く列に ISO は残らない。読み込めなかった行の理由は入力の引用（「2019-02-30」）なのでそのまま
    for table in result["tables"]:
        if not table["caption"].startswith("読み込めなかった行"):
            assert not any(ISO.search(cell) for row in table["rows"] for cell in row["cells"]), table["caption"]
    rejected = next(t for t in result["tables"] if t["caption"].startswith("読み込めなかった行"))
    assert "「2019-02-30」は存在しない日付です。" in [row["cells"][3] for row in rejected["rows"]]
    # JSON の data とダウンロードは ISO のまま
    assert result["data"]["fiscal_year_end"] == "2023-03-31"
    saved = roster.to_csv(roster.analyse(FIXTURE.read_bytes(), FIXTURE.name, "2023-03-31", "40")).decode("utf-8-sig")
    assert "年度末日,2023-03-31" in saved and "2019-10-01〜2020-09-30" in saved


def test_rejected_rows_come_first_among_the_roster_tables() -> None:
    result = web.run("roster", INPUTS, FIXTURE.read_bytes())
    captions = [t["caption"] for t in result["tables"]]
    assert captions[0] == "読み込めなかった行"
    assert captions.index("読み込めなかった行") < captions.index("利用者")


def test_a_roster_without_rejected_rows_says_none_in_the_caption() -> None:
    clean = "\n".join(FIXTURE.read_text(encoding="utf-8").split("\n\n")[0].splitlines()[:3]).encode("utf-8")
    result = web.run("roster", INPUTS, clean)
    assert result["ok"], result
    assert result["tables"][0]["caption"] == "読み込めなかった行（なし）" and result["tables"][0]["rows"] == []


def test_calculator_steps_show_japanese_dates_but_keep_a_quoted_impossible_date() -> None:
    result = web.run("eligibility", {"prior_service": "就労移行支援", "employed": "2019-01-01", "month": "2019-04"})
    assert result["ok"], result
    steps = " ".join(step["text"] for step in result["steps"])
    assert not ISO.search(steps)
    assert "2019年7月1日（令和元年7月1日）〜2020年6月30日（令和2年6月30日）" in steps
    # 入力の引用（存在しない日付）はそのまま：日付は規則が date_text で書き、文を後から書き換えない
    refused = web.run("eligibility", {"prior_service": "就労移行支援", "employed": "2019-02-30", "month": "2019-04"})
    assert "2019-02-30" in refused["errors"][0]["message"]
