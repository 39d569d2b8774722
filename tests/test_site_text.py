"""日本語の読みやすさ（issue 11）：ソースの Markdown の折り返しが、日本語の文字の間の空白として表示されないこと。

規則は CSS Text Module Level 3 の segment break transformation rules（前後の文字がどちらも East Asian Width の
F・W・H でハングルでなければ改行を取り除く）。ソースで書いた空白（「事務連絡 別添」）は残す。
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from teichaku_site import glossary
from teichaku_site.typography import is_wide, join_cjk_line_breaks

_BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure",
          "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label", "legend", "li", "ol", "option", "p",
          "section", "select", "summary", "svg", "table", "td", "th", "tr", "ul"}
_RAW = {"pre", "script", "style", "textarea"}  # 整形済み・スクリプトの中は見ない（インラインの code は文字として見る）


class _Blocks(HTMLParser):
    """ページの本文（article）の文字を、ブロックごとにつないだ文字列にする（インラインの要素はまたぐ）。"""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = [""]
        self.raw = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.raw += tag in _RAW
        if tag in _BLOCK or tag in _RAW:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _RAW:
            self.raw = max(0, self.raw - 1)
        if tag in _BLOCK or tag in _RAW:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self.raw:
            self.blocks[-1] += data


def unmeant_spaces(page_html: str) -> list[str]:
    """日本語の文字の間にある、改行を含む空白（ソースの折り返し）の前後の文字。"""
    article = re.search(r"<article\b.*?</article>", page_html, re.S)
    parser = _Blocks()
    parser.feed(article.group(0) if article else "")
    found = []
    for block in parser.blocks:
        for match in re.finditer(r"(\S)(\s+)(?=(\S))", block):
            if "\n" in match.group(2) and is_wide(match.group(1)) and is_wide(match.group(3)):
                found.append(block[max(0, match.start() - 10): match.end() + 10])
    return found


def test_index_paragraph_reads_without_a_space_where_the_source_wraps() -> None:
    # docs/index.md：「…働き続けられるよう⏎企業・家族・関係機関との…」
    assert join_cjk_line_breaks("<p>働き続けられるよう\n企業・家族</p>") == "<p>働き続けられるよう企業・家族</p>"


def test_line_break_is_joined_across_inline_elements_and_list_indentation() -> None:
    assert join_cjk_line_breaks("<li>ジョブコーチと\n   <abbr title=\"x\">職場適応援助者</abbr></li>") == \
        "<li>ジョブコーチと<abbr title=\"x\">職場適応援助者</abbr></li>"
    assert join_cjk_line_breaks("<p>と、\n<a href=\"a/\">計算機</a>で</p>") == "<p>と、<a href=\"a/\">計算機</a>で</p>"


@pytest.mark.parametrize("html_text", [
    "<pre><code>就労\n定着</code></pre>",     # コードの中は変えない
    "<p>就労</p>\n<p>定着</p>",             # ブロックの境界
    "<p>就労<br>\n定着</p>",                # 明示の改行
    "<p>Pyodide\nで動く</p>",              # 片方が欧文（CSS の規則どおり空白を残す）
    "<p>2019年\n10月</p>",                 # 片方が半角数字
    "<p>事務連絡 別添</p>",                 # ソースで書いた空白
])
def test_meant_spaces_and_code_are_kept(html_text: str) -> None:
    assert join_cjk_line_breaks(html_text) == html_text


def test_the_checker_finds_a_source_line_break_between_japanese_characters() -> None:
    page = "<article><p>働き続けられるよう\n企業</p><p>利用者数 必須</p></article>"
    assert unmeant_spaces(page) == ["働き続けられるよう\n企業"]


def test_no_built_page_has_a_space_between_japanese_characters_from_a_source_line_break(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    found = {str(page.relative_to(built_site)): unmeant_spaces(page.read_text(encoding="utf-8")) for page in pages}
    assert {page: spaces for page, spaces in found.items() if spaces} == {}


def test_built_index_joins_the_wrapped_first_paragraph(built_site: Path) -> None:
    html_text = (built_site / "index.html").read_text(encoding="utf-8")
    assert "働き続けられるよう企業・家族" in html_text


# ---- 用語集の説明（abbr）----

def test_glossary_matches_the_longest_term_first() -> None:
    # 「就労定着支援員」は一つの用語。「就労定着支援」＋「員」にしない。
    out = glossary.add_abbreviations("<p>就労定着支援員を置く。</p>")
    assert ">就労定着支援員</abbr>を置く" in out and ">就労定着支援</abbr>" not in out


def test_a_shorter_term_is_not_found_inside_a_longer_one_already_explained() -> None:
    out = glossary.add_abbreviations("<p>就労定着支援員を置く。</p><p>就労定着支援員の数。就労定着支援を使う。</p>")
    assert out.count(">就労定着支援員</abbr>") == 1
    assert "就労定着支援員の数。<abbr" in out and ">就労定着支援</abbr>を使う" in out
    out = glossary.add_abbreviations("<p>暫定支給決定を経ずに支給決定する。</p>")
    assert ">暫定支給決定</abbr>を経ずに<abbr" in out and ">支給決定</abbr>する" in out


def test_glossary_explanations_are_reachable_by_keyboard_and_touch(built_site: Path) -> None:
    html_text = (built_site / "overview" / "index.html").read_text(encoding="utf-8")
    abbrs = re.findall(r"<abbr\b[^>]*>", html_text)
    assert abbrs and all('tabindex="0"' in tag and 'title="' in tag for tag in abbrs)
