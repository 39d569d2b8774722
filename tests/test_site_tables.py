"""サイトの表：日付つきの値をすべて、その期間とともに示す（将来の日付の値や廃止の値でもビルドが壊れない）。

架空の値（試験のための fixture、出典は本通知の同じ箇所を借りる）：就労定着支援員の配置基準が令和12年4月1日から
50：1 に変わり、実施主体の要件（平均の人数）が同じ日に廃止される、というパラメータのディレクトリを作って表を作る。
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from teichaku.interfaces.present import date_text
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
    rows = _rows(tables.staffing(future_params), parameter.description)
    assert rows[0][2] == "2018年4月1日（平成30年4月1日）から2030年3月31日（令和12年3月31日）まで"
    assert rows[1][1:3] == ["（この日から廃止・なし）", "2030年4月1日（令和12年4月1日）から"]
    listing = _rows(tables.parameters(future_params), f"`{name}`")
    assert [row[2:4] for row in listing][-1] == ["（この日から廃止・なし）", "2030年4月1日（令和12年4月1日）から"]


def test_every_table_builds_from_a_parameter_set_with_future_and_ended_values(future_params: ParameterSet) -> None:
    for renderer in (tables.base_fee, tables.tiers, tables.additions, tables.fee_history, tables.staffing, tables.periods,
                     tables.q3_factors, tables.goal, tables.parameters):
        assert "| " in renderer(future_params)


def test_the_parameter_list_shows_each_fee_schedule_with_its_period() -> None:
    # 報酬改定：令和元年10月1日（消費税率引上げ）、令和3年4月1日、令和6年4月1日。前の表は次の表の前日まで。
    table = tables.parameters()
    rows = _rows(table, "`fees.base_fee`")
    assert [row[3] for row in rows] == [
        "2018年4月1日（平成30年4月1日）から2019年9月30日（令和元年9月30日）まで",
        "2019年10月1日（令和元年10月1日）から2021年3月31日（令和3年3月31日）まで",
        "2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで",
        "2024年4月1日（令和6年4月1日）から",
    ]


def test_the_parameter_list_has_one_row_per_dated_value() -> None:
    table = tables.parameters()
    expected = sum(len(parameter.values) for parameter in default_parameters().all())
    assert len([line for line in table.splitlines() if line.startswith("| `")]) == expected


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
