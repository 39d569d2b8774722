"""共通の fixture。"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "calculator" / "teichaku" / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """パッケージの data/ の複製（壊したファイルでローダーを試すため）。"""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
