"""加算・減算の登録簿（teichaku.rules.items）：キーと名、数え方の名指しする事実、条件の書き忘れ、続いた月数による減算、
基本報酬の要件のデータ。登録簿の読み込みの誤りは tests/test_params.py（data/ の写しを壊す）にもある。"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from teichaku.rules.dates import Month
from teichaku.rules.errors import ParameterError
from teichaku.rules.items import REASON_CODES, Registry, months_lasted, parse_items
from teichaku.rules.params import default_parameters, registry

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "calculator" / "teichaku" / "rules"
DOCUMENTS = default_parameters().documents
SOURCE = 'source = { doc = "fee_kokuji", section = "試験", quote = "試験", confidence = "low", checked_against = "試験" }'


def _registry(text: str) -> Registry:
    return parse_items(tomllib.loads(text), DOCUMENTS)


def _item(lines: str, facts: str = "") -> str:
    return f"{facts}\n[x]\nname = \"試験加算\"\nkind = \"addition\"\nrequirement = \"試験\"\n{SOURCE}\n{lines}\n"


@pytest.mark.parametrize("text", ["regional_meeting_1", "地域連携会議実施加算（Ⅰ）", "地域連携会議実施加算(I)",
                                  "地域連携会議実施加算（I）", "地域連携会議加算(I)", " 地域連携会議1 "])
def test_an_item_is_found_by_its_key_or_any_of_its_names(text: str) -> None:
    found = registry().lookup(text)
    assert found is not None and found.key == "regional_meeting_1"


def test_every_item_and_fact_key_is_ascii_and_every_item_has_a_check_or_none() -> None:
    reg = registry()
    for item in reg.items:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", item.key) and item.check
    for key in reg.facts:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key)


def test_an_item_without_check_is_a_loading_error_not_an_addition_with_no_check() -> None:
    with pytest.raises(ParameterError, match="check"):
        _registry(_item('counting = "per_month"\n[[x.values]]\nsince = 2030-04-01\nunits = 1'))
    reg = _registry(_item('counting = "per_month"\ncheck = "none"\n[[x.values]]\nsince = 2030-04-01\nunits = 1'))
    assert reg.get("x").check == "none"


def test_per_time_names_its_count_fact_and_a_yearly_limit_needs_a_named_yearly_count() -> None:
    facts = '[facts.visits]\nlabel = "回数"\nkind = "count"\nhint = "試験"'
    with pytest.raises(ParameterError, match="count_fact"):
        _registry(_item('counting = "per_time"\ncheck = "none"\nfacts = ["visits"]\n[[x.values]]\nsince = 2030-04-01\n'
                        'units = 1', facts))
    with pytest.raises(ParameterError, match="year_count_fact"):
        _registry(_item('counting = "per_time"\ncheck = "none"\nfacts = ["visits"]\ncount_fact = "visits"\n'
                        '[[x.values]]\nsince = 2030-04-01\nunits = 1\nper_year = 4', facts))
    reg = _registry(_item('counting = "per_time"\ncheck = "none"\nfacts = ["visits"]\ncount_fact = "visits"\n'
                          '[[x.values]]\nsince = 2030-04-01\nunits = 1\nper_month = 1', facts))
    assert reg.get("x").count_fact == "visits" and reg.get("x").requirement_facts == ()


def test_once_names_a_flag_fact_that_records_it_was_claimed() -> None:
    count = '[facts.done]\nlabel = "済み"\nkind = "count"\nhint = "試験"'
    with pytest.raises(ParameterError, match="claimed_fact"):
        _registry(_item('counting = "once"\ncheck = "none"\n[[x.values]]\nsince = 2030-04-01\nunits = 1'))
    with pytest.raises(ParameterError, match="種類"):
        _registry(_item('counting = "once"\ncheck = "none"\nfacts = ["done"]\nclaimed_fact = "done"\n'
                        '[[x.values]]\nsince = 2030-04-01\nunits = 1', count))
    initial = registry().get("initial")
    assert initial.claimed_fact == "initial_claimed_before" and initial.requirement_facts == ("from_other_office",)


def _by_months(steps: str) -> str:
    facts = '[facts.since_day]\nlabel = "始まった日"\nkind = "date"\nhint = "試験"'
    return (f'{facts}\n[x]\nname = "試験減算"\nkind = "reduction"\ncounting = "percent_by_months"\ncheck = "none"\n'
            f'facts = ["since_day"]\nmonths_fact = "since_day"\nrequirement = "試験"\n{SOURCE}\n'
            f'[[x.values]]\nsince = 2030-04-01\nsteps = {steps}\n')


@pytest.mark.parametrize(("steps", "message"), [
    ('[ { from_month = 3, rate = "50/100" }, { from_month = 1, rate = "30/100" } ]', "前の段より大きく"),
    ('[ { from_month = 0, rate = "30/100" } ]', "1 以上"),
    ('[ { from_month = 1, rate = "3/2" } ]', "1 以下"),
    ("[]", "steps"),
])
def test_steps_of_a_reduction_by_months_rise_from_the_first_month(steps: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        _registry(_by_months(steps))


@pytest.mark.parametrize(("months", "rate"), [(1, Fraction(3, 10)), (2, Fraction(3, 10)), (3, Fraction(1, 2)), (40, Fraction(1, 2))])
def test_the_third_month_of_a_shortfall_takes_the_second_step(months: int, rate: Fraction) -> None:
    """人員欠如減算の形（×70/100、3月目から×50/100）：issue「Today's rules, second pass」が使う数え方。"""
    value = _registry(_by_months('[ { from_month = 1, rate = "30/100" }, { from_month = 3, rate = "50/100" } ]')).get("x").values[0]
    step = value.step_for(months)
    assert step is not None and step.rate == rate


def test_a_reduction_that_starts_the_month_after_has_no_step_in_the_first_month() -> None:
    value = _registry(_by_months('[ { from_month = 2, rate = "30/100" } ]')).get("x").values[0]
    assert value.step_for(1) is None and value.step_for(2) is not None


@pytest.mark.parametrize(("began", "month", "expected"), [
    (dt.date(2030, 4, 30), Month(2030, 4), 1),  # 始まった日を含む月が1か月目
    (dt.date(2030, 4, 1), Month(2030, 5), 2),
    (dt.date(2029, 12, 15), Month(2030, 2), 3),  # 年をまたぐ
    (dt.date(2030, 5, 1), Month(2030, 4), None),  # まだ始まっていない
    (3, Month(2030, 4), 3),  # 月数そのもの
    (0, Month(2030, 4), None),
    (None, Month(2030, 4), None),
])
def test_months_lasted_counts_the_month_the_condition_began_as_the_first(began: Any, month: Month, expected: int | None) -> None:
    assert months_lasted(began, month) == expected


def test_the_billing_condition_is_dated_data_face_to_face_until_march_2021_then_the_support_report() -> None:
    params = default_parameters()
    reg = registry(params)
    before = reg.billing[params.value("fees.billing_condition", dt.date(2021, 3, 31))]
    after = reg.billing[params.value("fees.billing_condition", dt.date(2021, 4, 1))]
    assert (before.key, before.fact, before.record) == ("face_to_face", "face_to_face", "対面")
    assert (after.key, after.fact, after.record) == ("support_report", "support_report", "支援レポート")
    assert reg.facts["face_to_face"].default and reg.facts["support_report"].default


def test_reason_codes_are_ascii() -> None:
    assert all(re.fullmatch(r"[a-z_]+", code) for code in REASON_CODES)


# 規則が表示の文（日本語）で分岐しないこと：rules/ のコードに、日本語の文字列との比較（==、!=、in）がない。
# 入力の文字列を読むところ（和暦の「元」）と、同じ注意を二度出さないための照合だけは許す。
_ALLOWED = {("dates.py", '"元"'), ("fees.py", 'value.caveat + "。" not in self.warnings')}
_JAPANESE = r"[\u3040-\u30ff\u4e00-\u9fff]"


def test_no_rule_branches_on_japanese_display_text() -> None:
    pattern = re.compile(rf'"[^"\n]*{_JAPANESE}[^"\n]*"\s+(?:not\s+)?in\s|(?:==|!=)\s*"[^"\n]*{_JAPANESE}')
    found = []
    for path in sorted(RULES.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and not any(path.name == name and text in line for name, text in _ALLOWED):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, found


def test_an_item_key_in_japanese_is_a_loading_error() -> None:
    with pytest.raises(ParameterError, match="キーは英小文字"):
        _registry(f'["初期"]\nname = "初期加算"\nkind = "addition"\ncounting = "per_month"\ncheck = "none"\n'
                  f'requirement = "試験"\n{SOURCE}\n[["初期".values]]\nsince = 2030-04-01\nunits = 1\n')


def test_a_roster_column_belongs_to_a_flag_fact_only() -> None:
    with pytest.raises(ParameterError, match="column"):
        _registry('[facts.visits]\nlabel = "回数"\nkind = "count"\nhint = "試験"\ncolumn = "回数"\n')


# ---- 減算の始まり・終わり・大きい方だけ、割合を乗じる加算（issue 16） ----

def test_start_after_and_resolved_month_are_only_for_reductions_by_months() -> None:
    with pytest.raises(ParameterError, match="percent_by_months"):
        _registry(_item('counting = "per_month"\ncheck = "none"\n[[x.values]]\nsince = 2030-04-01\nunits = 1\nstart_after = 1'))
    with pytest.raises(ParameterError, match="start_after"):
        _registry(_by_months('[ { from_month = 1, rate = "30/100" } ]') + "start_after = -1\n")
    with pytest.raises(ParameterError, match="flag"):
        _registry(_by_months('[ { from_month = 1, rate = "30/100" } ]')
                  + 'start_after_if = { fact = "since_day", months = 1 }\n')
    value = _registry(_by_months('[ { from_month = 1, rate = "30/100" } ]') + "start_after = 2\n"
                      "through_resolved_month = false\n").get("x").values[0]
    assert value.start_after == 2 and not value.through_resolved_month and value.start_offset({}) == 2


def test_larger_of_names_a_declared_group_and_only_on_reductions() -> None:
    text = _by_months('[ { from_month = 1, rate = "30/100" } ]').replace('check = "none"', 'check = "none"\nlarger_of = "g"')
    with pytest.raises(ParameterError, match="larger_of"):
        _registry(text)
    group = f'[larger_of.g]\nlabel = "組"\nnote = "試験"\n{SOURCE}\n'
    assert _registry(group + text).get("x").larger_of == "g"


def test_percent_of_units_names_a_percent_fact_and_states_its_formula() -> None:
    facts = '[facts.rate]\nlabel = "加算率"\nkind = "percent"\nhint = "試験"'
    with pytest.raises(ParameterError, match="rate_fact"):
        _registry(_item('counting = "percent_of_units"\ncheck = "none"\nfacts = ["rate"]\n[[x.values]]\nsince = 2030-04-01\n'
                        'formula = "試験"', facts))
    with pytest.raises(ParameterError, match="formula"):
        _registry(_item('counting = "percent_of_units"\ncheck = "none"\nfacts = ["rate"]\nrate_fact = "rate"\n'
                        '[[x.values]]\nsince = 2030-04-01', facts))
    reg = _registry(_item('counting = "percent_of_units"\ncheck = "none"\nfacts = ["rate"]\nrate_fact = "rate"\n'
                          '[[x.values]]\nsince = 2030-04-01\nformula = "試験"', facts))
    assert reg.get("x").rate_fact == "rate" and reg.get("x").requirement_facts == ()


def test_a_choice_fact_lists_its_choices_and_labels() -> None:
    bad = '[facts.c]\nlabel = "区分"\nkind = "choice"\nhint = "試験"'
    with pytest.raises(ParameterError, match="choices"):
        _registry(bad)
    reg = _registry(bad + '\nchoices = ["1", "2"]\nchoice_labels = ["Ⅰ", "Ⅱ"]')
    assert reg.facts["c"].choices == ("1", "2") and reg.facts["c"].choice_labels == ("Ⅰ", "Ⅱ")


def test_presumed_facts_are_default_true_flags_outside_facts_and_not_roster_requirements() -> None:
    facts = '[facts.p]\nlabel = "対面"\nkind = "flag"\ndefault = true\nhint = "試験"\n[facts.q]\nlabel = "q"\nkind = "flag"\nhint = "試験"'
    with pytest.raises(ParameterError, match="presumed_facts"):
        _registry(_item('counting = "per_month"\ncheck = "flags"\npresumed_facts = ["q"]\n[[x.values]]\nsince = 2030-04-01\n'
                        'units = 1', facts))
    reg = _registry(_item('counting = "per_month"\ncheck = "flags"\nfacts = ["q"]\npresumed_facts = ["p"]\n[[x.values]]\n'
                          'since = 2030-04-01\nunits = 1', facts))
    assert reg.get("x").requirement_facts == ("q",) and reg.get("x").presumed_facts == ("p",)
    special = registry().get("special_area")
    assert special.presumed_facts == ("special_area_face_to_face",) and special.requirement_facts == ("special_area",)


def test_an_exempt_period_needs_no_rate_and_is_refused_as_transitional() -> None:
    text = ('[facts.f]\nlabel = "f"\nkind = "flag"\nhint = "試験"\n[x]\nname = "試験減算"\nkind = "reduction"\n'
            'counting = "percent"\ncheck = "flags"\nfacts = ["f"]\nrequirement = "試験"\n' + SOURCE +
            '\n[[x.values]]\nsince = 2030-04-01\nexempt = "経過措置"\n[[x.values]]\nsince = 2031-04-01\nrate = "1/100"\n')
    value = _registry(text).get("x").values[0]
    assert value.exempt == "経過措置" and value.rate is None
    bcp = registry().get("bcp_missing")
    assert bcp.first_day == dt.date(2024, 4, 1) and bcp.values[0].exempt and bcp.values[1].rate == Fraction(1, 100)
    assert "transitional" in REASON_CODES
