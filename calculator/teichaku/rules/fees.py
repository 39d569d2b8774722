"""１か月の請求：基本報酬 ＋ 加算 − 減算（報酬告示 別表第14の2、別添 p.14、支援事例③ ※２ p.27）。

すべての値はサービス提供月（の初日）に効力を持つものを読む。加算・減算は登録簿（teichaku.rules.items、
data/claim_items.toml）に一度だけ書かれ、ここはそれを数え方どおりに適用するだけ：

- 基本報酬を請求できる月の要件は日付による（fees.billing_condition の値が登録簿の [billing] のキー）：令和3年3月までは
  利用者との対面による支援が月1回以上（支援事例③ ※２）、令和3年4月からは支援レポートを月1回共有（令和3年度改定の
  概要）。要件の事実と文はデータにあり、ここに日付の分岐はない。要件を満たさない月は基本報酬を請求できず、加算も
  算定しない（加算は基本報酬に上乗せするもの）。
- 減算（percent）：所定単位数（加算の前の基本報酬）に割合を乗じる。複数の減算は、先の減算の後の単位数に次の割合を
  乗じる（留意事項通知「減算後基本報酬所定単位数」）。割合を乗じるたびに1単位未満を四捨五入する（留意事項通知 第二 1
  通則 (1)①「絶えず整数値に割合を乗じていく」）。本ツールは「所定単位数 ×（1 − 割合）」を四捨五入し、差を減算の単位数
  とする（.5 ちょうどのときだけ「割合分を四捨五入して引く」と結果が違いうるが、資料はこれに触れていない）。減算の順は
  算定構造表の順が資料で確認できないため、登録簿の順とする。percent_by_months は、状態が始まった日（months_fact）と
  解消した日（resolved_fact）から、この月が減算の何か月目かを数え（始まる月・終わる月は値の start_after・
  start_after_if・through_resolved_month。teichaku.rules.items.reduced_month）、その月の割合（steps）を同じように乗じる。
  同じ larger_of の組の減算が同じ月に当てはまれば、割合の大きい方（同じ所定単位数に乗じるので減算の単位数の大きい方）
  だけを適用する（H30 Q&A VOL.3 問2）。組の減算は登録簿で隣り合わせに書く。
- percent_of_units（処遇改善加算）：基本報酬 ＋ 加算 − 減算の月の単位数に、事業所が入力した加算率（rate_fact、%）を
  乗じ、1単位未満を四捨五入する（加算率の入力がなければ合計に含めない）。
- 加算：per_month は月に一度、per_time は count_fact の回数 × 単位数（同じ limit_group の合計に1月・1年の上限、1年は
  year_count_fact の算定済みの回数から）、once は claimed_fact が真なら算定しない（1回限り）。
- 算定しない項目は、理由の文（reason）と機械で読める符号（code、teichaku.rules.items.REASON_CODES）を持つ。
- 値が分からない項目（not_covered）は合計に含めず、合計はそれを「含まない」と明示する。
- 金額（単価を入力したとき）：単位数 × 単価の1円未満は切り捨て（留意事項通知 第二 1 (1)②）。利用者負担は負担上限月額と
  1割相当額（総費用額 × fees.user_charge_ratio、1円未満切り捨て）の低い方、訓練等給付費は総費用額 − 利用者負担（法第29条
  第3項）。一般1の上限は入所施設利用者（20歳以上）・グループホーム利用者には当たらない（fees.user_charge_cap_general1_resident）。上限は利用者ごとに
  すべてのサービスを合わせた月額（上限額管理）なので、一つの事業所の利用者負担はその上限の見込みにとどまる。
- 併給調整（自立生活援助、自立訓練（生活訓練）、職場適応援助者に係る助成金）は警告として示す（別添 p.14 の注）。
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import items as codes
from .dates import Month, date_text, parse_date, parse_month
from .errors import InputError
from .explain import Explanation
from .items import CHECKS, NO_CHECK, BillingCondition, ClaimItem, Fact, ItemValue, Registry, reduced_month
from .numbers import decimal_text, parse_count, parse_decimal, percent_text
from .params import ParameterSet, default_parameters, registry
from .passages import passage
from .retention import RetentionResult, retention_rate

CONCURRENT = {
    "自立生活援助": "自立生活援助",
    "自立訓練（生活訓練）": "自立訓練（生活訓練）", "生活訓練": "自立訓練（生活訓練）", "自立訓練(生活訓練)": "自立訓練（生活訓練）",
    "職場適応援助者助成金": "職場適応援助者に係る助成金", "ジョブコーチ助成金": "職場適応援助者に係る助成金",
    "職場適応援助者に係る助成金": "職場適応援助者に係る助成金",
}
INCOME_CLASSES = {
    "生活保護": "fees.user_charge_cap_welfare",
    "低所得": "fees.user_charge_cap_low_income",
    "一般1": "fees.user_charge_cap_general1",
    "一般2": "fees.user_charge_cap_general2",
}
# 所得区分の安定したキー（表示名 → キー）。入所施設利用者（20歳以上）・グループホーム利用者の例外が当たる区分はキーで選ぶ
INCOME_CLASS_KEYS = {"生活保護": "welfare", "低所得": "low_income", "一般1": "general1", "一般2": "general2"}
RESIDENT_EXCEPTION_CLASSES = frozenset({"general1"})
RESIDENT_CAP = "fees.user_charge_cap_general1_resident"
UPPER_LIMIT_NOTE = ("利用者負担の上限は利用者ごとに、同じ月に使ったすべての障害福祉サービスを合わせた額です（上限額管理）。"
                    "この事業所の利用者負担は見込みの上限で、他のサービスの負担と合わせて上限に達すれば少なくなります。")
FactValue = bool | int | Fraction | str | _dt.date | None


def _cap_key(facts: ClaimFacts) -> str | None:
    """負担上限月額のパラメータ：所得区分による。一般1でも入所施設利用者（20歳以上）・グループホーム利用者は別の額。"""
    if not facts.income_class:
        return None
    if INCOME_CLASS_KEYS.get(facts.income_class) in RESIDENT_EXCEPTION_CLASSES and facts.resident:
        return RESIDENT_CAP
    return INCOME_CLASSES[facts.income_class]


def _hundredths(ratio: Fraction | None) -> str:
    """割合を「100分のN」で（N が整数でなければ分数のまま）。"""
    if ratio is None:
        return ""
    n = ratio * 100
    return f"100分の{n.numerator}" if n.denominator == 1 else f"{ratio.numerator}/{ratio.denominator}"


def _choice_label(fact: Fact, value: FactValue) -> str:
    """choice の事実の値の表示名（「1」→「Ⅰ」）。"""
    return dict(zip(fact.choices, fact.choice_labels, strict=True)).get(str(value), str(value))


def _round_half_up(value: Fraction) -> int:
    """1単位未満の四捨五入（留意事項通知 第二 1 通則 (1)①）。value は 0 以上。"""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def parse_item(text: str, field_key: str = "additions", on: _dt.date | None = None,
               parameters: ParameterSet | None = None) -> ClaimItem:
    """加算・減算のキー、または名（正式名・別名、全角・半角、ローマ数字Ⅰ／I）を登録簿の項目にする。"""
    reg = registry(parameters)
    found = reg.lookup(text)
    if found is None:
        names = "、".join(item.name for item in (reg.on(on) if on else reg.items))
        raise InputError(field_key, f"「{text.strip()}」という加算・減算は登録簿にありません。{names}のいずれかを指定してください。")
    return found


def parse_concurrent(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    out = []
    for name in names:
        key = unicodedata.normalize("NFKC", name).strip()
        if key not in CONCURRENT and name.strip() not in CONCURRENT:
            raise InputError("also_using", f"「{name.strip()}」は併給調整の対象として認識できません。"
                                           "自立生活援助、自立訓練（生活訓練）、職場適応援助者助成金のいずれかです。")
        out.append(CONCURRENT.get(key, CONCURRENT.get(name.strip(), key)))
    return tuple(out)


@dataclass(frozen=True)
class ClaimFacts:
    """ある利用者のある月の請求に使う事実（型つき。文字列の読み取りは窓口の側で一度だけ行う）。

    month：サービス提供月（None は本通知の時点の報酬体系。CLI の --month 省略時の互換のため）。
    requested：請求したい加算（と、事実として名指しした減算）の登録簿キー。
    facts：登録簿の [facts] のキー → 値（flag は bool、count は int、date は date）。基本報酬の要件の事実
    （face_to_face・support_report など、登録簿の [billing]）もここに入れる。ない事実は登録簿の default（要件の事実は
    「はい」）。
    """

    users: int
    retained: int
    month: Month | None = None
    excluded: int = 0
    scale_users: Fraction | None = None
    support_start: _dt.date | None = None
    requested: tuple[str, ...] = ()
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    also_using: tuple[str, ...] = ()
    unit_price: Fraction | None = None
    income_class: str | None = None
    resident: bool = False  # 入所施設利用者（20歳以上）・グループホーム利用者（一般1の上限が当たらない）


@dataclass
class Line:
    """請求の一行（加算・減算）。"""

    key: str
    name: str
    units: int
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "name": self.name, "units": self.units}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class Refusal:
    """算定しない（または合計に含めない）項目：キー、表示名、理由の文、理由の符号（teichaku.rules.items.REASON_CODES）。"""

    name: str
    reason: str
    key: str = ""
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"key": self.key, "name": self.name, "reason": self.reason}
        if self.code:
            out["code"] = self.code
        return out


@dataclass
class ClaimResult:
    retention: RetentionResult
    month: Month | None
    base_units: int | None
    base_note: str | None
    additions: list[Line]
    reductions: list[Line]
    rejected: list[Refusal]
    not_covered: list[Refusal]
    warnings: list[str]
    explanation: Explanation = field(repr=False)
    billing_condition: str = ""
    billing_condition_key: str = ""
    unit_price: Fraction | None = None
    income_class: str | None = None
    user_charge_cap: int | None = None
    user_charge_ratio: Fraction | None = None
    resident: bool = False

    @property
    def total_units(self) -> int | None:
        if self.base_units is None:
            return None
        return self.base_units + sum(a.units for a in self.additions) - sum(r.units for r in self.reductions)

    @property
    def total_label(self) -> str:
        """合計の見出し：含まない項目があればそれを言う（「合計」だけで完全なふりをしない）。"""
        if not self.not_covered:
            return "合計"
        return f"合計（{'・'.join(n.name for n in self.not_covered)}を含まない）"

    @property
    def yen(self) -> int | None:
        """総費用額（単位数 × 単価、1円未満切り捨て）。"""
        if self.unit_price is None or self.total_units is None:
            return None
        return int(self.total_units * self.unit_price)

    @property
    def user_charge_tenth(self) -> int | None:
        """1割相当額：総費用額 × fees.user_charge_ratio（1円未満切り捨て。法第29条第3項第2号の「百分の十に相当する額」）。"""
        if self.yen is None or self.user_charge_ratio is None:
            return None
        return int(self.yen * self.user_charge_ratio)

    @property
    def user_charge(self) -> int | None:
        """利用者負担の見込み：負担上限月額と1割相当額の低い方（所得区分がなければ1割相当額）。"""
        tenth = self.user_charge_tenth
        if tenth is None:
            return None
        return min(tenth, self.user_charge_cap) if self.user_charge_cap is not None else tenth

    @property
    def benefit(self) -> int | None:
        """訓練等給付費：総費用額 − 利用者負担（法第29条第3項）。"""
        charge = self.user_charge
        return None if self.yen is None or charge is None else self.yen - charge

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.iso() if self.month else None,
            "rate": self.retention.rate_text,
            "percent": percent_text(self.retention.rate),
            "tier": self.retention.tier.label,
            "tier_key": self.retention.tier.key,
            "tier_rank": self.retention.tier.rank,
            "scale": self.retention.fee.scale.label if self.retention.fee.scale else None,
            "billing_condition": self.billing_condition,
            "billing_condition_key": self.billing_condition_key,
            "base_units": self.base_units,
            "base_units_note": self.base_note,
            "additions": [a.to_dict() for a in self.additions],
            "reductions": [r.to_dict() for r in self.reductions],
            "rejected": [r.to_dict() for r in self.rejected],
            "not_covered": [n.to_dict() for n in self.not_covered],
            "total_units": self.total_units,
            "total_label": self.total_label,
            "unit_price": decimal_text(self.unit_price) if self.unit_price is not None else None,
            "yen": self.yen,
            "income_class": self.income_class,
            "income_class_key": INCOME_CLASS_KEYS.get(self.income_class or ""),
            "user_charge_tenth": self.user_charge_tenth,
            "user_charge": self.user_charge,
            "benefit": self.benefit,
            "warnings": list(self.warnings),
            "schedule": self.retention.schedule,
            "schedule_since": self.retention.schedule_since.isoformat() if self.retention.schedule_since else None,
            **self.explanation.to_dict(),
        }


class _Claim:
    """一回の請求の計算（登録簿の項目を数え方どおりに適用する。数え方の分岐はここだけ）。"""

    def __init__(self, facts: ClaimFacts, retention: RetentionResult, reg: Registry, on: _dt.date) -> None:
        self.facts = facts
        self.retention = retention
        self.ex = retention.explanation
        self.reg = reg
        self.on = on
        self.additions: list[Line] = []
        self.reductions: list[Line] = []
        self.rejected: list[Refusal] = []
        self.not_covered: list[Refusal] = []
        self.warnings: list[str] = []
        self.group_month: dict[str, int] = {}
        self.group_year: dict[str, int] = {}

    def fact(self, key: str | None) -> FactValue:
        """事実の値（入力がなければ登録簿の default。flag 以外は None）。"""
        if key is None:
            return None
        if key in self.facts.facts:
            return self.facts.facts[key]
        found = self.reg.facts.get(key)
        return found.default if found is not None and found.kind == "flag" else None

    def count(self, key: str | None) -> int:
        value = self.fact(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def context(self, notes: list[str]) -> dict[str, Any]:
        facts = {key: self.fact(key) for key in self.reg.facts} | dict(self.facts.facts)
        facts.setdefault("support_start", self.facts.support_start)
        return {"facts": facts, "month": self.facts.month, "on": self.on, "registry": self.reg,
                "param": lambda name: self.ex.parameters.value(name, self.on), "note": notes.append,
                "warn": self.warn}

    def warn(self, text: str) -> None:
        """条件関数が示す注意（確度の低い要件など）：警告に一度だけ。"""
        if text not in self.warnings:
            self.warnings.append(text)

    def caveat(self, value: ItemValue) -> None:
        if value.caveat and value.caveat + "。" not in self.warnings:
            self.warnings.append(value.caveat + "。")

    def refuse(self, item: ClaimItem, code: str, reason: str, value: ItemValue | None = None) -> None:
        name = item.name_on(self.on)
        self.rejected.append(Refusal(name, reason, item.key, code))
        citations = (value.source,) if value else ()
        self.ex.step(f"{name}は算定しない：{reason}", extra=citations)

    def wanted(self, item: ClaimItem) -> bool:
        """この項目を計算の対象にするか：加算は請求したもの、減算は事実が真のもの（名指しされたものを含む）。"""
        if item.key in self.facts.requested:
            return True
        if item.is_reduction:
            return reduction_indicated(item, self.facts.facts)
        if item.counting == "percent_of_units":  # 加算率の入力がなければ「含まない」と示す（処遇改善加算）
            return True
        if not item.facts:  # 事実を要しない加算は値が分からなければ「含まない」と示す
            value = item.at(self.on)
            return value is not None and value.not_covered is not None
        return False

    def addition(self, item: ClaimItem, value: ItemValue) -> None:
        name = item.name_on(self.on)
        notes: list[str] = []
        if item.check != NO_CHECK:
            reason = CHECKS[item.check](item, value, self.context(notes))
            if reason is not None:
                self.refuse(item, *reason, value)
                return
        if item.counting == "once" and self.fact(item.claimed_fact):
            self.refuse(item, codes.ONCE_CLAIMED, f"{name}は1回限りで、すでに算定しています。", value)
            return
        units = value.units
        assert units is not None  # 読み込みで保証（not_covered 以外は units を持つ）
        if item.counting == "per_time":
            self.per_time(item, value, name, units)
            return
        self.caveat(value)
        self.additions.append(Line(item.key, name, units))
        for note in notes:
            self.ex.step(note, extra=(value.source,))
        self.ex.step(f"{name} {units:,}単位を算定する（{item.requirement}）。", extra=(value.source,))

    def per_time(self, item: ClaimItem, value: ItemValue, name: str, units: int) -> None:
        """１回につき：count_fact の回数 × 単位数。同じ limit_group の合計に１月・１年の上限（year_count_fact は算定済みの回数）。"""
        times = self.count(item.count_fact)
        if times <= 0:
            self.refuse(item, codes.NO_TIMES, "この月の回数が0回です（回数を入力してください）。", value)
            return
        group = item.limit_group or item.key
        used_month = self.group_month.get(group, 0)
        used_year = self.count(item.year_count_fact) + self.group_year.get(group, 0)
        allowed = times
        limits = []
        if value.per_month is not None:
            allowed = min(allowed, value.per_month - used_month)
            limits.append(f"1月に{value.per_month}回")
        if value.per_year is not None:
            allowed = min(allowed, value.per_year - used_year)
            limits.append(f"1年に{value.per_year}回")
        limit_text = "・".join(limits)
        if allowed <= 0:
            reason = (f"上限（{limit_text}"
                      + ("、同じ種類の加算と合わせて" if item.limit_group else "")
                      + f"）に達しています（この月{used_month}回、この年度{used_year}回算定済み）。")
            self.refuse(item, codes.LIMIT_REACHED, reason, value)
            return
        self.group_month[group] = used_month + allowed
        self.group_year[group] = self.group_year.get(group, 0) + allowed
        self.caveat(value)
        total = units * allowed
        detail = f"{units:,}単位 × {allowed}回" + (f"（{times}回のうち上限{limit_text}まで）" if allowed < times else "")
        self.additions.append(Line(item.key, name, total, detail))
        self.ex.step(f"{name} {detail} = {total:,}単位を算定する（{item.requirement}）。", extra=(value.source,))

    def rate_of(self, item: ClaimItem, value: ItemValue) -> tuple[Fraction, str, list[str]] | tuple[str, str]:
        """この月の減算の割合（と、月数による減算の何か月目かの文、条件関数の注）。減算しないなら理由（符号と文）。
        副作用はない（相互に連動する減算の組で、大きい方を選ぶときにも呼ぶ）。"""
        notes: list[str] = []
        if item.check != NO_CHECK:
            reason = CHECKS[item.check](item, value, self.context(notes))
            if reason is not None:
                return reason
        if item.counting != "percent_by_months":
            assert value.rate is not None  # 読み込みで保証
            return value.rate, "", notes
        at = reduced_month(item, value, self.context(notes)["facts"], self.facts.month)
        step = value.step_for(at.reduced) if at.reduced is not None else None
        if at.reduced is None or step is None:
            if at.code:
                return at.code, at.reason
            return codes.NOT_STARTED, (f"減算が適用されて{at.reduced}か月目で、減算は{value.steps[0].from_month}か月目から"
                                       f"です（{item.requirement}）。")
        lasted = (f"状態が始まった月から{at.condition_month}か月目、減算が適用されて{at.reduced}か月目"
                  f"（{step.from_month}か月目からの割合）。")
        return step.rate, lasted, notes

    def larger_winner(self, group: str) -> ClaimItem | None:
        """相互に連動する減算の組（larger_of）で、この月に当てはまるもののうち割合の大きいもの（同じなら登録簿の先）。"""
        best: tuple[Fraction, ClaimItem] | None = None
        for other in self.reg.on(self.on):
            if other.larger_of != group or not self.wanted(other):
                continue
            value = other.at(self.on)
            if value is None or value.not_covered is not None:
                continue
            outcome = self.rate_of(other, value)
            if isinstance(outcome[0], Fraction) and (best is None or outcome[0] > best[0]):
                best = (outcome[0], other)
        return best[1] if best else None

    def reduction(self, item: ClaimItem, value: ItemValue, current: int) -> int:
        """割合の減算（percent、percent_by_months）：所定単位数 ×（1 − 割合）を1単位未満四捨五入し、差を減算とする。"""
        name = item.name_on(self.on)
        outcome = self.rate_of(item, value)
        if not isinstance(outcome[0], Fraction):
            code, reason = outcome[0], str(outcome[1])
            self.refuse(item, code, reason, value)
            return current
        rate, lasted, notes = outcome
        if item.larger_of is not None:
            winner = self.larger_winner(item.larger_of)
            if winner is not None and winner is not item:
                group = self.reg.larger_of[item.larger_of]
                self.rejected.append(Refusal(name, f"{winner.name_on(self.on)}と同じ月に当てはまり、減算となる単位数が大きい方"
                                                   f"（{winner.name_on(self.on)}）だけを適用します（{group.note}）。",
                                             item.key, codes.SMALLER_OVERLAP))
                self.ex.step(f"{name}は減算しない：{group.label}。{group.note}", extra=(group.source, value.source))
                return current
        reduced = _round_half_up(current * (1 - rate))
        amount = current - reduced
        self.caveat(value)
        self.reductions.append(Line(item.key, name, amount, f"{current:,}単位 × {percent_text(rate, 0)}"))
        for note in notes:
            self.ex.step(note, extra=(value.source,))
        self.ex.step(f"{name}：{lasted}{current:,}単位 ×（1 − {percent_text(rate, 0)}）= {reduced:,}単位（1単位未満四捨五入）。"
                     f"減算 {amount:,}単位（{item.requirement}）。", extra=(value.source, passage("rounding", self.ex.parameters)))
        return reduced

    def percent_of_units(self, item: ClaimItem, value: ItemValue, base: int | None) -> None:
        """割合を乗じる加算（percent_of_units、処遇改善加算）：基本報酬 ＋ 加算 − 減算の単位数 × 加算率（%）を1単位未満
        四捨五入（value.formula）。加算率（rate_fact）の入力がなければ合計に含めない。"""
        name = item.name_on(self.on)
        rate = self.fact(item.rate_fact)
        if not isinstance(rate, Fraction) or isinstance(rate, bool):
            reason = f"加算率の入力がないため、合計に含めない（{value.formula}）"
            self.not_covered.append(Refusal(name, reason, item.key))
            self.ex.step(f"{name}は合計に含めない：{reason}。", extra=(value.source,))
            return
        if base is None:
            self.refuse(item, codes.BASE_UNKNOWN, "基本報酬の単位数が分からないため、加算の単位数を示せません。", value)
            return
        units_before = base + sum(a.units for a in self.additions) - sum(r.units for r in self.reductions)
        units = _round_half_up(units_before * rate / 100)
        chosen = [f"区分{_choice_label(self.reg.facts[key], self.fact(key))}" for key in item.requirement_facts
                  if self.reg.facts[key].kind == "choice" and self.fact(key)]
        detail = f"{units_before:,}単位 × {decimal_text(rate)}%" + (f"（{'・'.join(chosen)}）" if chosen else "")
        self.caveat(value)
        self.additions.append(Line(item.key, name, units, detail))
        self.ex.step(f"{name}：{detail} = {units:,}単位（1単位未満四捨五入。{value.formula}）。",
                     extra=(value.source, passage("rounding", self.ex.parameters)))


def check_code(item: ClaimItem, month: Month, facts: Mapping[str, FactValue], support_start: _dt.date | None,
               parameters: ParameterSet | None = None) -> str | None:
    """項目の条件関数の判定の符号だけ（算定しないなら理由の符号、するなら None）。claim() と同じ条件関数を同じ事実で呼ぶ。

    名簿（teichaku.interfaces.roster）が、判定の同じ利用者の月の請求を一度だけ計算するために使う。
    """
    if item.check == NO_CHECK:
        return None
    params = parameters or default_parameters()
    on = month.first_day
    value = item.at(on)
    if value is None:
        return None
    context = {"facts": {**facts, "support_start": support_start}, "month": month, "on": on, "registry": params.items,
               "param": lambda name: params.value(name, on), "note": lambda text: None}
    reason = CHECKS[item.check](item, value, context)
    return reason[0] if reason else None


def reduction_indicated(item: ClaimItem, facts: Mapping[str, FactValue]) -> bool:
    """減算の事実が示されているか（flag が真、回数・日付が入っている）。事業所についての事実を示せば、名指ししなくても減算する。"""
    return any(value is not None and value is not False and value != 0
               for value in (facts.get(key) for key in item.facts))


def claim(facts: ClaimFacts, parameters: ParameterSet | None = None) -> ClaimResult:
    """ある利用者のある月の請求（基本報酬 ＋ 加算 − 減算）。各項目に理由と出典、算定しない項目に理由を返す。"""
    params = parameters or default_parameters()
    reg = registry(params)
    # requested は登録簿のキー。名も受け付けてキーにし、知らないものは項目を名指しした入力の誤りにする
    keys = tuple(dict.fromkeys(parse_item(text, "additions", facts.month.first_day if facts.month else None, params).key
                               for text in facts.requested))
    if keys != facts.requested:
        facts = dataclasses.replace(facts, requested=keys)
    retention = retention_rate(facts.users, facts.retained, facts.excluded, facts.scale_users, parameters=params,
                               month=facts.month)
    if retention.fee.scale is None:
        raise InputError("scale_users", f"「{retention.schedule}」は利用者数の規模で基本報酬が変わります。"
                                        "前年度の平均利用者数を入力してください。")
    on = retention.explanation.on
    month = retention.month
    state = _Claim(facts, retention, reg, on)
    ex = state.ex
    state.warnings.extend(retention.warnings)
    for name in facts.also_using:
        state.warnings.append(f"{name}との併給調整があります（別添 p.14 の注）。同じ月の請求の可否を確認してください。")
        ex.cite(passage("concurrent_use", params))
    requested_items = [reg.get(key) for key in facts.requested]
    # 事業所についての事実として示された減算も、その月にないなら理由を言う（黙って落とさない）
    requested_items += [item for item in reg.items if item.is_reduction and item.key not in facts.requested
                        and reduction_indicated(item, facts.facts)]
    month_text = month.japanese() if month else date_text(on)
    for item in requested_items:
        if not item.exists(on):
            if on < item.first_day:
                state.refuse(item, codes.NOT_YET, f"{month_text}にはまだありません（{date_text(item.first_day)}に創設）。")
            else:
                last = item.last_day
                state.refuse(item, codes.ENDED, f"{date_text(last) if last else ''}までで廃止されました（{month_text}にはありません）。",
                             item.values[-1])

    def result(base: int | None, note: str | None, condition: BillingCondition) -> ClaimResult:
        ratio = params.value("fees.user_charge_ratio", on) if facts.unit_price is not None else None
        cap_key = _cap_key(facts)
        cap = params.value(cap_key, on) if cap_key else None
        out = ClaimResult(retention, month, base, note, state.additions, state.reductions, state.rejected, state.not_covered,
                          state.warnings, ex, condition.label, condition.key, facts.unit_price, facts.income_class, cap, ratio,
                          facts.resident)
        if base is not None:
            parts = [f"基本報酬{base:,}"] + [f"＋ {a.name}{a.units:,}" for a in state.additions] \
                + [f"− {r.name}{r.units:,}" for r in state.reductions]
            ex.step(f"{out.total_label} = {' '.join(parts)} = {out.total_units:,}単位。")
            if out.not_covered:
                ex.step("合計に含まない項目：" + "、".join(f"{n.name}（{n.reason}）" for n in out.not_covered))
        if out.yen is not None and facts.unit_price is not None:
            ex.step(f"総費用額 = {out.total_units:,}単位 × {decimal_text(facts.unit_price)}円 = {out.yen:,}円（1円未満切り捨て）。",
                    "fees.unit_price_rounding")
            if out.user_charge is not None and out.user_charge_tenth is not None and out.benefit is not None:
                ex.step(f"1割相当額 = 総費用額{out.yen:,}円 × {_hundredths(ratio)} = {out.user_charge_tenth:,}円（1円未満切り捨て）。",
                        "fees.user_charge_ratio")
                if cap is not None:
                    who = facts.income_class or ""
                    if cap_key == RESIDENT_CAP:
                        who += "の所得だが、入所施設利用者（20歳以上）・グループホーム利用者のため一般1の上限は当たらない"
                    ex.step(f"利用者負担 = 負担上限月額（{who}）{cap:,}円と1割相当額{out.user_charge_tenth:,}円の低い方"
                            f" = {out.user_charge:,}円（見込み）。", "fees.user_charge_ratio", *([cap_key] if cap_key else []))
                else:
                    ex.step(f"利用者負担 = 1割相当額{out.user_charge:,}円（所得区分の入力がないため負担上限月額を当てていない）。",
                            "fees.user_charge_ratio")
                ex.step(f"訓練等給付費 = 総費用額{out.yen:,}円 − 利用者負担{out.user_charge:,}円 = {out.benefit:,}円。",
                        "fees.user_charge_ratio")
                if out.user_charge > 0:
                    state.warnings.append(UPPER_LIMIT_NOTE)
        return out

    # 基本報酬を請求できる月の要件：どれが効力を持つかは日付つきのパラメータ、要件の事実と文は登録簿の [billing]
    condition = reg.billing[params.value("fees.billing_condition", on)]
    if facts.support_start is not None and month is not None and month.last_day < facts.support_start:
        ex.step(f"{month.japanese()}は利用開始日{date_text(facts.support_start)}より前の月のため、請求できない。")
        for item in requested_items:
            if item.exists(on):
                state.refuse(item, codes.BEFORE_START, "利用開始前の月です。")
        return result(0, "利用開始前の月", condition)
    if not state.fact(condition.fact):
        extra = (passage(condition.passage, params),) if condition.passage else ()
        ex.step(condition.unmet, "fees.billing_condition", extra=extra)
        for item in requested_items:
            if item.exists(on):
                state.refuse(item, codes.BILLING_UNMET, condition.refusal)
        return result(0, condition.note, condition)
    ex.step(condition.met, "fees.billing_condition")
    base = retention.fee.units
    if base is None:
        ex.step(f"基本報酬の単位数が「{retention.fee.note}」のため、合計単位数は示せない。加算・減算の可否だけを示す。")

    current = base
    on_units: list[tuple[ClaimItem, ItemValue]] = []  # 割合を乗じる加算は、ほかのすべての加算・減算の後に
    for item in reg.on(on):
        if not state.wanted(item):
            continue
        value = item.at(on)
        assert value is not None
        if value.exempt is not None:  # 項目はあるが、経過措置でこのサービスには適用しない期間
            state.refuse(item, codes.TRANSITIONAL, value.exempt, value)
            continue
        if value.not_covered is None and item.counting == "percent_of_units":
            on_units.append((item, value))
            continue
        if value.not_covered is not None:
            name = item.name_on(on)
            state.not_covered.append(Refusal(name, value.not_covered, item.key))
            ex.step(f"{name}は合計に含めない：{value.not_covered}。", extra=(value.source,))
            continue
        if item.is_reduction:
            if current is None:
                state.refuse(item, codes.BASE_UNKNOWN, "基本報酬の単位数が分からないため、減算の単位数を示せません。", value)
                continue
            current = state.reduction(item, value, current)
        else:
            state.addition(item, value)
    for item, value in on_units:
        state.percent_of_units(item, value, base)
    return result(base, retention.fee.note, condition)


# ---- 入力の加算・減算（キー、または名）→ 登録簿キー ----

def facts_from_names(names: tuple[str, ...] | list[str], on: _dt.date | None, parameters: ParameterSet | None = None,
                     field_key: str = "additions") -> tuple[tuple[str, ...], dict[str, FactValue]]:
    """加算・減算のキー、または名（正式名・別名、全角・半角）→ 登録簿キーと、名指しされた減算の事実（flag を真に）。

    フォーム・共有リンク・CLI はキーを送る。以前の共有リンク・スクリプトの名もそのまま受け付ける。
    """
    keys: list[str] = []
    implied: dict[str, FactValue] = {}
    reg = registry(parameters)
    for name in names:
        item = parse_item(name, field_key, on, parameters)
        if item.key not in keys:
            keys.append(item.key)
        if item.is_reduction:
            # 名指しした減算の要件の flag を真にする。減算の始まる月を変える事実（start_after_if：1割超など）は
            # 名指しだけでは分からないので真にしない
            timing = {value.start_after_if.fact for value in item.values if value.start_after_if is not None}
            for key in item.facts:
                if reg.facts[key].kind == "flag" and key not in timing:
                    implied[key] = True
    return tuple(keys), implied


def monthly_claim(
    users: str | int,
    retained: str | int,
    scale_users: str | int | Fraction | None,
    excluded: str | int = 0,
    additions: tuple[str, ...] | list[str] = (),
    face_to_face: bool = True,
    support_start: str | _dt.date | None = None,
    month: str | Month | None = None,
    from_other_office: bool = False,
    initial_claimed_before: bool = False,
    special_area: bool = False,
    job_coach_staff: bool = False,
    track_record_ended: str | int | None = None,
    track_record_retained: str | int | None = None,
    also_using: tuple[str, ...] | list[str] = (),
    parameters: ParameterSet | None = None,
    support_report: bool = True,
) -> ClaimResult:
    """claim() の別名として残す、これまでの引数の形の窓口（README の「API」に記載。tests/test_fees.py が試す）。

    文字列（和暦・全角も）を読み、ClaimFacts にして claim() を呼ぶ。additions は加算・減算のキーか名。事実は本通知の
    加算のものと基本報酬の要件（face_to_face・support_report）だけを引数に持つ。ほかの事実が要るときは ClaimFacts と
    claim() を使う。
    """

    parsed_month = parse_month(month, "month") if month not in (None, "") else None
    on = parsed_month.first_day if isinstance(parsed_month, Month) else None
    requested, implied = facts_from_names(list(additions), on, parameters)
    ended = parse_count(track_record_ended, "track_record_ended") if track_record_ended not in (None, "") else None
    kept = parse_count(track_record_retained, "track_record_retained") if track_record_retained not in (None, "") else None
    if ended is not None and kept is not None and kept > ended:
        raise InputError("track_record_retained", "利用終了者数を超えています。")
    facts: dict[str, FactValue] = {
        "from_other_office": from_other_office, "initial_claimed_before": initial_claimed_before,
        "special_area": special_area, "job_coach_staff": job_coach_staff,
        "track_record_ended": ended, "track_record_retained": kept, "face_to_face": face_to_face,
        "support_report": support_report, **implied,
    }
    return claim(ClaimFacts(
        users=parse_count(users, "users"), retained=parse_count(retained, "retained"), month=parsed_month,
        excluded=parse_count(excluded if excluded not in (None, "") else 0, "excluded"),
        scale_users=parse_decimal(scale_users, "scale_users") if scale_users not in (None, "") else None,
        support_start=parse_date(support_start, "support_start") if support_start not in (None, "") else None,
        requested=requested, facts=facts, also_using=parse_concurrent(list(also_using)),
    ), parameters)
