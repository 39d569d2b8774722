"""出典 → サイト内の該当箇所（sources[].href）。

地図の定義はサイトのパッケージ（teichaku_site.links）にあり、ここは wheel に同梱したその写し（site_links.json、
`python -m teichaku_site.links` が書く）を読むだけ。サイトのページを変えたら tests/test_web.py が食い違いを見つける。
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ...rules.citations import Citation
from ..present import reader_text

_PACKAGED = Path(__file__).with_name("site_links.json")


@functools.cache
def _map() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_PACKAGED.read_text(encoding="utf-8"))
    return data


def site_link(citation: Citation) -> str | None:
    """出典のサイト内の該当箇所（サイトの根からの相対パス）。"""
    found = _map()
    if citation.document.key == "notice":
        home: str = found["notice_home"]
        return home if citation.page is None else found["notice_pages"].get(str(citation.page), home)
    path: str | None = found["document_pages"].get(citation.document.key)
    return path


def sources(raw: list[dict[str, Any]], citations: list[Citation]) -> list[dict[str, Any]]:
    """結果の出典（to_dict の形）に、サイト内の該当箇所（href）を添える。

    照合した資料（checked_against）と注（note）は読者に見せる形にする（リポジトリの中の調査記録のパスを除く）。
    """
    out = []
    for data, citation in zip(raw, citations, strict=True):
        item = dict(data)
        for key in ("checked_against", "note"):
            if isinstance(item.get(key), str):
                shown = reader_text(item[key])
                if shown:
                    item[key] = shown
                else:
                    del item[key]
        link = site_link(citation)
        if link:
            item["href"] = link
        out.append(item)
    return out
