"""出典からサイト内の該当箇所へのリンク（サイトのページの地図。ここが唯一の定義）。

計算機の結果の出典（sources[].href）は、ブラウザの中の teichaku（wheel。サイトのパッケージは入らない）が付けるので、
この地図から作った JSON を wheel に同梱する：`teichaku/interfaces/web/site_links.json`。地図を変えたら
`.venv/bin/python -m teichaku_site.links`（calculator/ を PYTHONPATH に）で書き直す。tests/test_web.py が、同梱の JSON が
この地図と同じこと、リンク先のページ（と節）がサイトにあることを確かめる。
"""

from __future__ import annotations

import json
from pathlib import Path

from teichaku.rules.citations import Citation

# 別添の頁 → サイトのページ（と節）。
NOTICE_PAGES: dict[int, str] = {
    5: "background/", 6: "background/", 7: "law/#act", 8: "background/", 9: "law/#guideline",
    10: "overview/#利用期間", 11: "law/#rule", 12: "background/", 13: "overview/",
    14: "fees/", 15: "stats/", 16: "overview/#サービス内容", 17: "law/#rule",
    18: "overview/#人員基準", 19: "overview/#運営基準基準省令第206条の7第206条の9",
    20: "overview/#就労移行支援労働施策との連携", 21: "process/", 22: "notes/", 23: "notes/",
    24: "case/#case-1", 25: "case/#case-2", 26: "case/#case-3", 27: "case/#case-3", 28: "case/#case-4",
    29: "qa/", 30: "qa/#q1", 31: "qa/#q2", 32: "qa/#q3",
}
# 出典の文書 → サイトのページ（本通知以外）。
DOCUMENT_PAGES: dict[str, str] = {
    "act": "law/#act", "rule": "law/#rule", "standards": "law/#基準省令", "guideline": "law/#guideline",
    "civil_code": "about/#計算方法の選択", "fee_notice": "parameters/", "interpretation": "parameters/",
    "fee_kokuji": "parameters/",
}
NOTICE_HOME = "index.html"  # 頁のない本通知の出典

PACKAGED = Path(__file__).resolve().parents[1] / "teichaku" / "interfaces" / "web" / "site_links.json"


def site_link(citation: Citation) -> str | None:
    """出典のサイト内の該当箇所（サイトの根からの相対パス）。"""
    if citation.document.key == "notice":
        return NOTICE_HOME if citation.page is None else NOTICE_PAGES.get(citation.page, NOTICE_HOME)
    return DOCUMENT_PAGES.get(citation.document.key)


def links_json() -> str:
    """wheel に同梱する地図（teichaku.interfaces.web.links が読む形）。"""
    data = {"notice_home": NOTICE_HOME, "notice_pages": {str(page): path for page, path in NOTICE_PAGES.items()},
            "document_pages": DOCUMENT_PAGES}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    PACKAGED.write_text(links_json(), encoding="utf-8")
    print(f"wrote {PACKAGED}")
