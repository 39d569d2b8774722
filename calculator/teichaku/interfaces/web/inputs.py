"""フォームの入力（項目キー → 文字列・真偽・リスト）の読み方。"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(inputs: Mapping[str, Any], key: str) -> str:
    value = inputs.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value).strip()


def optional(inputs: Mapping[str, Any], key: str) -> str | None:
    found = text(inputs, key)
    return found or None
