"""架空の改定（2030-04-01、法令ではない）を data/ の写しに足すだけで、CLI・ウェブの窓口・サイトの表が従うこと。

改定：区分表を変える（9割5分以上 → 9割8分以上）、1回につきの加算（月2回まで）を新設、就労定着実績体制加算を廃止、
5%の減算を新設。コードは一行も変えない（環境変数 TEICHAKU_DATA でパラメータのディレクトリを指すだけ）。
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("data")
    for entry in DATA.iterdir():
        shutil.copy(entry, target / entry.name)
    retention = (target / "retention.toml").read_text(encoding="utf-8")
    retention = _insert_after_table(retention, "tiers", (FIXTURE / "retention_tiers.toml").read_text(encoding="utf-8"))
    (target / "retention.toml").write_text(retention, encoding="utf-8")
    fees = (target / "fees.toml").read_text(encoding="utf-8")
    fees = _insert_after_table(fees, "base_fee", (FIXTURE / "fees_base_fee.toml").read_text(encoding="utf-8"))
    (target / "fees.toml").write_text(fees, encoding="utf-8")
    items = (target / "claim_items.toml").read_text(encoding="utf-8")
    items = _insert_after_table(items, "track_record", ENDING)
    facts, rest = (FIXTURE / "claim_items.toml").read_text(encoding="utf-8").split("[workplace_visit]", 1)
    items = facts + items + "\n[workplace_visit]" + rest
    (target / "claim_items.toml").write_text(items, encoding="utf-8")
    return target


def _python(revised: Path, code: str) -> str:
    env = {**os.environ, "TEICHAKU_DATA": str(revised), "PYTHONPATH": str(ROOT / "calculator")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_follows_a_2030_revision_with_no_code_change(revised: Path) -> None:
    code = ("import sys; from teichaku.interfaces.cli import main; sys.exit(main(['fee', '--users', '50', '--retained', '48', '--month', "
            "'2030-05', '--addition', '職場訪問加算(I)', '--visit-times', '3', '--addition', '就労定着実績体制加算', "
            "'--track-record-ended', '10', '--track-record-retained', '9', '--reduction', '架空未実施減算', '--json']))")
    data = json.loads(_python(revised, code))
    assert data["tier"] == "9割以上9割8分未満"  # 48/50 = 96%：2024年の表なら「9割5分以上」
    assert data["base_units"] == 3600
    assert data["additions"] == [{"key": "workplace_visit", "name": "職場訪問加算（Ⅰ）", "units": 400, "detail": "200単位 × 2回（3回のうち上限1月に2回まで）"}]
    assert data["reductions"][0]["name"] == "架空未実施減算" and data["reductions"][0]["units"] == 180
    assert any(r["name"] == "就労定着実績体制加算" and "廃止" in r["reason"] for r in data["rejected"])
    assert data["total_units"] == 3600 + 400 - 180


def test_the_month_before_the_fixture_revision_keeps_the_2024_rules(revised: Path) -> None:
    code = ("import sys; from teichaku.interfaces.cli import main; sys.exit(main(['fee', '--users', '50', '--retained', '48', '--month', "
            "'2030-03', '--addition', '職場訪問加算(I)', '--visit-times', '1', '--json']))")
    data = json.loads(_python(revised, code))
    assert data["tier"] == "9割5分以上" and data["base_units"] == 3512
    assert any(r["name"] == "職場訪問加算（Ⅰ）" and "まだありません" in r["reason"] for r in data["rejected"])


def test_web_entry_point_and_its_form_follow_the_fixture_revision(revised: Path) -> None:
    code = ("import json; from teichaku.interfaces.web import run, FORMS; "
            "r = run('claim', {'month': '2030-04', 'users': '50', 'retained': '50', 'additions': ['職場訪問加算（Ⅰ）'], "
            "'visit_times': '1', 'fixture_reduction': 'on'}); "
            "print(json.dumps({'r': r, 'keys': [f.key for f in FORMS['claim']]}, ensure_ascii=False))")
    out = json.loads(_python(revised, code))
    data = out["r"]["data"]
    assert out["r"]["ok"] and data["tier"] == "9割8分以上" and data["base_units"] == 4000
    assert data["additions"][0]["units"] == 200
    assert data["reductions"][0]["units"] == 200
    assert {"visit_times", "fixture_reduction"} <= set(out["keys"])


def test_site_tables_show_the_fixture_revision_and_the_ended_addition(revised: Path) -> None:
    code = ("from teichaku.rules.params import default_parameters; from teichaku_site import tables; "
            "p = default_parameters(); print(tables.additions(p)); print(tables.tiers(p) if hasattr(tables, 'tiers') else '')")
    text = _python(revised, code)
    assert "職場訪問加算（Ⅰ）" in text and "200単位（1回につき）、上限 1月に2回" in text
    assert "架空未実施減算" in text and "所定単位数の5%を減算" in text
    assert re.search(r"就労定着実績体制加算（加算） \| 2030年4月1日から \| （この日から廃止・なし）", text), text
