"""日付つき・出典つきのパラメータ（data/*.toml）を読む厳格なローダー。

openfisca のパラメータにならい、数値は一つずつ「効力を生じる日（since）」と「出典（source）」を持つ。
ファイル名がパラメータ名の前半になる（data/fees.toml の base_fee → "fees.base_fee"）。

ローダーは次のものを拒否する（ParameterError）：
未知のキー、日付でない since、同じ since の重複、出典の欠落（doc・section・quote は必須）、
documents.toml にない文書キー、kind に合わない値、区分表と報酬表の区分名の食い違い。
最初の値より前の日付を問い合わせると、推測の既定値ではなく ParameterError になる。
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .citations import Citation, Document
from .dates import date_text
from .errors import ParameterError
from .items import Registry, parse_items
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

KINDS = ("int", "fraction", "date", "names", "text", "tiers", "fee_schedule")
_PARAM_KEYS = {"description", "kind", "unit", "values", "source"}
_PARAM_REQUIRED = {"description", "kind", "unit", "values"}
_DOC_KEYS = {"title", "short", "url", "date"}
_VALUE_KEYS = {
    "int": {"since", "value", "source"},
    "fraction": {"since", "value", "source"},
    "date": {"since", "value", "source"},
    "names": {"since", "value", "source"},
    "text": {"since", "value", "source"},
    "tiers": {"since", "tiers", "source"},
    "fee_schedule": {"since", "name", "missing_label", "missing_note", "scales", "rows", "source"},
}


@dataclass(frozen=True)
class Tier:
    """就労定着率の区分。rank は 1 が最上位。rate >= lower（以上）で、上位の区分の lower 未満。

    key は安定した ASCII のキー（例 "r95_up"、"r90_95"）で、報酬表の行はこのキーで区分に結びつく。label は表示名。
    """

    rank: int
    label: str
    lower: Fraction
    upper: Fraction | None  # 上位区分の下限（未満）。最上位は None
    key: str = ""


@dataclass(frozen=True)
class Scale:
    """利用者数規模の区分。max_users 以下（None は上限なし）。"""

    key: str
    label: str
    max_users: Fraction | None


@dataclass(frozen=True)
class FeeSchedule:
    """基本報酬表：区分 × 利用者数規模 → 単位数。記載のない組合せは units に無い。"""

    name: str
    missing_label: str  # 単位数のない欄に示す短い語（「本通知に記載なし」「記載なし（未確認）」）
    missing_note: str
    scales: tuple[Scale, ...]
    rows: tuple[tuple[str, Mapping[str, int]], ...]  # (区分キー, {規模キー: 単位})
    # 区分キー → 表示名（読み込みのときに、同じ日に効力を持つ区分表 retention.tiers から入れる。表示と移行中の呼び出しのため）
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def units(self, tier: Tier | str, scale_key: str) -> int | None:
        """区分（Tier、またはその key）と規模キーの単位数。記載のない組合せは None。

        区分とはキーで結びつく。表示名（label）の文字列も受けるのは、まだ tier.label を渡す呼び出しのための移行措置。
        """
        key = tier.key if isinstance(tier, Tier) else self._key_of(tier)
        for row_key, units in self.rows:
            if row_key == key:
                return units.get(scale_key)
        shown = tier.label if isinstance(tier, Tier) else tier
        raise ParameterError(f"報酬表「{self.name}」に区分「{shown}」がありません")

    def _key_of(self, text: str) -> str:
        if any(key == text for key, _ in self.rows):
            return text
        return next((key for key, label in self.labels.items() if label == text), text)


@dataclass(frozen=True)
class ParameterValue:
    """ある期間に効力を持つ値。until は次の値の since（その前日まで有効）、最新の値は None。

    ended が真の値は「この日から廃止・なし」（openfisca の null にならう）：value は None。
    """

    since: _dt.date
    until: _dt.date | None
    value: Any
    source: Citation
    ended: bool = False


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    kind: str
    unit: str
    values: tuple[ParameterValue, ...]

    def find(self, on: _dt.date) -> ParameterValue | None:
        """on の日に効力を持つ値（廃止の値も含む）。最初の値より前なら None。"""
        return in_force(self.values, on)

    def covers(self, on: _dt.date) -> bool:
        """on の日にこのパラメータが値を持つか（最初の値より後で、廃止されていない）。"""
        found = self.find(on)
        return found is not None and not found.ended

    def at(self, on: _dt.date) -> ParameterValue:
        """on の日に効力を持つ値。最初の値より前・廃止の後はエラー（既定値で黙って補わない）。"""
        found = self.find(on)
        if found is None:
            first = self.values[0].since
            raise ParameterError(
                f"「{self.description}」は {date_text(first)} より前の値を持ちません"
                f"（問い合わせた日付：{date_text(on)}）。"
            )
        if found.ended:
            raise ParameterError(
                f"「{self.description}」は {date_text(found.since)} から廃止されています"
                f"（問い合わせた日付：{date_text(on)}）。"
            )
        return found


class ParameterSet:
    """読み込んだ全パラメータ。"""

    def __init__(self, parameters: Mapping[str, Parameter], documents: Mapping[str, Document],
                 items: Registry | None = None) -> None:
        self._parameters = dict(parameters)
        self.documents = dict(documents)
        # 加算・減算の登録簿（teichaku.rules.items、data/claim_items.toml）。ないときは空の登録簿
        self.items: Registry = items if items is not None else Registry((), {})

    def __contains__(self, name: object) -> bool:
        return name in self._parameters

    def __iter__(self) -> Any:
        return iter(sorted(self._parameters))

    def get(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise ParameterError(f"未知のパラメータ：{name}") from None

    def at(self, name: str, on: _dt.date) -> ParameterValue:
        return self.get(name).at(on)

    def value(self, name: str, on: _dt.date) -> Any:
        return self.get(name).at(on).value

    def at_or_first(self, name: str, on: _dt.date) -> ParameterValue:
        """on の日の値。on が最初の値より前なら最初の値（その値が定める解釈を、それより前の日にも当てはめるとき。
        例：平成30年12月17日の Q&A が示す転職の扱いを、制度の創設（平成30年4月）からの離職に当てはめる）。"""
        parameter = self.get(name)
        return parameter.at(max(on, parameter.values[0].since))

    def all(self) -> list[Parameter]:
        return [self._parameters[name] for name in sorted(self._parameters)]


def _tiers(where: str, raw: Any) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail(where, "区分の配列が必要です")
    tiers: list[Tier] = []
    upper: Fraction | None = None
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        check_keys(here, item, {"key", "label", "lower"}, {"key", "label", "lower"})
        lower = as_fraction(f"{here}.lower", item["lower"])
        if upper is not None and lower >= upper:
            raise fail(here, "区分の下限は上から順に小さくならなければなりません")
        if lower > 1:
            raise fail(here, "就労定着率の下限は 1 以下です")
        key = as_key(f"{here}.key", item["key"])
        if any(tier.key == key for tier in tiers):
            raise fail(f"{here}.key", f"同じ区分キー {key!r} が二つあります")
        tiers.append(Tier(rank=index + 1, label=as_string(f"{here}.label", item["label"]), lower=lower, upper=upper, key=key))
        upper = lower
    if tiers[-1].lower != 0:
        raise fail(where, "最下位の区分の下限は 0 でなければなりません（すべての率がどこかの区分に入るように）")
    return tuple(tiers)


def _fee_schedule(where: str, raw: Mapping[str, Any]) -> FeeSchedule:
    scales: list[Scale] = []
    raw_scales = raw["scales"]
    if not isinstance(raw_scales, list) or not raw_scales:
        raise fail(f"{where}.scales", "規模の配列が必要です")
    previous: Fraction | None = None
    for index, item in enumerate(raw_scales):
        here = f"{where}.scales[{index}]"
        check_keys(here, item, {"key", "label", "max_users"}, {"key", "label"})
        max_users = as_fraction(f"{here}.max_users", item["max_users"]) if "max_users" in item else None
        if previous is not None and (max_users is not None and max_users <= previous):
            raise fail(here, "規模の上限は小さい順に並べます")
        if index < len(raw_scales) - 1 and max_users is None:
            raise fail(here, "上限のない規模は最後に置きます")
        previous = max_users
        scales.append(Scale(as_string(f"{here}.key", item["key"]), as_string(f"{here}.label", item["label"]), max_users))
    scale_keys = {scale.key for scale in scales}
    rows: list[tuple[str, Mapping[str, int]]] = []
    raw_rows = raw["rows"]
    if not isinstance(raw_rows, list) or not raw_rows:
        raise fail(f"{where}.rows", "区分ごとの行の配列が必要です")
    for index, item in enumerate(raw_rows):
        here = f"{where}.rows[{index}]"
        check_keys(here, item, {"tier", "units"}, {"tier", "units"})
        units = item["units"]
        if not isinstance(units, dict):
            raise fail(f"{here}.units", "規模キー = 単位数 の表が必要です")
        unknown = sorted(set(units) - scale_keys)
        if unknown:
            raise fail(f"{here}.units", f"scales にない規模 {unknown}")
        rows.append((as_key(f"{here}.tier", item["tier"]), {k: as_int(f"{here}.units.{k}", v) for k, v in units.items()}))
    return FeeSchedule(
        name=as_string(f"{where}.name", raw["name"]),
        missing_label=as_string(f"{where}.missing_label", raw["missing_label"]),
        missing_note=as_string(f"{where}.missing_note", raw["missing_note"]),
        scales=tuple(scales),
        rows=tuple(rows),
    )


def _value(where: str, kind: str, raw: Mapping[str, Any]) -> Any:
    if kind == "int":
        return as_int(f"{where}.value", raw["value"])
    if kind == "fraction":
        return as_fraction(f"{where}.value", raw["value"])
    if kind == "date":
        return as_date(f"{where}.value", raw["value"])
    if kind == "text":
        return as_string(f"{where}.value", raw["value"])
    if kind == "names":
        names = raw["value"]
        if not isinstance(names, list) or not names:
            raise fail(f"{where}.value", "名称の配列が必要です")
        return tuple(as_string(f"{where}.value[{i}]", name) for i, name in enumerate(names))
    if kind == "tiers":
        return _tiers(f"{where}.tiers", raw["tiers"])
    return _fee_schedule(where, raw)


def _documents(raw: Mapping[str, Any]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for key, item in raw.items():
        where = f"documents.toml [{key}]"
        check_keys(where, item, _DOC_KEYS, {"title", "short"})
        date = as_date(f"{where}.date", item["date"]) if "date" in item else None
        documents[key] = Document(key, as_string(where, item["title"]), as_string(where, item["short"]), item.get("url"), date)
    return documents


def _parameters(file_stem: str, raw: Mapping[str, Any], documents: Mapping[str, Document]) -> dict[str, Parameter]:
    result: dict[str, Parameter] = {}
    for key, item in raw.items():
        name = f"{file_stem}.{key}"
        check_keys(name, item, _PARAM_KEYS, _PARAM_REQUIRED)
        kind = item["kind"]
        if kind not in KINDS:
            raise fail(f"{name}.kind", f"{list(KINDS)} のいずれか：{kind!r}")
        raw_values = item["values"]
        inherited = parse_source(f"{name}.source", item["source"], documents) if "source" in item else None
        values = parse_values(name, kind, raw_values, documents, inherited)
        result[name] = Parameter(name, as_string(f"{name}.description", item["description"]), kind,
                                 as_string(f"{name}.unit", item["unit"]), values)
    return result


def parse_values(name: str, kind: str, raw_values: Any, documents: Mapping[str, Document],
                 inherited: Citation | None) -> tuple[ParameterValue, ...]:
    """日付つきの値の配列を読む。source のない値はパラメータの source を引き継ぐ。ended = true は「この日から廃止」。"""
    if not isinstance(raw_values, list) or not raw_values:
        raise fail(f"{name}.values", "少なくとも一つの値が必要です")
    parsed: list[tuple[_dt.date, Any, Citation, bool]] = []
    for index, raw_value in enumerate(raw_values):
        where = f"{name}.values[{index}]"
        allowed = set(_VALUE_KEYS[kind])
        ended = isinstance(raw_value, dict) and raw_value.get("ended") is True
        if ended:
            check_keys(where, raw_value, {"since", "ended", "source"}, {"since", "ended"})
        else:
            required = allowed - {"source"}
            check_keys(where, raw_value, allowed, required)
        since = as_date(f"{where}.since", raw_value["since"])
        source = value_source(where, raw_value, documents, inherited)
        parsed.append((since, None if ended else _value(where, kind, raw_value), source, ended))
    parsed.sort(key=lambda entry: entry[0])
    check_dates(name, [(since, ended) for since, _, _, ended in parsed])
    return tuple(
        ParameterValue(since, parsed[i + 1][0] if i + 1 < len(parsed) else None, value, source, ended)
        for i, (since, value, source, ended) in enumerate(parsed)
    )


def _cross_check(parameters: dict[str, Parameter]) -> None:
    """報酬表の行の区分キーは、同じ日に効力を持つ区分表（retention.tiers）の区分キーと一致しなければならない。

    区分と報酬表はキーで結びつく（表示名では結ばない）。一致を確かめたあと、報酬表に区分の表示名を入れる（表示のため）。
    """
    schedule = parameters.get("fees.base_fee")
    tiers = parameters.get("retention.tiers")
    if schedule is None or tiers is None:
        return
    # 報酬表が変わる日と区分表が変わる日の両方で、その日に効力を持つ二つを突き合わせる
    labels_by_since: dict[_dt.date, dict[str, str]] = {}
    for since in sorted({item.since for item in schedule.values} | {item.since for item in tiers.values}):
        if since < max(schedule.values[0].since, tiers.values[0].since):
            continue
        if not (schedule.covers(since) and tiers.covers(since)):
            continue
        tier_keys = [tier.key for tier in tiers.at(since).value]
        found = schedule.at(since)
        rows = [key for key, _ in found.value.rows]
        if tier_keys != rows:
            raise ParameterError(
                f"fees.base_fee（{since.isoformat()} に効力を持つもの）の区分 {rows} が retention.tiers の区分 {tier_keys} と一致しません"
            )
        labels_by_since.setdefault(found.since, {}).update({tier.key: tier.label for tier in tiers.at(since).value})
    values = tuple(
        dataclasses.replace(value, value=dataclasses.replace(value.value, labels=labels_by_since.get(value.since, {})))
        if not value.ended else value
        for value in schedule.values
    )
    parameters["fees.base_fee"] = dataclasses.replace(schedule, values=values)


def load_parameters(directory: Traversable | Path | None = None) -> ParameterSet:
    """directory（既定はパッケージ内の data/）の *.toml をすべて読み、検証して返す。"""
    root: Traversable | Path = directory if directory is not None else resources.files("teichaku") / "data"
    files = sorted((entry for entry in root.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    raw_files: dict[str, Any] = {}
    for entry in files:
        try:
            raw_files[entry.name[: -len(".toml")]] = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ParameterError(f"{entry.name}: TOML として読めません（{error}）") from None
    if "documents" not in raw_files:
        raise ParameterError("documents.toml がありません")
    documents = _documents(raw_files.pop("documents"))
    raw_items = raw_files.pop("claim_items", None)
    parameters: dict[str, Parameter] = {}
    for stem, raw in raw_files.items():
        parameters.update(_parameters(stem, raw, documents))
    _cross_check(parameters)
    items = parse_items(raw_items, documents) if raw_items is not None else None
    if items is not None and "fees.billing_condition" in parameters:
        for value in parameters["fees.billing_condition"].values:
            if not value.ended and value.value not in items.billing:
                raise ParameterError(f"fees.billing_condition（{value.since.isoformat()}）の値 {value.value!r} は "
                                     f"claim_items.toml の [billing] にありません（{sorted(items.billing)}）")
    return ParameterSet(parameters, documents, items)


_IN_USE: ContextVar[ParameterSet | None] = ContextVar("teichaku_parameters", default=None)


@lru_cache(maxsize=1)
def bundled_parameters() -> ParameterSet:
    """パッケージ同梱のパラメータ（一度だけ読み込む）。

    環境変数 TEICHAKU_DATA がディレクトリを指せば、そこのパラメータを使う（配布物の外で改定を試すとき）。
    """
    override = os.environ.get("TEICHAKU_DATA")
    return load_parameters(Path(override) if override else None)


def default_parameters() -> ParameterSet:
    """規則が parameters を渡されなかったときに使うパラメータ集合：using() の中ならその集合、外なら同梱のもの。"""
    return _IN_USE.get() or bundled_parameters()


@contextmanager
def using(parameters: ParameterSet) -> Iterator[ParameterSet]:
    """この with の中では parameters を既定のパラメータ集合にする（改定を同じプロセスの中で試す。openfisca の reform に
    ならい、環境変数もサブプロセスも使わない）。窓口（計算機の登録簿・web.run・CLI・サイトの表）は既定の集合を読むので、
    パラメータを引数に取らない入口もこの集合で動く。"""
    token = _IN_USE.set(parameters)
    try:
        yield parameters
    finally:
        _IN_USE.reset(token)


def registry(parameters: ParameterSet | None = None) -> Registry:
    """パラメータ集合（既定は同梱のもの）の加算・減算の登録簿（teichaku.rules.items、data/claim_items.toml）。"""
    return (parameters or default_parameters()).items
