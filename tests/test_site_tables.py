"""サイトの表：日付つきの値をすべて、その期間とともに示す（将来の日付の値や廃止の値でもビルドが壊れない）。

架空の値（試験のための fixture、出典は本通知の同じ箇所を借りる）：就労定着支援員の配置基準が令和12年4月1日から
50：1 に変わり、実施主体の要件（平均の人数）が同じ日に廃止される、というパラメータのディレクトリを作って表を作る。
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from teichaku.interfaces.present import date_text, instrument_text, reader_text
from teichaku.rules.params import ParameterSet, default_parameters, load_parameters
from teichaku_site import dispatch, tables

DATA = Path(__file__).resolve().parents[1] / "calculator" / "teichaku" / "data"

FUTURE = """
[[support_staff_ratio.values]]
since = 2030-04-01
value = 50
source = { doc = "notice", section = "試験用の架空の値", quote = "（架空）" }

[[implementing_body_min_average.values]]
since = 2030-04-01
ended = true
source = { doc = "notice", section = "試験用の架空の廃止", quote = "（架空）" }
"""


@pytest.fixture(scope="module")
def future_params(tmp_path_factory: pytest.TempPathFactory) -> ParameterSet:
    target = tmp_path_factory.mktemp("params") / "data"
    shutil.copytree(DATA, target)
    staffing = target / "staffing.toml"
    staffing.write_text(staffing.read_text(encoding="utf-8") + FUTURE, encoding="utf-8")
    return load_parameters(target)


def _rows(table: str, description_part: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines() if line.startswith("| ")]
    return [row for row in rows if any(description_part in cell for cell in row)]


def test_a_value_dated_2030_is_shown_after_the_value_it_replaces(future_params: ParameterSet) -> None:
    rows = _rows(tables.staffing(future_params), "就労定着支援員：")
    assert [row[1:3] for row in rows] == [
        ["40人", "2018年4月1日（平成30年4月1日）から2030年3月31日（令和12年3月31日）まで"],
        ["50人", "2030年4月1日（令和12年4月1日）から"],
    ]


def test_an_ended_parameter_shows_none_from_the_day_it_ends(future_params: ParameterSet) -> None:
    name = "staffing.implementing_body_min_average"
    parameter = future_params.get(name)
    rows = _rows(tables.staffing(future_params), reader_text(parameter.description))
    assert rows[0][2] == "2018年4月1日（平成30年4月1日）から2030年3月31日（令和12年3月31日）まで"
    assert rows[1][1:3] == ["（この日から廃止・なし）", "2030年4月1日（令和12年4月1日）から"]
    listing = _rows(tables.parameters(future_params), reader_text(parameter.description))
    assert [row[1:3] for row in listing][-1] == ["（この日から廃止・なし）", "2030年4月1日（令和12年4月1日）から"]


def test_every_table_builds_from_a_parameter_set_with_future_and_ended_values(future_params: ParameterSet) -> None:
    for renderer in (tables.base_fee, tables.tiers, tables.additions, tables.fee_history, tables.staffing, tables.periods,
                     tables.q3_factors, tables.goal, tables.parameters):
        assert "| " in renderer(future_params)


def test_the_parameter_list_shows_each_fee_schedule_with_its_period() -> None:
    # 報酬改定：令和元年10月1日（消費税率引上げ）、令和3年4月1日、令和6年4月1日。前の表は次の表の前日まで。
    table = tables.parameters()
    rows = _rows(table, default_parameters().get("fees.base_fee").description)
    assert [row[2] for row in rows] == [
        "2018年4月1日（平成30年4月1日）から2019年9月30日（令和元年9月30日）まで",
        "2019年10月1日（令和元年10月1日）から2021年3月31日（令和3年3月31日）まで",
        "2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで",
        "2024年4月1日（令和6年4月1日）から",
    ]


def test_the_parameter_list_has_one_row_per_dated_value() -> None:
    table = tables.parameters()
    expected = sum(len(parameter.values) for parameter in default_parameters().all())
    assert len([line for line in table.splitlines() if line.startswith("| ")]) == expected + 1  # 見出しの行


def test_era_dates_use_gannen_and_the_day_the_era_changed() -> None:
    assert date_text(dt.date(2019, 4, 30)) == "2019年4月30日（平成31年4月30日）"
    assert date_text(dt.date(2019, 5, 1)) == "2019年5月1日（令和元年5月1日）"
    assert date_text(dt.date(2021, 4, 1)) == "2021年4月1日（令和3年4月1日）"


def test_the_site_tables_and_the_calculator_write_tiers_and_the_fee_grid_the_same_way() -> None:
    # 区分の範囲・基本報酬の表はひとつの書き方（present）：サイトの表の行と、計算機の画面の表の行が同じ
    from teichaku.interfaces.web import run

    table = run("retention", {"users": "20", "retained": "18", "scale_users": "15", "month": "2019-03"})
    site_rows = _rows(tables.base_fee(), "割")
    assert table["ok"], table
    assert [row["cells"] for row in table["table"]["rows"]] == site_rows
    tier_rows = _rows(tables.tiers(), "割")
    assert [row[1:] for row in tier_rows] == [cells[:2] for cells in site_rows]
    assert tier_rows[-1][2].startswith("0%以上")  # 最下位の区分も下限を書く


def test_every_placeholder_name_renders() -> None:
    for name in dispatch.RENDERERS:
        assert dispatch.fill(f"{{{{ teichaku:{name} }}}}", "test.md").strip(), name


# ---- 出典・上限・パラメータ一覧の読者向けの書き方（issue 19）----

def test_every_citation_names_its_instrument_and_an_address_or_says_it_was_not_found() -> None:
    from teichaku.rules.params import registry

    params = default_parameters()
    citations = [value.source for parameter in params.all() for value in parameter.values]
    citations += [value.source for item in registry(params).items for value in item.values]
    for citation in citations:
        text = tables.cite(citation)
        assert "sources/" not in text and ".md" not in text, text
        short = citation.document.short.split("（")[0].strip()
        title = instrument_text(citation.document)  # 題名と日付
        assert text.startswith((f"[{title}", title, f"{short}（")), text
        assert title in text
        if citation.document.url:
            assert f"[{title}]({citation.document.url})" in text
        else:
            assert "公開の所在は未確認）" in text
        if citation.confidence:
            assert f"（確度：{ {'high': '高', 'medium': '中', 'low': '低'}[citation.confidence]}" in text
        assert not re.search(r"[０-９]", text)


def test_the_notice_is_cited_by_its_title_and_page() -> None:
    source = default_parameters().at("fees.base_fee", dt.date(2019, 3, 29)).source
    assert tables.cite(source).startswith(
        "就労定着支援の円滑な実施について（平成31年3月29日 厚生労働省社会・援護局障害保健福祉部障害福祉課 事務連絡）別添"
        "（公開の所在は未確認） p.14 ")


def test_a_document_dated_in_the_data_shows_its_date() -> None:
    source = default_parameters().at("fees.billing_condition", dt.date(2021, 4, 1)).source
    assert source.document.date == dt.date(2021, 2, 4)
    assert tables.cite(source).startswith(
        f"令和3年度改定の概要（令和3年度障害福祉サービス等報酬改定の概要（厚生労働省、{date_text(dt.date(2021, 2, 4))}）。公開の所在は未確認）")


def test_the_research_paths_are_removed_from_what_a_value_was_checked_against() -> None:
    assert reader_text("二次情報（告示を引用する解説ページ。sources/current-regime.md 1a・1b）") == "二次情報（告示を引用する解説ページ）"
    assert reader_text("本通知の値を引き継いでいる（sources/secondary.md）") == "本通知の値を引き継いでいる"
    assert reader_text("（中。sources/current-regime.md 3）") == "（中）"
    assert "rst" not in reader_text("公開リポジトリ owner/name doc/H17/H17HO123.rst）")
    assert reader_text("要件（face_to_face：対面／support_report：レポート）の１回") == "要件（対面／レポート）の1回"
    assert reader_text("[文書](https://laws.e-gov.go.jp/law/417AC0000000123)") == "[文書](https://laws.e-gov.go.jp/law/417AC0000000123)"


def test_a_shared_limit_names_the_items_that_share_it_from_the_registry() -> None:
    from teichaku.interfaces.present import item_value_text
    from teichaku.rules.params import registry

    reg = registry()
    first, second, older = reg.get("regional_meeting_1"), reg.get("regional_meeting_2"), reg.get("coordination_meeting")
    assert first.limit_group == second.limit_group == older.limit_group
    for item in (first, second):
        assert item_value_text(item, item.values[0], reg.items).endswith("上限 1月に1回・1年に4回（地域連携会議実施加算（Ⅰ）（Ⅱ）合わせて）")
    # 令和3年度の定着支援連携促進加算は、同じ上限の群の（Ⅰ）（Ⅱ）と期間が重ならない：ひとりで上限を持つ
    assert item_value_text(older, older.values[0], reg.items).endswith("上限 1月に1回・1年に4回")
    for renderer in (tables.additions, tables.fee_history, tables.parameters):
        assert "同じ種類" not in renderer()


def test_the_parameter_list_shows_no_data_key_and_labels_key_values() -> None:
    params = default_parameters()
    table = tables.parameters(params)
    for parameter in params.all():
        assert parameter.name not in table
    for key in ("face_to_face", "support_report", "floor"):
        assert not re.search(rf"\b{key}\b", table)
    assert "| 利用者との対面による支援（月1回以上） |" in table and "| 支援レポートの共有（月1回） |" in table
    assert "| 切り捨て |" in table


def test_a_key_value_without_a_label_stops_the_build(tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    fees = target / "fees.toml"
    fees.write_text(fees.read_text(encoding="utf-8").replace('value = "floor"', 'value = "banker_round"'), encoding="utf-8")
    with pytest.raises(tables.UnlabelledValue, match="banker_round"):
        tables.parameters(load_parameters(target))


def test_the_fee_history_states_the_billing_condition_of_each_schedule_from_the_data() -> None:
    history = tables.fee_history()
    row = next(line for line in history.splitlines() if line.startswith("| 基本報酬を請求できる月の要件 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")][1:]
    assert [cell.split("（20")[0] for cell in cells] == ["利用者との対面による支援（月1回以上）"] * 2 + ["支援レポートの共有（月1回）"] * 2
    assert "このツール" not in history
