"""ガイドサイト：ビルド（--strict）、データから生成した表がデータと一致すること、各ページの出典と問のアンカー、
料金の数値を手で書いていないこと（markdown-it-py で全ページを解析）。"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from teichaku.interfaces.present import reader_text
from teichaku.rules.dates import date_text
from teichaku.rules.params import default_parameters
from teichaku_site import dispatch, tables

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
NOT_GUIDANCE = {"hosting.md"}  # 自分のサーバーに置く手順（法令・本通知の記載はない）


def test_site_builds_strict_with_every_page(built_site: Path) -> None:
    for page in PAGES:
        name = page.stem
        path = built_site / ("index.html" if name == "index" else f"{name}/index.html")
        assert path.exists(), path


def test_base_fee_table_equals_the_parameter_data() -> None:
    table = tables.base_fee()
    schedule = default_parameters().value("fees.base_fee", dt.date(2019, 3, 29))
    rows = [line for line in table.splitlines() if line.startswith("| ") and "割" in line.split("|")[1]]
    assert len(rows) == len(schedule.rows)
    for line, (tier, units) in zip(rows, schedule.rows, strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[0] == schedule.labels[tier]  # 報酬表の行は区分キー、表は区分の表示名
        assert cells[2] == f"{units['20以下']:,}単位／月"
        assert cells[3] == cells[4] == "本通知に記載なし"


def test_additions_table_lists_every_dated_value_of_the_registry() -> None:
    from teichaku.rules.params import registry

    table = tables.additions()
    for item in registry().items:
        for value in item.values:
            name = re.escape(value.name or item.name)
            since = re.escape(date_text(value.since))
            shown = "（この日から廃止・なし）" if value.ended else (
                f"{value.units:,}単位" if value.units is not None else ("所定単位数の" if value.rate is not None else
                                                                      "減算が適用された" if value.steps else
                                                                      value.formula if value.formula else
                                                                      "適用しない" if value.exempt else "記載なし（未確認）"))
            assert re.search(rf"\| {name}（(加算|減算)） \| {since}から[^|]* \| {re.escape(shown)}", table), (item.key, value.since)


def test_today_tables_name_the_date_and_the_schedule() -> None:
    from teichaku_site import today

    text = today.current_fee(on=dt.date(2026, 11, 30))
    assert "このページの生成日 2026年11月30日（令和8年11月30日）" in text and "令和6年度報酬改定" in text and "3,512単位" in text
    assert "反映していません" in text
    old = today.current_fee(on=dt.date(2019, 4, 1))
    assert "平成30年度報酬（本通知）" in old and "反映していません" not in old
    items = today.current_items(on=dt.date(2026, 11, 30))
    assert "地域連携会議実施加算（Ⅰ）" in items and "企業連携等調整特別加算" not in items
    assert today.article_today(on=dt.date(2025, 9, 30)).startswith("障害者総合支援法第5条第15項")
    assert today.article_today(on=dt.date(2025, 10, 1)).startswith("障害者総合支援法第5条第16項")


def test_parameter_table_lists_every_parameter() -> None:
    table = tables.parameters()
    for parameter in default_parameters().all():
        assert f"| {reader_text(parameter.description)} | " in table, parameter.name


def test_unknown_placeholder_fails_the_build() -> None:
    with pytest.raises(dispatch.UnknownPlaceholder):
        dispatch.fill("{{ teichaku:no_such_table }}", "test.md")
    with pytest.raises(dispatch.UnknownPlaceholder):
        dispatch.fill("{{ teichaku:Bad-Name }}", "test.md")


def test_built_fee_page_shows_the_generated_table(built_site: Path) -> None:
    html = (built_site / "fees" / "index.html").read_text(encoding="utf-8")
    assert "3,200単位／月" in html and "本通知に記載なし" in html
    assert "{{" not in html


def _inline_text(path: Path) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    found = []
    for token in tokens:
        if token.type == "inline":
            line = token.map[0] + 1 if token.map else 0
            found.append((line, token.content))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_section_cites_its_passage(page: Path) -> None:
    # 見出し（h2）ごとの区切りに、別添の頁か本通知への出典行がある（サーバーに置く手順のページは制度の解説ではない）。
    if page.name in NOT_GUIDANCE:
        pytest.skip("制度の解説ではないページ")
    text = page.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    for section in sections[1:] if len(sections) > 1 else sections:
        title = section.splitlines()[0]
        nested = "\n## " in section
        if nested:
            continue
        # 本通知の頁か、本通知より後の規則の文書（報酬告示・留意事項通知・改定の概要、sources/ の記録）を挙げる
        assert re.search(r"出典：.*(別添|本通知|報酬告示|留意事項通知|改定の概要|sources/)", section), f"{page.name}: 「{title}」に出典がない"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_fee_figure_is_typed_by_hand(page: Path) -> None:
    for line, content in _inline_text(page):
        assert not re.search(r"\d[\d,]*\s*単位", content), f"{page.name}:{line}: 単位数は生成される表から示す：{content[:60]}"


def test_each_question_has_its_stable_anchor(built_site: Path) -> None:
    html = (built_site / "qa" / "index.html").read_text(encoding="utf-8")
    for anchor in ("q1", "q2", "q3"):
        assert f'id="{anchor}"' in html


def test_headings_get_readable_japanese_anchors(built_site: Path) -> None:
    html = (built_site / "overview" / "index.html").read_text(encoding="utf-8")
    assert 'id="人員基準"' in html and 'id="_2"' not in html


def test_no_page_references_another_host(built_site: Path) -> None:
    # <script src>、<link href>、<img src> はすべて同じサイトの相対パス（外部リンク <a> は要求しないので可）。
    pattern = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)=\"(https?:)?//", re.IGNORECASE)
    for html_file in built_site.rglob("*.html"):
        assert not pattern.search(html_file.read_text(encoding="utf-8")), html_file


def test_glossary_terms_get_abbreviations(built_site: Path) -> None:
    html = (built_site / "overview" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="' in html and ">常勤換算</abbr>" in html


def test_fee_history_table_shows_every_schedule_and_its_units_from_the_data() -> None:
    table = tables.fee_history()
    params = default_parameters()
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    header, rows = lines[0], lines[1:]
    for value in params.get("fees.base_fee").values:
        schedule = value.value
        assert schedule.name in header
        tiers = params.value("retention.tiers", value.since)
        column = [row.split("|")[2 + list(params.get("fees.base_fee").values).index(value)].strip() for row in rows[: len(tiers)]]
        for tier, cell in zip(tiers, column, strict=True):
            units = schedule.units(tier.label, schedule.scales[0].key)
            assert cell.startswith(tier.label) and cell.endswith(f"{units:,}単位")


def test_every_fee_table_says_which_schedule_it_shows() -> None:
    assert ("この表は「平成30年度報酬（本通知）」（2018年4月1日（平成30年4月1日）から2019年9月30日（令和元年9月30日）まで）"
            "です。") in tables.base_fee()
    assert "この区分は本通知のもの（2018年4月1日（平成30年4月1日）から2021年3月31日（令和3年3月31日）まで）です。" in tables.tiers()
    assert "この表は加算・減算の登録簿のすべての期間を示します。" in tables.additions()
