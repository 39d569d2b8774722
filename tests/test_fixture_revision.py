"""架空の改定（2030-04-01、法令ではない）を data/ の写しに足すだけで、CLI・ウェブの窓口・フォーム・名簿・サイトの表が従うこと。

改定（tests/fixtures/revision_2030/README.md）：区分表を変える（9割5分以上 → 9割8分以上、新しい区分キー r98_up・r90_98）、
1回につきの加算（回数の事実 workplace_visits：名に _times はない。年度の回数 visits_this_year、月2回・年6回まで）と
1回限りの加算（架空の受入加算）を新設、就労定着実績体制加算を廃止、5%の減算と、続いた月数で割合が変わる減算（1〜2か月目
30%、3か月目から50%）を新設、基本報酬の要件を「架空の月次連絡」に変える。

コードは一行も変えず、環境変数もサブプロセスも使わない：写しのディレクトリを load_parameters で読んだパラメータ集合を、
同じプロセスの中で渡す（引数に取る入口には引数で、取らない入口には teichaku.rules.params.using で）。
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from teichaku.interfaces import cli, web
from teichaku.interfaces.calculators import calculators
from teichaku.interfaces.roster import _sheets, analyse
from teichaku.rules.dates import Month
from teichaku.rules.fees import ClaimFacts, claim
from teichaku.rules.params import ParameterSet, default_parameters, load_parameters, using
from teichaku_site import forms, tables, today

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "calculator" / "teichaku" / "data"
FIXTURE = Path(__file__).parent / "fixtures" / "revision_2030"

ENDING = """
[[track_record.values]]
since = 2030-04-01
ended = true
source = { doc = "fee_kokuji", section = "架空の改定（テスト用）", quote = "就労定着実績体制加算を廃止", confidence = "low", checked_against = "架空" }
"""


def _insert_after_table(text: str, table: str, addition: str) -> str:
    """TOML の [table] の値の配列の最後（次の [名前] の前）に addition を差し込む。"""
    start = text.index(f"\n[{table}]\n")
    following = re.search(r"\n\[[a-z_0-9]+\]\n", text[start + 1:])
    end = start + 1 + following.start() if following else len(text)
    return text[:end] + "\n" + addition + text[end:]


def _edit(path: Path, table: str, addition: str) -> None:
    path.write_text(_insert_after_table(path.read_text(encoding="utf-8"), table, addition), encoding="utf-8")


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> ParameterSet:
    target = tmp_path_factory.mktemp("data")
    for entry in DATA.iterdir():
        shutil.copy(entry, target / entry.name)
    _edit(target / "retention.toml", "tiers", (FIXTURE / "retention_tiers.toml").read_text(encoding="utf-8"))
    _edit(target / "fees.toml", "base_fee", (FIXTURE / "fees_base_fee.toml").read_text(encoding="utf-8"))
    _edit(target / "fees.toml", "billing_condition", (FIXTURE / "fees_billing_condition.toml").read_text(encoding="utf-8"))
    _edit(target / "claim_items.toml", "track_record", ENDING)
    items = target / "claim_items.toml"
    items.write_text(items.read_text(encoding="utf-8") + "\n" + (FIXTURE / "claim_items.toml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    return load_parameters(target)


def _cli(argv: list[str], parameters: ParameterSet) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main([*argv, "--json"], parameters) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


FEE = ["fee", "--users", "50", "--retained", "48"]


def test_cli_in_may_2030_uses_the_new_tier_key_per_time_once_and_both_reductions(revised: ParameterSet) -> None:
    data = _cli([*FEE, "--month", "2030-05", "--addition", "workplace_visit", "--workplace-visits", "3",
                 "--addition", "架空の受入加算", "--new-employer", "--addition", "就労定着実績体制加算",
                 "--track-record-ended", "10", "--track-record-retained", "9", "--reduction", "架空未実施減算",
                 "--shortage-since", "2030-03-15"], revised)
    assert (data["tier"], data["tier_key"], data["base_units"]) == ("9割以上9割8分未満", "r90_98", 3600)  # 48/50 = 96%
    assert data["billing_condition_key"] == "monthly_contact"
    assert data["additions"] == [
        {"key": "workplace_visit", "name": "職場訪問加算（Ⅰ）", "units": 400, "detail": "200単位 × 2回（3回のうち上限1月に2回・1年に6回まで）"},
        {"key": "welcome", "name": "架空の受入加算", "units": 300},
    ]
    # 5%（3,600 → 3,420）の後に、欠如が2030年3月から3か月目の50%（3,420 → 1,710）
    assert [(r["key"], r["units"]) for r in data["reductions"]] == [("fixture_reduction", 180), ("fixture_shortage", 1710)]
    assert [(r["key"], r["code"]) for r in data["rejected"]] == [("track_record", "ended")]
    assert data["total_units"] == 3600 + 400 + 300 - 180 - 1710


def test_cli_the_month_before_keeps_the_2024_tiers_and_the_support_report(revised: ParameterSet) -> None:
    data = _cli([*FEE, "--month", "2030-03", "--addition", "職場訪問加算(I)", "--workplace-visits", "1"], revised)
    assert (data["tier_key"], data["base_units"], data["billing_condition_key"]) == ("r95_up", 3512, "support_report")
    assert [(r["key"], r["code"]) for r in data["rejected"]] == [("workplace_visit", "not_yet")]


def test_cli_month_without_the_new_billing_record_bills_nothing_and_the_old_one_no_longer_matters(
        revised: ParameterSet) -> None:
    unmet = _cli([*FEE, "--month", "2030-05", "--no-fixture-contact", "--addition", "welcome", "--new-employer"], revised)
    assert unmet["base_units"] == 0 and unmet["base_units_note"] == "架空の月次連絡がない月"
    assert [(r["key"], r["code"]) for r in unmet["rejected"]] == [("welcome", "billing_condition_unmet")]
    met = _cli([*FEE, "--month", "2030-05", "--no-support-report"], revised)
    assert met["base_units"] == 3600


def test_per_time_year_limit_is_read_from_the_named_yearly_count_fact(revised: ParameterSet) -> None:
    data = _cli([*FEE, "--month", "2030-06", "--addition", "workplace_visit", "--workplace-visits", "2",
                 "--visits-this-year", "5"], revised)
    assert data["additions"][0]["units"] == 200 and "1年に6回" in data["additions"][0]["detail"]
    full = _cli([*FEE, "--month", "2030-06", "--addition", "workplace_visit", "--workplace-visits", "1",
                 "--visits-this-year", "6"], revised)
    assert [(r["key"], r["code"]) for r in full["rejected"]] == [("workplace_visit", "limit_reached")]


def test_once_item_is_refused_by_the_engine_when_already_claimed(revised: ParameterSet) -> None:
    data = _cli([*FEE, "--month", "2030-05", "--addition", "welcome", "--new-employer", "--welcome-claimed"], revised)
    assert [(r["key"], r["code"]) for r in data["rejected"]] == [("welcome", "once_claimed")]
    without = _cli([*FEE, "--month", "2030-05", "--addition", "welcome"], revised)
    assert [(r["key"], r["code"]) for r in without["rejected"]] == [("welcome", "requirement_unmet")]


@pytest.mark.parametrize(("month", "reduced"), [
    (Month(2030, 4), 3600 - 2520),  # 1か月目：×70/100
    (Month(2030, 5), 3600 - 2520),  # 2か月目：×70/100
    (Month(2030, 6), 3600 - 1800),  # 3か月目から：×50/100
    (Month(2031, 3), 3600 - 1800),
])
def test_reduction_by_consecutive_months_steps_from_70_to_50_percent_in_the_third_month(
        revised: ParameterSet, month: Month, reduced: int) -> None:
    result = claim(ClaimFacts(users=50, retained=48, month=month, facts={"shortage_since": dt.date(2030, 4, 10)}), revised)
    assert [(r.key, r.units) for r in result.reductions] == [("fixture_shortage", reduced)]


def test_reduction_by_consecutive_months_does_not_apply_before_the_condition_began(revised: ParameterSet) -> None:
    result = claim(ClaimFacts(users=50, retained=48, month=Month(2030, 5), facts={"shortage_since": dt.date(2030, 6, 1)}),
                   revised)
    assert result.reductions == [] and result.total_units == 3600


def test_cli_help_lists_the_new_keys_and_facts(revised: ParameterSet, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["fee", "--help"], revised)
    shown = "".join(capsys.readouterr().out.split())  # argparse が折り返す
    assert "workplace_visit（職場訪問加算（Ⅰ））" in shown and "--shortage-since" in shown and "--no-fixture-contact" in shown


def test_web_entry_point_follows_the_revision_by_key_and_by_an_old_name(revised: ParameterSet) -> None:
    base = {"month": "2030-04", "users": "50", "retained": "50", "workplace_visits": "1", "fixture_reduction": "on"}
    with using(revised):
        by_key = web.run("claim", {**base, "additions": ["workplace_visit"]})
        by_name = web.run("claim", {**base, "additions": ["職場訪問加算（Ⅰ）"]})
    assert by_key["ok"] and by_name["ok"]
    data = by_key["data"]
    assert (data["tier"], data["tier_key"], data["base_units"]) == ("9割8分以上", "r98_up", 4000)
    assert data["additions"][0] == {"key": "workplace_visit", "name": "職場訪問加算（Ⅰ）", "units": 200, "detail": "200単位 × 1回"}
    assert data["reductions"][0]["units"] == 200
    assert by_name["data"]["additions"] == data["additions"]
    assert default_parameters() is not revised  # with を出れば同梱のパラメータに戻る


def test_form_submits_the_new_keys_and_shows_the_billing_fields_by_their_dates(revised: ParameterSet) -> None:
    html = forms.calculator_form("claim", revised)
    assert 'value="workplace_visit"' in html and 'value="welcome"' in html and 'value="fixture_shortage"' in html
    assert 'name="workplace_visits"' in html and 'name="visits_this_year"' in html and 'name="shortage_since"' in html
    assert re.search(r'data-field="fixture_contact" data-since="2030-04-01"', html)
    assert re.search(r'data-field="support_report" data-since="2021-04-01" data-until="2030-03-31"', html)
    flags = {f.key: f.flag for f in calculators(revised)["claim"].fields}
    assert flags["fixture_contact"] == "--no-fixture-contact" and flags["workplace_visits"] == "--workplace-visits"
    assert "visit_times" not in flags


ROSTER = """利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域,架空の受入,架空の減算
R1,就労移行支援,2028-01-05,,,2028-07-10,,,,○,
R2,就労移行支援,2027-10-01,,,2028-04-01,,,,,○

利用者ID,日付,種類
R1,2029-05-10,支援レポート
R1,2030-04-15,架空の連絡
R1,2030-06-15,架空の連絡
R2,2030-04-20,架空の連絡
"""


def test_roster_claims_the_revision_through_the_registry(revised: ParameterSet) -> None:
    result = analyse(ROSTER.encode("utf-8"), "r.csv", "2031-03-31", parameters=revised).to_dict()
    assert result["rejected"] == []
    months = {(u["id"], m["month"]): m for u in result["users"] for m in u["months"]}
    april, may, june = months[("R1", "2030-04")], months[("R1", "2030-05")], months[("R1", "2030-06")]
    assert april["billing_condition"] == "monthly_contact" and april["billing_met"]
    assert april["addition_keys"] == ["welcome"] and april["units"] == 4000 + 300  # 前年度末 2/2 → 9割8分以上
    assert not may["billing_met"] and may["units"] == 0 and may["refused_keys"] == ["welcome"]
    assert june["units"] == 4000 and june["refused_keys"] == ["welcome"]  # 1回限り：4月に算定済み
    # R2 は名簿の列「架空の減算」（登録簿の事実の column）に ○：減算もデータだけで名簿に届く（4,000 × 5% = 200）
    assert months[("R2", "2030-04")]["addition_keys"] == [] and months[("R2", "2030-04")]["units"] == 4000 - 200
    assert months[("R2", "2030-04")]["reduction_keys"] == ["fixture_reduction"]
    assert months[("R2", "2030-05")]["units"] == 0
    assert not any("支援レポート" in w for w in result["warnings"])
    # 書き出しの表も改定の要件の記録の種類を示す（既定の登録簿を引かない）
    claims = next(rows for name, _, rows in _sheets(result) if name == "月ごとの請求")
    assert {(row[0], row[1]): row[2] for row in claims}[("R1", "2030-05")] == "架空の連絡：なし"


def test_site_tables_show_the_revision_the_new_tier_and_the_ended_addition(revised: ParameterSet) -> None:
    history = tables.fee_history(revised)
    assert "架空の2030年度改定" in history and re.search(r"9割8分以上（[^|]*）：4,000単位", history)
    current = today.current_fee(revised, on=dt.date(2030, 4, 1))
    assert "架空の2030年度改定" in current and re.search(r"\| 9割8分以上 \|[^\n]*4,000", current)
    assert "9割以上" in tables.tiers(revised) and "9割8分以上" not in tables.tiers(revised)  # 本通知の区分の表のまま
    assert "3,200" in tables.base_fee(revised) and "9割8分以上" not in tables.base_fee(revised)
    listed = tables.additions(revised)
    assert "職場訪問加算（Ⅰ）" in listed and "200単位（1回につき）、上限 1月に2回・1年に6回" in listed
    assert "架空の受入加算" in listed and "架空未実施減算" in listed and "所定単位数の5%を減算" in listed
    assert "架空欠如減算" in listed and "1か月目から30%、3か月目から50%" in listed
    ended = next(line for line in listed.splitlines() if line.startswith("| 就労定着実績体制加算") and "2030年4月1日" in line)
    assert tables.ENDED in ended
    now = today.current_items(revised, on=dt.date(2030, 4, 1))
    assert "架空欠如減算" in now and "就労定着実績体制加算" not in now
