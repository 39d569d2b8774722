"""CLI の契約：サブコマンド・フラグ・JSON のキー・終了コード・日本語のエラー。"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from teichaku.interfaces.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    data = json.loads(out) if "--json" in args and code == 0 else out
    return code, data, err


def test_eligibility_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "eligibility", "--employed", "2019-04-01", "--prior-service", "就労移行支援", "--json")
    assert code == 0
    assert data["eligible"] is True
    assert data["earliest_start"] == "2019-10-01" and data["latest_end"] == "2022-09-30"
    assert data["periods"][0] == {"start": "2019-10-01", "end": "2020-09-30"}
    assert isinstance(data["reasons"], list) and data["sources"][0]["label"]


def test_not_eligible_is_an_answer_with_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "eligibility", "--employed", "H31.4.1", "--prior-service", "移行", "--start", "2019-09-30", "--json")
    assert code == 0 and data["eligible"] is False and data["reasons"]


def test_invalid_date_exits_2_with_japanese_message_naming_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eligibility", "--employed", "2019-02-30", "--prior-service", "移行")
    assert code == 2
    assert "就職日" in err and "存在しない日付" in err and "Traceback" not in err


def test_missing_required_flag_is_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["eligibility", "--prior-service", "移行"])
    assert caught.value.code == 2
    assert "必須の項目" in capsys.readouterr().err


def test_retention_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "retention", "--users", "20", "--retained", "17", "--excluded", "2", "--scale-users", "15", "--json")
    assert code == 0
    assert (data["rate"], data["tier"], data["tier_rank"], data["base_units"]) == ("17/18", "9割以上", 1, 3200)
    assert data["percent"] == "94.44%"


def test_retention_larger_scale_gives_null_units(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = run(capsys, "retention", "--users", "10", "--retained", "5", "--scale-users", "30", "--json")
    assert data["base_units"] is None and data["base_units_note"] == "本通知に記載なし"


def test_staffing_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "staffing", "--users", "105", "--hours", "28", "35", "32", "--fulltime-hours", "40", "--json")
    assert code == 0
    assert data["support_staff_required"] == "2.625"
    assert data["service_managers_required"] == 3
    assert data["fte"] == "2.3" and data["meets"] is False


def test_fee_contract_month_2020_10_uses_the_2019_10_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "fee", "--users", "20", "--retained", "18", "--scale-users", "15", "--addition", "初期加算",
                        "--addition", "企業連携", "--from-other-office", "--support-start", "2019-10-01", "--month", "2020-10", "--json")
    assert code == 0
    assert data["schedule_since"] == "2019-10-01"
    assert data["base_units"] == 3215
    assert data["additions"] == [{"key": "initial", "name": "初期加算", "units": 900}]
    assert data["rejected"][0]["name"] == "企業連携等調整特別加算"
    assert data["total_units"] == 4115
    assert any("加算の単位数は本通知" in warning for warning in data["warnings"])


def test_fee_without_month_keeps_the_notice_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "fee", "--users", "20", "--retained", "18", "--scale-users", "15", "--addition", "初期加算",
                        "--from-other-office", "--json")
    assert code == 0
    assert (data["schedule_since"], data["base_units"], data["total_units"]) == ("2018-04-01", 3200, 4100)


def test_retention_month_2024_04_has_no_scale_and_the_95_percent_tier(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "retention", "--users", "20", "--retained", "19", "--month", "2024-04", "--json")
    assert code == 0
    assert (data["tier"], data["tier_rank"], data["base_units"], data["scale"]) == ("9割5分以上", 1, 3512, "利用者数による区分なし")


def test_retention_month_before_april_2018_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["retention", "--users", "20", "--retained", "19", "--month", "2018-03"])
    assert code == 2
    assert "サービス提供月" in capsys.readouterr().err


def test_fee_without_face_to_face(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = run(capsys, "fee", "--users", "20", "--retained", "18", "--scale-users", "15", "--no-face-to-face", "--json")
    assert data["total_units"] == 0


def test_text_output_is_a_japanese_summary_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "retention", "--users", "20", "--retained", "18")
    assert code == 0 and "就労定着率：18/20" in out and "出典：" in out


def test_first_recalculation_and_new_office(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = run(capsys, "first-recalculation", "--designated", "2018-10-01", "--json")
    assert data["applies_from"] == "2019-10"
    _, data, _ = run(capsys, "new-office", "--designated", "2018-10-01", "--on", "2019-01-01", "--settled-six-months", "7", "--json")
    assert data["fee_users"] == "4.9"


def test_demo_prints_the_notice_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "2019-10-01" in out and "8割以上9割未満" in out


def test_runs_uninstalled_from_the_repository_root_with_python_m() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "calculator")}
    done = subprocess.run([sys.executable, "-m", "teichaku", "retention", "--users", "10", "--retained", "9", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert json.loads(done.stdout)["tier"] == "9割以上"


def test_invalid_input_via_python_m_exits_2_without_traceback() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "calculator")}
    done = subprocess.run([sys.executable, "-m", "teichaku", "staffing", "--users", "abc"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "利用者数" in done.stderr and "Traceback" not in done.stderr
