"""基本指針の成果目標（障害福祉計画の期ごと）：retention.goal*。

第5期（平成30〜令和2年度）：支援開始1年後の職場定着率8割以上（別添 p.9 に抄録）。
第6期（令和3〜5年度）：就労定着率8割以上の事業所を全体の7割以上、一般就労に移行する者の7割が就労定着支援を利用。
第7期（令和6〜8年度）：就労定着率7割以上の事業所を全体の2割5分以上、利用者数を令和3年度実績の1.41倍以上。
（sources/current-regime.md 5）
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from teichaku.rules.errors import ParameterError
from teichaku.rules.params import default_parameters


def test_fifth_plan_retention_goal_of_80_percent_holds_until_march_2021_and_has_no_successor() -> None:
    params = default_parameters()
    assert params.value("retention.goal", dt.date(2018, 4, 1)) == Fraction(8, 10)
    assert params.value("retention.goal", dt.date(2021, 3, 31)) == Fraction(8, 10)
    assert not params.get("retention.goal").covers(dt.date(2021, 4, 1))
    with pytest.raises(ParameterError, match="廃止"):
        params.value("retention.goal", dt.date(2021, 4, 1))


def test_sixth_plan_counts_offices_with_80_percent_and_wants_70_percent_of_them() -> None:
    params = default_parameters()
    day = dt.date(2023, 3, 31)
    assert params.value("retention.goal_office_rate", day) == Fraction(8, 10)
    assert params.value("retention.goal_office_share", day) == Fraction(7, 10)
    assert params.value("retention.goal_usage_share", day) == Fraction(7, 10)
    assert not params.get("retention.goal_office_rate").covers(dt.date(2021, 3, 31))


def test_seventh_plan_counts_offices_with_70_percent_wants_a_quarter_and_141_percent_users() -> None:
    params = default_parameters()
    day = dt.date(2024, 4, 1)
    assert params.value("retention.goal_office_rate", day) == Fraction(7, 10)
    assert params.value("retention.goal_office_share", day) == Fraction(1, 4)
    assert params.value("retention.goal_users_growth", day) == Fraction(141, 100)
    assert not params.get("retention.goal_usage_share").covers(day)
