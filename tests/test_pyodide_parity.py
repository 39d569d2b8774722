"""Pyodide（Python 3.14、Node.js 上）で、同じビルドの wheel が CPython と同じ答えを返すこと（ベクトルすべて）。"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from teichaku.interfaces.web import run
from vectors import all_vectors, roster_vectors

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def pyodide_results(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert NODE, "Node.js がありません"
    wheels = sorted((built_site / "wheels").glob("*.whl"))
    assert any(w.name.startswith("teichaku-") for w in wheels) and any(w.name.startswith("openpyxl-") for w in wheels)
    vectors = tmp_path_factory.mktemp("parity") / "vectors.json"
    encoded = [[kind, inputs] for kind, inputs in all_vectors()]
    encoded += [[kind, inputs, base64.b64encode(data).decode("ascii")] for kind, inputs, data in roster_vectors()]
    vectors.write_text(json.dumps(encoded, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([NODE, str(ROOT / "tests" / "parity.mjs"), str(vectors), *map(str, wheels)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_pyodide_runs_python_3_14_from_the_site_wheel(pyodide_results: dict[str, Any]) -> None:
    assert pyodide_results["python"].startswith("3.14")
    assert "site-packages" in pyodide_results["location"]
    assert pyodide_results["version"] == version("teichaku")


def test_every_vector_gives_the_same_answer_in_pyodide_as_in_cpython(pyodide_results: dict[str, Any]) -> None:
    vectors = all_vectors()
    assert len(vectors) >= 500
    results = pyodide_results["results"][: len(vectors)]
    assert len(results) == len(vectors)
    different = [(kind, inputs) for (kind, inputs), theirs in zip(vectors, results, strict=True)
                 if json.loads(json.dumps(run(kind, inputs), ensure_ascii=False)) != theirs]
    assert different == []


def test_every_roster_gives_the_same_answer_in_pyodide_as_in_cpython(pyodide_results: dict[str, Any]) -> None:
    rosters = roster_vectors()
    results = pyodide_results["results"][len(all_vectors()):]
    assert len(results) == len(rosters) >= 8
    for (kind, inputs, data), theirs in zip(rosters, results, strict=True):
        ours = json.loads(json.dumps(run(kind, inputs, data), ensure_ascii=False))
        assert ours == theirs, inputs
