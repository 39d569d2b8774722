"""算定根拠書の部品（ブラウザなし）：QR コード（teichaku.interfaces.web.qr_svg）は segno の行列そのもので、teichaku は import の時点で
segno を読まない；規則の版（build.json のパッケージの版とコミット）は、git のチェックアウトの外では「不明」。"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import segno

from teichaku import __version__
from teichaku.interfaces.web import qr_svg, run
from test_training import _with_border, qr_matrix_from_svg

ROOT = Path(__file__).resolve().parents[1]
LINK = ("https://example.jp/teichaku/calc/claim/#month=2024-06&users=20&retained=19&additions="
        "%E7%89%B9%E5%88%A5%E5%9C%B0%E5%9F%9F%E5%8A%A0%E7%AE%97&special_area=on")


def _path(svg: str) -> str:
    start = svg.index(' d="') + 4
    return svg[start:svg.index('"', start)]


def test_qr_svg_of_a_share_link_is_segnos_matrix_for_that_link_with_a_four_module_border() -> None:
    svg = qr_svg(LINK)
    expected = _with_border(segno.make(LINK, micro=False))
    assert svg.startswith("<svg ") and f'viewBox="0 0 {len(expected)} {len(expected)}"' in svg
    assert qr_matrix_from_svg(_path(svg), len(expected)) == expected


def test_qr_svg_has_no_size_script_or_style_so_the_print_css_sizes_it_under_the_csp() -> None:
    svg = qr_svg("http://127.0.0.1:8000/calc/retention/#users=20&retained=18")
    assert "<script" not in svg and "style=" not in svg and "width=" not in svg and "height=" not in svg


def test_teichaku_imports_without_segno_and_loads_it_only_for_a_qr_code() -> None:
    code = ("import sys, teichaku.interfaces.web, teichaku.interfaces.cli; assert 'segno' not in sys.modules; "
            "teichaku.interfaces.web.qr_svg('x'); assert 'segno' in sys.modules")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "calculator")}  # パッケージを入れていなくても、ソースの木から
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("kind", "inputs", "on"), [
    ("retention", {"month": "2024-06", "users": "20", "retained": "18"}, "2024-06-01"),  # サービス提供月の初日
    ("first_recalculation", {"designated": "2018-10-01"}, None),
    ("new_office", {"designated": "2018-10-01", "on": "2019-01-15", "settled_six_months": "7"}, "2019-01-15"),  # 基準日
])
def test_result_names_the_day_its_parameters_were_read_for_the_record(kind: str, inputs: dict[str, str], on: str | None) -> None:
    result = run(kind, inputs)
    assert result["ok"]
    assert len(result["rules_on"]) == 10 and result["rules_on"][4] == "-"
    if on:
        assert result["rules_on"] == on


def test_build_json_names_the_package_version_and_the_commit(built_site: Path) -> None:
    build = json.loads((built_site / "assets" / "calc" / "build.json").read_text(encoding="utf-8"))
    assert build["version"] == __version__
    assert build["commit"] == "不明" or (7 <= len(build["commit"]) <= 12 and int(build["commit"], 16) >= 0)
    assert [Path(name).name.split("-")[0] for name in build["qr_wheels"]] == ["segno"]
    assert not any("segno" in name for name in build["xlsx_wheels"])  # 名簿のページは segno を読まない
    assert all((built_site / name).is_file() for name in build["qr_wheels"])


def test_commit_is_unknown_outside_a_git_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from teichaku_site import bundle

    monkeypatch.setattr(bundle, "ROOT", tmp_path)  # git のチェックアウトの外（/tmp の下）
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert bundle.git_commit() == "不明"
    monkeypatch.setenv("PATH", str(tmp_path))  # git がない
    assert bundle.git_commit() == "不明"


def test_commit_in_this_checkout_is_the_short_head() -> None:
    from teichaku_site import bundle

    def head() -> str:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    before = head()
    if not before:
        pytest.skip("git のチェックアウトではない")
    assert bundle.git_commit() in {before, head()}  # 同じ作業ツリーで誰かがコミットしても
