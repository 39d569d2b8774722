"""事業所単位の規則：利用者ごとの事実（就職日・離職日・転職・利用期間）から、年度の就労定着率の人数（問2の除外を含む）、
就労定着実績体制加算の割合、月ごとの延べ利用者数と平均利用者数を求める。

名簿（teichaku.interfaces.roster）はファイルを読んで事実にするだけで、数え方はすべてここにある。関数は純粋（事実とパラメータから
答えを返すだけ）で、パラメータは規則が判断する日（年度末日）の値を読む。

- 転職（平成30年12月17日 Q&A、sources/secondary.md「転職」、確度 medium）：利用期間中の1回の転職で、離職から1月以内に
  再就職した者は、就労が継続している者として扱う。→ `job_change_counts`、`employed_on`、`employment_broken`。
- 問2（本通知 別添 p.31「Ⅳ Q&A 問2」）：利用期間が満了した利用者が同年度内に退職した場合は、就労定着率の計算から
  除外して差し支えない（総利用者数・就労継続者数のそれぞれから除外）。→ `q2_excluded`、`retention_counts`。
- 就労定着率（別添 p.14）：過去3年間の総利用者数のうち前年度末時点の就労定着者数。→ `retention_counts`。
- 就労定着実績体制加算（報酬告示、別添 p.14 の要約）：過去6年間に利用を終了した者のうち、通常の事業所に雇用され、
  42月以上78月未満の期間継続して就労している者又は就労していた者の割合。→ `track_record`。
- 延べ利用者数と平均利用者数（解釈通知 第二 2(5) 利用者数の算定、本通知の人員基準 別添 p.18）：月ごとの利用者の延べ数を
  12で除し、小数点第2位以下を切り上げる。→ `monthly_user_counts`、`average_of`。
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from .dates import Month, period_end
from .params import ParameterSet, default_parameters
from .staffing import average_users

# 転職の扱い（平成30年12月17日 Q&A）の数は、利用期間の判定（teichaku.rules.eligibility）と同じパラメータ：
# 再就職までの期間は periods.job_change_reemployment_months、数える転職の回数は periods.job_change_limit（名簿は
# 「転職」の列で1回目の転職だけを持ち、2回目は「転職後の離職日」で就労継続が途切れる）。


class EmploymentFacts(Protocol):
    """規則が読む1人の事実（teichaku.interfaces.roster.UserFacts がこの形を持つ）。日付はすべて確かめ済み（離職日 ≥ 就職日など）。

    - employed：就職日（就労継続期間の第1日）
    - left：離職日（就職した事業所を離職した日。就労継続中は None）
    - reemployed：転職＝離職の後に再就職した日（なければ None）
    - left_again：転職先を離職した日（2回目の離職。なければ None）
    - start、end：就労定着支援の利用開始日・利用終了日（利用中は end が None）
    """

    @property
    def id(self) -> str: ...
    @property
    def employed(self) -> _dt.date: ...
    @property
    def left(self) -> _dt.date | None: ...
    @property
    def reemployed(self) -> _dt.date | None: ...
    @property
    def left_again(self) -> _dt.date | None: ...
    @property
    def start(self) -> _dt.date: ...
    @property
    def end(self) -> _dt.date | None: ...


# ---- 転職（平成30年12月17日 Q&A）と就労継続 ----

def job_change_deadline(left: _dt.date, params: ParameterSet | None = None) -> _dt.date:
    """離職日 left の後、転職として就労継続とみなす再就職の最後の日：離職日の翌日を第1日とする
    periods.job_change_reemployment_months（1月）の期間の末日。月数は離職日の値（Q&A より前の離職は Q&A の値）。

    期間は民法第143条で数える（teichaku.rules.dates.period_end）。例：2021-05-31 に離職 → 2021-06-30 までの再就職。
    2021-01-30 に離職 → 1月31日を第1日とし、2月に応当する日がないので 2021-02-28 まで。
    """
    months: int = (params or default_parameters()).at_or_first("periods.job_change_reemployment_months", left).value
    return period_end(left + _dt.timedelta(days=1), months)


def job_change_counts(user: EmploymentFacts, params: ParameterSet | None = None) -> bool:
    """転職（離職の後の再就職）を就労継続とみなすか（平成30年12月17日 Q&A）。

    みなすのは、1回目の転職（名簿の「転職」の列）で、再就職日が離職日の翌日から1月以内のときだけ。
    2回目の転職（「転職後の離職日」がある）は、その離職で就労継続が途切れる（`employment_broken`）。
    Q&A は利用期間中の転職について述べている。利用を終えた後の転職も同じ条件で扱う（このツールの選択。
    docs/calc/roster.md に明記）。
    """
    if user.left is None or user.reemployed is None:
        return False
    return user.reemployed <= job_change_deadline(user.left, params)


def employment_broken(user: EmploymentFacts, on: _dt.date, params: ParameterSet | None = None) -> _dt.date | None:
    """就職日から続いた就労が on までに途切れた日（その離職日）。on に就労が続いていれば None。

    離職していない、または on より後の離職なら続いている。離職していても、転職を就労継続とみなせて（job_change_counts）
    on までに再就職し、転職先も on までに離職していなければ続いている。転職先の離職（2回目の離職）は、2回目の転職を
    Q&A が就労継続とみなさないので、そこで途切れる。
    """
    if user.left is None or user.left > on:
        return None
    if user.reemployed is None or user.reemployed > on or not job_change_counts(user, params):
        return user.left
    if user.left_again is not None and user.left_again <= on:
        return user.left_again
    return None


def employed_on(user: EmploymentFacts, on: _dt.date, params: ParameterSet | None = None) -> bool:
    """on に就労が続いているか（就職日から on まで、転職の扱いを含めて途切れていない）。"""
    return user.employed <= on and employment_broken(user, on, params) is None


def used_between(user: EmploymentFacts, first: _dt.date, last: _dt.date) -> bool:
    """利用期間（利用開始日〜利用終了日、利用中は終わりなし）が first〜last に1日でもかかるか。"""
    return user.start <= last and (user.end is None or user.end >= first)


# ---- 就労定着率（別添 p.14）と問2（別添 p.31）----

def fiscal_year_start(fye: _dt.date) -> _dt.date:
    """年度末日 fye の年度の初日（4月1日）。"""
    return _dt.date(fye.year - 1, 4, 1)


def use_expired(user: EmploymentFacts, fye: _dt.date, params: ParameterSet) -> bool:
    """利用期間の満了（問2の「利用期間が満了した」）：利用終了日が、支給決定できる最後の日（就職日から3年6月、
    別添 p.21）か、利用開始から3年の期間（施行規則第6条の10の3）の末日のどちらか早い方以降（このツールの選択）。

    パラメータは年度末日 fye の値を読む。
    """
    if user.end is None:
        return False
    limit = period_end(user.employed, params.value("periods.late_start_limit_months", fye))
    three_years = period_end(user.start, params.value("periods.use_months", fye))
    return user.end >= min(limit, three_years)


def q2_excluded(user: EmploymentFacts, fye: _dt.date, params: ParameterSet) -> bool:
    """問2（本通知 別添 p.31「Ⅳ Q&A 問2」）：就労定着率の計算から除外する者か。

    「利用期間が満了した利用者が、同年度内に退職した場合には、就労定着率を算出する際の計算から除外して差し支えない。
    具体的には、就労定着支援を利用した総数、就労が継続している者の総数それぞれから除外して計算する。」

    このツールの読み方：利用期間が満了し（use_expired）、その利用終了日が年度末日 fye の年度の中にあり、満了の後
    （利用終了日より後）、fye までに離職して、fye に就労が続いていない（転職を就労継続とみなせない）者。
    """
    end, left = user.end, user.left
    if end is None or left is None or not fiscal_year_start(fye) <= end <= fye or not end < left <= fye:
        return False
    return use_expired(user, fye, params) and not employed_on(user, fye, params)


@dataclass(frozen=True)
class RetentionCounts:
    """年度末日 fye の就労定着率の人数（別添 p.14、問2）。利用者は入力の順。"""

    fiscal_year_end: _dt.date
    first: _dt.date  # 過去3年間の初日
    users: tuple[EmploymentFacts, ...]  # 過去3年間に利用した者（総利用者数）
    excluded: tuple[EmploymentFacts, ...]  # 問2で除外した者
    retained: tuple[EmploymentFacts, ...]  # fye に就労が続いている者（除外した者を除く）

    @property
    def computable(self) -> bool:
        """除外した後に分母が残るか（残らなければ就労定着率を算出できない）。"""
        return len(self.users) > len(self.excluded)


def retention_counts(users: Sequence[EmploymentFacts], fye: _dt.date, params: ParameterSet) -> RetentionCounts:
    """就労定着率（別添 p.14「過去３年間の就労定着支援の総利用者数のうち前年度末時点の就労定着者数」）の人数。

    総利用者数：fye の年度を含む過去3年間（fye の3年前の4月1日〜fye、retention.lookback_years）に利用期間が1日でも
    かかる者。就労定着者：そのうち fye に就労が続いている者（employed_on、転職の扱いを含む）。問2の除外（q2_excluded）は
    両方から除く。パラメータは fye の値を読む。
    """
    years: int = params.value("retention.lookback_years", fye)
    first = _dt.date(fye.year - years, 4, 1)
    in_window = tuple(u for u in users if used_between(u, first, fye))
    excluded = tuple(u for u in in_window if q2_excluded(u, fye, params))
    out = {id(u) for u in excluded}
    retained = tuple(u for u in in_window if id(u) not in out and employed_on(u, fye, params))
    return RetentionCounts(fye, first, in_window, excluded, retained)


# ---- 就労定着実績体制加算（報酬告示）----

def whole_months(first: _dt.date, last: _dt.date) -> int:
    """first を第1日として last までに満了した月数（民法第143条の数え方、teichaku.rules.dates.period_end）。"""
    months = max((last.year - first.year) * 12 + (last.month - first.month) - 1, 0)
    while period_end(first, months + 1) <= last:
        months += 1
    return months


@dataclass(frozen=True)
class TrackRecord:
    """就労定着実績体制加算の割合の人数。"""

    first: _dt.date  # 過去6年間の初日
    ended: int  # 過去6年間に利用を終了した者
    retained: int  # そのうち42月以上78月未満就労が続いた（続いている）者
    ratio: Fraction | None  # retained/ended（ended が 0 なら None）
    required: Fraction  # 要件の割合（7/10 以上）
    reaches_back: bool  # 名簿の最も早い利用開始日が過去6年間の初日以前か

    @property
    def meets(self) -> bool | None:
        return None if self.ratio is None else self.ratio >= self.required


def track_record(users: Sequence[EmploymentFacts], fye: _dt.date, params: ParameterSet) -> TrackRecord:
    """就労定着実績体制加算（報酬告示「過去6年間において指定就労定着支援の利用を終了した者のうち、通常の事業所に
    雇用され、42月以上78月未満の期間継続して就労している者又は就労していた者の占める割合が、前年度において100分の70以上」）。

    利用を終了した者：利用終了日が fye の6年前の4月1日〜fye の者。就労が続いた期間：就職日を第1日とし、fye に就労が
    続いていれば fye まで、途切れていれば途切れた離職日まで（employment_broken、転職の扱いを含む）の満了した月数。
    パラメータ（fees.track_record_*）は fye の値を読む。
    """
    years: int = params.value("fees.track_record_lookback_years", fye)
    low: int = params.value("fees.track_record_min_months", fye)
    high: int = params.value("fees.track_record_max_months", fye)
    required: Fraction = params.value("fees.track_record_ratio", fye)
    first = _dt.date(fye.year - years, 4, 1)
    ended = [u for u in users if u.end is not None and first <= u.end <= fye]
    earliest = min((u.start for u in users), default=None)
    kept = 0
    for user in ended:
        stop = employment_broken(user, fye, params) or fye
        if low <= whole_months(user.employed, stop) < high:
            kept += 1
    ratio = Fraction(kept, len(ended)) if ended else None
    return TrackRecord(first, len(ended), kept, ratio, required, earliest is not None and earliest <= first)


# ---- 延べ利用者数と平均利用者数（解釈通知 第二 2(5)、別添 p.18）----

def fiscal_months(fye: _dt.date) -> list[Month]:
    """年度末日 fye の年度の12の月（4月〜3月）。"""
    first = Month(fye.year - 1, 4)
    return [first.shift(i) for i in range(12)]


def month_number(month: Month) -> int:
    """月の通し番号（年 × 12 + 月 − 1）。対面支援のあった月の集合をこの番号で持つ（Month より速く引ける）。"""
    return month.year * 12 + month.month - 1


def monthly_user_counts(users: Sequence[EmploymentFacts], months: Sequence[Month],
                        contacts: Mapping[str, Collection[int]] | None) -> list[int]:
    """月ごとの利用者数（延べ利用者数はその合計）。

    contacts（利用者ID → 対面支援のあった月の month_number）があれば、その月に対面支援があった（基本報酬を請求できる、別添 p.27 ※2）
    利用者を数える。なければ（このツールの選択）、利用期間がその月に1日でもかかる利用者を数える。
    """
    if contacts is not None:
        counts = [0] * len(months)
        numbers = [month_number(month) for month in months]
        for user in users:
            seen = contacts.get(user.id)
            if seen:
                for i, number in enumerate(numbers):
                    if number in seen:
                        counts[i] += 1
        return counts
    return [sum(1 for u in users if used_between(u, month.first_day, month.last_day)) for month in months]


def average_of(counts: Sequence[int], fye: _dt.date, params: ParameterSet) -> Fraction:
    """平均利用者数 = 延べ利用者数 ÷ 12、小数点第2位以下切り上げ（解釈通知 第二 2(5)、teichaku.rules.staffing.average_users）。

    パラメータ（staffing.average_users_*）は年度末日 fye の値を読む。
    """
    average, _ = average_users(sum(counts), parameters=params, on=fye)
    return average
