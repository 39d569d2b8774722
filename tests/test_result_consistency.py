"""issue 18：結果の判定・要約・手順が互いに食い違わないこと（画面と CLI）。"""

from __future__ import annotations

from teichaku.interfaces.cli import main
from teichaku.interfaces.web import run

# 利用中の転職：2020-05-31 に離職し、1月を過ぎた 2020-07-15 に再就職（Q&A 平成30年12月17日：支援は離職日で終わる）
LATE_REEMPLOYMENT = {"employed": "2019-04-01", "prior_service": "就労移行支援", "left_on": "2020-05-31",
                     "reemployed_on": "2020-07-15"}


def _summary(result: dict[str, object]) -> dict[str, str]:
    return {row["label"]: row["value"] for row in result["summary"]}  # type: ignore[attr-defined, index]


def test_support_ending_on_the_leaving_day_shows_no_later_decision_date() -> None:
    result = run("eligibility", LATE_REEMPLOYMENT)
    assert result["ok"]
    summary = _summary(result)
    assert summary["支給決定できる最後の日"].startswith("2020年5月31日")
    assert "2022年9月30日" not in summary["支給決定できる最後の日"]
    assert "離職日2020年5月31日（令和2年5月31日）まで利用できます" in result["verdict"]["text"]
    assert "その後は利用できません" in result["verdict"]["text"]
    # 期間は離職日で切れている
    periods = next(group["items"] for group in result["lists"] if group["title"].startswith("支給決定期間"))
    assert periods[-1].endswith("2020年5月31日（令和2年5月31日）")


def test_support_ending_on_the_leaving_day_in_the_cli(capsys: object) -> None:
    code = main(["eligibility", "--employed", "2019-04-01", "--prior-service", "就労移行支援",
                 "--left-on", "2020-05-31", "--reemployed-on", "2020-07-15"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert code == 0
    assert "支給決定できる最後の日：2020-05-31" in out
    assert "離職日2020-05-31まで利用できる" in out


def test_reemployment_within_a_month_keeps_the_original_last_day() -> None:
    result = run("eligibility", {**LATE_REEMPLOYMENT, "reemployed_on": "2020-06-20"})
    assert _summary(result)["支給決定できる最後の日"].startswith("2022年9月30日")


# ---- issue 18 の10：ありえない入力（線は teichaku.interfaces.calculators の先頭の定数） ----

def _errors(kind: str, inputs: dict[str, object], data: bytes | None = None) -> dict[str, str]:
    result = run(kind, inputs, data)
    assert not result["ok"], result.get("verdict")
    return {error["field"]: error["message"] for error in result["errors"]}  # type: ignore[index]


def test_a_date_far_in_the_future_is_an_error_naming_the_field() -> None:
    errors = _errors("eligibility", {"employed": "令和99年4月1日", "prior_service": "就労移行支援"})
    assert "10年より先" in errors["employed"] and "2117年4月1日" in errors["employed"]
    assert "month" in _errors("claim", {"month": "令和99年4月", "users": "18", "retained": "16"})


def test_an_impossible_count_is_an_error() -> None:
    errors = _errors("retention", {"month": "2024-04", "users": "99999999999999999999", "retained": "1"})
    assert "大きすぎます" in errors["users"] and "100,000" in errors["users"]
    assert "大きすぎます" in _errors("retention", {"month": "2024-04", "users": "100001", "retained": "1"})["users"]
    assert run("retention", {"month": "2024-04", "users": "100000", "retained": "1"})["ok"]


def test_a_negative_number_is_called_a_number_that_is_not_allowed() -> None:
    errors = _errors("retention", {"month": "2024-04", "users": "-1", "retained": "1"})
    assert "0以上の数を入れてください" in errors["users"] and "読めません" not in errors["users"]


def test_a_unit_price_outside_the_published_range_warns_with_the_range_from_the_data() -> None:
    from teichaku.rules.numbers import decimal_text
    from teichaku.rules.params import default_parameters

    params = default_parameters()
    on = __import__("datetime").date(2024, 5, 1)
    low, high = (decimal_text(params.value(f"fees.unit_price_{end}", on), 2) for end in ("low", "high"))
    result = run("claim", {"month": "2024-05", "users": "18", "retained": "16", "unit_price": "18"})
    notes = next(group["items"] for group in result["lists"] if group["title"] == "注意")
    assert f"{low}〜{high}円" in notes[0] and "18円" in notes[0] and "外" in notes[0]
    inside = run("claim", {"month": "2024-05", "users": "18", "retained": "16", "unit_price": "10.7"})
    assert not any("単価の範囲" in item for group in inside["lists"] for item in group["items"])


def test_roster_fulltime_hours_are_never_silently_ignored() -> None:
    from pathlib import Path

    data = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_bytes()
    for text in ("abc", "0", "-5", "-1", "200"):
        errors = _errors("roster", {"file": "hand_checked.csv", "fulltime_hours": text}, data)
        assert "fulltime_hours" in errors, text
    assert "0以上の数を入れてください" in _errors("roster", {"file": "hand_checked.csv", "fulltime_hours": "-1"}, data)[
        "fulltime_hours"]
    assert run("roster", {"file": "hand_checked.csv", "fulltime_hours": "40"}, data)["ok"]


# ---- issue 18 の13（Python の側） ----

def test_an_unmet_billing_requirement_is_said_in_its_row_and_in_what_would_change() -> None:
    result = run("claim", {"month": "2024-05", "users": "18", "retained": "16", "support_report": ""})
    row = _summary(result)["基本報酬の要件"]
    assert row.startswith("支援レポートの共有") and "満たしていません" in row
    changes = next(group["items"] for group in result["lists"] if group["title"] == "結果が変わる条件")
    assert any("支援レポート" in item and "2,768単位" in item for item in changes)
    met = run("claim", {"month": "2024-05", "users": "18", "retained": "16"})
    assert _summary(met)["基本報酬の要件"] == "支援レポートの共有（月1回）"
    changes = next(group["items"] for group in met["lists"] if group["title"] == "結果が変わる条件")
    assert not any("支援レポート" in item for item in changes)


def test_a_roster_with_headers_only_is_a_clear_error_without_downloads() -> None:
    from pathlib import Path

    header = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_text(encoding="utf-8").splitlines()[0]
    result = run("roster", {"file": "見出しだけ.csv"}, (header + "\n").encode())
    assert not result["ok"] and "downloads" not in result
    assert "利用者の行がありません" in result["errors"][0]["message"]  # type: ignore[index]


def test_no_citation_is_listed_twice_in_a_result() -> None:
    for kind, inputs in [("staffing", {"users": "45", "hours": ["40", "32", "20"], "fulltime_hours": "40"}),
                         ("claim", {"month": "2024-05", "users": "18", "retained": "16"})]:
        result = run(kind, inputs)
        labels = [source["label"] for source in result["sources"]]
        assert len(labels) == len(set(labels))
        for step in result["steps"]:
            assert len(step["sources"]) == len(set(step["sources"])), step


def test_a_truncated_percentage_says_so_where_it_shows() -> None:
    assert "88.88%、小数第3位以下切り捨て" in _summary(run("retention", {"month": "2024-05", "users": "18", "retained": "16"}))[
        "就労定着率"]
    assert "88.88%、小数第3位以下切り捨て" in _summary(run("claim", {"month": "2024-05", "users": "18", "retained": "16"}))[
        "就労定着率・区分"]
    assert _summary(run("retention", {"month": "2024-05", "users": "20", "retained": "17"}))["就労定着率"] == "17/20（85.00%）"


# ---- issue 18 の2：項目の説明と入力例は今の月から ----

def test_date_and_month_examples_come_from_the_current_month() -> None:
    import datetime as dt

    from teichaku.interfaces.calculators import date_hint, month_hint
    from teichaku.interfaces.web import FORMS

    today = dt.date.today()
    month = next(field for field in FORMS["claim"] if field.key == "month")
    assert f"{today.year}-{today.month:02d}" in month.hint and "2019-10" not in month.hint
    employed = next(field for field in FORMS["eligibility"] if field.key == "employed")
    assert f"{today.year}/{today.month}/1" in employed.hint and "2019" not in employed.hint
    assert month_hint(dt.date(2026, 12, 4)) == "例：2026-12、令和8年12月"
    assert date_hint(dt.date(2019, 5, 20)) == "例：2019-05-01、2019/5/1、令和元年5月1日、R1.5.1（全角数字も可）"
    everything = " ".join(field.hint for fields in FORMS.values() for field in fields)
    assert "2019-10" not in everything and "令和元年10月" not in everything


def test_the_scale_hint_says_it_applies_only_before_the_2024_table_from_the_data() -> None:
    from teichaku.interfaces.web import FORMS
    from teichaku.rules.dates import Month
    from teichaku.rules.params import default_parameters

    ends = [value.until for value in default_parameters().get("fees.base_fee").values
            if not value.ended and len(value.value.scales) > 1 and value.until is not None]
    first_without = Month.of(max(ends)).japanese()  # 規模の区分のない最初の報酬表の月（2024年4月）
    for kind in ("retention", "claim"):
        hint = next(field.hint for field in FORMS[kind] if field.key == "scale_users")
        assert "までの月にだけ使います" in hint and f"{first_without}からの報酬表には利用者数による区分がありません" in hint


# ---- issue 18 の5（名簿の画面）：月ごとの請求が空なら、その理由を画面に ----

def test_an_empty_monthly_claims_table_says_why() -> None:
    from pathlib import Path

    data = (Path(__file__).parent / "fixtures" / "roster" / "titled_with_names.csv").read_bytes()  # 対面支援の表がない
    result = run("roster", {"file": "titled_with_names.csv"}, data)
    assert result["ok"]
    claims = next(table for table in result["tables"] if table["caption"].startswith("月ごとの請求"))
    assert claims["rows"] == [] and "対面支援" in claims["caption"] and "計算していません" in claims["caption"]
    notes = next(group["items"] for group in result["lists"] if group["title"] == "月ごとの請求と年度の合計単位数")
    assert "年度の合計単位数" in notes[0]
    users = next(table for table in result["tables"] if table["caption"].startswith("利用者"))
    assert all(row["cells"][-1] == "—" for row in users["rows"])  # 「—」の理由が上に書いてある


def test_a_roster_with_monthly_claims_has_no_such_note() -> None:
    from pathlib import Path

    data = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_bytes()
    result = run("roster", {"file": "hand_checked.csv", "fiscal_year_end": "2021-03-31"}, data)
    claims = next(table for table in result["tables"] if table["caption"].startswith("月ごとの請求"))
    assert claims["rows"] and claims["caption"] == "月ごとの請求"
    assert not any(group["title"] == "月ごとの請求と年度の合計単位数" for group in result["lists"])


# ---- issue 18 の3：一つの事実に一つの問い（calculators.fact_requests） ----

TODAY_CLAIM = {"month": "2026-11", "users": "18", "retained": "16"}


def _items(result: dict[str, object], title: str) -> list[str]:
    return next((group["items"] for group in result["lists"] if group["title"] == title), [])  # type: ignore[attr-defined, index]


def test_a_count_only_one_addition_reads_claims_that_addition() -> None:
    fact_only = run("claim", {**TODAY_CLAIM, "regional_meeting_1_times": "1"})
    both = run("claim", {**TODAY_CLAIM, "regional_meeting_1_times": "1", "additions": ["regional_meeting_1"]})
    assert [a["key"] for a in fact_only["data"]["additions"]] == ["regional_meeting_1"]
    assert fact_only["data"]["total_units"] == both["data"]["total_units"] > run("claim", TODAY_CLAIM)["data"]["total_units"]
    assert any("請求するものとして計算しました" in note for note in _items(fact_only, "注意"))
    assert not any("請求するものとして計算しました" in note for note in _items(both, "注意"))


def test_a_flag_claims_its_addition_like_a_reduction_flag_applies_its_reduction() -> None:
    addition = run("claim", {**TODAY_CLAIM, "from_other_office": "on"})
    reduction = run("claim", {**TODAY_CLAIM, "info_unreported": "on"})
    assert [a["key"] for a in addition["data"]["additions"]] == ["initial"]
    assert [r["key"] for r in reduction["data"]["reductions"]] == ["info_unreported"]


def test_a_fact_for_an_addition_not_in_that_month_is_refused_with_a_reason_not_dropped() -> None:
    result = run("claim", {"month": "2019-11", "users": "20", "retained": "18", "scale_users": "15",
                           "regional_meeting_1_times": "1"})
    refused = {r["key"]: r["code"] for r in result["data"]["rejected"]}
    assert refused.get("regional_meeting_1") == "not_yet"


def test_a_fact_several_additions_read_is_named_when_none_is_chosen() -> None:
    result = run("claim", {**TODAY_CLAIM, "meeting_year_count": "2"})
    assert result["data"]["additions"] == []
    assert any("この年度にすでに算定した会議の加算の回数" in note and "計算に使っていません" in note
               for note in _items(result, "注意"))


def test_the_cli_claims_a_count_given_without_its_addition(capsys: object) -> None:
    import json

    code = main(["fee", "--users", "18", "--retained", "16", "--month", "2026-11", "--regional-meeting-1-times", "1", "--json"])
    data = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert code == 0 and [a["key"] for a in data["additions"]] == ["regional_meeting_1"]
    assert any("請求するものとして計算しました" in warning for warning in data["warnings"])


def test_the_roster_cites_the_fee_table_of_the_result_it_shows() -> None:
    from pathlib import Path

    data = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_bytes()
    result = run("roster", {"file": "hand_checked.csv", "fiscal_year_end": "2025-03-31"}, data)  # 令和7年4月から適用
    labels = [source["label"] for source in result["sources"]]
    assert any("令和6年4月1日施行" in label for label in labels)
    assert not any("3,200単位" in (source.get("quote") or "") for source in result["sources"])


def test_reader_text_leaves_no_dangling_list_where_a_research_path_was() -> None:
    from teichaku.interfaces.present import reader_text

    shown = reader_text("二次情報（noppo-office の令和8年改定の解説ページと、sources/current-regime.md 7 の概要）")
    assert shown == "二次情報（noppo-office の令和8年改定の解説ページ）"
