"""ブラウザの元号の表（assets/calc/eras.js）は teichaku.rules.dates.ERAS から生成し、ビルドしたサイトにある。"""

from __future__ import annotations

import json
import re
from pathlib import Path

from teichaku.rules.dates import ERAS, date_text
from teichaku_site import eras


def _parsed(module: str) -> list[dict[str, str]]:
    found = re.search(r"export const ERAS = Object\.freeze\((\[.*\])\);", module)
    assert found, module
    data: list[dict[str, str]] = json.loads(found.group(1))
    return data


def test_the_module_lists_every_era_of_the_python_table_in_its_order() -> None:
    assert _parsed(eras.eras_module()) == [{"name": era.name, "start": era.start.isoformat()} for era in ERAS]


def test_the_first_day_of_reiwa_is_gannen_in_both_tables() -> None:
    reiwa = _parsed(eras.eras_module())[0]
    assert reiwa == {"name": "令和", "start": "2019-05-01"}
    assert date_text(ERAS[0].start) == "2019年5月1日（令和元年5月1日）"


def test_install_writes_assets_calc_eras_js(tmp_path: Path) -> None:
    path = eras.install(tmp_path)
    assert path == tmp_path / "assets" / "calc" / "eras.js"
    assert path.read_text(encoding="utf-8") == eras.eras_module()


def test_the_built_site_carries_the_generated_module(built_site: Path) -> None:
    assert (built_site / "assets" / "calc" / "eras.js").read_text(encoding="utf-8") == eras.eras_module()
