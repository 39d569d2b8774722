"""issue 18 の11・13：利用者が読むページと検索結果に、リポジトリの中身（パス、モジュール名、パラメータのキー、
入力項目のキー）を出さない。検索結果の「Q&;A」（索引の文字参照の中に強調が入る）も出さない。

ビルドしたサイトの各ページの本文（article の見える文字。属性・スクリプトは除く）と、検索の索引
（search/search_index.json の title と text）を調べる。
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from teichaku.interfaces.web import FORMS

# 利用者に見せない書き方：リポジトリのパス、Python のモジュール、パラメータのファイル・キー
INTERNAL = [
    re.compile(r"\bsources/"),
    re.compile(r"\b(?:calculator|scripts|tests|docs)/[\w./-]+"),
    re.compile(r"\bteichaku(?:_site)?\.[a-z_]+"),
    re.compile(r"\b[\w-]+\.(?:toml|py|md)\b"),
    # パラメータのキー（periods.wait_months など）。ドメイン名（…-office.com）は除く
    re.compile(r"(?<![\w.\-/])(?:periods|retention|fees|staffing|office|new_office|eligibility|items|claim_items|documents|law)"
               r"\.(?!(?:com|jp|org|net|go|lg|or|ne|ac|co)\b)[a-z][a-z0-9_]{2,}"),
]
# 計算機の入力項目のキー（共有リンクの中にはあるが、文字として見せない）。「_」を含むものだけ（users などは普通の語）
FIELD_KEYS = sorted({field.key for fields in FORMS.values() for field in fields if "_" in field.key})


class _Text(HTMLParser):
    """article の中の見える文字（script・style・template の中と、属性は読まない）。"""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += 1 if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "source") else 0
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            self.depth -= 1
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def visible_text(html_text: str) -> str:
    parser = _Text()
    parser.feed(html_text)
    return " ".join(parser.parts)


def findings(text: str) -> list[str]:
    found = [m.group(0) for pattern in INTERNAL for m in pattern.finditer(text)]
    found += [key for key in FIELD_KEYS if re.search(rf"(?<![\w/#&=]){re.escape(key)}(?!\w)", text)]
    return sorted(set(found))


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if not p.relative_to(site).as_posix().startswith(("assets/", "pyodide/", "wheels/")))


def test_the_patterns_find_what_the_issue_saw() -> None:
    assert findings("出典：sources/current-regime.md 1a・1b") == ["current-regime.md", "sources/"]
    assert findings("名簿の計算方法は teichaku.roster の説明") == ["teichaku.roster"]
    assert findings("periods.job_change_reemployment_months") == ["periods.job_change_reemployment_months"]
    assert "face_to_face" in findings("face_to_face=on")
    assert findings("令和6年度の Q&A、別添 p.14、第5条第15項、https://example-office.com/") == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key not in ("data", "inputs", "link", "fields") for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def test_calculator_results_hide_repository_internals() -> None:
    """計算機の結果（画面と算定根拠書に出る文：判定・要約・手順・出典）。研修の問題と、今と本通知の時代の請求。"""
    from teichaku.interfaces.web import run
    from teichaku_site import training

    cases = [(case.kind, case.input_dict()) for exercise in training.exercises() for case in exercise.cases]
    cases += [("claim", {"month": "2026-11", "users": "18", "retained": "16", "additions": ["就労定着実績体制加算"],
                         "track_record_ended": "10", "track_record_retained": "8", "info_unreported": "on"}),
              ("claim", {"month": "2019-11", "users": "20", "retained": "18", "scale_users": "15", "additions": ["初期加算"],
                         "from_other_office": "on", "support_start": "2019-10-01"})]
    found = {}
    for kind, inputs in cases:
        result = run(kind, inputs)
        hits = findings(" ".join(_strings({k: v for k, v in result.items() if k != "kind"})))
        if hits:
            found[f"{kind} {inputs.get('month', '')}"] = hits
    assert found == {}


def test_search_results_hide_repository_internals_and_show_ampersands_whole(built_site: Path) -> None:
    data = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {}
    for doc in data["docs"]:
        text = visible_text(f"<article>{doc.get('title', '')} {doc.get('text', '')}</article>")
        hits = findings(text)
        if hits:
            found[doc["location"]] = hits
        # 強調（部分一致）が文字参照「&amp;」の中に入ると「Q&;A」と出る：文の中の & は文字参照にしない
        assert "Q&amp;A" not in doc.get("text", "") and "Q&amp;A" not in doc.get("title", ""), doc["location"]
    assert found == {}


@pytest.mark.parametrize("text, expected", [
    ("Q&amp;A", "Q&A"), ("R6 Q&amp;A VOL.1", "R6 Q&A VOL.1"), ("a &amp;lt; b", "a &amp;lt; b"), ("&amp;#38;", "&amp;#38;"),
    ("&lt;p&gt;", "&lt;p&gt;"),
])
def test_plain_ampersands_only_where_no_reference_can_form(text: str, expected: str) -> None:
    from teichaku_site.typography import plain_ampersands

    assert plain_ampersands(text) == expected
