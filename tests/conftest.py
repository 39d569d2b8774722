"""共通の fixture。"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

DATA = Path(__file__).resolve().parents[1] / "calculator" / "teichaku" / "data"


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
