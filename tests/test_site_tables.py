"""サイトの表：日付つきの値をすべて、その期間とともに示す（将来の日付の値や廃止の値でもビルドが壊れない）。

架空の値（試験のための fixture、出典は本通知の同じ箇所を借りる）：就労定着支援員の配置基準が令和12年4月1日から
50：1 に変わり、実施主体の要件（平均の人数）が同じ日に廃止される、というパラメータのディレクトリを作って表を作る。
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

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
        ["40人", "平成30年4月1日から令和12年3月31日まで"],
        ["50人", "令和12年4月1日から"],
    ]


def test_an_ended_parameter_shows_none_from_the_day_it_ends(future_params: ParameterSet) -> None:
    name = "staffing.implementing_body_min_average"
    parameter = future_params.get(name)
    rows = _rows(tables.staffing(future_params), parameter.description)
    assert rows[0][2] == "平成30年4月1日から令和12年3月31日まで"
    assert rows[1][1:3] == ["（この日から廃止・なし）", "令和12年4月1日から"]
    listing = _rows(tables.parameters(future_params), f"`{name}`")
    assert [row[2:4] for row in listing][-1] == ["（この日から廃止・なし）", "令和12年4月1日から"]


def test_every_table_builds_from_a_parameter_set_with_future_and_ended_values(future_params: ParameterSet) -> None:
    for renderer in (tables.base_fee, tables.tiers, tables.additions, tables.fee_history, tables.staffing, tables.periods,
                     tables.q3_factors, tables.goal, tables.parameters):
        assert "| " in renderer(future_params)


def test_the_parameter_list_shows_each_fee_schedule_with_its_period() -> None:
    # 報酬改定：令和元年10月1日（消費税率引上げ）、令和3年4月1日、令和6年4月1日。前の表は次の表の前日まで。
    table = tables.parameters()
    rows = _rows(table, "`fees.base_fee`")
    assert [row[3] for row in rows] == [
        "平成30年4月1日から令和元年9月30日まで",
        "令和元年10月1日から令和3年3月31日まで",
        "令和3年4月1日から令和6年3月31日まで",
        "令和6年4月1日から",
    ]


def test_the_parameter_list_has_one_row_per_dated_value() -> None:
    table = tables.parameters()
    expected = sum(len(parameter.values) for parameter in default_parameters().all())
    assert len([line for line in table.splitlines() if line.startswith("| `")]) == expected


def test_era_dates_use_gannen_and_the_day_the_era_changed() -> None:
    assert tables.wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert tables.wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert tables.wareki(dt.date(2021, 4, 1)) == "令和3年4月1日"


def test_every_placeholder_name_renders() -> None:
    for name in dispatch.RENDERERS:
        assert dispatch.fill(f"{{{{ teichaku:{name} }}}}", "test.md").strip(), name
