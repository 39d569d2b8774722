"""計算機の窓口（teichaku.interfaces.web）：本通知の例が画面の表示どおりに出ること、エラーが正しい項目に付くこと、
フォームの項目名が規則の項目名と一致すること、出典のリンク先と例のリンクがサイトに実在すること。"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from teichaku.interfaces.web import FORMS, run, run_json
from teichaku.rules.explain import NOTICE_DATE
from teichaku.rules.params import default_parameters
from teichaku_site.links import DOCUMENT_PAGES, NOTICE_PAGES, PACKAGED, links_json
from vectors import all_vectors

VALID: dict[str, dict[str, Any]] = {
    "eligibility": {"prior_service": "就労移行支援", "employed": "2019-04-01"},
    "retention": {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12"},
    "claim": {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on"},
    "staffing": {"users": "45", "hours": ["40", "40"], "fulltime_hours": "40"},
    "first_recalculation": {"designated": "2018-10-01"},
    "new_office": {"designated": "2019-04-01", "on": "2019-08-01", "settled_six_months": "10"},
}


def _summary(result: dict[str, Any]) -> dict[str, str]:
    return {item["label"]: item["value"] for item in result["summary"]}


def test_every_calculator_has_a_valid_example() -> None:
    assert set(VALID) == set(FORMS) - {"roster"}  # 名簿はファイルが要るので tests/test_roster.py で
    for kind, inputs in VALID.items():
        assert run(kind, inputs)["ok"], kind


def test_employed_2019_04_01_shows_earliest_2019_10_01_and_latest_2022_09_30_in_both_calendars() -> None:
    result = run("eligibility", {"prior_service": "就労移行支援", "employed": "2019-04-01"})
    summary = _summary(result)
    assert summary["最も早い利用開始日"] == "2019年10月1日（令和元年10月1日）"
    assert summary["支給決定できる最後の日"] == "2022年9月30日（令和4年9月30日）"
    assert result["verdict"] == {"tone": "ok", "text": "利用できます"}
    bars = result["timeline"]["bars"]
    assert [bar["tone"] for bar in bars] == ["wait", "period", "period", "period"]
    assert bars[0]["from"] == 0 and bars[-1]["to"] == 1
    assert all(a["to"] == b["from"] for a, b in itertools.pairwise(bars))


def test_employed_2019_08_31_month_end_gives_2020_03_01() -> None:
    result = run("eligibility", {"prior_service": "就労移行支援", "employed": "令和元年８月３１日"})
    assert _summary(result)["最も早い利用開始日"].startswith("2020年3月1日")


def test_start_before_the_seventh_month_is_refused_with_the_reason() -> None:
    result = run("eligibility", {"prior_service": "就労移行支援", "employed": "2019-04-01", "start": "2019-09-01"})
    assert result["ok"] and result["verdict"]["tone"] == "ng"
    assert any("2019年10月1日" in item for item in result["lists"][0]["items"])
    assert result["timeline"] is None


def test_impossible_employment_date_is_reported_on_the_employed_field() -> None:
    result = run("eligibility", {"prior_service": "就労移行支援", "employed": "2019-02-29"})
    assert result == {"ok": False, "kind": "eligibility", "errors": [
        {"field": "employed", "index": None, "label": "就職日", "message": "「2019-02-29」は存在しない日付です。"}]}


def test_tier_boundary_89_95_percent_highlights_the_80_to_90_row() -> None:
    result = run("retention", {"month": "2019-04", "users": "10000", "retained": "8995", "scale_users": "20"})
    table = result["table"]
    current = [row["cells"][0] for row in table["rows"] if row["current"]]
    assert current == ["8割以上9割未満"]
    assert table["columns"][table["current_column"]] == "利用者数20人以下"


def test_tier_table_equals_the_fee_schedule_and_says_not_given_for_larger_scales() -> None:
    schedule = default_parameters().value("fees.base_fee", NOTICE_DATE)
    tiers = default_parameters().value("retention.tiers", NOTICE_DATE)
    table = run("retention", VALID["retention"])["table"]
    assert [row["cells"][0] for row in table["rows"]] == [tier.label for tier in tiers]
    for row, tier in zip(table["rows"], tiers, strict=True):
        for scale, cell in zip(schedule.scales, row["cells"][2:], strict=True):
            units = schedule.units(tier.label, scale.key)
            assert cell == (f"{units:,}単位／月" if units is not None else schedule.missing_label)


def test_scale_21_to_40_gives_not_given_instead_of_a_number() -> None:
    result = run("retention", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "30"})
    assert _summary(result)["基本報酬"] == "本通知に記載なし"
    assert result["data"]["base_units"] is None


def test_no_face_to_face_month_claims_nothing_and_says_why() -> None:
    result = run("claim", {**VALID["claim"], "face_to_face": "", "additions": ["特別地域加算"], "special_area": "on"})
    assert _summary(result)["合計"] == "0単位"
    refused = next(item["items"] for item in result["lists"] if item["title"] == "算定しない項目と理由")
    assert refused[0].startswith("特別地域加算：対面による支援がない月")


def test_staffing_second_row_error_points_at_that_row() -> None:
    result = run("staffing", {"users": "10", "hours": ["40", "abc"], "fulltime_hours": "40"})
    assert result["errors"][0]["field"] == "hours" and result["errors"][0]["index"] == 1
    assert result["errors"][0]["label"] == "勤務時間（2人目）"


def test_staffing_61_users_needs_two_service_managers() -> None:
    assert _summary(run("staffing", {"users": "61"}))["サービス管理責任者の必要数"] == "2人以上"


def test_q1_designated_2018_10_01_counts_on_2019_09_30_and_applies_from_october_2019() -> None:
    summary = _summary(run("first_recalculation", {"designated": "平成30年10月1日"}))
    assert summary["就労定着率を算出する基準日"].startswith("2019年9月30日")
    assert summary["新たな就労定着率で算定する期間"].startswith("2019年10月から2020年3月31日")


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_text_field_is_named_by_the_rules_when_it_is_invalid(kind: str) -> None:
    # フォームの項目名（label）と、規則が InputError で名指しする項目名が一致していること。
    for field in FORMS[kind]:
        if field.kind not in ("date", "month", "count", "decimal"):
            continue
        bad = "2019-02-30" if field.kind in ("date",) else "2019-13" if field.kind == "month" else "abc"
        result = run(kind, {**VALID[kind], field.key: bad})
        if kind == "staffing" and field.key in ("users", "total_user_months"):
            result = run(kind, {field.key: bad})
        assert not result["ok"], (kind, field.key)
        assert result["errors"][0]["field"] == field.key, (kind, field.key, result["errors"])


@pytest.mark.parametrize("kind", sorted(VALID))
def test_required_fields_left_empty_are_named(kind: str) -> None:
    for field in FORMS[kind]:
        if field.required:
            result = run(kind, {**VALID[kind], field.key: ""})
            assert result["errors"][0]["field"] == field.key


def test_unknown_calculator_and_unreadable_json_are_messages_not_exceptions() -> None:
    assert run("nothing", {})["errors"][0]["message"] == "「nothing」という計算機はありません。"
    assert json.loads(run_json("retention", "[1, 2"))["errors"][0]["message"] == "入力を読み取れませんでした。"


def test_every_vector_answers_and_every_input_error_names_a_field() -> None:
    for kind, inputs in all_vectors():
        result = run(kind, inputs)
        assert isinstance(result["ok"], bool)
        json.dumps(result)
        if not result["ok"] and kind in FORMS:
            assert result["errors"][0]["field"] is not None, (kind, inputs, result)
        if result["ok"]:
            assert result["steps"] and result["sources"]


def test_every_result_cites_a_passage_with_a_link_into_the_site() -> None:
    for kind, inputs in VALID.items():
        sources = run(kind, inputs)["sources"]
        assert all("href" in source for source in sources), kind


def _ids(page: Path) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))


def test_the_packaged_link_map_is_the_site_map() -> None:
    # ブラウザの teichaku（wheel）が読む写しは、サイトのパッケージの地図そのもの（python -m teichaku_site.links で書き直す）
    assert PACKAGED.read_text(encoding="utf-8") == links_json(), \
        "PYTHONPATH=calculator .venv/bin/python -m teichaku_site.links で wheel の写しを書き直してください"


def test_every_source_link_target_exists_in_the_built_site(built_site: Path) -> None:
    for target in [*NOTICE_PAGES.values(), *DOCUMENT_PAGES.values()]:
        path, _, anchor = target.partition("#")
        page = built_site / path / "index.html"
        assert page.exists(), target
        if anchor:
            assert anchor in _ids(page), target


def _kind_of(page: Path) -> str:
    found = re.search(r'data-calculator="([a-z_]+)"', page.read_text(encoding="utf-8"))
    assert found, page
    return found.group(1)


def test_every_example_link_in_the_site_opens_a_computable_scenario(built_site: Path) -> None:
    # ガイドと計算機のページにある「例」のリンク（# 以降に入力）を、計算機と同じく読んで計算できること。
    seen = 0
    for page in built_site.rglob("*.html"):
        for href in re.findall(r'href="([^"]*#[^"]*=[^"]*)"', page.read_text(encoding="utf-8")):
            href = html.unescape(href)
            path, fragment = urlsplit(href).path, urlsplit(href).fragment
            target = (page.parent / path / "index.html") if path else page
            inputs: dict[str, Any] = {}
            for key, values in parse_qs(unquote(fragment), keep_blank_values=True).items():
                field = next((f for f in FORMS[_kind_of(target)] if f.key == key), None)
                assert field is not None, (page, href, key)
                inputs[key] = values if field.kind in ("checkboxes", "hours") else values[0]
            result = run(_kind_of(target), inputs)
            assert result["ok"], (page, href, result)
            seen += 1
    assert seen >= 30


def test_roster_errors_name_the_file_and_fiscal_year_end_fields() -> None:
    assert run("roster", {"file": ""})["errors"][0]["field"] == "file"
    assert run("roster", {"file": "x.png"}, b"\x89PNG\r\n\x1a\n0")["errors"][0]["field"] == "file"
    data = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_bytes()
    assert run("roster", {"file": "x.csv", "fiscal_year_end": "2023-02-28"}, data)["errors"][0]["field"] == "fiscal_year_end"
    result = run("roster", {"file": "x.csv", "fiscal_year_end": "2023-03-31"}, data)
    assert result["ok"] and result["excluded"] == ["U03"] and len(result["data"]["rejected"]) == 6


def test_change_of_job_within_one_month_continues_and_later_ends_support_qa_2018_12_17() -> None:
    base = {"prior_service": "就労移行支援", "employed": "2019-04-01", "start": "2019-10-01", "left_on": "2020-05-31"}
    within = run("eligibility", {**base, "reemployed_on": "2020-06-20"})
    later = run("eligibility", {**base, "reemployed_on": "2020-07-15"})
    assert within["verdict"]["tone"] == "ok" and "就労の継続" in within["verdict"]["text"]
    assert later["verdict"]["tone"] == "ng" and "2020年5月31日" in later["verdict"]["text"]
