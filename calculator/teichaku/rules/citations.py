"""出典（根拠）の表現。

各パラメータの値と各計算ステップは Citation を持つ。文書の正式名称と URL は data/documents.toml にある。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Document:
    """出典文書（通知・法令・告示）。"""

    key: str
    title: str
    short: str
    url: str | None = None
    date: _dt.date | None = None


@dataclass(frozen=True)
class Citation:
    """出典の一か所：文書・箇所・頁・短い引用。

    confidence と checked_against は、本通知以外から得た値（リポジトリの sources/secondary.md）について、
    確度と照合した二次情報を記録する。note は抽出テキストの誤り訂正などの注。
    """

    document: Document
    section: str
    quote: str
    page: int | None = None
    confidence: str | None = None
    checked_against: str | None = None
    note: str | None = None

    @cached_property
    def label(self) -> str:
        """表示用の短い出典表記（例：「事務連絡 別添 p.14 Ⅱ 就労定着支援の概要 …」）。"""
        page = f" p.{self.page}" if self.page is not None and self.document.key == "notice" else ""
        return f"{self.document.short}{page} {self.section}"

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "label": self.label,
            "document": self.document.title,
            "section": self.section,
            "page": self.page,
            "quote": self.quote,
        }
        if self.document.url:
            data["url"] = self.document.url
        if self.confidence:
            data["confidence"] = self.confidence
        if self.checked_against:
            data["checked_against"] = self.checked_against
        if self.note:
            data["note"] = self.note
        return data
