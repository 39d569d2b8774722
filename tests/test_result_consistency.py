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
