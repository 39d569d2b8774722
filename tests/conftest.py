"""共通の fixture。"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "calculator" / "teichaku" / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """パッケージの data/ の複製（壊したファイルでローダーを試すため）。"""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


# Hypothesis：CI では毎回同じ例を試す（derandomize）。探索を広げるときは
# `pytest --hypothesis-profile=explore` で無作為に多くの例を試す。
settings.register_profile("ci", derandomize=True, max_examples=300, print_blob=True)
settings.register_profile("explore", max_examples=5000, print_blob=True)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mkdocs build --strict したサイト（Pyodide・wheel・service worker を含む）。"""
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return target
