"""ガイドの文：日本語の読みやすさ（issue 11）と、出典・内部の言葉・日付のある記述（issue 19）。

- 読みやすさ：ソースの Markdown の折り返しが、日本語の文字の間の空白として表示されないこと。規則は CSS Text Module
  Level 3 の segment break transformation rules（前後の文字がどちらも East Asian Width の F・W・H でハングルでなければ
  改行を取り除く）。ソースで書いた空白（「事務連絡 別添」）は残す。
- 出典（issue 19）：出典の行は文書の公開のアドレスを示すか「公開の所在は未確認」と書く。読者のページと検索の索引に
  リポジトリの中の言葉（パス・データのキー・モジュール名）を出さない。ガイドのアドレスはすべて調べた記録にある。
  日付で変わる目標・要件の記述はデータと一致する。
"""

from __future__ import annotations

import datetime as dt
import html as _html
import json as _json
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


def test_no_glossary_tab_stop_sits_between_form_fields() -> None:
    """計算機のフォームの中（項目の説明）には用語の説明を付けない：Tab は項目から項目へ（issue 18 の13）。"""
    out = glossary.add_abbreviations('<form class="calc"><p class="calc-hint">サービス管理責任者の数</p></form>'
                                     "<p>サービス管理責任者を置く。</p>")
    assert "<form" in out and "<abbr" not in out.split("</form>")[0]
    assert '>サービス管理責任者</abbr>を置く' in out


def test_calculator_forms_have_no_glossary_tab_stops(built_site: Path) -> None:
    for page in sorted((built_site / "calc").glob("*/index.html")):
        forms = re.findall(r"<form\b.*?</form>", page.read_text(encoding="utf-8"), re.S)
        assert all("<abbr" not in form for form in forms), page


def test_glossary_explanations_are_reachable_by_keyboard_and_touch(built_site: Path) -> None:
    html_text = (built_site / "overview" / "index.html").read_text(encoding="utf-8")
    abbrs = re.findall(r"<abbr\b[^>]*>", html_text)
    assert abbrs and all('tabindex="0"' in tag and 'title="' in tag for tag in abbrs)


# ---- 出典と、読者に見せない内部の言葉（issue 19）----

SOURCE_LINE = re.compile(r'<p class="page-source">(.*?)</p>', re.S)
NOT_FOUND = "公開の所在は未確認"
NOT_AN_INSTRUMENT = "本通知の内容ではありません"  # このサイト自身の説明（実装・調べ方）。文書を出典としない
# 出典の行が、他の担当のファイル（計算機のページ docs/calc/、研修のページ docs/training/ と training.py の結果の出典の
# ラベル）にあって、まだ直っていないもの：ページ → 行の数（本通知の頁だけを挙げ、「公開の所在は未確認」がない）。
# パラメータの出典（tables.cite）から作る行は、文書の公開のアドレスか「公開の所在は未確認」を必ず示す。
PENDING_SOURCES: dict[str, int] = {}  # 空：どのページの出典の行も、公開のアドレスか「公開の所在は未確認」を示す

# 読者のページに出してはいけない、リポジトリの中の言葉（パス・データのファイルとキー・モジュール名・コマンド）
INTERNAL = [
    re.compile(r"sources/"), re.compile(r"\.toml\b"), re.compile(r"calculator/"), re.compile(r"teichaku"),
    re.compile(r"face_to_face|support_report"), re.compile(r"\bfloor\b"), re.compile(r"サイトの根からのパス"),
    re.compile(r"\bCLI\b"), re.compile(r"コマンドライン"), re.compile(r"このツール"), re.compile(r"Python パッケージ"),
    re.compile(r"\b[a-z]+\.[a-z]+_[a-z_]+\b"),  # パラメータのキー（fees.company_coordination_months など）
]
NOT_USER_PAGES = {"hosting/"}  # サイトを置く人のための手順（スクリプト名・フォルダー名を示すのが目的）
# 他の担当のファイルにある文で、まだ直っていないもの：ページ → 見つかる言葉（INTERNAL の型の文字列）
PENDING_INTERNAL: dict[str, set[str]] = {
    "calc/": {r"teichaku"},                          # docs/calc/index.md「Python のコード（`teichaku`）」
    "calc/roster/": {r"このツール"},                 # docs/calc/roster.md「このツールは同じ条件で扱います」
}


def _user_pages(site: Path) -> dict[str, str]:
    pages = {}
    for page in sorted(site.rglob("index.html")):
        location = str(page.parent.relative_to(site)).replace("\\", "/")
        location = "" if location == "." else location + "/"
        if location.startswith(("pyodide", "wheels", "search")) or location in NOT_USER_PAGES:
            continue
        pages[location] = page.read_text(encoding="utf-8")
    return pages


def _visible(page_html: str) -> str:
    found = re.search(r"<article\b.*?</article>", page_html, re.S)
    body = re.sub(r"<(script|style)\b.*?</\1>", "", found.group(0) if found else "", flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", "", body))


def test_every_source_line_names_an_address_or_says_it_was_not_found(built_site: Path) -> None:
    # 出典の行は、文書の公開のアドレス（リンク）を示すか、「公開の所在は未確認」と書く（このサイト自身の説明は除く）。
    missing: dict[str, list[str]] = {}
    for location, page_html in _user_pages(built_site).items():
        for line in SOURCE_LINE.findall(page_html):
            if 'href="http' in line or NOT_FOUND in line or NOT_AN_INSTRUMENT in line:
                continue
            missing.setdefault(location, []).append(_html.unescape(re.sub(r"<[^>]+>", "", line))[:60])
    assert {page: lines for page, lines in missing.items() if len(lines) > PENDING_SOURCES.get(page, 0)} == {}


def test_no_user_page_or_search_entry_shows_a_repository_path_or_internal_word(built_site: Path) -> None:
    texts = {location: _visible(page_html) for location, page_html in _user_pages(built_site).items()}
    index = _json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        location = doc["location"].split("#")[0]
        if location not in NOT_USER_PAGES:
            texts[location] = texts.get(location, "") + "\n" + _html.unescape(doc["title"] + " " + doc["text"])
    found: dict[str, set[str]] = {}
    for location, text in texts.items():
        for pattern in INTERNAL:
            if pattern.search(text):
                found.setdefault(location, set()).add(pattern.pattern)
    unexpected = {page: words - PENDING_INTERNAL.get(page, set()) for page, words in found.items()}
    assert {page: words for page, words in unexpected.items() if words} == {}


def test_the_internal_word_check_finds_what_it_should() -> None:
    text = "出典：sources/current-regime.md 1a、CLI では teichaku roster、fees.company_coordination_months"
    hits = {pattern.pattern for pattern in INTERNAL if pattern.search(text)}
    assert {r"sources/", r"teichaku", r"\bCLI\b", r"\b[a-z]+\.[a-z]+_[a-z_]+\b"} <= hits
    assert not any(pattern.search("https://www.mhlw.go.jp/stf/newpage_36435.html の資料") for pattern in INTERNAL[:-1])


def test_every_address_on_the_guide_pages_is_recorded_in_the_sources() -> None:
    # ガイドに書いたアドレスは、調べた記録（sources/）か出典文書の一覧（documents.toml）にある：推測で作ったアドレスはない。
    root = Path(__file__).resolve().parents[1]
    recorded = "".join(path.read_text(encoding="utf-8") for path in (root / "sources").glob("*.md"))
    recorded += (root / "calculator" / "teichaku" / "data" / "documents.toml").read_text(encoding="utf-8")
    unknown = set()
    for page in (root / "docs").glob("*.md"):
        if page.name == "hosting.md":
            continue
        for url in re.findall(r"\]\((https?://[^)\s]+)\)|href=\"(https?://[^\"]+)\"", page.read_text(encoding="utf-8")):
            address = url[0] or url[1]
            if address not in recorded:
                unknown.add((page.name, address))
    assert unknown == set()


def test_the_documents_appended_for_the_later_instruments_load_with_their_addresses() -> None:
    import tomllib

    from teichaku.rules.params import load_parameters

    load_parameters()  # 追記した documents.toml をローダーが読める（知らない項目・重複がない）
    root = Path(__file__).resolve().parents[1]
    documents = tomllib.loads((root / "calculator" / "teichaku" / "data" / "documents.toml").read_text(encoding="utf-8"))
    for key in ("jeed_handbook", "bukai_133", "bukai_138", "bukai_147", "fukushoku_r6", "koyo_act"):
        assert documents[key]["url"].startswith("https://"), key
    for key in ("jissi_r3", "qa_r6_vol2", "sentaku_manual", "kokuji_r7_89"):  # 公開の所在が見つからなかった文書
        assert "url" not in documents[key], key


def test_the_plan_targets_on_law_and_background_are_the_dated_table_generated_from_the_data(built_site: Path) -> None:
    # 第5期の目標は本通知の文として日付を付け、計画の期間ごとの目標はデータから生成した表で示す（手で書き写さない）。
    from teichaku.interfaces.present import reader_text
    from teichaku.rules.params import default_parameters
    from teichaku_site import tables

    params = default_parameters()
    for location in ("law", "background"):
        text = _visible((built_site / location / "index.html").read_text(encoding="utf-8"))
        for name in ("retention.goal", "retention.goal_office_rate", "retention.goal_office_share", "retention.goal_users_growth"):
            parameter = params.get(name)
            for value in parameter.values:
                shown = f"{reader_text(parameter.description)}{tables.show(value, parameter)}{tables.period(value)}"
                assert shown in text.replace("\n", ""), \
                    (location, name, value.since)
    law = _visible((built_site / "law" / "index.html").read_text(encoding="utf-8"))
    assert "第5期（2018年度〜2020年度）は、支援開始1年後の職場定着率8割以上" in law


def test_the_billing_condition_dates_on_the_today_page_match_the_data(built_site: Path) -> None:
    # 今の制度の「基本報酬を算定できる月」の表の日付は、パラメータ fees.billing_condition の日付と同じ（ずれたら失敗する）。
    from teichaku.rules.params import default_parameters

    text = _visible((built_site / "today" / "index.html").read_text(encoding="utf-8")).replace("\n", "")
    values = default_parameters().get("fees.billing_condition").values
    assert [value.value for value in values] == ["face_to_face", "support_report"]
    first, second = values
    assert second.until is None and first.until == second.since
    last = first.until - dt.timedelta(days=1)
    assert f"{first.since.year}年{first.since.month}月" in text and f"〜{last.year}年{last.month}月" in text
    assert f"{second.since.year}年{second.since.month}月（令和{second.since.year - 2018}年{second.since.month}月）から支援レポート" in text


def test_the_print_footer_names_the_notice_only_on_pages_that_cite_it(built_site: Path) -> None:
    # 印刷の欄外の出典は「各節の出典欄」を指す。本通知の題名を添えるのは、出典の行に本通知（別添）を挙げるページだけ。
    footer = re.compile(r'<div class="print-footer"[^>]*>(.*?)</div>', re.S)
    for location, page_html in _user_pages(built_site).items():
        found = footer.search(page_html)
        assert found, location
        text = _html.unescape(found.group(1)).split(" ／ ")[0]
        lines = [re.sub(r"<[^>]+>", "", line) for line in SOURCE_LINE.findall(page_html)]
        cites_notice = any("本通知" in line or "別添" in line for line in lines)
        assert text.startswith("出典：各節の出典欄のとおり" if lines else "出典：このページの本文のとおり"), location
        assert ("就労定着支援の円滑な実施について" in text) == cites_notice, location
    today = _html.unescape(footer.search((built_site / "today" / "index.html").read_text(encoding="utf-8")).group(1))
    assert today.startswith("出典：各節の出典欄のとおり（本通知は「就労定着支援の円滑な実施について（平成31年3月29日")


def test_the_print_footer_of_a_page_without_the_notice_does_not_name_it() -> None:
    from teichaku_site.hooks import print_sources

    later = '<p class="page-source">出典：<a href="https://www.mhlw.go.jp/stf/newpage_59173.html">障害者部会 第147回</a></p>'
    assert print_sources(later) == "出典：各節の出典欄のとおり"
    assert "平成31年3月29日" in print_sources('<p class="page-source">出典：本通知（公開の所在は未確認）別添 p.29</p>')
    assert print_sources("<p>本文だけ</p>") == "出典：このページの本文のとおり"


def test_a_stacked_table_cell_keeps_its_sentence_in_one_piece_on_a_phone() -> None:
    """狭い画面で表を縦に積むとき、セルの中身は一つの要素：強調（strong）が見出しの列に割れない（issue 18 の13、名簿の「転職」）。"""
    from teichaku_site.responsive import label_cells

    out = label_cells("<table><thead><tr><th>列</th><th>入れるもの</th></tr></thead><tbody><tr><td>転職</td>"
                      "<td>離職の後に<strong>再就職した日</strong>（日付）</td></tr></tbody></table>")
    assert '<td data-label="入れるもの"><span class="cell">離職の後に<strong>再就職した日</strong>（日付）</span></td>' in out
