"""名簿の規則（teichaku.interfaces.roster の aggregate が呼ぶ規則）：手で確かめた名簿の数字（就労定着率・問2の除外・
延べ利用者数・実績体制・人員基準）、月ごとの請求が monthly_claim と一致すること、対象者の判定が check_eligibility と一致
すること、年度末日、転職（平成30年12月17日 Q&A）。ファイルの読み込み・書き出し・CLI は tests/test_roster_files.py。"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import CLAIMS_CSV
from teichaku.interfaces.roster import _sheets, analyse, template_csv, template_xlsx, to_csv
from teichaku.rules.errors import InputError
from teichaku.rules.fees import monthly_claim

FIXTURE = Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv"
HEADER = "利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域"


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


def test_prior_service_that_does_not_qualify_is_a_warning_on_the_user(hand_checked: dict) -> None:
    u07 = next(u for u in hand_checked["users"] if u["id"] == "U07")
    assert not u07["eligible"] and "対象外" in u07["warnings"][0]


def test_roster_eligibility_equals_check_eligibility_for_every_user(hand_checked: dict) -> None:
    from teichaku.rules.eligibility import check_eligibility

    rows = {line.split(",")[0]: line.split(",") for line in FIXTURE.read_text(encoding="utf-8").splitlines()[1:8]}
    for user in hand_checked["users"]:
        row = rows[user["id"]]
        expected = check_eligibility(row[2], row[1], row[5]).to_dict()
        assert (user["eligible"], user["earliest_start"], user["latest_end"], user["periods"]) == (
            expected["eligible"], expected["earliest_start"], expected["latest_end"], expected["periods"]), user["id"]


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


def test_fiscal_year_end_must_be_march_31() -> None:
    with pytest.raises(InputError) as caught:
        analyse(FIXTURE.read_bytes(), "x.csv", "2023-03-30")
    assert caught.value.field == "fiscal_year_end"  # 項目キー（表示名は計算機の登録簿が付ける）


def test_default_fiscal_year_end_is_the_last_one_before_today() -> None:
    assert analyse(template_csv(), "t.csv", None, today=dt.date(2026, 11, 28)).to_dict()["fiscal_year_end"] == "2026-03-31"
    assert analyse(template_csv(), "t.csv", None, today=dt.date(2026, 3, 31)).to_dict()["fiscal_year_end"] == "2025-03-31"


def test_the_template_uploaded_as_is_warns_that_the_user_is_still_marked_in_use_after_the_last_day() -> None:
    # テンプレートの U001：就職 2019-04-01 → 支給決定できる最後の日 2022-09-30。2026年3月31日の年度末に利用終了日が空欄
    for data in (template_csv(), template_xlsx()):
        d = analyse(data, "t", None, today=dt.date(2026, 11, 28)).to_dict()
        assert d["retention"]["rate"] == "1/1"  # 数え方は変えない（年度末日まで利用した者として）が、黙っては出さない
        overdue = [w for w in d["warnings"] if "利用終了日が空欄（利用中）のまま" in w]
        assert len(overdue) == 1 and "U001" in overdue[0]
        # テンプレートの支援の記録には支援レポートの行もある：令和3年4月からの要件の月を記録で判定し、「行がない」とは言わない
        assert not any("種類「支援レポート」の行がない" in w for w in d["warnings"])
        assert "2022年9月30日" in d["users"][0]["warnings"][-1]
    # 支給決定できる最後の日より前の年度末日なら注意はない
    assert analyse(template_csv(), "t", "2020-03-31").to_dict()["warnings"] == []


def test_staffing_without_support_staff_rows_says_why_it_is_not_judged() -> None:
    text = HEADER + "\nU1,就労移行支援,2021-04-01,,,2021-10-01,,,\n\n職員,職種,週の勤務時間\nS1,サービス管理責任者,40\n"
    d = analyse(text.encode("utf-8"), "x.csv", "2023-03-31", "40").to_dict()
    assert d["staffing"]["meets"] is None
    office = dict((row[0], row[1]) for row in _sheets(d)[0][2])
    assert office["人員基準"].startswith("判定なし（職員の表に職種「就労定着支援員」の行がない")
    hand = analyse(FIXTURE.read_bytes(), "x.csv", "2023-03-31").to_dict()  # 常勤の勤務時間なし
    assert dict((row[0], row[1]) for row in _sheets(hand)[0][2])["人員基準"].startswith("判定なし（常勤の勤務時間")


# ---- 転職（平成30年12月17日 Q&A：利用期間中の1回の転職、離職から1月以内の再就職は就労継続）----

COLUMNS_WITH_SECOND = "利用者ID,前サービス,就職日,離職日,転職,転職後の離職日,利用開始日,利用終了日"


def _retained(rows: list[str], fye: str = "2023-03-31") -> tuple[int, int, dict]:
    d = analyse("\n".join([COLUMNS_WITH_SECOND, *rows]).encode("utf-8"), "x.csv", fye).to_dict()
    return d["retention"].get("retained", 0), d["retention"].get("users", 0), d


def test_qa_2018_12_17_reemployed_on_the_last_day_of_the_month_after_leaving_counts_as_continued() -> None:
    # 2022-05-31 に離職 → 翌日 6月1日を第1日とする1月は 6月30日まで（民法143条）
    assert _retained(["T1,就労移行支援,2020-04-01,2022-05-31,2022-06-30,,2020-10-01,"])[:2] == (1, 1)


def test_qa_2018_12_17_reemployed_one_day_after_the_month_does_not_count() -> None:
    retained, users, d = _retained(["T1,就労移行支援,2020-04-01,2022-05-31,2022-07-01,,2020-10-01,"])
    assert (retained, users) == (0, 1)
    assert "2022年6月30日（令和4年6月30日）まで" in d["users"][0]["warnings"][0]


def test_qa_2018_12_17_month_without_the_corresponding_day_ends_on_the_last_day_of_february() -> None:
    # 2022-01-30 に離職 → 1月31日を第1日とし、2月に応当する日（31日）がないので 2月28日に満了
    assert _retained(["T1,就労移行支援,2020-04-01,2022-01-30,2022-02-28,,2020-10-01,"])[0] == 1
    assert _retained(["T1,就労移行支援,2020-04-01,2022-01-30,2022-03-01,,2020-10-01,"])[0] == 0


def test_qa_2018_12_17_a_second_change_of_job_breaks_continued_employment() -> None:
    # 1回目の転職は1月以内（就労継続）、転職先も 2022-11-30 に離職 → 2回目の転職は数えない（再就職が1月以内でも）
    retained, _, d = _retained(["T1,就労移行支援,2020-04-01,2022-05-31,2022-06-10,2022-11-30,2020-10-01,"])
    assert retained == 0 and "2回目の離職" in d["users"][0]["warnings"][0]
    # 転職後の離職日が年度末日より後なら、年度末日にはまだ就労が続いている
    assert _retained(["T1,就労移行支援,2020-04-01,2022-05-31,2022-06-10,2023-05-31,2020-10-01,"])[0] == 1


def test_an_office_roster_with_a_title_names_and_job_changes_hand_checked() -> None:
    # tests/fixtures/roster/titled_with_names.csv：表題・空行・注記の下の4行目が見出し、No.・氏名・備考の列つき。
    # 2023-03-31 に就労が続いている：T01（離職なし）、T02（5/31 離職、6/30 再就職＝1月以内）。
    # T03（7/1 再就職＝1月を過ぎた）、T04（転職先を 11/30 に離職＝2回目）は続いていない。T05（転職が「○」）は読み込まない。
    data = (FIXTURE.parent / "titled_with_names.csv").read_bytes()
    d = analyse(data, "titled_with_names.csv", "2023-03-31").to_dict()
    assert (d["retention"]["users"], d["retention"]["retained"], d["retention"]["rate"]) == (4, 2, "2/4")
    assert d["tables"][0] | {"rows": None} == {"sheet": "CSV", "kind": "roster", "header_row": 4, "rows": None, "skipped": [1, 3]}
    assert [(x["row"], x["column"]) for x in d["rejected"]] == [(9, "転職")]
    assert d["rows"]["accepted"] + d["rows"]["rejected"] == 5
    for name in ("山田", "佐藤", "高橋", "田中", "伊藤", "事業所内"):
        assert name not in json.dumps(d, ensure_ascii=False) and name not in to_csv(d).decode("utf-8-sig")


# ---- 基本報酬の要件の記録（支援の記録の表の「種類」）：令和3年3月までは対面、令和3年4月からは支援レポート ----

# 令和3年度（2022-03-31 年度末）：B1 は支援レポートを4月・6月に、対面だけの月が5月。前年度（令和2年度）の記録は対面
REPORT_CSV = """利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域
B1,就労移行支援,2019-04-01,,,2019-10-01,,,

利用者ID,日付,種類
B1,2020-06-10,
B1,2021-04-12,支援レポート
B1,2021-05-12,対面
B1,2021-06-12,支援レポート
"""


def _months(data: bytes, fye: str) -> dict[str, dict]:
    result = analyse(data, "r.csv", fye).to_dict()
    return {m["month"]: m for m in result["users"][0]["months"]} | {"warnings": result["warnings"],
                                                                     "rejected": result["rejected"]}


def test_from_april_2021_a_month_bills_when_the_roster_records_the_support_report_not_a_face_to_face_contact() -> None:
    months = _months(REPORT_CSV.encode("utf-8"), "2022-03-31")
    assert months["2021-04"]["billing_condition"] == "support_report" and months["2021-04"]["billing_met"]
    assert months["2021-04"]["units"] > 0 and months["2021-06"]["units"] > 0
    assert not months["2021-05"]["billing_met"] and months["2021-05"]["units"] == 0  # 対面だけ：令和3年4月からは請求できない
    assert months["2021-05"]["contact"]  # 対面の記録はある
    assert not any("支援レポート" in w for w in months["warnings"])


def test_until_march_2021_a_support_report_row_does_not_make_a_face_to_face_month() -> None:
    csv = REPORT_CSV.replace("B1,2021-04-12,支援レポート", "B1,2020-07-12,支援レポート").replace("B1,2020-06-10,", "B1,2020-06-10,対面")
    months = _months(csv.encode("utf-8"), "2021-03-31")
    assert months["2020-06"]["billing_condition"] == "face_to_face" and months["2020-06"]["billing_met"]
    assert not months["2020-07"]["billing_met"] and months["2020-07"]["units"] == 0


def test_a_kind_the_roster_does_not_know_is_a_rejected_row_naming_the_column() -> None:
    csv = REPORT_CSV.replace("B1,2021-05-12,対面", "B1,2021-05-12,電話")
    rejected = _months(csv.encode("utf-8"), "2022-03-31")["rejected"]
    assert [(r["column"], r["row"]) for r in rejected] == [("種類", 7)] and "「電話」" in rejected[0]["message"]


def test_an_old_roster_without_the_kind_column_is_billed_from_april_2021_as_reported_and_says_so() -> None:
    csv = "\n".join(line.rsplit(",", 1)[0] if line.startswith("B1,20") or line.startswith("利用者ID,日付") else line
                    for line in REPORT_CSV.splitlines())
    months = _months(csv.encode("utf-8"), "2022-03-31")
    assert all(months[m]["billing_met"] for m in ("2021-04", "2021-05", "2021-06"))
    assert any("種類「支援レポート」の行がない" in w for w in months["warnings"])


def test_the_claims_sheet_shows_the_record_the_month_in_view_requires_not_the_2018_face_to_face_contact() -> None:
    """月ごとの請求の表の「基本報酬の要件の記録」：その月の要件の種類（令和3年3月までは対面、4月からは支援レポート）の
    記録があるか。対面だけの2021年5月は「支援レポート：なし」で0単位（以前は「対面支援：あり」と書いていた）。種類の列の
    ない以前のファイルでは、満たしたものとして計算したと書く。単位数は減算の前（名簿に減算の列はない）。"""

    def rows(data: str, fye: str) -> dict[str, list]:
        sheet = next(sheet for sheet in _sheets(analyse(data.encode("utf-8"), "r.csv", fye).to_dict()) if sheet[0] == "月ごとの請求")
        assert sheet[1][2:4] == ["基本報酬の要件の記録", "単位数（減算の前）"]
        return {row[1]: row for row in sheet[2]}

    current = rows(REPORT_CSV, "2022-03-31")
    assert current["2021-04"][2] == "支援レポート：あり" and current["2021-04"][3] > 0
    assert current["2021-05"][2:4] == ["支援レポート：なし", 0]
    before = rows(REPORT_CSV, "2021-03-31")
    assert before["2020-06"][2] == "対面：あり" and before["2020-07"][2:4] == ["対面：なし", 0]
    old = "\n".join(line.rsplit(",", 1)[0] if line.startswith("B1,20") or line.startswith("利用者ID,日付") else line
                    for line in REPORT_CSV.splitlines())
    assert rows(old, "2022-03-31")["2021-05"][2] == "支援レポートの記録なし（満たしたものとして計算）"


def test_roster_claims_name_the_registry_keys_once_per_user_and_never_an_abolished_addition() -> None:
    result = analyse(CLAIMS_CSV.encode("utf-8"), "c.csv", "2021-03-31").to_dict()
    a1 = {m["month"]: m for m in result["users"][0]["months"]}
    assert a1["2020-04"]["addition_keys"] == ["initial", "company_coordination", "special_area"]
    assert a1["2020-05"]["refused_keys"] == ["initial"]  # 1回限り：4月に算定済み（名簿の中の記録）
    assert a1["2020-06"]["refused_keys"] == ["initial", "company_coordination", "special_area"] and not a1["2020-06"]["billing_met"]
    later = analyse(CLAIMS_CSV.replace("2019-10-01", "2020-10-01").encode("utf-8"), "c.csv", "2022-03-31").to_dict()
    for user in later["users"]:
        for month in user["months"]:
            assert "company_coordination" not in month["refused_keys"] + month["addition_keys"]  # 令和3年4月に廃止


@pytest.mark.parametrize(("fye", "ok"), [("2018-03-31", False), ("2019-03-31", True)])
def test_the_earliest_fiscal_year_end_is_that_of_the_service_established_2018_04_01(fye: str, ok: bool) -> None:
    """年度末日は、就労定着支援の創設日（平成30年4月1日、periods.service_established）の年度の末日（2019年3月31日）から。"""
    from teichaku.interfaces.roster.aggregate import _fiscal_year_end
    from teichaku.rules.params import default_parameters

    if ok:
        assert _fiscal_year_end(fye, None, default_parameters()).isoformat() == fye
    else:
        with pytest.raises(InputError, match=r"2018年4月1日（平成30年4月1日）に始まったため、2019年3月31日（平成31年3月31日）以降"):
            _fiscal_year_end(fye, None, default_parameters())
