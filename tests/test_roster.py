"""事業所の名簿（teichaku.roster と CLI の roster）：手で確かめた名簿の数字、読み込めない行の報告、文字コードと Excel、
名簿でないファイルへのメッセージ、月ごとの請求が monthly_claim と一致すること。"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from teichaku.cli import main
from teichaku.errors import InputError
from teichaku.fees import monthly_claim
from teichaku.roster import RosterError, analyse, template_csv, template_xlsx, to_csv, to_xlsx

FIXTURE = Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv"

# 令和2年度（2021-03-31 年度末）の請求を確かめる名簿：A1 は他事業所からの受入れで特別地域、A2 はどちらでもない
CLAIMS_CSV = """利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域
A1,就労移行支援,2019-04-01,,,2019-10-01,,○,○
A2,就労移行支援,2020-01-15,,,2020-07-15,,,

利用者ID,日付
A1,2020-04-10
A1,2020-05-10
A1,2020-07-10
A1,2020-10-05
A2,2020-07-20
A2,2020-08-20
A2,2021-03-10
"""


@pytest.fixture(scope="module")
def hand_checked() -> dict:
    return analyse(FIXTURE.read_bytes(), "hand_checked.csv", "2023-03-31", "40").to_dict()


def test_hand_checked_retention_5_of_6_with_u03_excluded_under_q2(hand_checked: dict) -> None:
    # 過去3年間（2020-04-01〜2023-03-31）の利用者は U01〜U07 の7人。U03 は利用期間満了（2022-09-30）後、同じ年度に
    # 退職（2022-12-15）したので問2で除外。年度末に就労：U01、U02、U04（転職）、U06、U07 → 5/6。
    r = hand_checked["retention"]
    assert (r["users"], r["denominator"], r["retained"], r["rate"]) == (7, 6, 5, "5/6")
    assert r["excluded"] == ["U03"]
    assert (r["tier"], r["tier_rank"]) == ("8割以上9割未満", 3)
    # 翌年度（2023年4月）の報酬表（令和3年度改定）の20人以下
    assert (r["schedule"], r["base_units"]) == ("令和3年度報酬改定", 2710)


def test_hand_checked_user_months_from_contacts_and_average_rounded_up(hand_checked: dict) -> None:
    counts = {m["month"]: m["count"] for m in hand_checked["monthly_users"]}
    assert (counts["2022-04"], counts["2022-05"], counts["2022-06"], counts["2022-07"]) == (4, 3, 2, 0)
    assert hand_checked["total_user_months"] == 9
    assert hand_checked["average_users"] == "0.8"  # 9÷12 = 0.75 → 小数点第2位以下切り上げ


def test_hand_checked_track_record_2_of_3_does_not_reach_70_percent(hand_checked: dict) -> None:
    # 利用終了者 U01（48月就労）、U03（離職まで44月）、U05（11月）→ 42月以上78月未満は2人
    track = hand_checked["track_record"]
    assert (track["ended"], track["retained"], track["ratio"], track["meets"]) == (3, 2, "2/3", False)
    assert "参考値" in track["note"]


def test_hand_checked_staffing_uses_the_support_staff_rows(hand_checked: dict) -> None:
    staff = hand_checked["staffing"]
    assert staff["support_staff_hours"] == ["40", "20"]
    assert (staff["fte"], staff["meets"], staff["service_managers_required"]) == ("1.5", True, 1)


def test_every_bad_row_is_reported_with_its_row_column_and_reason(hand_checked: dict) -> None:
    rejected = [(x["row"], x["column"]) for x in hand_checked["rejected"]]
    assert rejected == [(9, "就職日"), (10, "利用者ID"), (11, "利用開始日"), (12, "他事業所からの受入れ"), (24, "利用者ID"), (25, "日付")]
    messages = {x["row"]: x["message"] for x in hand_checked["rejected"]}
    assert messages[9] == "「2019-02-30」は存在しない日付です。"
    assert messages[10] == "利用者ID「U01」は2行目と重複しています。"
    # すべての名簿の行が、読み込んだか読み込めなかったかのどちらかに入る（11行 = 7 + 4）
    assert hand_checked["rows"]["accepted"] + hand_checked["rows"]["rejected"] == 11
    assert [u["id"] for u in hand_checked["users"]] == ["U01", "U02", "U03", "U04", "U05", "U06", "U07"]


def test_prior_service_that_does_not_qualify_is_a_warning_on_the_user(hand_checked: dict) -> None:
    u07 = next(u for u in hand_checked["users"] if u["id"] == "U07")
    assert not u07["eligible"] and "対象外" in u07["warnings"][0]


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
    assert from_excel == from_csv


def test_claims_initial_once_company_first_year_special_area() -> None:
    result = analyse(CLAIMS_CSV.encode("utf-8"), "x.csv", "2021-03-31").to_dict()
    a1 = next(u for u in result["users"] if u["id"] == "A1")
    units = {m["month"]: m["units"] for m in a1["months"] if m["contact"]}
    # 令和元年10月改定の表「9割以上」3,215 + 初期900（最初の月だけ）+ 企業連携240（2020-09-30まで）+ 特別地域240
    assert units == {"2020-04": 4595, "2020-05": 3695, "2020-07": 3695, "2020-10": 3455}
    assert all(m["units"] == 0 for m in a1["months"] if not m["contact"])
    assert a1["total_units"] == 4595 + 3695 + 3695 + 3455
    a2 = next(u for u in result["users"] if u["id"] == "A2")
    assert [m["units"] for m in a2["months"] if m["contact"]] == [3455, 3455, 3455]


def test_roster_claims_equal_monthly_claim_for_each_user_month() -> None:
    result = analyse(CLAIMS_CSV.encode("utf-8"), "x.csv", "2021-03-31").to_dict()
    basis = result["claims_basis"]
    a1 = next(u for u in result["users"] if u["id"] == "A1")
    claimed_initial = False
    for month in a1["months"]:
        additions = ["初期加算", "特別地域加算"] + (["企業連携等調整特別加算"] if month["month"] <= "2020-09" else [])
        expected = monthly_claim(basis["users"], basis["retained"], basis["average_users"], basis["excluded"], additions,
                                 month["contact"], "2019-10-01", month["month"], True, claimed_initial, True)
        assert month["units"] == expected.total_units, month
        claimed_initial = claimed_initial or any(a.name == "初期加算" for a in expected.additions)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "ファイルが空です。"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "画像や PDF のファイルです"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "古い Excel 形式（.xls）は読めません"),
    ("氏名,住所\n山田,東京\n".encode(), "1行目が見出し行ではありません"),
    (b"PK\x03\x04" + b"0" * 100, "Excel ファイル（.xlsx）として開けません"),
    (b"x" * (10 * 1024 * 1024 + 1), "ファイルが大きすぎます"),
])
def test_a_file_that_is_not_a_roster_gets_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        analyse(data, "x", "2023-03-31")
    assert message in caught.value.message


def test_fiscal_year_end_must_be_march_31() -> None:
    with pytest.raises(InputError) as caught:
        analyse(FIXTURE.read_bytes(), "x.csv", "2023-03-30")
    assert caught.value.field == "年度末日"


def test_default_fiscal_year_end_is_the_last_one_before_today() -> None:
    assert analyse(template_csv(), "t.csv", None, today=dt.date(2026, 11, 28)).to_dict()["fiscal_year_end"] == "2026-03-31"
    assert analyse(template_csv(), "t.csv", None, today=dt.date(2026, 3, 31)).to_dict()["fiscal_year_end"] == "2025-03-31"


def test_templates_are_valid_rosters_with_one_example_row() -> None:
    for data in (template_csv(), template_xlsx()):
        result = analyse(data, "t", "2020-03-31").to_dict()
        assert result["rows"] == {"accepted": 1, "rejected": 0, "contacts": 1, "staff": 1}
    assert template_csv().startswith(b"\xef\xbb\xbf")


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


def test_roster_eligibility_equals_check_eligibility_for_every_user(hand_checked: dict) -> None:
    from teichaku.eligibility import check_eligibility

    rows = {line.split(",")[0]: line.split(",") for line in FIXTURE.read_text(encoding="utf-8").splitlines()[1:8]}
    for user in hand_checked["users"]:
        row = rows[user["id"]]
        expected = check_eligibility(row[2], row[1], row[5]).to_dict()
        assert (user["eligible"], user["earliest_start"], user["latest_end"], user["periods"]) == (
            expected["eligible"], expected["earliest_start"], expected["latest_end"], expected["periods"]), user["id"]


def test_ten_thousand_bad_rows_are_each_reported_and_counted() -> None:
    header = "利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域"
    rows = [f"U{i},就労移行支援,2019-02-30,,,2019-10-01,,," for i in range(10000)]
    result = analyse("\n".join([header, *rows]).encode("utf-8"), "x.csv", "2023-03-31").to_dict()
    assert result["rows"]["accepted"] == 0 and result["rows"]["rejected"] == 10000
    assert result["rejected"][-1] == {"sheet": "CSV", "row": 10001, "column": "就職日", "message": "「2019-02-30」は存在しない日付です。"}
    assert result["retention"]["rate"] is None and "算出できません" in result["retention"]["note"]
