"""確定した出力（golden）：計算機のベクトルとコマンドラインの答えが tests/golden/*.json と同じであること。

日付・区分・単位数・エラーの項目が変われば、ここで必ず気づく。変更が意図したもの（規則・パラメータの改定）なら
`.venv/bin/python scripts/update_golden.py` で作り直し、`git diff tests/golden` の差分を確かめてからコミットする。
保存する部分（法的に意味のある部分）と時刻に依存しないことの説明は scripts/update_golden.py の docstring にある。
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SHOW = 5  # 違いを表示するベクトルの数（ファイルごと）


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_golden", ROOT / "scripts" / "update_golden.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("update_golden", module)
    spec.loader.exec_module(module)
    return module


update_golden = _load_script()
HINT = (f"意図した変更なら `{update_golden.COMMAND}` で tests/golden を作り直し、"
        "`git diff tests/golden` で差分（日付・区分・単位数・エラーの項目）を確かめてからコミットしてください。")


@pytest.fixture(scope="module")
def computed() -> dict[str, Any]:
    files: dict[str, Any] = update_golden.normalise(update_golden.compute_all())
    return files


def _differences(old: Any, new: Any, path: str = "") -> list[str]:
    """old と new の違う葉（"path: old → new"）。"""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            out += _differences(old.get(key, "（なし）"), new.get(key, "（なし）"), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [line for i, (a, b) in enumerate(zip(old, new, strict=True)) for line in _differences(a, b, f"{path}[{i}]")]
    if old == new:
        return []
    return [f"{path}: {json.dumps(old, ensure_ascii=False)[:200]} → {json.dumps(new, ensure_ascii=False)[:200]}"]


def _report(name: str, stored: list[Any], current: list[Any]) -> str:
    lines = [f"tests/golden/{name}.json が今のコードの出力と違います。"]
    if len(stored) != len(current):
        lines.append(f"件数：保存 {len(stored)} 件 → 今 {len(current)} 件（ベクトルを足した・消した）")
    shown = 0
    for old, new in zip(stored, current, strict=False):
        if old != new and shown < SHOW:
            shown += 1
            label = new.get("argv") or new.get("inputs")
            lines.append(f"- {json.dumps(label, ensure_ascii=False)}")
            lines += [f"    {line}" for line in _differences(old, new)[:10]]
    different = sum(1 for old, new in zip(stored, current, strict=False) if old != new)
    if different > shown:
        lines.append(f"…ほか {different - shown} 件")
    lines.append(HINT)
    return "\n".join(lines)


def test_golden_files_cover_every_calculator_and_the_cli(computed: dict[str, Any]) -> None:
    stored = {path.stem for path in GOLDEN.glob("*.json")}
    assert stored == set(computed), f"保存：{sorted(stored)}、今：{sorted(computed)}。{HINT}"
    assert {"eligibility", "retention", "claim", "staffing", "first_recalculation", "new_office", "roster", "cli"} <= stored
    assert sum(len(entries) for name, entries in computed.items() if name != "cli") >= 800


@pytest.mark.parametrize("name", ["eligibility", "retention", "claim", "staffing", "first_recalculation", "new_office",
                                  "roster", "unknown"])
def test_every_calculator_vector_gives_its_recorded_answer(name: str, computed: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    assert path.exists(), f"{path.relative_to(ROOT)} がありません。{HINT}"
    stored = json.loads(path.read_text(encoding="utf-8"))
    current = computed[name]
    if stored != current:
        pytest.fail(_report(name, stored, current), pytrace=False)


def test_every_cli_invocation_gives_its_recorded_json_and_exit_code(computed: dict[str, Any]) -> None:
    stored = json.loads((GOLDEN / "cli.json").read_text(encoding="utf-8"))
    current = computed["cli"]
    if stored != current:
        pytest.fail(_report("cli", stored, current), pytrace=False)


def test_recorded_cli_examples_include_answers_and_input_errors(computed: dict[str, Any]) -> None:
    codes = {tuple(entry["argv"][:1]): entry["exit_code"] for entry in computed["cli"] if entry["exit_code"] == 0}
    assert {("eligibility",), ("retention",), ("staffing",), ("fee",), ("first-recalculation",), ("new-office",)} <= set(codes)
    errors = [entry for entry in computed["cli"] if entry["exit_code"] == 2]
    assert errors and all(entry["stderr"] and entry["stderr"][-1].startswith(("エラー：", "使い方")) for entry in errors)


def test_golden_files_are_written_in_the_canonical_form(computed: dict[str, Any]) -> None:
    """整列したキー・日本語そのまま・末尾の改行：作り直しで差分が出るのは中身が変わったときだけ。"""
    for path in sorted(GOLDEN.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == update_golden.dump(json.loads(text)), f"{path.name} は手で編集された形です。{HINT}"
