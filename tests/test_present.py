"""表示の部品（teichaku.interfaces.present）：区分の範囲・基本報酬の表・加算の値・期間・データの日付は一か所で書く。"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

from teichaku.interfaces.present import (
    ENDED,
    data_date_text,
    data_month_text,
    fee_grid,
    item_value_text,
    period_text,
    tier_range,
)
from teichaku.rules.explain import NOTICE_DATE
from teichaku.rules.params import default_parameters, registry


def test_every_tier_range_names_its_lower_bound_even_zero() -> None:
    for on in (NOTICE_DATE, dt.date(2021, 4, 1), dt.date(2024, 4, 1)):
        tiers = default_parameters().value("retention.tiers", on)
        assert tier_range(tiers[0]).endswith("以上")  # 最上位は上限なし
        assert tier_range(tiers[-1]).startswith("0%以上")  # 最下位も下限を書く（以前は一か所で落ちていた）
        assert all("以上" in tier_range(t) and "未満" in tier_range(t) for t in tiers[1:])


def test_the_notice_grid_has_the_notice_units_and_marks_the_current_cell() -> None:
    params = default_parameters()
    schedule = params.value("fees.base_fee", NOTICE_DATE)
    tiers = params.value("retention.tiers", NOTICE_DATE)
    grid = fee_grid(schedule, tiers, current_rank=2, current_scale="利用者数20人以下")
    assert grid.columns[:2] == ("就労定着率の区分", "範囲")
    assert grid.rows[0][1][:3] == ("9割以上", "90%以上", "3,200単位／月")
    assert grid.rows[0][1][3] == "本通知に記載なし"  # 21人以上の規模：報酬表の missing_label
    assert grid.current_row == 1 and grid.columns[grid.current_column or 0] == "利用者数20人以下"
    assert fee_grid(schedule, tiers).current_row is None and fee_grid(schedule, tiers).current_column is None


def test_item_values_say_units_counting_limits_rates_and_ended() -> None:
    reg = registry()
    texts = [item_value_text(item, value, reg.items) for item in reg.items for value in item.values]
    assert any(text.endswith("単位（1月につき）") for text in texts)
    assert any("上限 1月に" in text or "1年に" in text for text in texts)
    assert any(text.startswith("所定単位数の") and text.endswith("を減算") for text in texts)
    item = reg.items[0]
    assert item_value_text(item, replace(item.values[0], ended=True), reg.items) == ENDED
    assert item_value_text(item, replace(item.values[0], rate=Fraction(1, 10), units=None), reg.items) == "所定単位数の10%を減算"


def test_periods_and_data_fields_use_the_one_date_text() -> None:
    assert period_text(dt.date(2021, 4, 1), dt.date(2024, 3, 31)) == \
        "2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで"
    assert period_text(dt.date(2024, 4, 1), None) == "2024年4月1日（令和6年4月1日）から"
    assert data_date_text("2019-10-01") == "2019年10月1日（令和元年10月1日）"
    assert data_date_text(None) == data_date_text("") == "—"
    assert data_date_text("2019-02-30") == "2019-02-30"  # 入力の引用（存在しない日付）はそのまま
    assert data_month_text("2019-04") == "2019年4月" and data_month_text("2019-13") == "2019-13"
