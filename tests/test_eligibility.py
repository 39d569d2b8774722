"""対象者と利用期間（別添 p.11・p.14・p.21、施行規則第6条の10の2・3、民法第140条・第143条）。"""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from teichaku.rules.dates import period_end
from teichaku.rules.eligibility import check_eligibility
from teichaku.rules.errors import InputError
from teichaku.rules.params import load_parameters


def test_employed_1_april_2019_may_start_1_october_2019() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援")
    assert result.eligible
    assert result.earliest_start == dt.date(2019, 10, 1)
    assert result.latest_end == dt.date(2022, 9, 30)


def test_employed_31_august_2019_may_start_1_march_2020_leap_year() -> None:
    result = check_eligibility("2019-08-31", "B型")
    assert result.earliest_start == dt.date(2020, 3, 1)
    assert result.latest_end == dt.date(2023, 2, 28)


def test_employed_31_august_2018_may_start_1_march_2019_common_year() -> None:
    assert check_eligibility("2018-08-31", "A型").earliest_start == dt.date(2019, 3, 1)


def test_employed_29_august_2019_may_start_on_leap_day_2020() -> None:
    assert check_eligibility("2019-08-29", "移行").earliest_start == dt.date(2020, 2, 29)


def test_fee_notice_example_employed_1_april_2024_starts_1_october_2024() -> None:
    assert check_eligibility("令和6年4月1日", "就労移行支援").earliest_start == dt.date(2024, 10, 1)


def test_prior_service_used_after_employment_until_30_june_starts_1_january() -> None:
    # 報酬の留意事項通知：就職後も就労移行支援等を6/30まで利用した者は12/31に6月に達し、1/1から利用できる。
    result = check_eligibility("2024-04-01", "就労移行支援", prior_service_end="2024-06-30")
    assert result.earliest_start == dt.date(2025, 1, 1)
    assert result.count_start == dt.date(2024, 7, 1)


def test_prior_service_ended_before_employment_does_not_shift_the_count() -> None:
    result = check_eligibility("2024-04-01", "就労移行支援", prior_service_end="2024-03-31")
    assert result.earliest_start == dt.date(2024, 10, 1)


def test_decision_periods_are_one_year_each_to_the_latest_end() -> None:
    periods = [(p.start, p.end) for p in check_eligibility("2019-04-01", "就労移行支援").periods]
    assert periods == [
        (dt.date(2019, 10, 1), dt.date(2020, 9, 30)),
        (dt.date(2020, 10, 1), dt.date(2021, 9, 30)),
        (dt.date(2021, 10, 1), dt.date(2022, 9, 30)),
    ]


def test_late_start_is_limited_to_three_years_six_months_from_employment() -> None:
    # 別添 p.21 ※２：7月目に希望しなかった者は「3年6月から就労継続期間を除いた期間に限り」支給決定が可能。
    result = check_eligibility("2019-04-01", "就労移行支援", start="2021-01-15")
    assert result.eligible
    assert [(p.start, p.end) for p in result.periods] == [
        (dt.date(2021, 1, 15), dt.date(2022, 1, 14)),
        (dt.date(2022, 1, 15), dt.date(2022, 9, 30)),
    ]
    assert any("同一企業" in reason for reason in result.reasons)


def test_start_on_the_day_before_the_seventh_month_is_not_eligible() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", start="2019-09-30")
    assert not result.eligible
    assert any("2019年10月1日" in reason for reason in result.reasons)
    assert result.periods == []


def test_start_on_the_first_day_of_the_seventh_month_is_eligible() -> None:
    assert check_eligibility("2019-04-01", "就労移行支援", start="2019-10-01").eligible


def test_start_on_the_latest_end_is_eligible_for_one_day() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", start="2022-09-30")
    assert result.eligible
    assert [(p.start, p.end) for p in result.periods] == [(dt.date(2022, 9, 30), dt.date(2022, 9, 30))]


def test_start_after_three_years_six_months_is_not_eligible() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", start="2022-10-01")
    assert not result.eligible
    assert any("3年6月" in reason for reason in result.reasons)


@pytest.mark.parametrize("service", ["生活介護", "自立訓練", "機能訓練", "生活訓練", "自立訓練（生活訓練）",
                                     "就労移行支援", "移行", "就労継続支援A型", "A型", "Ｂ型", "就労継続支援"])
def test_qualifying_prior_services(service: str) -> None:
    assert check_eligibility("2019-04-01", service).eligible


@pytest.mark.parametrize("service", ["共同生活援助", "居宅介護", "就労定着支援", "自立生活援助", "障害者就業・生活支援センター",
                                     "ハローワーク", "特別支援学校", "なし", "施設入所支援"])
def test_other_services_do_not_qualify_and_say_why(service: str) -> None:
    result = check_eligibility("2019-04-01", service)
    assert not result.eligible
    assert any("対象外" in reason for reason in result.reasons)
    assert result.earliest_start == dt.date(2019, 10, 1)  # 日付は参考として示す


def test_unknown_service_name_is_an_input_error_naming_the_field() -> None:
    with pytest.raises(InputError) as caught:
        check_eligibility("2019-04-01", "いこう支援")
    assert caught.value.field == "prior_service"


def test_impossible_employment_date_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        check_eligibility("2019-02-30", "移行")
    assert caught.value.field == "employed"


def test_bad_start_date_names_the_start_field() -> None:
    with pytest.raises(InputError) as caught:
        check_eligibility("2019-04-01", "移行", start="令和元年4月1日")
    assert caught.value.field == "start"


def test_employment_before_the_service_existed_starts_at_its_creation() -> None:
    result = check_eligibility("2017-06-01", "移行")
    assert result.earliest_start == dt.date(2018, 4, 1)
    assert result.latest_end == dt.date(2020, 11, 30)
    assert any("創設" in step.text for step in result.explanation.steps)


def test_employment_long_ago_leaves_no_window() -> None:
    result = check_eligibility("2014-01-01", "移行")
    assert not result.eligible


def test_result_cites_the_rule_and_the_civil_code() -> None:
    labels = [c.label for c in check_eligibility("2019-04-01", "移行").explanation.sources]
    assert any("p.14" in label for label in labels)
    assert any("民法" in label for label in labels)
    assert any("p.21" in label for label in labels)


employment_dates = st.dates(min_value=dt.date(2018, 4, 1), max_value=dt.date(2060, 12, 31))


@given(employment_dates)
def test_every_earliest_start_is_the_day_after_a_six_month_period(employed: dt.date) -> None:
    result = check_eligibility(employed, "就労移行支援")
    assert result.earliest_start == period_end(employed, 6) + dt.timedelta(days=1)


@given(employment_dates)
@example(dt.date(2020, 8, 29))
@example(dt.date(2019, 4, 1))
def test_three_year_use_from_the_earliest_start_never_ends_before_the_three_and_a_half_year_window(employed: dt.date) -> None:
    # 施行規則第6条の10の3（3年間）と 別添 p.21（3年6月）。3年6月の枠は、最も早い利用開始日からの3年間より
    # 長くなることはなく、両者が違うのは閏年の2月末をまたぐ場合の1日だけ（そのとき短い方の3年6月の枠で終わる）。
    result = check_eligibility(employed, "就労移行支援")
    three_years = period_end(result.earliest_start, 36)
    assert result.latest_end == period_end(employed, 42)
    assert result.latest_end <= three_years
    assert (three_years - result.latest_end).days <= 1
    if three_years != result.latest_end:
        assert (three_years.month, three_years.day) == (2, 29)


def test_employed_2020_08_29_three_and_a_half_year_window_ends_2024_02_28_a_day_before_three_years_of_use() -> None:
    # 6月の満了は 2021-02-28（2月29日がないので月末、民法143条2項ただし書）、最も早い開始は 2021-03-01。
    # そこからの3年間は 2024-02-29 に満了するが、就職日からの3年6月は応当日 2024-02-29 の前日 2024-02-28 に満了する。
    result = check_eligibility("2020-08-29", "就労移行支援")
    assert result.earliest_start == dt.date(2021, 3, 1)
    assert result.latest_end == dt.date(2024, 2, 28)
    assert result.periods[-1].end == dt.date(2024, 2, 28)


@given(employment_dates, st.integers(min_value=0, max_value=1400))
def test_decision_periods_cover_start_to_latest_end_without_gaps(employed: dt.date, offset: int) -> None:
    base = check_eligibility(employed, "就労移行支援")
    start = base.earliest_start + dt.timedelta(days=offset)
    result = check_eligibility(employed, "就労移行支援", start=start)
    if start > result.latest_end:
        assert not result.eligible
        return
    assert result.eligible
    assert result.periods[0].start == start
    assert result.periods[-1].end == result.latest_end
    for first, second in zip(result.periods, result.periods[1:], strict=False):
        assert second.start == first.end + dt.timedelta(days=1)
    for period in result.periods:
        assert period.end <= period_end(period.start, 12)


# ---- 通常の事業所（就労継続支援A型事業所は除く。）：報酬の留意事項通知 ----

def test_employment_at_an_a_type_office_is_not_employment_at_an_ordinary_workplace() -> None:
    result = check_eligibility("2024-04-01", "就労移行支援", employer_kind="就労継続支援A型事業所")
    assert not result.eligible
    assert result.employer_kind == "就労継続支援A型事業所"
    assert any("就労継続支援A型事業所は除く" in reason for reason in result.reasons)
    assert any(c.quote.find("就労継続支援A型事業所は除く") >= 0 and c.document.key == "fee_notice"
               for c in result.explanation.sources)
    assert result.to_dict()["employer_kind"] == "就労継続支援A型事業所"


def test_a_type_as_the_prior_service_still_qualifies_when_employed_at_an_ordinary_workplace() -> None:
    # A型は前サービスとしては対象（施行規則第6条の10の2）。就職先が A型 の場合だけが対象外。
    result = check_eligibility("2024-04-01", "A型", employer_kind="通常の事業所")
    assert result.eligible
    assert check_eligibility("2024-04-01", "A型", employer_kind="Ａ型").eligible is False


def test_employer_kind_defaults_to_an_ordinary_workplace_and_unknown_kinds_name_the_field() -> None:
    assert check_eligibility("2024-04-01", "移行").employer_kind == "通常の事業所"
    with pytest.raises(InputError) as caught:
        check_eligibility("2024-04-01", "移行", employer_kind="B型事業所")
    assert caught.value.field == "employer_kind"


# ---- 利用中の転職（Q&A 平成30年12月17日：離職後1月以内の再就職、利用中1回限り）----

def test_job_change_reemployed_within_one_month_continues_and_counts_from_the_original_employment() -> None:
    # 2019-04-01 就職、2019-10-01 から利用。2020-05-31 離職 → 6/1 を第1日とする1月は 6/30 に満了。6/30 に再就職。
    result = check_eligibility("2019-04-01", "就労移行支援", left_on="2020-05-31", reemployed_on="2020-06-30")
    assert result.eligible and result.employment_continued is True and result.support_ends is None
    assert result.count_start == dt.date(2019, 4, 1)
    assert result.latest_end == dt.date(2022, 9, 30)  # 元の就職日から3年6月
    assert result.periods[-1].end == dt.date(2022, 9, 30)
    assert any("元の就職日" in reason for reason in result.reasons)
    assert any(c.document.key == "qa_h30" for c in result.explanation.sources)


def test_job_change_reemployed_the_day_after_the_month_ends_support_at_leaving() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", left_on="2020-05-31", reemployed_on="2020-07-01")
    assert result.eligible and result.employment_continued is False
    assert result.support_ends == dt.date(2020, 5, 31)
    # 支給決定期間 2019-10-01〜2020-09-30 は離職日で切れ、以後の期間はない
    assert [(p.start, p.end) for p in result.periods] == [(dt.date(2019, 10, 1), dt.date(2020, 5, 31))]
    assert any("離職日2020年5月31日" in reason and "終わります" in reason for reason in result.reasons)


def test_job_change_month_counting_from_31_january_ends_on_the_last_day_of_february() -> None:
    # 離職 2020-01-30 → 1/31 が第1日 → 応当日 2/31 がないので 2/29 に満了（民法第143条第2項ただし書）。
    ok = check_eligibility("2019-04-01", "就労移行支援", left_on="2020-01-30", reemployed_on="2020-02-29")
    late = check_eligibility("2019-04-01", "就労移行支援", left_on="2020-01-30", reemployed_on="2020-03-01")
    assert ok.employment_continued is True
    assert late.employment_continued is False and late.support_ends == dt.date(2020, 1, 30)


def test_leaving_without_reemployment_ends_support_at_leaving_and_says_so() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", start="2020-04-01", left_on="2021-06-15")
    assert result.employment_continued is False and result.support_ends == dt.date(2021, 6, 15)
    assert result.periods[-1].end == dt.date(2021, 6, 15)
    assert all(p.end <= dt.date(2021, 6, 15) for p in result.periods)
    assert any("再就職日の入力がなく" in reason for reason in result.reasons)
    assert result.to_dict()["support_ends"] == "2021-06-15"


def test_job_change_inputs_are_checked_and_name_their_fields() -> None:
    cases = [({"reemployed_on": "2020-06-01"}, "left_on"),
             ({"left_on": "2019-03-31"}, "left_on"),
             ({"left_on": "2020-06-01", "reemployed_on": "2020-06-01"}, "reemployed_on"),
             ({"left_on": "2020-02-30"}, "left_on"),
             ({"left_on": "2020-06-01", "reemployed_on": "あした"}, "reemployed_on"),
             ({"left_on": "2019-09-30"}, "left_on")]  # 利用開始（2019-10-01）より前の離職は利用中の転職ではない
    for inputs, key in cases:
        with pytest.raises(InputError) as caught:
            check_eligibility("2019-04-01", "就労移行支援", **inputs)
        assert caught.value.field == key, inputs


def test_leaving_after_the_latest_end_does_not_change_the_window() -> None:
    result = check_eligibility("2019-04-01", "就労移行支援", left_on="2022-10-01")
    assert result.employment_continued is None and result.support_ends is None
    assert result.periods[-1].end == dt.date(2022, 9, 30)


# ---- パラメータを読む日（モジュールの説明：要件と期間は就職日、支給決定期間は利用開始日）----

def _data_with_wait_months_changed(tmp_path: Path) -> Path:
    """periods.wait_months に 2030-04-01 から 3 月とする架空の改正を加えたデータ（日付の選択を確かめるためだけ）。"""
    target = tmp_path / "data"
    shutil.copytree(Path(str(resources.files("teichaku") / "data")), target)
    periods = target / "periods.toml"
    text = periods.read_text(encoding="utf-8").replace(
        "[use_months]",
        "[[wait_months.values]]\nsince = 2030-04-01\nvalue = 3\n"
        'source = { doc = "notice", section = "試験用", quote = "試験用の架空の改正" }\n\n[use_months]',
    )
    periods.write_text(text, encoding="utf-8")
    return target


def test_wait_months_are_read_at_the_employment_date_not_at_the_notice_date(tmp_path: Path) -> None:
    params = load_parameters(_data_with_wait_months_changed(tmp_path))
    before = check_eligibility("2030-03-31", "移行", parameters=params)
    after = check_eligibility("2030-04-01", "移行", parameters=params)
    assert before.earliest_start == dt.date(2030, 10, 1)   # 6月（就職日に効力を持つ値）：9/31 がなく 9/30 に満了
    assert after.earliest_start == dt.date(2030, 7, 1)     # 3月（就職日に効力を持つ値）


def test_employment_before_the_service_existed_reads_the_rules_of_its_creation_date() -> None:
    # 2017年の就職：創設日（2018-04-01）より前の規定はないので、創設日の規定で期間を示す（ParameterError にしない）。
    assert check_eligibility("2017-06-01", "移行", employer_kind="通常の事業所").latest_end == dt.date(2020, 11, 30)


# ---- 根拠の記録：結果が使ったすべての日（Explanation.on は判定する日のまま変わらない）----

def test_the_record_lists_every_date_the_result_read_rules_at() -> None:
    # 就職日（対象者の要件）、前サービスの利用終了日の翌日（期間を数え始める日）、利用開始日（支給決定期間）、離職日（転職）
    result = check_eligibility("2019-04-01", "就労移行支援", start="2020-01-01", prior_service_end="2019-06-30",
                               left_on="2020-05-31", reemployed_on="2020-06-30")
    ex = result.explanation
    assert ex.on == dt.date(2019, 4, 1)
    assert ex.dates_used == [dt.date(2019, 4, 1), dt.date(2019, 7, 1), dt.date(2020, 5, 31), dt.date(2020, 1, 1)]
    assert result.to_dict()["dates_used"] == [day.isoformat() for day in ex.dates_used]


def test_a_rule_cannot_move_the_decision_date_of_its_explanation() -> None:
    ex = check_eligibility("2019-04-01", "就労移行支援").explanation
    with pytest.raises(AttributeError):
        ex.on = dt.date(2020, 1, 1)
    later = ex.at(dt.date(2024, 4, 1))
    later.param("periods.wait_months")
    assert ex.on == dt.date(2019, 4, 1) and dt.date(2024, 4, 1) in ex.dates_used


def test_a_date_before_the_service_existed_is_read_at_the_day_it_was_created() -> None:
    result = check_eligibility("2017-06-01", "就労移行支援")
    assert result.explanation.on == dt.date(2018, 4, 1)
    assert set(result.explanation.dates_used) == {dt.date(2018, 4, 1)}


def test_steps_write_dates_in_both_calendars_never_iso() -> None:
    import re

    result = check_eligibility("2019-04-01", "就労移行支援", prior_service_end="2019-06-30", left_on="2020-05-31")
    text = " ".join(step.text for step in result.explanation.steps) + " ".join(result.reasons)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "2020年1月1日（令和2年1月1日）〜2020年12月31日（令和2年12月31日）" in text
