"""加算・減算の登録簿（data/claim_items.toml）：各加算・減算を一か所に、データとして書く。

一つの加算・減算（ClaimItem）は次のものを持つ：
正式名と別名、種類（addition 加算／reduction 減算）、数え方（counting）、日付つきの単位数（または所定単位数に対する
割合）とその出典、始まりと終わり（ended）、要件の文（requirement）、必要な事実（facts：名前つきのキー）、
条件の判定に論理が要るときの小さな条件関数の名前（check → CHECKS）。

数え方：
- per_month：１月につき（要件を満たす月に単位数）
- per_time：１回につき（facts の「回数」×単位数。同じ limit_group の合計に１月・１年の上限）
- once：１回限り（すでに算定していれば算定しない）
- percent：所定単位数（基本報酬）に対する割合の減算。1単位未満の端数は四捨五入（報酬告示の通則。計算は teichaku.rules.fees）

値が分からない期間は not_covered（理由）とし、月の合計は「何を含まないか」を示す。

事実（facts）は登録簿の [facts] に、キー・表示名・種類（flag／count／date）・説明として書く。計算機のフォームと
CLI のフラグは、ここから作る（加算を一つ増やしてもコードを変えない）。
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .citations import Citation, Document
from .errors import ParameterError

COUNTINGS = ("per_month", "per_time", "once", "percent")
KINDS = ("addition", "reduction")
FACT_KINDS = ("flag", "count", "date")
_ITEM_KEYS = {"name", "kind", "counting", "aliases", "facts", "requirement", "check", "limit_group", "source", "values",
              "description"}
_ITEM_REQUIRED = {"name", "kind", "counting", "requirement", "values"}
_VALUE_KEYS = {"since", "units", "rate", "per_month", "per_year", "caveat", "not_covered", "ended", "source", "name"}
_FACT_KEYS = {"label", "kind", "hint"}


@dataclass(frozen=True)
class Fact:
    """加算・減算の判定に使う事実（フォームの項目・CLI のフラグになる）。"""

    key: str
    label: str
    kind: str  # flag / count / date
    hint: str


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

    @property
    def last_day(self) -> _dt.date | None:
        return self.until - _dt.timedelta(days=1) if self.until else None


@dataclass(frozen=True)
class ClaimItem:
    key: str
    name: str
    kind: str
    counting: str
    aliases: tuple[str, ...]
    facts: tuple[str, ...]
    requirement: str
    check: str | None
    limit_group: str | None
    values: tuple[ItemValue, ...]

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
        from .params import in_force

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


@dataclass(frozen=True)
class Registry:
    items: tuple[ClaimItem, ...]
    facts: Mapping[str, Fact]

    def get(self, key: str) -> ClaimItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def on(self, day: _dt.date) -> tuple[ClaimItem, ...]:
        """day に存在する加算・減算（登録簿の順）。"""
        return tuple(item for item in self.items if item.exists(day))

    def lookup(self, text: str) -> ClaimItem | None:
        """正式名・別名（全角・半角、ローマ数字Ⅰ／I、括弧の全角・半角を問わない）から。"""
        wanted = normalize_name(text)
        for item in self.items:
            if item.key == text.strip() or any(normalize_name(name) == wanted for name in item.all_names()):
                return item
        return None


_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}


def normalize_name(text: str) -> str:
    """名称の比較用の形：NFKC（全角英数・括弧を半角に、Ⅰ→I）、空白を除く、大文字。"""
    folded = unicodedata.normalize("NFKC", text)
    for roman, ascii_ in _ROMAN.items():
        folded = folded.replace(roman, ascii_)
    return "".join(folded.split()).upper()


# ---- 条件関数：要件に論理が要るものだけ。戻り値は算定しない理由（算定するなら None） ----

CheckContext = Mapping[str, Any]  # facts（キー → 型つきの値）と month・on・support_start など
Check = Callable[[ClaimItem, ItemValue, CheckContext], str | None]


def _flag_required(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> str | None:
    """facts のすべての flag が真であること（既定の条件）。"""
    del value
    facts = ctx["facts"]
    registry: Registry = ctx["registry"]
    for key in item.facts:
        fact = registry.facts[key]
        if fact.kind == "flag" and not facts.get(key):
            return f"要件「{fact.label}」を満たす場合に限ります（{item.requirement}）。"
    return None


def _initial(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> str | None:
    """初期加算：一体的に運営する移行支援事業所等以外から受け入れた利用者に、１回限り（別添 p.14）。"""
    facts = ctx["facts"]
    if not facts.get("from_other_office"):
        return ("一体的に運営する移行支援事業所等以外の事業所から受け入れた利用者に限ります"
                "（他事業所からの受入れを指定してください）。")
    if facts.get("initial_claimed_before"):
        return f"{item.name}は1回限りで、すでに算定しています。"
    del value
    return None


def _first_year(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> str | None:
    """企業連携等調整特別加算：支援開始１年以内（別添 p.14）。利用開始日を第1日とする1年に1日でも含まれる月（本ツールの選択）。"""
    from .dates import japanese_date, period_end

    start: _dt.date | None = ctx["facts"].get("support_start")
    month = ctx["month"]
    if start is None or month is None:
        return "支援開始1年以内かを判定するため、利用開始日とサービス提供月が必要です。"
    first_year_end = period_end(start, 12)
    if month.first_day > first_year_end:
        return f"支援開始1年以内（{japanese_date(start)}〜{japanese_date(first_year_end)}）を過ぎた月です。"
    del item, value
    return None


def _track_record(item: ClaimItem, value: ItemValue, ctx: CheckContext) -> str | None:
    """就労定着実績体制加算：過去6年間の利用終了者のうち42月以上78月未満就労継続者等の割合が前年度7割以上（報酬告示）。"""
    from .numbers import percent_text

    facts = ctx["facts"]
    ended, kept = facts.get("track_record_ended"), facts.get("track_record_retained")
    if ended is None or kept is None:
        return "過去6年間の利用終了者数と、そのうち42月以上78月未満継続して就労している者等の数が必要です。"
    if ended == 0:
        return "過去6年間に利用を終了した者がいないため、割合を算出できません。"
    ratio: Fraction = ctx["param"]("fees.track_record_ratio")
    share = Fraction(kept, ended)
    text = f"42月以上78月未満の就労継続者{kept}人 ÷ 利用終了者{ended}人 = {percent_text(share)}（{percent_text(ratio, 0)}以上が必要）"
    del item, value
    if share < ratio:
        return f"{text}：要件を満たしません。"
    ctx["note"](f"{text}：要件を満たす。")
    return None


CHECKS: dict[str, Check] = {
    "flags": _flag_required,
    "initial": _initial,
    "first_year": _first_year,
    "track_record": _track_record,
}


# ---- 読み込み ----

def _fail(where: str, message: str) -> ParameterError:
    return ParameterError(f"claim_items.toml {where}: {message}")


def parse_items(raw: Mapping[str, Any], documents: Mapping[str, Document]) -> Registry:
    """登録簿を読み、検証する（未知のキー・出典の欠落・数え方に合わない値・重なる日付を拒否）。"""
    from .params import _check_keys, _date, _fraction, _int, _source, _string, check_dates, value_source

    raw = dict(raw)
    raw_facts = raw.pop("facts", {})
    facts: dict[str, Fact] = {}
    for key, item in raw_facts.items():
        where = f"facts.{key}"
        _check_keys(where, item, _FACT_KEYS, _FACT_KEYS)
        if item["kind"] not in FACT_KINDS:
            raise _fail(where, f"kind は {list(FACT_KINDS)} のいずれか")
        facts[key] = Fact(key, _string(where, item["label"]), item["kind"], _string(where, item["hint"]))
    items: list[ClaimItem] = []
    for key, item in raw.items():
        where = f"[{key}]"
        _check_keys(where, item, _ITEM_KEYS, _ITEM_REQUIRED)
        kind, counting = item["kind"], item["counting"]
        if kind not in KINDS:
            raise _fail(f"{where}.kind", f"{list(KINDS)} のいずれか：{kind!r}")
        if counting not in COUNTINGS:
            raise _fail(f"{where}.counting", f"{list(COUNTINGS)} のいずれか：{counting!r}")
        needed = tuple(item.get("facts", ()))
        unknown = [f for f in needed if f not in facts]
        if unknown:
            raise _fail(f"{where}.facts", f"[facts] にない事実 {unknown}")
        check = item.get("check")
        if check is not None and check not in CHECKS:
            raise _fail(f"{where}.check", f"条件関数 {check!r} はありません（{sorted(CHECKS)}）")
        inherited = _source(f"{where}.source", item["source"], documents) if "source" in item else None
        raw_values = item["values"]
        if not isinstance(raw_values, list) or not raw_values:
            raise _fail(f"{where}.values", "少なくとも一つの値が必要です")
        parsed: list[tuple[_dt.date, dict[str, Any]]] = []
        for index, entry in enumerate(raw_values):
            here = f"{where}.values[{index}]"
            _check_keys(here, entry, _VALUE_KEYS, {"since"})
            since = _date(f"{here}.since", entry["since"])
            source = value_source(here, entry, documents, inherited)
            ended = entry.get("ended") is True
            not_covered = entry.get("not_covered")
            units = _int(f"{here}.units", entry["units"]) if "units" in entry else None
            rate = _fraction(f"{here}.rate", entry["rate"]) if "rate" in entry else None
            if not ended and not_covered is None:
                if counting == "percent" and rate is None:
                    raise _fail(here, "割合の減算には rate（例 \"10/100\"）が必要です")
                if counting != "percent" and units is None:
                    raise _fail(here, "units が必要です（値が分からない期間は not_covered に理由を書きます）")
            parsed.append((since, {
                "units": units, "rate": rate,
                "per_month": _int(f"{here}.per_month", entry["per_month"]) if "per_month" in entry else None,
                "per_year": _int(f"{here}.per_year", entry["per_year"]) if "per_year" in entry else None,
                "caveat": entry.get("caveat"), "not_covered": not_covered, "ended": ended, "source": source,
                "name": entry.get("name"),
            }))
        parsed.sort(key=lambda p: p[0])
        check_dates(f"claim_items.toml {where}", [(since, data["ended"]) for since, data in parsed])
        values = tuple(
            ItemValue(since=since, until=parsed[i + 1][0] if i + 1 < len(parsed) else None, **data)
            for i, (since, data) in enumerate(parsed)
        )
        items.append(ClaimItem(
            key=key, name=_string(f"{where}.name", item["name"]), kind=kind, counting=counting,
            aliases=tuple(item.get("aliases", ())), facts=needed,
            requirement=_string(f"{where}.requirement", item["requirement"]), check=check,
            limit_group=item.get("limit_group"), values=values,
        ))
    return Registry(tuple(items), facts)


def registry(parameters: Any | None = None) -> Registry:
    """パラメータ集合（既定は同梱のもの）の登録簿。"""
    from .params import default_parameters

    params = parameters or default_parameters()
    found = params.items
    if not isinstance(found, Registry):
        return Registry((), {})
    return found
