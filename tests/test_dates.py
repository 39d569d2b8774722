"""日付の読み取り（和暦・全角）と民法第140条・第143条による期間の末日。"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teichaku.rules.dates import ERAS, Era, Month, date_text, fiscal_year_end, months_text, parse_date, parse_month, period_end
from teichaku.rules.errors import InputError


@pytest.mark.parametrize(
    "text",
    ["2019-04-01", "2019/4/1", "2019年4月1日", "平成31年4月1日", "H31.4.1", "h31/4/1", "２０１９年４月１日",
     "平成３１年４月１日", "Ｈ３１．４．１", "20190401", " 2019-4-1 ", "2019.04.01"],
)
def test_accepted_forms_of_1_april_2019(text: str) -> None:
    assert parse_date(text, "employed") == dt.date(2019, 4, 1)


@pytest.mark.parametrize("text", ["令和元年5月1日", "R1.5.1", "R元年5月1日".replace("R", "令和"), "令和1年5月1日", "Ｒ１．５．１"])
def test_reiwa_gannen_is_1_may_2019(text: str) -> None:
    assert parse_date(text, "employed") == dt.date(2019, 5, 1)


def test_heisei_year_past_the_era_end_counts_on_as_on_old_forms() -> None:
    # 選択：改元前に印刷された様式の「平成32年」は延長して数える（平成32年 = 2020年 = 令和2年）。
    assert parse_date("平成32年4月1日", "就職日") == dt.date(2020, 4, 1)
    assert parse_date("H31.5.1", "就職日") == dt.date(2019, 5, 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2019-02-30", "存在しない日付"),
        ("2019-02-29", "存在しない日付"),
        ("令和元年4月1日", "令和の始まり"),
        ("R1.4.30", "令和の始まり"),
        ("平成元年1月7日", "平成の始まり"),
        ("令和0年5月1日", "令和0年はありません"),
        ("2019-13-01", "存在しない日付"),
        ("来月", "日付として読めません"),
        ("", "日付を入力してください"),
    ],
)
def test_impossible_or_unreadable_dates_name_the_field(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text, "employed")
    assert caught.value.field == "employed"  # 規則は項目をキーで名指しする
    assert fragment in caught.value.message


def test_leap_day_exists_in_2020() -> None:
    assert parse_date("令和2年2月29日", "就職日") == dt.date(2020, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-10", Month(2019, 10)), ("2019/10", Month(2019, 10)), ("2019年10月", Month(2019, 10)),
     ("令和元年10月", Month(2019, 10)), ("R1.10", Month(2019, 10)), ("２０１９－１０", Month(2019, 10))],
)
def test_service_month_forms(text: str, expected: Month) -> None:
    assert parse_month(text, "month") == expected


@pytest.mark.parametrize("text", ["2019-13", "令和元年4月", "十月", ""])
def test_bad_service_month_names_the_field(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_month(text, "month")
    assert caught.value.field == "month"


@pytest.mark.parametrize(
    ("first_day", "months", "end"),
    [
        (dt.date(2019, 4, 1), 6, dt.date(2019, 9, 30)),   # 留意事項通知の例と同じ形（4/1 就職 → 9/30 に6月）
        (dt.date(2024, 4, 1), 6, dt.date(2024, 9, 30)),   # 留意事項通知の例そのもの
        (dt.date(2024, 7, 1), 6, dt.date(2024, 12, 31)),  # 6/30 まで前サービス利用 → 7/1 から数えて 12/31
        (dt.date(2019, 8, 31), 6, dt.date(2020, 2, 29)),  # 応当日（2月31日）がない → その月の末日（閏年）
        (dt.date(2018, 8, 31), 6, dt.date(2019, 2, 28)),  # 同（平年）
        (dt.date(2019, 8, 29), 6, dt.date(2020, 2, 28)),  # 応当日 2020-02-29 がある → その前日
        (dt.date(2018, 8, 29), 6, dt.date(2019, 2, 28)),  # 応当日 2019-02-29 がない → 2月末日
        (dt.date(2019, 4, 1), 42, dt.date(2022, 9, 30)),  # 3年6月
        (dt.date(2019, 10, 1), 12, dt.date(2020, 9, 30)),
        # 転職（Q&A 平成30年12月17日「離職後1月以内」）：離職日の翌日を第1日とする1月
        (dt.date(2020, 6, 1), 1, dt.date(2020, 6, 30)),   # 5/31 離職 → 6/30 まで
        (dt.date(2020, 1, 31), 1, dt.date(2020, 2, 29)),  # 1/30 離職 → 応当日 2/31 がない → 2月末日（閏年）
        (dt.date(2021, 1, 31), 1, dt.date(2021, 2, 28)),  # 同（平年）
        (dt.date(2020, 12, 16), 1, dt.date(2021, 1, 15)), # 12/15 離職 → 年をまたいで 1/15 まで
    ],
)
def test_period_end_by_civil_code_143(first_day: dt.date, months: int, end: dt.date) -> None:
    assert period_end(first_day, months) == end


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(min_value=1, max_value=120))
def test_period_end_is_the_day_before_the_corresponding_day_or_month_end(first_day: dt.date, months: int) -> None:
    end = period_end(first_day, months)
    following = end + dt.timedelta(days=1)
    index = first_day.year * 12 + first_day.month - 1 + months
    # 満了日の翌日は、応当する月の応当日か、応当日がなければ翌月1日
    assert (following.year * 12 + following.month - 1 == index and following.day == first_day.day) or (
        following.day == 1 and following.year * 12 + following.month - 1 == index + 1 and first_day.day > end.day
    )


def test_fiscal_year_end() -> None:
    assert fiscal_year_end(dt.date(2019, 10, 1)) == dt.date(2020, 3, 31)
    assert fiscal_year_end(dt.date(2020, 3, 31)) == dt.date(2020, 3, 31)
    assert fiscal_year_end(dt.date(2020, 4, 1)) == dt.date(2021, 3, 31)


def test_date_text_shows_both_calendars() -> None:
    assert date_text(dt.date(2019, 10, 1)) == "2019年10月1日（令和元年10月1日）"
    assert date_text(dt.date(2019, 4, 30)) == "2019年4月30日（平成31年4月30日）"


@pytest.mark.parametrize("era", ERAS, ids=lambda era: era.name)
def test_date_text_changes_era_on_its_first_day_and_calls_it_gannen(era: Era) -> None:
    start = era.start
    assert date_text(start).endswith(f"（{era.name}元年{start.month}月{start.day}日）")
    assert f"（{era.name}" not in date_text(start - dt.timedelta(days=1))


def test_date_text_before_meiji_is_western_only() -> None:
    assert date_text(dt.date(1868, 1, 24)) == "1868年1月24日"


def test_date_text_reads_back_as_the_same_date() -> None:
    # 画面の日付を入力欄に写しても同じ日：西暦の部分も和暦の部分も読める
    day = dt.date(2021, 4, 1)
    western, era = date_text(day).rstrip("）").split("（")
    assert parse_date(western, "x") == parse_date(era, "x") == day


@pytest.mark.parametrize(("months", "text"), [(42, "3年6月"), (12, "1年"), (6, "6月"), (1, "1月"), (24, "2年"), (78, "6年6月")])
def test_months_text_in_the_law_s_words(months: int, text: str) -> None:
    assert months_text(months) == text
