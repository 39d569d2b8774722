"""就労定着率とその区分、基本報酬の単位数（別添 p.14、Q&A 問1〜問3 p.30〜32）。

- 就労定着率 = 前年度末時点の就労定着者数 ÷ 過去３年間の就労定着支援の総利用者数（別添 p.14）。
- 問２（p.31）：利用期間が満了した利用者が同年度内に退職した場合は、総利用者数・就労継続者数の双方から除外
  できる。除外される者は退職しているので就労継続者数には含まれず、分母からだけ差し引く形になる。
  本ツールの入力 retained（就労継続者数）は除外者を含まない数とし、retained ≦ users − excluded を検証する。
- 区分の境界は正確な有理数で比べる（以上／未満）。89.95% は「8割以上9割未満」。
- rate は約分しない「M/D」（D は除外後の総利用者数）で示す。約分した値は rate_reduced。
- 利用者数規模：本ツールの選択として、前年度の平均利用者数（小数第1位まで）が 20 以下なら「20人以下」、
  20 を超え 40 以下なら「21人以上40人以下」、40 を超えれば「41人以上」とする（20.1人は20人以下ではない）。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .dates import Month, date_text, fiscal_year_end, months_text, parse_date, parse_month, period_end
from .errors import InputError
from .explain import NOTICE_DATE, Explanation
from .numbers import decimal_text, parse_count, parse_decimal, percent_text
from .params import FeeSchedule, ParameterSet, Scale, Tier, default_parameters
from .passages import passage


def tier_range(tier: Tier) -> str:
    """区分の範囲の書き方（ここだけで書く）：「8割以上9割未満」のように下限を含み上限を含まない。最下位も「0%以上」から。"""
    upper = f"{percent_text(tier.upper, 0)}未満" if tier.upper is not None else ""
    return f"{percent_text(tier.lower, 0)}以上{upper}"


def tier_for(rate: Fraction, tiers: tuple[Tier, ...]) -> Tier:
    """rate が入る区分（rate >= 下限 の最上位の区分）。"""
    if rate < 0 or rate > 1:
        raise ValueError(f"rate out of range: {rate}")
    for tier in tiers:
        if rate >= tier.lower:
            return tier
    raise ValueError("tiers do not cover 0")  # ローダーが最下位の下限 0 を保証する


def scale_for(users: Fraction, schedule: FeeSchedule) -> Scale:
    """利用者数（前年度の平均利用者数）が入る規模。"""
    for scale in schedule.scales:
        if scale.max_users is None or users <= scale.max_users:
            return scale
    raise ValueError("schedule has no open-ended scale")


@dataclass
class BaseFee:
    """基本報酬の単位数。units が None のときは note（「本通知に記載なし」など）を示す。"""

    units: int | None
    scale: Scale | None
    note: str | None


def service_month(month: str | Month | None, parameters: ParameterSet) -> tuple[Month | None, _dt.date]:
    """サービス提供月と、その月に効力を持つ報酬表を選ぶ日（月の初日）。月がなければ本通知の日（本通知の報酬体系）。

    就労定着支援の創設（平成30年4月）より前の月は入力エラー。
    """
    if month in (None, ""):
        return None, NOTICE_DATE
    parsed = parse_month(month, "month")
    established: _dt.date = parameters.value("periods.service_established", NOTICE_DATE)
    if parsed.first_day < established:
        raise InputError("month", f"{parsed.japanese()}は就労定着支援の創設（{date_text(established)}）より前です。"
                                  f"{Month.of(established).japanese()}以降の月を入力してください。")
    return parsed, parsed.first_day


def base_fee(ex: Explanation, tier: Tier, scale_users: Fraction | None) -> BaseFee:
    schedule: FeeSchedule = ex.param("fees.base_fee")
    if len(schedule.scales) == 1 and schedule.scales[0].max_users is None:
        scale = schedule.scales[0]
        units = schedule.units(tier.label, scale.key)
        ex.step(f"{schedule.name}は利用者数による区分がない。区分「{tier.label}」の基本報酬は"
                + (f"{units:,}単位／月。" if units is not None else f"{schedule.missing_label}。"), "fees.base_fee")
        return BaseFee(units, scale, None if units is not None else schedule.missing_label)
    if scale_users is None:
        ex.step("利用者数規模（前年度の平均利用者数）が指定されていないため、基本報酬の単位数は求めていない。")
        return BaseFee(None, None, "利用者数規模（前年度の平均利用者数）を指定すると基本報酬の単位数を示します。")
    scale = scale_for(scale_users, schedule)
    units = schedule.units(tier.label, scale.key)
    if units is None:
        ex.step(
            f"利用者数{decimal_text(scale_users)}人は「{scale.label}」。この規模の基本報酬は{schedule.missing_note}。",
            "fees.base_fee",
        )
        return BaseFee(None, scale, schedule.missing_label)
    ex.step(
        f"利用者数{decimal_text(scale_users)}人は「{scale.label}」。区分「{tier.label}」の基本報酬は{units:,}単位／月"
        f"（{schedule.name}）。",
        "fees.base_fee",
    )
    return BaseFee(units, scale, None)


@dataclass
class RetentionResult:
    users: int
    retained: int
    excluded: int
    denominator: int
    rate: Fraction
    tier: Tier
    fee: BaseFee
    explanation: Explanation = field(repr=False)
    month: Month | None = None
    schedule: str = ""
    schedule_since: _dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def rate_text(self) -> str:
        return f"{self.retained}/{self.denominator}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "retained": self.retained,
            "excluded": self.excluded,
            "denominator": self.denominator,
            "rate": self.rate_text,
            "rate_reduced": f"{self.rate.numerator}/{self.rate.denominator}",
            "percent": percent_text(self.rate),
            "tier": self.tier.label,
            "tier_key": self.tier.key,
            "tier_rank": self.tier.rank,
            "scale": self.fee.scale.label if self.fee.scale else None,
            "base_units": self.fee.units,
            "base_units_note": self.fee.note,
            "month": self.month.iso() if self.month else None,
            "schedule": self.schedule,
            "schedule_since": self.schedule_since.isoformat() if self.schedule_since else None,
            "warnings": list(self.warnings),
            **self.explanation.to_dict(),
        }


def retention_rate(
    users: str | int,
    retained: str | int,
    excluded: str | int = 0,
    scale_users: str | int | Fraction | None = None,
    on: _dt.date = NOTICE_DATE,
    parameters: ParameterSet | None = None,
    month: str | Month | None = None,
) -> RetentionResult:
    """就労定着率・区分・基本報酬（別添 p.14、問２ p.31）。

    month（サービス提供月）を渡すと、その月に効力を持つ区分表と報酬表を使う（令和元年10月・令和3年4月・令和6年4月の
    改定。値は data/fees.toml と data/retention.toml、出典と確度つき）。渡さなければ on（既定は本通知の日）の報酬体系。

    users：過去３年間の就労定着支援の総利用者数。retained：そのうち前年度末日に就労が継続している者の数
    （問２で除外する者を含まない）。excluded：問２により除外する者（利用期間満了後、同年度内に退職した者）の数。
    scale_users：前年度の平均利用者数（利用者数規模の判定用）。
    """
    total = parse_count(users, "users")
    kept = parse_count(retained, "retained")
    removed = parse_count(excluded if excluded not in (None, "") else 0, "excluded")
    scale = parse_decimal(scale_users, "scale_users") if scale_users not in (None, "") else None
    if removed > total:
        raise InputError("excluded", f"除外数（{removed}人）が過去3年間の総利用者数（{total}人）を超えています。")
    denominator = total - removed
    if denominator == 0:
        raise InputError(
            "users",
            "除外後の総利用者数が0人のため就労定着率を算出できません。新規指定から1年間は推定値による（問1・問3）。",
        )
    if kept > denominator:
        raise InputError(
            "retained",
            f"就労が継続している者の数（{kept}人）が除外後の総利用者数（{denominator}人）を超えています。"
            "問2で除外する者（退職者）は就労が継続している者の数に含めないでください。",
        )
    params = parameters or default_parameters()
    chosen_month, month_day = service_month(month, params)
    if chosen_month is not None:
        on = month_day
    ex = Explanation(on=on, parameters=params)
    schedule_value = params.at("fees.base_fee", on)
    if chosen_month is not None:
        ex.step(f"サービス提供月{chosen_month.japanese()}に効力を持つ報酬表は「{schedule_value.value.name}」"
                f"（{date_text(schedule_value.since)}から）。区分と単位数はこの表による。", "fees.base_fee")
    years = ex.param("retention.lookback_years")
    if removed:
        ex.step(
            f"過去{years}年間の総利用者数{total}人から、問2により利用期間満了後に同年度内に退職した{removed}人を除外し"
            f"{denominator}人とする（就労が継続している者の数からも除外：退職者なので就労が継続している者の数{kept}人には含まれない）。",
            "retention.lookback_years",
            extra=(passage("q2", params),),
        )
    rate = Fraction(kept, denominator)
    ex.step(
        f"就労定着率 = 前年度末日に就労が継続している者の数 ÷ 過去{years}年間の総利用者数 = {kept}/{denominator}"
        f"（= {percent_text(rate)}。区分の判定は端数を丸めない正確な値で行う）。",
        "retention.lookback_years",
    )
    tiers = ex.param("retention.tiers")
    tier = tier_for(rate, tiers)
    ex.step(f"{percent_text(rate)}は区分「{tier.label}」（{tier_range(tier)}）に入る。", "retention.tiers")
    fee = base_fee(ex, tier, scale)
    result = RetentionResult(total, kept, removed, denominator, rate, tier, fee, ex, chosen_month,
                             schedule_value.value.name, schedule_value.since)
    result.warnings.extend(unconfirmed_revision(ex, on))
    result.warnings.extend(covid_fy2021_option(ex, on))
    return result


def covid_fy2021_option(ex: Explanation, on: _dt.date) -> list[str]:
    """令和3年度（2021年4月〜2022年3月）の月：実績の評価年度を事業所が選べた特例（retention.covid_fy2021_option。
    令和3年度改定の概要「(I) 平成30年度、令和元年度及び令和2年度（3年間） (II) 平成30年度及び令和元年度（2年間）」、
    sources/current-regime.md 8.9）。計算は入力された総利用者数と就労継続者数で行い、どちらの期間の数を入れるかは
    事業所が選ぶ（このサイトは期間を数えない）ので、注意として示す。"""
    name = "retention.covid_fy2021_option"
    parameter = ex.parameters.get(name) if name in ex.parameters else None
    if parameter is None or not parameter.covers(on):
        return []
    text = (f"令和3年度の報酬算定では、新型コロナウイルス感染症の影響を踏まえ、{parameter.at(on).value}で評価できる"
            "特例がある。選んだ期間の総利用者数と就労が継続している者の数を入力すること（2年間を選ぶ場合も、入力した数の割合で区分を判定する）。")
    ex.step(text, name)
    return [text]


def unconfirmed_revision(ex: Explanation, on: _dt.date) -> list[str]:
    """on の日に適用されうるが、このサイトが反映していない改定の注意（fees.unconfirmed_revision）。"""
    parameter = ex.parameters.get("fees.unconfirmed_revision") if "fees.unconfirmed_revision" in ex.parameters else None
    if parameter is None or not parameter.covers(on):
        return []
    text = (f"この月には{parameter.at(on).value}が適用されうるが、このサイトは反映していない。"
            f"表示は確認できた最後の改定（{ex.parameters.at('fees.base_fee', on).value.name}）の値による。")
    ex.step(text, "fees.unconfirmed_revision")
    return [text]


@dataclass
class FirstRecalculation:
    """問１：新規指定から１年経過後の就労定着率の算定。"""

    designated: _dt.date
    count_date: _dt.date
    applies_from: Month
    applies_until: _dt.date
    explanation: Explanation = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "designated": self.designated.isoformat(),
            "count_date": self.count_date.isoformat(),
            "applies_from": self.applies_from.iso(),
            "applies_until": self.applies_until.isoformat(),
            **self.explanation.to_dict(),
        }


def first_recalculation(designated: str | _dt.date, parameters: ParameterSet | None = None) -> FirstRecalculation:
    """問１（別添 p.30）：指定から１年間が経過した翌月から当該年度末まで、新たに算出した就労定着率で算定する。

    2018-10-01 指定 → 2019-09-30 を基準日として算出 → 2019年10月から2020-03-31まで適用。
    指定日を第1日とする１年の期間の末日を基準日とする（月の途中の指定にも同じ数え方を当てはめる。本ツールの選択）。
    """
    day = parse_date(designated, "designated")
    params = parameters or default_parameters()
    # 本通知の日より前の指定（創設日の平成30年4月1日以後、または創設より前の日付）も本通知の日の規定で答える：
    # 問1は本通知で示されたもので、それより前の値はない。
    ex = Explanation(on=max(day, NOTICE_DATE), parameters=params)
    months = ex.param("retention.estimate_months")
    years = ex.peek("retention.lookback_years")  # 出典は下の手順で挙げる
    count_date = period_end(day, months)
    applies_from = Month.of(count_date).shift(1)
    until = fiscal_year_end(applies_from.first_day)
    q1 = passage("q1", params)
    ex.step(f"指定日{date_text(day)}から{months_text(months)}間（{date_text(count_date)}まで）は推定値による。",
            "retention.estimate_months")
    ex.step(
        f"{date_text(count_date)}から起算して過去{years}年間に就労定着支援を利用した総数と、その日に就労が継続している者の数から"
        f"就労定着率を算出し、{applies_from.japanese()}から{date_text(until)}（当該年度末）まで適用する"
        f"（{applies_from.japanese()}中の届出で{applies_from.japanese()}から算定できる）。",
        extra=(q1,),
    )
    ex.step(f"翌年度からは、前年度末日から起算した過去{years}年間の総利用者数に占める前年度末日に就労が継続している者の割合による。",
            "retention.lookback_years")
    return FirstRecalculation(day, count_date, applies_from, until, ex)
