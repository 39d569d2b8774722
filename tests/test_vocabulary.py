"""一つの考えに一つの用語（issue 19）：用語集（teichaku_site/data/glossary.toml）が各用語の「使わない言い方」を持ち、
作ったサイトのどのページにも（「」の引用の中を除いて）それが出てこないこと。数字は半角で書くこと。

本通知の言葉を本通知のとおりに引くときは「」で囲む（例：本通知の言葉では「個別支援計画」）。その中は調べない。
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

from teichaku.rules.dates import date_text
from teichaku.rules.params import default_parameters
from teichaku_site import glossary

# 他の担当のファイル（計算機のフォーム・研修のページ・データの説明文）から生成される文で、まだ直っていないもの。
# ページ（サイトの根からの場所）→ その中に残っている使わない言い方。ここにないものが見つかればテストは失敗する。
PENDING: dict[str, set[str]] = {}  # 空：計算機のフォームと研修も「就労が継続している者」
# 全角数字が残っているページ：研修の配布資料（training.py が示す、計算機の結果の出典のラベル「６月の数え方の例」「※２」）。
# データの説明文と出典の箇所から作る表（tables）は、数字を半角にして示す（present.reader_text・half_width_digits）。
PENDING_DIGITS: set[str] = set()  # 空：出典の箇所の名も半角（引用そのものは本通知のまま）

QUOTED = re.compile(r"「[^「」]*」")
FULLWIDTH_DIGITS = re.compile(r"[０-９]+")


def _article_text(page_html: str) -> str:
    """ページの本文（article）の、人に見える文字（タグを除き、title 属性も含めない）。"""
    found = re.search(r"<article\b.*?</article>", page_html, re.S)
    body = found.group(0) if found else ""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def unquoted(text: str) -> str:
    """「」で囲んだ引用を除いた文（入れ子の引用は内側から順に除く）。"""
    previous = None
    while previous != text:
        previous, text = text, QUOTED.sub("", text)
    return text


def built_texts(site: Path) -> dict[str, str]:
    """サイトの根からの場所（"overview/" など）→ 本文の文字。検索の索引の文も同じ場所に加える。"""
    texts: dict[str, str] = {}
    for page in sorted(site.rglob("index.html")):
        location = str(page.parent.relative_to(site)).replace("\\", "/")
        location = "" if location == "." else location + "/"
        if location.startswith(("pyodide", "wheels", "search")):
            continue
        texts[location] = _article_text(page.read_text(encoding="utf-8"))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        location = doc["location"].split("#")[0]
        texts[location] = texts.get(location, "") + "\n" + html.unescape(re.sub(r"<[^>]+>", "", doc["title"] + " " + doc["text"]))
    return texts


def test_the_quote_rule_keeps_the_notices_words_and_finds_ours() -> None:
    assert "個別支援計画" not in unquoted("就労定着支援計画（本通知の言葉では「個別支援計画」）")
    assert "就労継続者" in unquoted("前年度末日の就労継続者17人")
    assert unquoted("「外「内」外」と") == "と"


def test_each_variant_names_one_term_and_is_not_itself_a_term() -> None:
    terms = glossary.terms()
    names = {term.term for term in terms}
    variants = [variant for term in terms for variant in term.variants]
    assert len(variants) == len(set(variants))
    assert not names & set(variants)
    assert {"就労継続者", "就労定着者", "個別支援計画", "障害者就労・生活支援センター"} <= set(variants)


def test_glossary_states_the_notices_own_term_where_it_differs(built_site: Path) -> None:
    text = _article_text((built_site / "glossary" / "index.html").read_text(encoding="utf-8"))
    assert "本通知の言い方：個別支援計画" in text
    assert "このサイトでは使わない言い方：「就労継続者」、「就労定着者」" in text


def test_no_built_page_uses_a_variant_outside_a_quotation(built_site: Path) -> None:
    found: dict[str, set[str]] = {}
    for location, text in built_texts(built_site).items():
        if location in {"glossary/", "hosting/"}:  # 用語集は使わない言い方そのものを示す。サーバーに置く手順は制度の文ではない
            continue
        plain = unquoted(text)
        for term in glossary.terms():
            for variant in term.variants:
                if variant in plain:
                    found.setdefault(location, set()).add(variant)
    unexpected = {page: words - PENDING.get(page, set()) for page, words in found.items()}
    assert {page: words for page, words in unexpected.items() if words} == {}


def test_no_built_page_writes_digits_in_full_width_outside_a_quotation(built_site: Path) -> None:
    found = {}
    for location, text in built_texts(built_site).items():
        if location in PENDING_DIGITS:
            continue
        digits = FULLWIDTH_DIGITS.findall(unquoted(text))
        if digits:
            found[location] = digits[:5]
    assert found == {}


def test_the_guide_pages_use_one_term_for_those_who_kept_working() -> None:
    # 就労定着率の分子は「就労が継続している者」（本通知 問1・問2 の言葉）。ガイドの Markdown に別の言い方がない。
    docs = Path(__file__).resolve().parents[1] / "docs"
    for page in docs.glob("*.md"):
        plain = unquoted(page.read_text(encoding="utf-8"))
        assert "就労継続者" not in plain and "就労定着者" not in plain, page.name


def test_the_glossary_dates_the_article_from_the_data() -> None:
    params = default_parameters()
    text = glossary.dated_text("act.teichaku_article", params)
    for value in params.get("act.teichaku_article").values:
        assert f"{value.value}（{date_text(value.since)}から" in text
    assert f"{date_text(dt.date(2025, 9, 30))}まで" in text and "確度：中" in text
    definition = next(term.definition for term in glossary.terms() if term.term == "就労定着支援")
    assert text in definition and "{dated:" not in definition


def test_a_revision_of_the_article_changes_the_glossary_without_editing_it(data_copy: Path) -> None:
    # 架空の改正（2030年4月1日から第5条第17項）をデータにだけ加えると、用語集の文がその日付とともに変わる。
    from teichaku.rules.params import load_parameters

    act = data_copy / "act.toml"
    act.write_text(act.read_text(encoding="utf-8") + (
        '\n[[teichaku_article.values]]\nsince = 2030-04-01\nvalue = "第5条第17項"\n'
        'source = { doc = "act", section = "架空の改正", quote = "（試験用）", confidence = "low", checked_against = "試験" }\n'),
        encoding="utf-8")
    text = glossary.dated_text("act.teichaku_article", load_parameters(data_copy))
    assert f"第5条第16項（{date_text(dt.date(2025, 10, 1))}から{date_text(dt.date(2030, 3, 31))}まで。確度：中）" in text
    assert text.endswith(f"第5条第17項（{date_text(dt.date(2030, 4, 1))}から。確度：低）")
