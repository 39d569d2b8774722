"""日付の網羅（Catala の時間の網羅テストにならう）：2018年4月から、最後の日付つきの値の12か月後までのすべての月で、
すべての計算機が答えるか、「含まない・記載なし」を明示する。抜け（答えのない月）も、落ちる月もない。"""

from __future__ import annotations

import datetime as dt

import pytest

from teichaku.interfaces.web import run
from teichaku.rules.dates import Month
from teichaku.rules.params import default_parameters, registry


def _last_dated_value() -> dt.date:
    params = default_parameters()
    days = [value.since for parameter in params.all() for value in parameter.values]
    days += [value.since for item in registry(params).items for value in item.values]
    return max(days)


def _months() -> list[Month]:
    month, last = Month(2018, 4), Month.of(_last_dated_value()).shift(12)
    out = []
    while month <= last:
        out.append(month)
        month = month.shift(1)
    return out


MONTHS = _months()


def test_the_coverage_reaches_twelve_months_past_the_last_dated_value() -> None:
    assert MONTHS[0] == Month(2018, 4)
    assert MONTHS[-1] == Month.of(_last_dated_value()).shift(12)
    assert len(MONTHS) == len({m.iso() for m in MONTHS})


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: m.iso())
def test_every_month_the_claim_answers_or_names_what_it_leaves_out(month: Month) -> None:
    reg = registry()
    additions = [item.key for item in reg.items if not item.is_reduction and (item.facts or item.check != "none")]
    # 事実はどれも示す（flag は「はい」、日付は2018年4月1日、数・割合・選択肢は1）：どの減算も示されて名指しされる
    facts = {key: "on" if fact.kind == "flag" else "2018-04-01" if fact.kind == "date" else "1"
             for key, fact in reg.facts.items()}
    result = run("claim", {"month": month.iso(), "users": "20", "retained": "18", "scale_users": "12", "additions": additions,
                           "support_start": "2018-04-01", **facts})
    assert result["ok"], result
    data = result["data"]
    assert data["total_units"] is not None or data["base_units_note"]
    assert data["total_label"].startswith("合計")
    if data["not_covered"]:
        assert "を含まない" in data["total_label"]
    named = {a["name"] for a in data["additions"]} | {r["name"] for r in data["reductions"]} \
        | {r["name"] for r in data["rejected"]} | {n["name"] for n in data["not_covered"]}
    for item in reg.items:  # 請求した加算・減算は、どれも算定・減算・算定しない・含まないのどれか一つに必ず入る
        if item.name in additions or item.is_reduction:
            assert item.name_on(month.first_day) in named, (month.iso(), item.name)


@pytest.mark.parametrize("month", MONTHS[::3], ids=lambda m: m.iso())
def test_every_quarter_every_calculator_answers(month: Month) -> None:
    day = month.first_day.isoformat()
    cases = [
        ("retention", {"month": month.iso(), "users": "20", "retained": "19", "scale_users": "12"}),
        ("eligibility", {"prior_service": "就労移行支援", "employed": day}),
        ("staffing", {"users": "45", "hours": ["40", "20"], "fulltime_hours": "40"}),
        ("first_recalculation", {"designated": day}),
        ("new_office", {"designated": day, "on": (month.shift(2).first_day).isoformat(), "settled_six_months": "7"}),
    ]
    for kind, inputs in cases:
        result = run(kind, inputs)
        assert result["ok"], (kind, result)
