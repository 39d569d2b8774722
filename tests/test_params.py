"""パラメータの厳格なローダー（openfisca の parameter_validation にならう）と、すべての値が出典を持つこと。"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import pytest

from teichaku.rules.errors import ParameterError
from teichaku.rules.params import default_parameters, load_parameters

SOURCE_TEXT = Path(__file__).resolve().parents[1] / "sources" / "notice-2019-03-29.txt"  # リポジトリ内の本通知の写し


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_parameter_has_a_start_date_unit_and_source() -> None:
    params = default_parameters()
    assert len(params.all()) >= 30
    for parameter in params.all():
        assert parameter.unit and parameter.description
        for value in parameter.values:
            assert value.since >= dt.date(2018, 4, 1)
            assert value.source.quote and value.source.section
            assert value.source.document.key in params.documents


def test_secondary_sources_record_their_confidence() -> None:
    for parameter in default_parameters().all():
        for value in parameter.values:
            if value.source.document.key in {"fee_kokuji", "interpretation", "fee_notice"}:
                assert value.source.confidence in {"high", "medium", "low"}, parameter.name
                assert value.source.checked_against, parameter.name


def test_notice_figures_appear_in_the_notice_text() -> None:
    """事務連絡 別添 p.14・p.18 の数値（全角・半角の違いを除く）が抽出テキストに実在する。"""
    import unicodedata

    text = unicodedata.normalize("NFKC", SOURCE_TEXT.read_text(encoding="utf-8"))
    params = default_parameters()
    on = dt.date(2019, 3, 29)
    schedule = params.value("fees.base_fee", on)
    for _, units in schedule.rows:
        assert f"{units['20以下']:,}単位/月" in text
    from teichaku.rules.params import registry

    for key in ("initial", "company_coordination", "track_record", "special_area", "job_coach"):
        value = registry(params).get(key).at(on)
        assert value is not None and f"{value.units}単位/月" in text, key
    assert re.search(r"40で除した数以上", text)
    assert "週32時間を下回る場合は32時間" in text


def test_asking_before_the_first_value_is_a_clear_error() -> None:
    with pytest.raises(ParameterError, match=r"2018年4月1日（平成30年4月1日） より前の値を持ちません"):
        default_parameters().value("fees.base_fee", dt.date(2018, 3, 31))


def test_first_day_of_the_regime_has_a_value() -> None:
    assert default_parameters().value("periods.wait_months", dt.date(2018, 4, 1)) == 6


def test_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ParameterError, match="未知のパラメータ"):
        default_parameters().get("fees.no_such_thing")


def test_fraction_values_are_exact() -> None:
    assert default_parameters().value("fees.track_record_ratio", dt.date(2019, 1, 1)) == Fraction(7, 10)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("periods.toml", 'kind = "int"\nunit = "月"\n[[wait_months.values]]',
         'kind = "int"\nunit = "月"\ncolour = "red"\n[[wait_months.values]]', "未知のキー"),
        ("periods.toml", "since = 2018-04-01\nvalue = 6", "since = \"2018-04-01\"\nvalue = 6", "日付"),
        ("periods.toml", "since = 2018-04-01\nvalue = 6", "since = 2018-04-01T00:00:00\nvalue = 6", "日付"),
        ("periods.toml", "since = 2018-04-01\nvalue = 6", "since = 2018-02-30\nvalue = 6", "TOML として読めません"),
        ("periods.toml", 'source = { doc = "notice", section = "Ⅱ 就労定着支援の概要 ○対象者", page = 14, quote = "一般就労後６月を経過した者" }',
         'source = { doc = "notice", section = "Ⅱ 就労定着支援の概要 ○対象者", page = 14 }', "必須のキー"),
        ("periods.toml", 'source = { doc = "notice", section = "Ⅱ 就労定着支援の概要 ○対象者"',
         'source = { doc = "gazette", section = "Ⅱ 就労定着支援の概要 ○対象者"', "documents.toml にない文書"),
        ("periods.toml", "since = 2018-04-01\nvalue = 6", "since = 2018-04-01\nvalue = -6", "負の値"),
        ("periods.toml", "since = 2018-04-01\nvalue = 6", "since = 2018-04-01\nvalue = true", "整数"),
        ("periods.toml", 'kind = "int"\nunit = "月"\n[[wait_months.values]]',
         'kind = "integer"\nunit = "月"\n[[wait_months.values]]', "kind"),
        ("retention.toml", 'label = "1割未満", lower = "0" }', 'label = "1割未満", lower = "1/20" }', "下限は 0"),
        ("retention.toml", 'label = "8割以上9割未満", lower = "8/10" }', 'label = "8割以上9割未満", lower = "95/100" }', "小さく"),
        ("retention.toml", '{ key = "r0_10", label = "1割未満"', '{ label = "1割未満"', "必須のキー"),
        ("retention.toml", '{ key = "r0_10", label = "1割未満"', '{ key = "r10_30", label = "1割未満"', "同じ区分キー"),
        ("retention.toml", '{ key = "r0_10", label = "1割未満"', '{ key = "1割未満", label = "1割未満"', "キーは英小文字"),
        ("retention.toml", 'value = "7/10"', 'value = "seven"', "分数として読めません"),
        ("fees.toml", '{ tier = "r90_up", units = { "20以下" = 3200 } }', '{ tier = "r90_over", units = { "20以下" = 3200 } }', "一致しません"),
        ("fees.toml", '{ tier = "r90_up", units = { "20以下" = 3200 } }', '{ tier = "9割以上", units = { "20以下" = 3200 } }', "キーは英小文字"),
        ("fees.toml", '{ tier = "r90_up", units = { "20以下" = 3200 } }', '{ tier = "r90_up", units = { "10以下" = 3200 } }', "scales にない規模"),
        ("claim_items.toml", 'source = { doc = "notice", section = "Ⅱ 就労定着支援の概要 主な加算", page = 14, quote = "初期加算',
         'source = { doc = "notice", section = "Ⅱ 就労定着支援の概要 主な加算", page = 14, confidence = "sure", quote = "初期加算', "confidence"),
        ("claim_items.toml", 'counting = "once"', 'counting = "twice"', "counting"),
        ("claim_items.toml", 'facts = ["special_area"]', 'facts = ["special_area_typo"]', "にない事実"),
        ("claim_items.toml", 'rate = "5/100"', 'units = 5', "rate"),
        ("claim_items.toml", 'check = "track_record"', 'check = "no_such_rule"', "条件関数"),
        ("claim_items.toml", "units = 405\n", "", "units が必要"),
        ("claim_items.toml", 'check = "track_record"\n', "", "必須のキー.*check"),
        ("claim_items.toml", 'count_fact = "regional_meeting_2_times"\n', "", "count_fact"),
        ("claim_items.toml", 'year_count_fact = "meeting_year_count"\n', "", "year_count_fact"),
        ("claim_items.toml", 'claimed_fact = "initial_claimed_before"\n', "", "claimed_fact"),
        ("claim_items.toml", 'count_fact = "regional_meeting_2_times"', 'count_fact = "special_area"', "facts にない事実"),
        ("claim_items.toml", 'fact = "support_report"\n', 'fact = "no_such_fact"\n', "flag の事実"),
        ("fees.toml", 'value = "support_report"\nsource', 'value = "video_call"\nsource', r"\[billing\] にありません"),
        ("fees.toml", 'value = "support_report"\nsource', 'ended = true\nvalue = "x"\nsource', "未知のキー"),
    ],
)
def test_loader_rejects_broken_files(data_copy: Path, file: str, old: str, new: str, message: str) -> None:
    _replace(data_copy / file, old, new)
    with pytest.raises(ParameterError, match=message):
        load_parameters(data_copy)


def test_loader_rejects_duplicate_effective_dates(data_copy: Path) -> None:
    path = data_copy / "periods.toml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("[[wait_months.values]]"): text.index("[use_months]")]
    path.write_text(text.replace(block, block + block), encoding="utf-8")
    with pytest.raises(ParameterError, match="同じ since"):
        load_parameters(data_copy)


def test_loader_requires_documents_file(data_copy: Path) -> None:
    (data_copy / "documents.toml").unlink()
    with pytest.raises(ParameterError, match=r"documents\.toml"):
        load_parameters(data_copy)


def test_later_value_takes_effect_on_its_date_and_not_before(data_copy: Path) -> None:
    path = data_copy / "periods.toml"
    _replace(path, "[use_months]", '[[wait_months.values]]\nsince = 2030-04-01\nvalue = 7\n'
             'source = { doc = "notice", section = "試験", quote = "試験用の改定" }\n\n[use_months]')
    params = load_parameters(data_copy)
    assert params.value("periods.wait_months", dt.date(2030, 3, 31)) == 6
    assert params.value("periods.wait_months", dt.date(2030, 4, 1)) == 7
    assert params.at("periods.wait_months", dt.date(2020, 1, 1)).until == dt.date(2030, 4, 1)


def test_the_notice_date_is_read_from_the_documents_once() -> None:
    """本通知の日（日付を指定しない計算の基準日）は data/documents.toml の notice の date（平成31年3月29日）。"""
    from teichaku.rules.explain import NOTICE_DATE

    assert default_parameters().documents["notice"].date == NOTICE_DATE == dt.date(2019, 3, 29)
