"""名簿のファイル（teichaku.interfaces.roster の read・validate・export と CLI の roster）：読み込めない行の報告、
文字コードと Excel、見出し行の位置、名簿でないファイルへのメッセージ、書き出し、性質テスト（どんな入力でも結果か
メッセージ）。名簿が呼ぶ規則（数字・請求・転職）は tests/test_roster_rules.py。"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import CLAIMS_CSV
from teichaku.interfaces.cli import main
from teichaku.interfaces.roster import RosterError, _sheets, analyse, template_csv, template_xlsx, to_csv, to_xlsx

FIXTURE = Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv"

# 令和2年度（2021-03-31 年度末）の請求を確かめる名簿：A1 は他事業所からの受入れで特別地域、A2 はどちらでもない


def test_every_bad_row_is_reported_with_its_row_column_and_reason(hand_checked: dict) -> None:
    rejected = [(x["row"], x["column"]) for x in hand_checked["rejected"]]
    assert rejected == [(9, "就職日"), (10, "利用者ID"), (11, "利用開始日"), (12, "他事業所からの受入れ"), (24, "利用者ID"), (25, "日付")]
    messages = {x["row"]: x["message"] for x in hand_checked["rejected"]}
    assert messages[9] == "「2019-02-30」は存在しない日付です。"
    assert messages[10] == "利用者ID「U01」は2行目と重複しています。"
    # すべての名簿の行が、読み込んだか読み込めなかったかのどちらかに入る（11行 = 7 + 4）
    assert hand_checked["rows"]["accepted"] + hand_checked["rows"]["rejected"] == 11
    assert [u["id"] for u in hand_checked["users"]] == ["U01", "U02", "U03", "U04", "U05", "U06", "U07"]


def test_cp932_and_utf8_bom_give_the_same_answer_as_utf8(hand_checked: dict) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    for data in (text.encode("cp932"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        assert analyse(data, "x.csv", "2023-03-31", "40").to_dict() == hand_checked


def test_excel_with_three_sheets_and_date_cells_gives_the_same_answer() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [line.split(",") for line in CLAIMS_CSV.split("\n\n")[0].splitlines()]
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([dt.date.fromisoformat(c) if c[:2] == "20" else (c or None) for c in row])
    contacts = book.create_sheet("対面支援")
    for line in CLAIMS_CSV.split("\n\n")[1].splitlines():
        contacts.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    from_excel = analyse(buffer.getvalue(), "x.xlsx", "2021-03-31").to_dict()
    from_csv = analyse(CLAIMS_CSV.encode("utf-8"), "x.csv", "2021-03-31").to_dict()
    for result in (from_excel, from_csv):
        for item in result["rejected"]:
            item["sheet"] = "-"
        result.pop("tables")  # シート名と見出し行の位置だけが違う
    assert from_excel == from_csv


@pytest.mark.parametrize(("data", "message"), [
    (b"", "ファイルが空です（0バイト）"),
    (b"\xef\xbb\xbf\r\n  \r\n", "ファイルに内容がありません"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "画像や PDF のファイルです"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "古い Excel 形式（.xls）は読めません"),
    ("氏名,住所\n山田,東京\n".encode(), "名簿の見出し行（「利用者ID」「前サービス」「就職日」「利用開始日」を含む行）が見つかりません"),
    (("名簿\n" * 11 + "利用者ID,前サービス,就職日,利用開始日\n").encode(), "最初の10行に見つかりません"),
    (b'"\xe5\x88\xa9\n' + b"x" * 200000, "引用符"),
    (b"PK\x03\x04" + b"0" * 100, "Excel ファイル（.xlsx）として開けません"),
    (b"x" * (10 * 1024 * 1024 + 1), "ファイルが大きすぎます"),
])
def test_a_file_that_is_not_a_roster_gets_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        analyse(data, "x", "2023-03-31")
    assert message in caught.value.message


def test_templates_are_valid_rosters_with_one_example_row() -> None:
    for data in (template_csv(), template_xlsx()):
        result = analyse(data, "t", "2020-03-31").to_dict()
        assert result["rows"] == {"accepted": 1, "rejected": 0, "contacts": 2, "staff": 1}
    assert template_csv().startswith(b"\xef\xbb\xbf")


def test_the_template_records_the_support_report_that_bills_a_month_from_2021_04() -> None:
    """令和3年4月から基本報酬の要件は支援レポートの共有：テンプレートの支援の記録の表は「種類」の列を持ち、例の行の
    種類はその日の要件（fees.billing_condition → 登録簿の [billing] の record）。令和3年度の名簿として読むと、
    支援レポートのある2021年4月だけが基本報酬を請求でき、「種類の行がない」の注意は出ない。"""
    lines = template_csv().decode("utf-8-sig").splitlines()
    at = lines.index("利用者ID,日付,種類")
    assert lines[at + 1:at + 3] == ["U001,2019-10-15,対面", "U001,2021-04-20,支援レポート"]
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert list(next(book["対面支援"].iter_rows(values_only=True))) == ["利用者ID", "日付", "種類"]
    notes = {row[0]: row[1] for row in book["説明"].iter_rows(min_row=2, values_only=True)}
    assert "支援レポート" in notes["種類（対面支援の表）"] and "2021年4月から" in notes["種類（対面支援の表）"]
    for data in (template_csv(), template_xlsx()):
        result = analyse(data, "t", "2022-03-31").to_dict()
        months = {m["month"]: m for m in result["users"][0]["months"]}
        assert months["2021-04"]["billing_condition"] == "support_report" and months["2021-04"]["billing_met"]
        assert months["2021-04"]["units"] > 0 and months["2021-05"]["units"] == 0 and not months["2021-05"]["billing_met"]
        assert not [w for w in result["warnings"] if "種類" in w]


def test_exports_csv_with_bom_and_xlsx_with_one_sheet_per_table(hand_checked: dict) -> None:
    data = to_csv(hand_checked)
    assert data.startswith(b"\xef\xbb\xbf") and "【読み込めなかった行】" in data.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(hand_checked)))
    assert book.sheetnames == ["事業所", "月ごとの利用者数", "利用者", "月ごとの請求", "読み込めなかった行"]
    assert book["読み込めなかった行"].max_row == 1 + 6


def test_cli_roster_json_contract_and_bad_rows_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    code = main(["roster", str(FIXTURE), "--fiscal-year-end", "2023-03-31", "--json", "--out", str(out)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"rate", "tier", "tier_rank", "base_units", "excluded"} <= set(data["retention"])
    assert data["retention"]["excluded"] == ["U03"] and data["average_users"] == "0.8"
    assert all("id" in user for user in data["users"])
    assert {"row", "column", "message"} <= set(data["rejected"][0])
    assert openpyxl.load_workbook(out).sheetnames[0] == "事業所"


def test_cli_roster_unreadable_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 10)
    assert main(["roster", str(image)]) == 2
    assert "画像や PDF" in capsys.readouterr().err
    assert main(["roster", str(tmp_path / "missing.csv")]) == 2


def test_ten_thousand_bad_rows_are_each_reported_and_counted() -> None:
    header = "利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域"
    rows = [f"U{i},就労移行支援,2019-02-30,,,2019-10-01,,," for i in range(10000)]
    result = analyse("\n".join([header, *rows]).encode("utf-8"), "x.csv", "2023-03-31").to_dict()
    assert result["rows"]["accepted"] == 0 and result["rows"]["rejected"] == 10000
    assert result["rejected"][-1] == {"sheet": "CSV", "row": 10001, "column": "就職日", "message": "「2019-02-30」は存在しない日付です。"}
    assert result["retention"]["rate"] is None and "算出できません" in result["retention"]["note"]


# ---- 見出し行の位置・余分な列・氏名を出さないこと（issue 11）----

HEADER = "利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域"
OLD_KEYS = {"fiscal_year_end", "retention", "monthly_users", "total_user_months", "average_users", "counted_by", "staffing",
            "track_record", "claims_basis", "users", "rejected", "rows"}


def test_result_keeps_the_keys_web_and_cli_read_and_adds_only_tables_and_warnings(hand_checked: dict) -> None:
    assert set(hand_checked) == OLD_KEYS | {"tables", "warnings", "claims_note"}  # claims_note：月ごとの請求がない理由
    assert hand_checked["tables"] == [
        {"sheet": "CSV", "kind": "roster", "header_row": 1, "rows": 11, "skipped": []},
        {"sheet": "CSV", "kind": "contacts", "header_row": 14, "rows": 11, "skipped": []},
        {"sheet": "CSV", "kind": "staff", "header_row": 27, "rows": 3, "skipped": []},
    ]


def test_title_blank_and_note_rows_above_the_header_are_skipped_and_the_header_row_is_named() -> None:
    text = ("就労定着支援　利用者名簿（令和5年度）,,,,\n,,,\n※ 氏名は事務所で管理,作成日,2023-04-01\n"
            "No.,氏名,利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,備考\n"
            "1,山田花子,U1,就労移行支援,2021-04-01,,,2021-10-01,,メモ：秘密の事情\n"
            "2,鈴木一郎,U2,就労移行支援,2021-04-01,,,2021-10-01,,\n"
            "\n【対面支援】\n\n利用者ID,日付,氏名\nU1,2022-04-10,山田花子\n")
    result = analyse(text.encode("utf-8"), "x.csv", "2023-03-31")
    d = result.to_dict()
    assert d["rows"] == {"accepted": 2, "rejected": 0, "contacts": 1, "staff": 0}
    assert [(t["kind"], t["header_row"], t["skipped"]) for t in d["tables"]] == [("roster", 4, [1, 3]), ("contacts", 10, [8])]
    office = dict((row[0], row[1]) for row in _sheets(d)[0][2])
    assert office["見出し行"] == ("名簿：4行目（表題・注記として読み飛ばした行：1、3）／"
                             "対面支援：10行目（表題・注記として読み飛ばした行：8）")
    # 氏名・備考の列は読まない：結果にも書き出しにも出ない
    for name in ("山田花子", "鈴木一郎", "秘密の事情"):
        assert name not in json.dumps(d, ensure_ascii=False)
        assert name not in to_csv(d).decode("utf-8-sig")
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(d)))
        assert not any(name in str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                       for cell in row)


def test_excel_with_a_merged_title_row_and_an_explanation_sheet() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名簿"
    sheet.append(["就労定着支援　利用者名簿（令和5年度）"])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(HEADER.split(","))
    sheet.append(["U1", "就労移行支援", dt.date(2021, 4, 1), None, None, dt.date(2021, 10, 1), None, None, None])
    notes = book.create_sheet("説明")
    notes.append(["この名簿の使い方"])
    buffer = io.BytesIO()
    book.save(buffer)
    d = analyse(buffer.getvalue(), "x.xlsx", "2023-03-31").to_dict()
    assert d["rows"]["accepted"] == 1
    assert d["tables"] == [{"sheet": "名簿", "kind": "roster", "header_row": 3, "rows": 1, "skipped": [1]},
                           {"sheet": "説明", "kind": None, "header_row": None, "rows": 0, "skipped": []}]


def test_a_blank_row_inside_the_roster_does_not_lose_the_rows_after_it() -> None:
    text = "\n".join([HEADER, "U1,就労移行支援,2021-04-01,,,2021-10-01,,,", "", "U2,就労移行支援,2021-04-01,,,2021-10-01,,,"])
    d = analyse(text.encode("utf-8"), "x.csv", "2023-03-31").to_dict()
    assert [u["id"] for u in d["users"]] == ["U1", "U2"]


def test_the_same_user_id_on_two_sheets_is_reported_with_the_other_sheet() -> None:
    book = openpyxl.Workbook()
    for title in ("令和4年度", "令和5年度"):
        sheet = book.active if title == "令和4年度" else book.create_sheet(title)
        sheet.title = title
        sheet.append(HEADER.split(","))
        sheet.append(["U1", "就労移行支援", "2021-04-01", None, None, "2021-10-01", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    d = analyse(buffer.getvalue(), "x.xlsx", "2023-03-31").to_dict()
    assert d["rows"] == {"accepted": 1, "rejected": 1, "contacts": 0, "staff": 0}
    assert d["rejected"][0]["message"] == "利用者ID「U1」はシート「令和4年度」の2行目と重複しています。"


def test_dates_outside_1900_to_2100_are_rejected_not_a_traceback() -> None:
    text = HEADER + "\nU1,就労移行支援,9999-01-01,,,9999-12-01,,,\n"
    d = analyse(text.encode("utf-8"), "x.csv", "2023-03-31").to_dict()
    assert d["rejected"] == [{"sheet": "CSV", "row": 2, "column": "就職日",
                              "message": "「9999-01-01」は扱える範囲（1900年〜2100年）の外の日付です。"}]


# ---- 転職の列の読み込み（規則は tests/test_roster_rules.py）----

COLUMNS_WITH_SECOND = "利用者ID,前サービス,就職日,離職日,転職,転職後の離職日,利用開始日,利用終了日"


def _retained(rows: list[str], fye: str = "2023-03-31") -> tuple[int, int, dict]:
    d = analyse("\n".join([COLUMNS_WITH_SECOND, *rows]).encode("utf-8"), "x.csv", fye).to_dict()
    return d["retention"].get("retained", 0), d["retention"].get("users", 0), d


def test_a_circle_in_the_job_change_column_gets_a_message_asking_for_the_date() -> None:
    _, _, d = _retained(["T1,就労移行支援,2020-04-01,2022-05-31,○,,2020-10-01,"])
    assert d["rows"]["accepted"] == 0
    (item,) = d["rejected"]
    assert (item["row"], item["column"]) == (2, "転職")
    assert item["message"].startswith("「○」は日付ではありません。転職の列には、離職の後に再就職した日")


def test_second_departure_needs_a_job_change_and_comes_after_it() -> None:
    _, _, d = _retained(["T1,就労移行支援,2020-04-01,,,2022-11-30,2020-10-01,",
                         "T2,就労移行支援,2020-04-01,2022-05-31,2022-06-10,2022-06-01,2020-10-01,"])
    assert [(x["row"], x["column"]) for x in d["rejected"]] == [(2, "転職後の離職日"), (3, "転職後の離職日")]


def test_the_template_explains_the_job_change_columns() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    notes = {row[0]: row[1] for row in book["説明"].iter_rows(min_row=2, values_only=True)}
    assert "再就職した日（日付" in notes["転職"] and "1月以内" in notes["転職"]
    assert "2回目の離職" in notes["転職後の離職日"]
    assert template_csv().decode("utf-8-sig").splitlines()[0].split(",")[4:6] == ["転職", "転職後の離職日"]


# ---- 性質テスト：どんな入力でも、結果か、はっきりしたメッセージ（行・列つき）。読み込める行は失われない ----

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from teichaku.interfaces.roster.model import ROSTER_COLUMNS  # noqa: E402
from teichaku.interfaces.roster.read import _filled  # noqa: E402


def _has_user_row(rows: list[list[object]]) -> bool:
    """見出し行の下に、利用者の行として読むべき行があるか。空行のあとの1セルだけの行は表題・注記（roster.read._split の
    規則）なので数えない。"""
    after_blank = False
    for row in rows:
        filled = _filled(row)
        if not filled:
            after_blank = True
        elif filled == 1 and after_blank:
            continue
        else:
            return True
    return False

# 例の数：既定 120（ROSTER_EXAMPLES で増やせる。例：ROSTER_EXAMPLES=2000 で一度探す）
PROPERTY = settings(max_examples=int(__import__("os").environ.get("ROSTER_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
_KNOWN_COLUMNS = set(ROSTER_COLUMNS) | {"日付", "週の勤務時間"}


def _outcome(data: bytes, name: str = "x") -> dict | None:
    """analyse の結果（dict）か、None（ファイル全体の誤り：項目キー file のメッセージを確かめ済み）。ほかの例外は失敗。"""
    try:
        d = analyse(data, name, "2023-03-31").to_dict()
    except RosterError as error:
        assert error.field == "file" and error.message and "Traceback" not in error.message
        return None
    json.dumps(d, ensure_ascii=False)  # JSON にできる
    for item in d["rejected"]:
        assert item["row"] >= 1 and item["column"] in _KNOWN_COLUMNS and item["message"], item
    assert d["rows"]["accepted"] == len(d["users"])
    to_csv(d)
    return d


@PROPERTY
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_result_or_a_message_never_a_traceback(data: bytes) -> None:
    _outcome(data)


def _as_date(text: str) -> object:
    """ISO の日付なら Excel の日付セルに、存在しない日付（2019-02-30）や他の文字はそのまま文字に。"""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text or None


def _fixture_xlsx() -> bytes:
    """手で確かめた名簿を3つのシートにした Excel（一度だけ作る：保存時刻で中身が変わるため）。"""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, block in zip(("名簿", "対面支援", "職員"), FIXTURE.read_text(encoding="utf-8").split("\n\n"), strict=True):
        sheet = book.create_sheet(title)
        for line in block.splitlines():
            sheet.append([_as_date(c) for c in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FILES = {"csv": FIXTURE.read_bytes(), "xlsx": _fixture_xlsx()}


def test_the_fixture_as_excel_gives_the_same_numbers_as_the_csv(hand_checked: dict) -> None:
    d = analyse(FILES["xlsx"], "x.xlsx", "2023-03-31", "40").to_dict()
    assert (d["retention"]["rate"], d["total_user_months"], d["track_record"]["ratio"]) == ("5/6", 9, "2/3")
    assert d["rows"] == hand_checked["rows"]


@PROPERTY
@given(st.sampled_from(["csv", "xlsx"]), st.data())
def test_truncated_and_corrupted_files_give_a_result_or_a_message(kind: str, draw: st.DataObject) -> None:
    whole = FILES[kind]
    cut = draw.draw(st.integers(0, len(whole)))
    data = bytearray(whole[:cut])
    for _ in range(draw.draw(st.integers(0, 8))):
        if data:
            data[draw.draw(st.integers(0, len(data) - 1))] = draw.draw(st.integers(0, 255))
    _outcome(bytes(data))


_TEXT = st.text(alphabet="0123456789-/.年月日令和平成元R○×はいなしU AZ,\"\n\t　就労移行支援", max_size=14)
_CELL = st.one_of(_TEXT, st.sampled_from(["", "○", "2019-04-01", "2019/2/30", "令和元年5月1日", "H31.4.1", "9999-12-31",
                                          "0001-01-01", "就労移行支援", "生活介護", "ハローワーク", "-", "なし"]))


@st.composite
def _valid_row(draw: st.DrawFn, number: int) -> list[str]:
    employed = draw(st.dates(dt.date(2016, 1, 1), dt.date(2022, 12, 31)))
    start = employed + dt.timedelta(days=draw(st.integers(0, 500)))
    end = draw(st.one_of(st.none(), st.integers(0, 1200)))
    return [f"V{number}", draw(st.sampled_from(["就労移行支援", "就労継続支援B型", "生活介護", "自立訓練"])), employed.isoformat(),
            "", "", "", start.isoformat(), (start + dt.timedelta(days=end)).isoformat() if end is not None else "",
            draw(st.sampled_from(["", "○"])), ""]


@PROPERTY
@given(st.data(), st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_csv_with_random_cells_loses_no_readable_row(draw: st.DataObject, encoding: str) -> None:
    import csv as _csv

    rows: list[list[str]] = []
    valid: set[str] = set()
    for number in range(draw.draw(st.integers(0, 25))):
        if draw.draw(st.booleans()):
            rows.append(draw.draw(_valid_row(number)))
            valid.add(f"V{number}")
        else:
            cells = draw.draw(st.lists(_CELL, min_size=0, max_size=len(ROSTER_COLUMNS) + 2))
            rows.append([f"R{number}", *cells[1:]] if cells and draw.draw(st.booleans()) else cells)
    out = io.StringIO()
    writer = _csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows(rows)
    d = _outcome(out.getvalue().encode(encoding))
    if d is None:  # 見出しは1行目にある：ファイル全体の誤りは、見出し行だけ（利用者の行がない）のときだけ
        assert not valid and not _has_user_row(rows)
        return
    assert valid <= {u["id"] for u in d["users"]}  # 読み込める行はすべて読み込む


_XLSX_CELL = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                       st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)), st.times(), _CELL)


@PROPERTY
@given(st.lists(st.lists(_XLSX_CELL, max_size=11), max_size=15))
@example([[], [0]])  # 空行のあとの1セルの行は注記：利用者の行はない（見出し行だけ、の誤り）
def test_xlsx_with_random_cell_types_gives_a_result_or_a_message(rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ROSTER_COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    d = _outcome(buffer.getvalue())
    if d is None:  # 見出し行だけ（利用者の行がない）ときだけ、ファイル全体の誤り
        assert not _has_user_row(rows)
        return
    assert d["rows"]["accepted"] + d["rows"]["rejected"] <= len(rows)


