"""日付つき・出典つきのパラメータ（data/*.toml）を読む厳格なローダー。

openfisca のパラメータにならい、数値は一つずつ「効力を生じる日（since）」と「出典（source）」を持つ。
ファイル名がパラメータ名の前半になる（data/fees.toml の base_fee → "fees.base_fee"）。

ローダーは次のものを拒否する（ParameterError）：
未知のキー、日付でない since、同じ since の重複、出典の欠落（doc・section・quote は必須）、
documents.toml にない文書キー、kind に合わない値、区分表と報酬表の区分名の食い違い。
最初の値より前の日付を問い合わせると、推測の既定値ではなく ParameterError になる。
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .citations import Citation, Document
from .errors import ParameterError

KINDS = ("int", "fraction", "date", "names", "text", "tiers", "fee_schedule")
_PARAM_KEYS = {"description", "kind", "unit", "values", "source"}
_PARAM_REQUIRED = {"description", "kind", "unit", "values"}
_SOURCE_REQUIRED = {"doc", "section", "quote"}
_SOURCE_OPTIONAL = {"page", "confidence", "checked_against", "note"}
_CONFIDENCE = {"high", "medium", "low"}
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
    """就労定着率の区分。rank は 1 が最上位。rate >= lower（以上）で、上位の区分の lower 未満。"""

    rank: int
    label: str
    lower: Fraction
    upper: Fraction | None  # 上位区分の下限（未満）。最上位は None


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
    rows: tuple[tuple[str, Mapping[str, int]], ...]  # (区分名, {規模キー: 単位})

    def units(self, tier_label: str, scale_key: str) -> int | None:
        for label, units in self.rows:
            if label == tier_label:
                return units.get(scale_key)
        raise ParameterError(f"報酬表「{self.name}」に区分「{tier_label}」がありません")


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


class _Dated(Protocol):
    @property
    def since(self) -> _dt.date: ...


D = TypeVar("D", bound=_Dated)


def in_force(values: tuple[D, ...], on: _dt.date) -> D | None:
    """since の順に並んだ日付つきの値のうち、on の日に効力を持つもの（since ≦ on の最後）。なければ None。

    パラメータ（ParameterValue）と加算・減算の登録簿（items.ItemValue）が同じ読み方をする。
    """
    found: D | None = None
    for value in values:
        if value.since > on:
            break
        found = value
    return found


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
                f"「{self.description}」（{self.name}）は {first.isoformat()} より前の値を持ちません"
                f"（問い合わせた日付：{on.isoformat()}）。就労定着支援は平成30年4月1日に創設されたサービスです。"
            )
        if found.ended:
            raise ParameterError(
                f"「{self.description}」（{self.name}）は {found.since.isoformat()} から廃止されています"
                f"（問い合わせた日付：{on.isoformat()}）。"
            )
        return found


class ParameterSet:
    """読み込んだ全パラメータ。"""

    def __init__(self, parameters: Mapping[str, Parameter], documents: Mapping[str, Document],
                 items: Any = None) -> None:
        self._parameters = dict(parameters)
        self.documents = dict(documents)
        # 加算・減算の登録簿（teichaku.rules.items.ClaimItem、data/claim_items.toml）
        self.items: Any = items

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

    def all(self) -> list[Parameter]:
        return [self._parameters[name] for name in sorted(self._parameters)]


def _fail(where: str, message: str) -> ParameterError:
    return ParameterError(f"{where}: {message}")


def _check_keys(where: str, table: Any, allowed: set[str], required: set[str]) -> None:
    if not isinstance(table, dict):
        raise _fail(where, "表（テーブル）でなければなりません")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(where, f"未知のキー {unknown}")
    missing = sorted(required - set(table))
    if missing:
        raise _fail(where, f"必須のキーがありません {missing}")


def _date(where: str, value: Any) -> _dt.date:
    # tomllib は 2018-04-01 を date、2018-04-01T00:00 を datetime として返す。日付だけを認める。
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise _fail(where, f"日付（YYYY-MM-DD、引用符なし）でなければなりません：{value!r}")
    return value


def _fraction(where: str, value: Any) -> Fraction:
    if not isinstance(value, str):
        raise _fail(where, f"分数は文字列（例 \"7/10\"）で書きます：{value!r}")
    try:
        result = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise _fail(where, f"分数として読めません：{value!r}") from None
    if result < 0:
        raise _fail(where, f"負の値は使えません：{value!r}")
    return result


def _int(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, f"整数でなければなりません：{value!r}")
    if value < 0:
        raise _fail(where, f"負の値は使えません：{value!r}")
    return value


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"空でない文字列でなければなりません：{value!r}")
    return value


def _source(where: str, raw: Any, documents: Mapping[str, Document]) -> Citation:
    _check_keys(where, raw, _SOURCE_REQUIRED | _SOURCE_OPTIONAL, _SOURCE_REQUIRED)
    doc_key = _string(f"{where}.doc", raw["doc"])
    if doc_key not in documents:
        raise _fail(f"{where}.doc", f"documents.toml にない文書 {doc_key!r}")
    page = raw.get("page")
    if page is not None:
        page = _int(f"{where}.page", page)
    confidence = raw.get("confidence")
    if confidence is not None and confidence not in _CONFIDENCE:
        raise _fail(f"{where}.confidence", f"{sorted(_CONFIDENCE)} のいずれか：{confidence!r}")
    return Citation(
        document=documents[doc_key],
        section=_string(f"{where}.section", raw["section"]),
        quote=_string(f"{where}.quote", raw["quote"]),
        page=page,
        confidence=confidence,
        checked_against=raw.get("checked_against"),
        note=raw.get("note"),
    )


def _tiers(where: str, raw: Any) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "区分の配列が必要です")
    tiers: list[Tier] = []
    upper: Fraction | None = None
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        _check_keys(here, item, {"label", "lower"}, {"label", "lower"})
        lower = _fraction(f"{here}.lower", item["lower"])
        if upper is not None and lower >= upper:
            raise _fail(here, "区分の下限は上から順に小さくならなければなりません")
        if lower > 1:
            raise _fail(here, "就労定着率の下限は 1 以下です")
        tiers.append(Tier(rank=index + 1, label=_string(f"{here}.label", item["label"]), lower=lower, upper=upper))
        upper = lower
    if tiers[-1].lower != 0:
        raise _fail(where, "最下位の区分の下限は 0 でなければなりません（すべての率がどこかの区分に入るように）")
    return tuple(tiers)


def _fee_schedule(where: str, raw: Mapping[str, Any]) -> FeeSchedule:
    scales: list[Scale] = []
    raw_scales = raw["scales"]
    if not isinstance(raw_scales, list) or not raw_scales:
        raise _fail(f"{where}.scales", "規模の配列が必要です")
    previous: Fraction | None = None
    for index, item in enumerate(raw_scales):
        here = f"{where}.scales[{index}]"
        _check_keys(here, item, {"key", "label", "max_users"}, {"key", "label"})
        max_users = _fraction(f"{here}.max_users", item["max_users"]) if "max_users" in item else None
        if previous is not None and (max_users is not None and max_users <= previous):
            raise _fail(here, "規模の上限は小さい順に並べます")
        if index < len(raw_scales) - 1 and max_users is None:
            raise _fail(here, "上限のない規模は最後に置きます")
        previous = max_users
        scales.append(Scale(_string(f"{here}.key", item["key"]), _string(f"{here}.label", item["label"]), max_users))
    scale_keys = {scale.key for scale in scales}
    rows: list[tuple[str, Mapping[str, int]]] = []
    raw_rows = raw["rows"]
    if not isinstance(raw_rows, list) or not raw_rows:
        raise _fail(f"{where}.rows", "区分ごとの行の配列が必要です")
    for index, item in enumerate(raw_rows):
        here = f"{where}.rows[{index}]"
        _check_keys(here, item, {"tier", "units"}, {"tier", "units"})
        units = item["units"]
        if not isinstance(units, dict):
            raise _fail(f"{here}.units", "規模キー = 単位数 の表が必要です")
        unknown = sorted(set(units) - scale_keys)
        if unknown:
            raise _fail(f"{here}.units", f"scales にない規模 {unknown}")
        rows.append((_string(f"{here}.tier", item["tier"]), {k: _int(f"{here}.units.{k}", v) for k, v in units.items()}))
    return FeeSchedule(
        name=_string(f"{where}.name", raw["name"]),
        missing_label=_string(f"{where}.missing_label", raw["missing_label"]),
        missing_note=_string(f"{where}.missing_note", raw["missing_note"]),
        scales=tuple(scales),
        rows=tuple(rows),
    )


def _value(where: str, kind: str, raw: Mapping[str, Any]) -> Any:
    if kind == "int":
        return _int(f"{where}.value", raw["value"])
    if kind == "fraction":
        return _fraction(f"{where}.value", raw["value"])
    if kind == "date":
        return _date(f"{where}.value", raw["value"])
    if kind == "text":
        return _string(f"{where}.value", raw["value"])
    if kind == "names":
        names = raw["value"]
        if not isinstance(names, list) or not names:
            raise _fail(f"{where}.value", "名称の配列が必要です")
        return tuple(_string(f"{where}.value[{i}]", name) for i, name in enumerate(names))
    if kind == "tiers":
        return _tiers(f"{where}.tiers", raw["tiers"])
    return _fee_schedule(where, raw)


def _documents(raw: Mapping[str, Any]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for key, item in raw.items():
        where = f"documents.toml [{key}]"
        _check_keys(where, item, _DOC_KEYS, {"title", "short"})
        date = _date(f"{where}.date", item["date"]) if "date" in item else None
        documents[key] = Document(key, _string(where, item["title"]), _string(where, item["short"]), item.get("url"), date)
    return documents


def _parameters(file_stem: str, raw: Mapping[str, Any], documents: Mapping[str, Document]) -> dict[str, Parameter]:
    result: dict[str, Parameter] = {}
    for key, item in raw.items():
        name = f"{file_stem}.{key}"
        _check_keys(name, item, _PARAM_KEYS, _PARAM_REQUIRED)
        kind = item["kind"]
        if kind not in KINDS:
            raise _fail(f"{name}.kind", f"{list(KINDS)} のいずれか：{kind!r}")
        raw_values = item["values"]
        inherited = _source(f"{name}.source", item["source"], documents) if "source" in item else None
        values = parse_values(name, kind, raw_values, documents, inherited)
        result[name] = Parameter(name, _string(f"{name}.description", item["description"]), kind,
                                 _string(f"{name}.unit", item["unit"]), values)
    return result


def value_source(where: str, raw_value: Mapping[str, Any], documents: Mapping[str, Document],
                 inherited: Citation | None) -> Citation:
    """値の出典：値に書いたもの、なければ親（パラメータ・登録簿の項目）から引き継いだもの。どちらもなければエラー。"""
    if "source" in raw_value:
        return _source(f"{where}.source", raw_value["source"], documents)
    if inherited is not None:
        return inherited
    raise _fail(where, "出典（source）がありません（値かパラメータのどちらかに書きます）")


def check_dates(name: str, dated: list[tuple[_dt.date, bool]]) -> None:
    """since の順に並べた (since, ended)：同じ since の重複と、最初の値の廃止を拒否する。"""
    for (first, _), (second, _) in itertools.pairwise(dated):
        if first == second:
            raise _fail(f"{name}.values", f"同じ since {first.isoformat()} の値が二つあります")
    if dated and dated[0][1]:
        raise _fail(f"{name}.values", "最初の値を廃止（ended）にはできません")


def parse_values(name: str, kind: str, raw_values: Any, documents: Mapping[str, Document],
                 inherited: Citation | None) -> tuple[ParameterValue, ...]:
    """日付つきの値の配列を読む。source のない値はパラメータの source を引き継ぐ。ended = true は「この日から廃止」。"""
    if not isinstance(raw_values, list) or not raw_values:
        raise _fail(f"{name}.values", "少なくとも一つの値が必要です")
    parsed: list[tuple[_dt.date, Any, Citation, bool]] = []
    for index, raw_value in enumerate(raw_values):
        where = f"{name}.values[{index}]"
        allowed = set(_VALUE_KEYS[kind])
        ended = isinstance(raw_value, dict) and raw_value.get("ended") is True
        if ended:
            _check_keys(where, raw_value, {"since", "ended", "source"}, {"since", "ended"})
        else:
            required = allowed - {"source"}
            _check_keys(where, raw_value, allowed, required)
        since = _date(f"{where}.since", raw_value["since"])
        source = value_source(where, raw_value, documents, inherited)
        parsed.append((since, None if ended else _value(where, kind, raw_value), source, ended))
    parsed.sort(key=lambda entry: entry[0])
    check_dates(name, [(since, ended) for since, _, _, ended in parsed])
    return tuple(
        ParameterValue(since, parsed[i + 1][0] if i + 1 < len(parsed) else None, value, source, ended)
        for i, (since, value, source, ended) in enumerate(parsed)
    )


def _cross_check(parameters: Mapping[str, Parameter]) -> None:
    """報酬表の区分名は、同じ日に効力を持つ区分表（retention.tiers）と一致しなければならない。"""
    schedule = parameters.get("fees.base_fee")
    tiers = parameters.get("retention.tiers")
    if schedule is None or tiers is None:
        return
    # 報酬表が変わる日と区分表が変わる日の両方で、その日に効力を持つ二つを突き合わせる
    for since in sorted({item.since for item in schedule.values} | {item.since for item in tiers.values}):
        if since < max(schedule.values[0].since, tiers.values[0].since):
            continue
        if not (schedule.covers(since) and tiers.covers(since)):
            continue
        labels = [tier.label for tier in tiers.at(since).value]
        rows = [label for label, _ in schedule.at(since).value.rows]
        if labels != rows:
            raise ParameterError(
                f"fees.base_fee（{since.isoformat()} に効力を持つもの）の区分 {rows} が retention.tiers の区分 {labels} と一致しません"
            )


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
    items: Any = None
    if raw_items is not None:
        from .items import parse_items  # 登録簿はパラメータの読み方を使う（循環を避けて関数の中で）

        items = parse_items(raw_items, documents)
    return ParameterSet(parameters, documents, items)


@lru_cache(maxsize=1)
def default_parameters() -> ParameterSet:
    """パッケージ同梱のパラメータ（一度だけ読み込む）。

    環境変数 TEICHAKU_DATA がディレクトリを指せば、そこのパラメータを使う（改定の試し・テストの架空の改定のため）。
    """
    override = os.environ.get("TEICHAKU_DATA")
    return load_parameters(Path(override) if override else None)
