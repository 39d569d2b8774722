"""加算・減算の登録簿（data/claim_items.toml）：各加算・減算を一か所に、データとして書く。

一つの加算・減算（ClaimItem）は次のものを持つ：
安定した ASCII のキー（表の名前。JSON・フォーム・共有リンク・CLI・名簿はこれで名指しする）、正式名と別名（表示と入力の
受け付けだけに使う）、種類（addition 加算／reduction 減算）、数え方（counting）、日付つきの単位数（または所定単位数に
対する割合）とその出典、始まりと終わり（ended）、要件の文（requirement）、必要な事実（facts：名前つきのキー）、
条件の判定（check：CHECKS の名前、条件のないものは明示して "none"。書き忘れは読み込みの誤り）。

数え方（counting）と、それぞれが名指しする事実：
- per_month：１月につき（要件を満たす月に単位数）。
- per_time：１回につき。count_fact（この月の回数の事実）× 単位数。同じ limit_group の合計に１月（per_month）・１年
  （per_year）の上限があり、year_count_fact（この年度にすでに算定した回数の事実）で１年の上限を数える。
- once：１回限り。claimed_fact（すでに算定したかの事実）が真なら算定しない（エンジンが判定する。名簿は自分の記録で
  この事実を入れる）。
- percent：所定単位数（基本報酬）に対する割合の減算。1単位未満の端数は四捨五入（報酬告示の通則。計算は teichaku.rules.fees）。
- percent_by_months：状態が続いた月数で割合が変わる減算（人員欠如減算の「100分の70、3月目から100分の50」など）。
  months_fact（状態が始まった日＝date、またはこの月が何か月目か＝count）からこの月が何か月目かを数え、値の steps
  （from_month 月目からの rate）のうち当てはまるものを割合の減算として適用する。最初の step より前の月は減算しない。
  減算の始まりと終わりもデータ（値の start_after・start_after_if・through_resolved_month と項目の resolved_fact）：
  状態が始まった月の start_after か月後の月から減算し（start_after_if の flag の事実が真ならその months か月後。人員欠如
  減算の「1割を超えて欠如した月の翌月から／1割の範囲内は翌々月から」）、resolved_fact（解消した日）の月まで
  （through_resolved_month = false ならその前月まで。個別支援計画未作成減算の「解消されるに至った月の前月まで」）減算
  する。steps の月目は減算が適用された月から数える（「減算が適用された3月目から」）。解消した日が減算の始まる月より前なら
  減算しない（「翌月の末日において人員基準を満たすに至っている場合は除く」）。
- percent_of_units：所定単位数に加算・減算を加えた月の単位数に、利用者が入力した割合（rate_fact、百分率の事実）を乗じる
  加算（福祉・介護職員等処遇改善加算）。1単位未満は四捨五入。割合の入力がなければ合計に含めない（not_covered）。

同じ larger_of（[larger_of.<キー>]）を持つ減算が同じ月に当てはまるときは、減算の単位数が大きい方だけを適用する
（H30 Q&A VOL.3 問2：サービス管理責任者欠如減算と個別支援計画未作成減算）。

基本報酬を請求できる月の要件（[billing.<キー>]）もデータ：要件の事実（flag、既定は「はい」）と、満たす・満たさないときの
文。どの要件がいつ効力を持つかは日付つきのパラメータ fees.billing_condition（値がこのキー）による。

値が分からない期間は not_covered（理由）とし、月の合計は「何を含まないか」を示す。項目はあるがこのサービスには経過措置で
適用しない期間は exempt（理由。算定・減算せず、理由の符号 transitional で示す。業務継続計画未策定減算の令和7年3月まで）。

事実（facts）は登録簿の [facts] に、キー・表示名・種類（flag／count／date）・説明として書く。計算機のフォームと
CLI のフラグは、ここから作る（加算を一つ増やしてもコードを変えない）。

登録簿を読むのは teichaku.rules.params.load_parameters（パラメータの集合の一部として）。このモジュールは params を
import しない（読み方の共通部分は teichaku.rules.schema）。
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from .citations import Citation, Document
from .dates import Month, date_text, months_text, period_end
from .numbers import percent_text
from .schema import (
    as_date,
    as_fraction,
    as_int,
    as_key,
    as_string,
    check_dates,
    check_keys,
    fail,
    in_force,
    parse_source,
    value_source,
)

COUNTINGS = ("per_month", "per_time", "once", "percent", "percent_by_months", "percent_of_units")
KINDS = ("addition", "reduction")
FACT_KINDS = ("flag", "count", "date", "percent", "choice")
NO_CHECK = "none"
_ITEM_KEYS = {"name", "kind", "counting", "aliases", "facts", "requirement", "check", "limit_group", "source", "values",
              "description", "count_fact", "year_count_fact", "claimed_fact", "months_fact", "resolved_fact", "rate_fact",
              "larger_of", "presumed_facts"}
_ITEM_REQUIRED = {"name", "kind", "counting", "requirement", "values", "check"}
_VALUE_KEYS = {"since", "units", "rate", "steps", "per_month", "per_year", "caveat", "not_covered", "ended", "source", "name",
               "start_after", "start_after_if", "through_resolved_month", "formula", "exempt"}
_FACT_KEYS = {"label", "kind", "hint", "default", "column", "choices", "choice_labels"}
_LARGER_OF_KEYS = {"label", "note", "source"}
_BILLING_KEYS = {"label", "fact", "met", "unmet", "refusal", "note", "passage", "record"}
# 数え方ごとに必要な事実の名指し（キー → その事実の種類）
_NAMED_FACTS: dict[str, dict[str, tuple[str, ...]]] = {
    "per_time": {"count_fact": ("count",), "year_count_fact": ("count",)},
    "once": {"claimed_fact": ("flag",)},
    "percent_by_months": {"months_fact": ("date", "count"), "resolved_fact": ("date",)},
    "percent_of_units": {"rate_fact": ("percent",)},
}
_NAMED_REQUIRED = {"per_time": {"count_fact"}, "once": {"claimed_fact"}, "percent_by_months": {"months_fact"},
                   "percent_of_units": {"rate_fact"}}
_NAMED = ("count_fact", "year_count_fact", "claimed_fact", "months_fact", "resolved_fact", "rate_fact")

# 算定しない理由の機械で読める符号（JSON の rejected[].code。文は reason）
NOT_YET = "not_yet"  # その月にはまだない（創設前）
ENDED = "ended"  # 廃止された
BEFORE_START = "before_support_start"  # 利用開始前の月
BILLING_UNMET = "billing_condition_unmet"  # 基本報酬の要件を満たさない月（加算も算定しない）
REQUIREMENT_UNMET = "requirement_unmet"  # 要件を満たさない（条件関数の判定）
MISSING_FACT = "missing_fact"  # 判定に要る事実の入力がない
ONCE_CLAIMED = "once_claimed"  # １回限りで、すでに算定した
NO_TIMES = "no_times"  # この月の回数が0回
LIMIT_REACHED = "limit_reached"  # 1月・1年の回数の上限
NOT_STARTED = "not_started"  # 状態が続く減算で、減算の始まる月より前（または始まる前に解消した）
RESOLVED = "resolved"  # 状態が続く減算で、解消した後の月
SMALLER_OVERLAP = "smaller_overlap"  # 相互に連動する減算のうち、単位数が大きい方だけを適用した
TRANSITIONAL = "transitional"  # 制度はあるが、経過措置でこのサービスには適用されない期間
BASE_UNKNOWN = "base_unknown"  # 基本報酬の単位数が分からず、減算を示せない
REASON_CODES = (NOT_YET, ENDED, BEFORE_START, BILLING_UNMET, REQUIREMENT_UNMET, MISSING_FACT, ONCE_CLAIMED, NO_TIMES,
                LIMIT_REACHED, BASE_UNKNOWN, NOT_STARTED, RESOLVED, SMALLER_OVERLAP, TRANSITIONAL)


@dataclass(frozen=True)
class Fact:
    """加算・減算の判定に使う事実（フォームの項目・CLI のフラグになる）。default は入力がないときの値（flag だけ）。
    column は名簿（teichaku.interfaces.roster）でこの事実を「○」で書く列の名（flag だけ。なければ名簿は読まない）。"""

    key: str
    label: str
    kind: str  # flag / count / date
    hint: str
    default: bool = False
    column: str | None = None
    choices: tuple[str, ...] = ()  # choice の事実の選択肢（フォーム・CLI が送る値）
    choice_labels: tuple[str, ...] = ()  # その表示名（同じ順。「Ⅰ」など）


@dataclass(frozen=True)
class LargerOf:
    """相互に連動する減算の組（[larger_of.<キー>]）：同じ月に当てはまれば、減算の単位数が大きい方だけを適用する。"""

    key: str
    label: str
    note: str
    source: Citation


@dataclass(frozen=True)
class StartAfterIf:
    """percent_by_months の減算の始まり：flag の事実 fact が真なら、状態が始まった月の months か月後から。"""

    fact: str
    months: int


@dataclass(frozen=True)
class BillingCondition:
    """基本報酬を請求できる月の要件（fees.billing_condition の値がこの key）。fact はその月に要件を満たしたかの事実。
    record は名簿の支援の記録の表の「種類」の値（その月にこの種類の行があれば要件を満たす）。"""

    key: str
    label: str
    fact: str
    met: str
    unmet: str
    refusal: str
    note: str
    passage: str | None = None
    record: str | None = None


@dataclass(frozen=True)
class Step:
    """percent_by_months の一段：状態が続いて from_month 月目からの減算の割合。"""

    from_month: int
    rate: Fraction


@dataclass(frozen=True)
class ItemValue:
    """ある期間の単位数（または割合）。until は次の値の since（その前日まで）。"""

    since: _dt.date
    until: _dt.date | None
    units: int | None
    rate: Fraction | None
    per_month: int | None
    per_year: int | None
    caveat: str | None  # 値は使うが確認できていないことの注（警告として示す）
    not_covered: str | None  # この期間の値が分からない理由（合計に含めない）
    ended: bool
    source: Citation
    name: str | None  # この期間の名称（改称したとき）
    steps: tuple[Step, ...] = ()
    start_after: int = 0  # percent_by_months：状態が始まった月の何か月後から減算するか（0 はその月から）
    start_after_if: StartAfterIf | None = None
    through_resolved_month: bool = True  # 解消した月も減算するか（偽なら解消した月の前月まで）
    formula: str | None = None  # percent_of_units：計算の仕方の文（表に示す）
    exempt: str | None = None  # 項目はあるが、経過措置などでこのサービスには適用しない期間の理由（算定・減算しない）

    @property
    def last_day(self) -> _dt.date | None:
        return self.until - _dt.timedelta(days=1) if self.until else None

    def steps_text(self) -> str:
        """percent_by_months の段の書き方：「減算が適用された1か月目から所定単位数の30%、3か月目から50%を減算」と、始まりと
        終わり（状態が始まった月の翌月から、など）。"""
        parts = [f"{step.from_month}か月目から{percent_text(step.rate, 0)}" for step in self.steps]
        text = "減算が適用された" + "、".join(parts) + "を所定単位数から減算"
        if self.start_after or self.start_after_if:
            text += f"（状態が始まった月の{_after_text(self.start_after)}から"
            if self.start_after_if:
                text += f"、条件によっては{_after_text(self.start_after_if.months)}から"
            text += "）"
        return text

    def start_offset(self, facts: Mapping[str, Any]) -> int:
        """状態が始まった月の何か月後から減算するか（start_after_if の事実が真ならその月数）。"""
        if self.start_after_if is not None and facts.get(self.start_after_if.fact) is True:
            return self.start_after_if.months
        return self.start_after

    def step_for(self, months: int) -> Step | None:
        """percent_by_months：状態が months か月目のときの段（最初の段より前なら None）。"""
        found = None
        for step in self.steps:
            if step.from_month <= months:
                found = step
        return found


def _after_text(months: int) -> str:
    return {0: "その月", 1: "翌月", 2: "翌々月"}.get(months, f"{months}か月後の月")


@dataclass(frozen=True)
class ClaimItem:
    key: str
    name: str
    kind: str
    counting: str
    aliases: tuple[str, ...]
    facts: tuple[str, ...]
    requirement: str
    check: str  # CHECKS の名前、または NO_CHECK
    limit_group: str | None
    values: tuple[ItemValue, ...]
    count_fact: str | None = None
    year_count_fact: str | None = None
    claimed_fact: str | None = None
    months_fact: str | None = None
    resolved_fact: str | None = None
    rate_fact: str | None = None
    larger_of: str | None = None
    # 入力がなければ「はい」とする要件の事実（flag、default = true）。名簿は列がなくても満たすとし、フォームと CLI で
    # 「いいえ」にできる（特別地域加算の対面の支援）
    presumed_facts: tuple[str, ...] = ()

    @property
    def is_reduction(self) -> bool:
        return self.kind == "reduction"

    @property
    def first_day(self) -> _dt.date:
        return self.values[0].since

    @property
    def last_day(self) -> _dt.date | None:
        """最後に効力を持つ日（廃止されていなければ None）。"""
        last = self.values[-1]
        return last.since - _dt.timedelta(days=1) if last.ended else None

    def at(self, on: _dt.date) -> ItemValue | None:
        """on の日の値。創設前・廃止後は None。"""
        found = in_force(self.values, on)
        if found is None or found.ended:
            return None
        return found

    def exists(self, on: _dt.date) -> bool:
        return self.at(on) is not None

    def name_on(self, on: _dt.date) -> str:
        value = self.at(on)
        return value.name if value is not None and value.name else self.name

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *(v.name for v in self.values if v.name), *self.aliases)

    @property
    def requirement_facts(self) -> tuple[str, ...]:
        """要件の事実（算定済みの記録 claimed_fact・回数・月数を除いたもの）。"""
        named = {self.count_fact, self.year_count_fact, self.claimed_fact, self.months_fact, self.resolved_fact,
                 self.rate_fact}
        return tuple(key for key in self.facts if key not in named)


@dataclass(frozen=True)
class Registry:
    items: tuple[ClaimItem, ...]
    facts: Mapping[str, Fact]
    billing: Mapping[str, BillingCondition] = field(default_factory=dict)
    larger_of: Mapping[str, LargerOf] = field(default_factory=dict)

    def get(self, key: str) -> ClaimItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def on(self, day: _dt.date) -> tuple[ClaimItem, ...]:
        """day に存在する加算・減算（登録簿の順）。"""
        return tuple(item for item in self.items if item.exists(day))

    def lookup(self, text: str) -> ClaimItem | None:
        """キー、または正式名・別名（全角・半角、ローマ数字Ⅰ／I、括弧の全角・半角を問わない）から。"""
        stripped = text.strip()
        for item in self.items:
            if item.key == stripped:
                return item
        wanted = normalize_name(text)
        for item in self.items:
            if any(normalize_name(name) == wanted for name in item.all_names()):
                return item
        return None

    def billing_fact_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(condition.fact for condition in self.billing.values()))


_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}


def normalize_name(text: str) -> str:
    """名称の比較用の形：NFKC（全角英数・括弧を半角に、Ⅰ→I）、空白を除く、大文字。"""
    folded = unicodedata.normalize("NFKC", text)
    for roman, ascii_ in _ROMAN.items():
        folded = folded.replace(roman, ascii_)
    return "".join(folded.split()).upper()


def months_lasted(value: Any, month: Month | None) -> int | None:
    """percent_by_months の事実から、この月が状態の何か月目か（始まった月が1か月目）。分からなければ None。

    事実が日付なら、その日を含む月を1か月目として数える。整数ならそれがこの月の月数。
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, _dt.date) and month is not None:
        count = (month.year - value.year) * 12 + month.month - value.month + 1
        return count if count > 0 else None
    return None


@dataclass(frozen=True)
class ReducedMonth:
    """percent_by_months の減算のこの月：減算が適用された何か月目か（reduced。減算しないなら None と理由）。"""

    reduced: int | None
    condition_month: int | None  # 状態が始まった月を1とした、この月の月目
    start_after: int
    code: str = ""
    reason: str = ""


def reduced_month(item: ClaimItem, value: ItemValue, facts: Mapping[str, Any], month: Month | None) -> ReducedMonth:
    """状態が続く減算（percent_by_months）で、この月が減算の何か月目か。

    状態が始まった月（months_fact。日付ならその日を含む月）を1か月目とし、その start_after か月後の月（start_after_if の
    事実が真ならその months か月後）から減算する。解消した日（resolved_fact）があれば、その月まで（through_resolved_month
    が偽ならその前月まで）減算する。減算の月目（steps が数える）は減算が適用された月を1とする。
    """
    condition = months_lasted(facts.get(item.months_fact) if item.months_fact else None, month)
    offset = value.start_offset(facts)
    if condition is None:
        began = facts.get(item.months_fact) if item.months_fact else None
        if isinstance(began, _dt.date) and month is not None:
            return ReducedMonth(None, None, offset, NOT_STARTED, f"状態が始まった日（{date_text(began)}）より前の月です。")
        return ReducedMonth(None, None, offset, MISSING_FACT, "状態が始まった日（または何か月目か）の入力が必要です。")
    resolved = facts.get(item.resolved_fact) if item.resolved_fact else None
    reduced = condition - offset
    start = f"状態が始まった月の{_after_text(offset)}から減算します"
    if isinstance(resolved, _dt.date) and month is not None:
        last = Month.of(resolved) if value.through_resolved_month else Month.of(resolved).shift(-1)
        until = "その月まで" if value.through_resolved_month else "その前月まで"
        if month > last:
            first = month.shift(1 - reduced)  # 減算が始まる月
            if first > last:
                return ReducedMonth(None, condition, offset, RESOLVED,
                                    f"減算が始まる月（{first.japanese()}）より前に解消しています（{date_text(resolved)}。{start}）。")
            return ReducedMonth(None, condition, offset, RESOLVED,
                                f"{date_text(resolved)}に解消しています（減算は{until}）。")
    if reduced < 1:
        return ReducedMonth(None, condition, offset, NOT_STARTED,
                            f"状態が始まった月から{condition}か月目で、{start}。")
    return ReducedMonth(reduced, condition, offset)


# ---- 条件関数：要件に論理が要るものだけ。戻り値は算定しない理由（符号と文。算定するなら None） ----

CheckContext = Mapping[str, Any]  # facts（キー → 型つきの値）と month・on・registry・param・note・warn（注意。なければ note）
Reason = tuple[str, str]
Check = Callable[[ClaimItem, ItemValue, CheckContext], Reason | None]


def _flag_required(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> Reason | None:
    """要件の事実（flag）がすべて真であること（presumed_facts は入力がなければ真）。"""
    del value
    facts = ctx["facts"]
    registry: Registry = ctx["registry"]
    for key in (*item.requirement_facts, *item.presumed_facts):
        fact = registry.facts[key]
        if fact.kind == "flag" and not facts.get(key, fact.default):
            return REQUIREMENT_UNMET, f"要件「{fact.label}」を満たす場合に限ります（{item.requirement}）。"
    return None


def _initial(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> Reason | None:
    """初期加算：一体的に運営する移行支援事業所等以外から受け入れた利用者（別添 p.14）。１回限りはエンジン（once）が見る。"""
    del item, value
    if not ctx["facts"].get("from_other_office"):
        return REQUIREMENT_UNMET, ("一体的に運営する移行支援事業所等以外の事業所から受け入れた利用者に限ります"
                                   "（他事業所からの受入れを指定してください）。")
    return None


def _first_year(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> Reason | None:
    """企業連携等調整特別加算：支援開始１年以内（別添 p.14）。利用開始日を第1日とする fees.company_coordination_months の
    期間（民法第143条）に1日でも含まれる月（本ツールの選択）。期間の長さはサービス提供月の初日のパラメータ。"""
    del item, value
    start: _dt.date | None = ctx["facts"].get("support_start")
    month = ctx["month"]
    if start is None or month is None:
        return MISSING_FACT, "支援開始1年以内かを判定するため、利用開始日とサービス提供月が必要です。"
    months: int = ctx["param"]("fees.company_coordination_months")
    first_year_end = _period_end(start, months)
    if month.first_day > first_year_end:
        return REQUIREMENT_UNMET, _past_first_year(start, first_year_end, months)
    return None


# 名簿は同じ利用開始日の判定を月ごとに繰り返すので、純粋な日付の計算と文を覚えておく
_period_end = lru_cache(maxsize=4096)(period_end)


@lru_cache(maxsize=4096)
def _past_first_year(start: _dt.date, end: _dt.date, months: int) -> str:
    return f"支援開始{months_text(months)}以内（{date_text(start)}〜{date_text(end)}）を過ぎた月です。"


def _track_record(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> Reason | None:
    """就労定着実績体制加算：過去6年間の利用終了者のうち42月以上78月未満就労継続者等の割合が前年度7割以上（報酬告示）。

    指定日（designated_on）があり、この月が指定から1年間のうちなら、「指定を受けた日から1年間は算定できません」
    （consulting.ws-magokoro.com 2025/02/04、二次情報一件、確度：低。sources/current-regime.md 8.5）を注意として示す
    （算定しないとはしない）。
    """
    del item, value
    facts, param = ctx["facts"], ctx["param"]
    years, low, high = (param(f"fees.track_record_{name}") for name in ("lookback_years", "min_months", "max_months"))
    ended, kept = facts.get("track_record_ended"), facts.get("track_record_retained")
    if ended is None or kept is None:
        return MISSING_FACT, (f"過去{years}年間の利用終了者数と、そのうち{low}月以上{high}月未満継続して就労している者等の数が"
                              "必要です。")
    if ended == 0:
        return MISSING_FACT, f"過去{years}年間に利用を終了した者がいないため、割合を算出できません。"
    ratio: Fraction = param("fees.track_record_ratio")
    share = Fraction(kept, ended)
    text = (f"{low}月以上{high}月未満の就労継続者{kept}人 ÷ 利用終了者{ended}人 = {percent_text(share)}"
            f"（{percent_text(ratio, 0)}以上が必要）")
    if share < ratio:
        return REQUIREMENT_UNMET, f"{text}：要件を満たしません。"
    ctx["note"](f"{text}：要件を満たす。")
    designated, month = facts.get("designated_on"), ctx["month"]
    if isinstance(designated, _dt.date) and month is not None:
        first_months: int = param("fees.track_record_first_year_months")
        first_year_end = period_end(designated, first_months)
        if month.first_day <= first_year_end and designated <= month.last_day:
            ctx.get("warn", ctx["note"])(
                f"指定日{date_text(designated)}から{months_text(first_months)}間（{date_text(first_year_end)}まで）の月です。"
                "就労定着実績体制加算は「指定を受けた日から1年間は算定できません」とする資料があります（二次情報一件。確度：低。"
                "前年度の実績が要件なので、新規指定の事業所は前年度の実績がない）。算定の可否を指定権者に確かめてください。")
    return None


CHECKS: dict[str, Check] = {
    "flags": _flag_required,
    "initial": _initial,
    "first_year": _first_year,
    "track_record": _track_record,
}
# 利用開始日（support_start）を読む条件関数：名簿は、これを持つ項目がある月だけ、利用者ごとの判定で同じ結果の月をまとめる
READS_SUPPORT_START = frozenset({"first_year"})


# ---- 読み込み ----

def _fail(where: str, message: str) -> Exception:
    return fail(f"claim_items.toml {where}", message)


def _facts(raw_facts: Any) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for key, item in raw_facts.items():
        where = f"facts.{key}"
        as_key(f"claim_items.toml {where}", key)
        check_keys(where, item, _FACT_KEYS, {"label", "kind", "hint"})
        if item["kind"] not in FACT_KINDS:
            raise _fail(where, f"kind は {list(FACT_KINDS)} のいずれか")
        default = item.get("default", False)
        if not isinstance(default, bool) or (default and item["kind"] != "flag"):
            raise _fail(f"{where}.default", "default は flag の事実にだけ、true／false で書きます")
        column = as_string(f"{where}.column", item["column"]) if "column" in item else None
        if column is not None and item["kind"] != "flag":
            raise _fail(f"{where}.column", "名簿の列（column）は flag の事実にだけ書きます")
        choices = item.get("choices", [])
        labels = item.get("choice_labels", choices)
        if (item["kind"] == "choice") != bool(choices) or not isinstance(choices, list) \
                or not isinstance(labels, list) or len(labels) != len(choices):
            raise _fail(f"{where}.choices", "choices（選択肢の配列）と choice_labels（同じ数の表示名）は choice の事実にだけ書きます")
        facts[key] = Fact(key, as_string(where, item["label"]), item["kind"], as_string(where, item["hint"]), default,
                          column, tuple(as_string(f"{where}.choices", c) for c in choices),
                          tuple(as_string(f"{where}.choice_labels", c) for c in labels))
    return facts


def _larger_of(raw: Any, documents: Mapping[str, Document]) -> dict[str, LargerOf]:
    out: dict[str, LargerOf] = {}
    for key, item in raw.items():
        where = f"larger_of.{key}"
        as_key(f"claim_items.toml {where}", key)
        check_keys(where, item, _LARGER_OF_KEYS, _LARGER_OF_KEYS)
        out[key] = LargerOf(key, as_string(f"{where}.label", item["label"]), as_string(f"{where}.note", item["note"]),
                            parse_source(f"{where}.source", item["source"], documents))
    return out


def _start_after_if(where: str, raw: Any, facts: Mapping[str, Fact], needed: tuple[str, ...]) -> StartAfterIf:
    check_keys(where, raw, {"fact", "months"}, {"fact", "months"})
    fact = raw["fact"]
    if fact not in needed or facts[fact].kind != "flag":
        raise _fail(f"{where}.fact", f"項目の facts にある flag の事実でなければなりません：{fact!r}")
    months = as_int(f"{where}.months", raw["months"])
    if months < 0:
        raise _fail(f"{where}.months", "0 以上です")
    return StartAfterIf(fact, months)


def _billing(raw: Any, facts: Mapping[str, Fact]) -> dict[str, BillingCondition]:
    out: dict[str, BillingCondition] = {}
    for key, item in raw.items():
        where = f"billing.{key}"
        as_key(f"claim_items.toml {where}", key)
        check_keys(where, item, _BILLING_KEYS, _BILLING_KEYS - {"passage", "record"})
        fact = item["fact"]
        if fact not in facts or facts[fact].kind != "flag":
            raise _fail(f"{where}.fact", f"[facts] の flag の事実でなければなりません：{fact!r}")
        text = {name: as_string(f"{where}.{name}", item[name]) for name in ("label", "met", "unmet", "refusal", "note")}
        out[key] = BillingCondition(key=key, fact=fact, passage=item.get("passage"), record=item.get("record"), **text)
    return out


def _steps(where: str, raw: Any) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "steps は { from_month = 月目, rate = \"割合\" } の配列です")
    steps: list[Step] = []
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        check_keys(here, entry, {"from_month", "rate"}, {"from_month", "rate"})
        from_month = as_int(f"{here}.from_month", entry["from_month"])
        rate = as_fraction(f"{here}.rate", entry["rate"])
        if from_month < 1 or (steps and from_month <= steps[-1].from_month):
            raise _fail(f"{here}.from_month", "1 以上で、前の段より大きくなければなりません")
        if rate > 1:
            raise _fail(f"{here}.rate", "割合は 1 以下です")
        steps.append(Step(from_month, rate))
    return tuple(steps)


def parse_items(raw: Mapping[str, Any], documents: Mapping[str, Document]) -> Registry:
    """登録簿を読み、検証する（未知のキー・出典の欠落・数え方に合わない値・重なる日付・条件の書き忘れを拒否）。"""
    raw = dict(raw)
    facts = _facts(raw.pop("facts", {}))
    billing = _billing(raw.pop("billing", {}), facts)
    larger_of = _larger_of(raw.pop("larger_of", {}), documents)
    items: list[ClaimItem] = []
    for key, item in raw.items():
        where = f"[{key}]"
        as_key(f"claim_items.toml {where}", key)
        check_keys(where, item, _ITEM_KEYS, _ITEM_REQUIRED)
        kind, counting = item["kind"], item["counting"]
        if kind not in KINDS:
            raise _fail(f"{where}.kind", f"{list(KINDS)} のいずれか：{kind!r}")
        if counting not in COUNTINGS:
            raise _fail(f"{where}.counting", f"{list(COUNTINGS)} のいずれか：{counting!r}")
        if counting in ("percent", "percent_by_months") and kind != "reduction":
            raise _fail(f"{where}.counting", f"{counting} は減算（reduction）の数え方です")
        if counting == "percent_of_units" and kind != "addition":
            raise _fail(f"{where}.counting", f"{counting} は加算（addition）の数え方です")
        group = item.get("larger_of")
        if group is not None and (group not in larger_of or kind != "reduction"):
            raise _fail(f"{where}.larger_of", f"減算にだけ、[larger_of] にある組の名を書きます：{group!r}")
        needed = tuple(item.get("facts", ()))
        unknown = [f for f in needed if f not in facts]
        if unknown:
            raise _fail(f"{where}.facts", f"[facts] にない事実 {unknown}")
        named: dict[str, str | None] = {}
        allowed = _NAMED_FACTS.get(counting, {})
        for name in _NAMED:
            fact_key = item.get(name)
            if fact_key is None:
                if name in _NAMED_REQUIRED.get(counting, set()):
                    raise _fail(where, f"数え方 {counting} には {name}（名指しする事実）が必要です")
                named[name] = None
                continue
            if name not in allowed:
                raise _fail(f"{where}.{name}", f"数え方 {counting} は {name} を使いません")
            if fact_key not in needed:
                raise _fail(f"{where}.{name}", f"facts にない事実 {fact_key!r}（facts にも書きます）")
            if facts[fact_key].kind not in allowed[name]:
                raise _fail(f"{where}.{name}", f"事実 {fact_key!r} の種類は {list(allowed[name])} のいずれかです")
            named[name] = fact_key
        presumed = tuple(item.get("presumed_facts", ()))
        for fact_key in presumed:
            if fact_key not in facts or facts[fact_key].kind != "flag" or not facts[fact_key].default or fact_key in needed:
                raise _fail(f"{where}.presumed_facts", f"default = true の flag の事実で、facts にないもの：{fact_key!r}")
        check = item["check"]
        if check != NO_CHECK and check not in CHECKS:
            raise _fail(f"{where}.check", f"条件関数 {check!r} はありません（{sorted(CHECKS)}、条件がなければ \"{NO_CHECK}\"）")
        inherited = parse_source(f"{where}.source", item["source"], documents) if "source" in item else None
        raw_values = item["values"]
        if not isinstance(raw_values, list) or not raw_values:
            raise _fail(f"{where}.values", "少なくとも一つの値が必要です")
        parsed: list[tuple[_dt.date, dict[str, Any]]] = []
        for index, entry in enumerate(raw_values):
            here = f"{where}.values[{index}]"
            check_keys(here, entry, _VALUE_KEYS, {"since"})
            since = as_date(f"{here}.since", entry["since"])
            source = value_source(here, entry, documents, inherited)
            ended = entry.get("ended") is True
            not_covered = entry.get("not_covered")
            units = as_int(f"{here}.units", entry["units"]) if "units" in entry else None
            rate = as_fraction(f"{here}.rate", entry["rate"]) if "rate" in entry else None
            steps = _steps(f"{here}.steps", entry["steps"]) if "steps" in entry else ()
            timing = {name for name in ("start_after", "start_after_if", "through_resolved_month") if name in entry}
            if timing and counting != "percent_by_months":
                raise _fail(here, f"{sorted(timing)} は percent_by_months の数え方だけが使います")
            if "formula" in entry and counting != "percent_of_units":
                raise _fail(f"{here}.formula", "formula は percent_of_units の数え方だけが使います")
            start_after = as_int(f"{here}.start_after", entry["start_after"]) if "start_after" in entry else 0
            if start_after < 0:
                raise _fail(f"{here}.start_after", "0 以上です")
            through = entry.get("through_resolved_month", True)
            if not isinstance(through, bool):
                raise _fail(f"{here}.through_resolved_month", "true／false で書きます")
            exempt = as_string(f"{here}.exempt", entry["exempt"]) if "exempt" in entry else None
            if not ended and not_covered is None and exempt is None:
                if counting == "percent" and rate is None:
                    raise _fail(here, "割合の減算には rate（例 \"10/100\"）が必要です")
                if counting == "percent_by_months" and not steps:
                    raise _fail(here, "月数による減算には steps が必要です")
                if counting == "percent_of_units" and "formula" not in entry:
                    raise _fail(here, "割合を乗じる加算には formula（計算の仕方の文）が必要です")
                if counting not in ("percent", "percent_by_months", "percent_of_units") and units is None:
                    raise _fail(here, "units が必要です（値が分からない期間は not_covered に理由を書きます）")
            if steps and counting != "percent_by_months":
                raise _fail(f"{here}.steps", "steps は percent_by_months の数え方だけが使います")
            parsed.append((since, {
                "units": units, "rate": rate, "steps": steps,
                "per_month": as_int(f"{here}.per_month", entry["per_month"]) if "per_month" in entry else None,
                "per_year": as_int(f"{here}.per_year", entry["per_year"]) if "per_year" in entry else None,
                "caveat": entry.get("caveat"), "not_covered": not_covered, "ended": ended, "source": source,
                "name": entry.get("name"), "start_after": start_after,
                "start_after_if": _start_after_if(f"{here}.start_after_if", entry["start_after_if"], facts, needed)
                if "start_after_if" in entry else None,
                "through_resolved_month": through,
                "formula": as_string(f"{here}.formula", entry["formula"]) if "formula" in entry else None,
                "exempt": exempt,
            }))
            if entry.get("per_year") is not None and named.get("year_count_fact") is None:
                raise _fail(f"{here}.per_year", "1年の上限には year_count_fact（この年度に算定した回数の事実）が必要です")
        parsed.sort(key=lambda p: p[0])
        check_dates(f"claim_items.toml {where}", [(since, data["ended"]) for since, data in parsed])
        values = tuple(
            ItemValue(since=since, until=parsed[i + 1][0] if i + 1 < len(parsed) else None, **data)
            for i, (since, data) in enumerate(parsed)
        )
        items.append(ClaimItem(
            key=key, name=as_string(f"{where}.name", item["name"]), kind=kind, counting=counting,
            aliases=tuple(item.get("aliases", ())), facts=needed,
            requirement=as_string(f"{where}.requirement", item["requirement"]), check=check,
            limit_group=item.get("limit_group"), values=values, larger_of=group, presumed_facts=presumed, **named,
        ))
    return Registry(tuple(items), facts, billing, larger_of)
