"""データ（data/*.toml）の読み方の共通部分：パラメータ（teichaku.rules.params）と加算・減算の登録簿
（teichaku.rules.items）が同じ検証と同じ日付つきの値の読み方を使う。

このモジュールは両方から import され、どちらも import しない（params ↔ items の循環を断つ）。

- 表のキーの検証（未知のキー・必須のキー）、日付・分数・整数・文字列・キー（ASCII）の値の検証。
- 出典（source）の検証と、値が出典を持たないときの親からの引き継ぎ（value_source）。
- 日付つきの値の並び（since の重複・最初の値の廃止の拒否）と、ある日に効力を持つ値（in_force）。
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Protocol, TypeVar

from .citations import Citation, Document
from .errors import ParameterError

SOURCE_REQUIRED = {"doc", "section", "quote"}
SOURCE_OPTIONAL = {"page", "confidence", "checked_against", "note"}
CONFIDENCE = {"high", "medium", "low"}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Dated(Protocol):
    @property
    def since(self) -> _dt.date: ...


D = TypeVar("D", bound=Dated)


def in_force(values: tuple[D, ...], on: _dt.date) -> D | None:
    """since の順に並んだ日付つきの値のうち、on の日に効力を持つもの（since ≦ on の最後）。なければ None。

    パラメータ（params.ParameterValue）と加算・減算の登録簿（items.ItemValue）が同じ読み方をする。
    """
    found: D | None = None
    for value in values:
        if value.since > on:
            break
        found = value
    return found


def fail(where: str, message: str) -> ParameterError:
    return ParameterError(f"{where}: {message}")


def check_keys(where: str, table: Any, allowed: set[str], required: set[str]) -> None:
    if not isinstance(table, dict):
        raise fail(where, "表（テーブル）でなければなりません")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise fail(where, f"未知のキー {unknown}")
    missing = sorted(required - set(table))
    if missing:
        raise fail(where, f"必須のキーがありません {missing}")


def as_date(where: str, value: Any) -> _dt.date:
    # tomllib は 2018-04-01 を date、2018-04-01T00:00 を datetime として返す。日付だけを認める。
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise fail(where, f"日付（YYYY-MM-DD、引用符なし）でなければなりません：{value!r}")
    return value


def as_fraction(where: str, value: Any) -> Fraction:
    if not isinstance(value, str):
        raise fail(where, f"分数は文字列（例 \"7/10\"）で書きます：{value!r}")
    try:
        result = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise fail(where, f"分数として読めません：{value!r}") from None
    if result < 0:
        raise fail(where, f"負の値は使えません：{value!r}")
    return result


def as_int(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(where, f"整数でなければなりません：{value!r}")
    if value < 0:
        raise fail(where, f"負の値は使えません：{value!r}")
    return value


def as_string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(where, f"空でない文字列でなければなりません：{value!r}")
    return value


def as_key(where: str, value: Any) -> str:
    """安定した ASCII のキー（英小文字で始まり、英小文字・数字・_）。表示名ではなくこれが同一性になる。"""
    if not isinstance(value, str) or not _KEY.match(value):
        raise fail(where, f"キーは英小文字で始まる英小文字・数字・_ の文字列です：{value!r}")
    return value


def parse_source(where: str, raw: Any, documents: Mapping[str, Document]) -> Citation:
    check_keys(where, raw, SOURCE_REQUIRED | SOURCE_OPTIONAL, SOURCE_REQUIRED)
    doc_key = as_string(f"{where}.doc", raw["doc"])
    if doc_key not in documents:
        raise fail(f"{where}.doc", f"documents.toml にない文書 {doc_key!r}")
    page = raw.get("page")
    if page is not None:
        page = as_int(f"{where}.page", page)
    confidence = raw.get("confidence")
    if confidence is not None and confidence not in CONFIDENCE:
        raise fail(f"{where}.confidence", f"{sorted(CONFIDENCE)} のいずれか：{confidence!r}")
    return Citation(
        document=documents[doc_key],
        section=as_string(f"{where}.section", raw["section"]),
        quote=as_string(f"{where}.quote", raw["quote"]),
        page=page,
        confidence=confidence,
        checked_against=raw.get("checked_against"),
        note=raw.get("note"),
    )


def value_source(where: str, raw_value: Mapping[str, Any], documents: Mapping[str, Document],
                 inherited: Citation | None) -> Citation:
    """値の出典：値に書いたもの、なければ親（パラメータ・登録簿の項目）から引き継いだもの。どちらもなければエラー。"""
    if "source" in raw_value:
        return parse_source(f"{where}.source", raw_value["source"], documents)
    if inherited is not None:
        return inherited
    raise fail(where, "出典（source）がありません（値かパラメータのどちらかに書きます）")


def check_dates(name: str, dated: list[tuple[_dt.date, bool]]) -> None:
    """since の順に並べた (since, ended)：同じ since の重複と、最初の値の廃止を拒否する。"""
    for (first, _), (second, _) in itertools.pairwise(dated):
        if first == second:
            raise fail(f"{name}.values", f"同じ since {first.isoformat()} の値が二つあります")
    if dated and dated[0][1]:
        raise fail(f"{name}.values", "最初の値を廃止（ended）にはできません")
