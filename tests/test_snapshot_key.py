"""スナップショットの鍵（calculator/teichaku_site/bundle.py の snapshot_key、issue 17）：使えるのは同じ Pyodide・
wheel・標準ライブラリ・置く形（assets/calc/snapshot-format.js）のときだけ。形を変えたビルドで前の形の項目を
壊れたものとして捨て、その鍵では作り直さない、ということが起きないように、形も鍵に入る。"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from teichaku_site.bundle import SNAPSHOT_FORMAT, snapshot_key


def _copy(built_site: Path, target: Path) -> tuple[Path, list[str]]:
    """鍵に使うファイルだけを写した小さなサイト。"""
    info = json.loads((built_site / "assets" / "calc" / "build.json").read_text(encoding="utf-8"))
    others = [*info["xlsx_wheels"], *info["qr_wheels"]]
    names = [info["wheel"], *others, SNAPSHOT_FORMAT, *(str(p.relative_to(built_site)) for p in (built_site / "pyodide").glob("python_stdlib*.zip"))]
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built_site / name, target / name)
    return target / info["wheel"], others


def test_the_key_in_build_json_is_the_key_of_the_built_files(built_site: Path, tmp_path: Path) -> None:
    wheel, others = _copy(built_site, tmp_path)
    info = json.loads((built_site / "assets" / "calc" / "build.json").read_text(encoding="utf-8"))
    assert snapshot_key(tmp_path, wheel, others)["snapshot_key"] == info["snapshot_key"]


def test_a_new_storage_format_gets_a_new_key_and_a_page_edit_does_not(built_site: Path, tmp_path: Path) -> None:
    wheel, others = _copy(built_site, tmp_path)
    before = snapshot_key(tmp_path, wheel, others)["snapshot_key"]
    (tmp_path / "index.html").write_text("<p>文書だけの変更</p>", encoding="utf-8")
    assert snapshot_key(tmp_path, wheel, others)["snapshot_key"] == before
    form = tmp_path / SNAPSHOT_FORMAT
    form.write_text(form.read_text(encoding="utf-8").replace('"TKZPAGE1"', '"TKZPAGE2"'), encoding="utf-8")
    assert snapshot_key(tmp_path, wheel, others)["snapshot_key"] != before
