"""自然な問い合わせの日本語検索：市町村の職員が打つ語で、答えの節が上位に出る（転職・離職、いつから利用、本通知の後の取扱い）。"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser  # 名前に _browser がないファイル：区分をここでも明示する

from test_site_browser import _search  # noqa: E402


@pytest.mark.parametrize(("query", "expected"), [
    ("転職", "/overview/#転職離職"),
    ("離職", "/overview/#転職離職"),
    ("転職したら", "/overview/#転職離職"),
    ("いつから利用", "/overview/#利用期間"),
    # 本通知の後の取扱い（issue 19）：今の制度のページの節が上位に出る
    ("就労選択支援", "/today/#就労選択支援"),
    ("支援レポート", "/today/#支援レポート"),
    ("基礎的研修", "/today/#基礎的研修"),
    ("一時的に利用", "/today/#一時的な利用"),
])
def test_natural_queries_find_the_section(base_url: str, browser: Any, query: str, expected: str) -> None:
    hrefs = _search(browser, base_url, query)
    sections = [unquote(urlsplit(h).path.removeprefix("/guide") + ("#" + urlsplit(h).fragment if urlsplit(h).fragment else ""))
                for h in hrefs]
    assert expected in sections[:4], sections[:6]  # 上位（ページとその節、研修の配布資料と並ぶ）
