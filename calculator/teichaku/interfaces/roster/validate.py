"""表の行 → 確かめた事実（UserFacts、対面支援の月、職員の週の勤務時間）。

どの行も、読み込む（事実になる）か、読み込めない（Rejection：シート、行番号、列、理由）かのどちらかになる。
列は見出しの名前で探し、ほかの列（氏名・備考など）は読まない。

列の意味（テンプレートと docs/calc/roster.md に同じ説明）：
- 離職日：就職した事業所を離職した日。就労継続中は空欄。
- 転職：離職の後に再就職した日（日付）。「○」では再就職が離職から1月以内か判定できないので読み込まない
  （平成30年12月17日 Q&A：利用期間中の1回の転職で、離職から1月以内の再就職なら就労継続とみなす。teichaku.rules.office）。
- 転職後の離職日：転職先を離職した日（2回目の離職。2回目の転職は就労継続とみなさない）。
- 「○」の列（他事業所からの受入れ、特別地域など）：加算・減算の登録簿の事実（data/claim_items.toml の [facts] の
  column）。列がなければ「いいえ」。
- 対面支援の表（支援の記録）：利用者ID、日付、任意の「種類」。種類は登録簿の基本報酬の要件の record（「対面」
  「支援レポート」）で、空欄や列のないファイルは「対面」。令和3年3月までの月は対面による支援の行が、令和3年4月からの
  月は支援レポートの行が、その月の基本報酬の要件の記録になる（どの要件がいつかは fees.billing_condition）。
- 日付は 1900年〜2100年（このツールが扱う範囲。期間の計算が暦の範囲を超えないため）。
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...rules.dates import parse_date
from ...rules.errors import InputError
from ...rules.numbers import parse_decimal
from ...rules.params import ParameterSet
from ...rules.services import parse_service
from .model import (
    CONTACT_KIND_COLUMN,
    CONTACT_KIND_DEFAULT,
    DATE_COLUMNS,
    REQUIRED_COLUMNS,
    STAFF_ROLE_KEYS,
    Rejection,
    StaffRow,
    UserFacts,
)
from .read import Table, cell_text

_TRUE = {"○", "〇", "◯", "はい", "有", "あり", "1", "true", "yes", "y", "✓", "レ"}
_FALSE = {"", "×", "いいえ", "無", "なし", "0", "false", "no", "n", "-", "－"}
_NONE = {"", "-", "－", "ー", "―", "—", "なし", "無", "無し", "×"}  # 任意の日付の列で「なし」を表す値
_EARLIEST, _LATEST = _dt.date(1900, 1, 1), _dt.date(2100, 12, 31)


@dataclass
class Facts:
    """名簿ファイルから確かめた事実。contacts（利用者ID → 支援の記録のあった月の office.month_number）は、対面支援の表が
    なければ None。records は種類（「対面」「支援レポート」）→ 利用者ID → 月。"""

    users: list[UserFacts] = field(default_factory=list)
    contacts: dict[str, set[int]] | None = None
    records: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    contact_rows: int = 0
    staff: list[StaffRow] = field(default_factory=list)
    has_staff_table: bool = False
    rejected: list[Rejection] = field(default_factory=list)
    roster_rows: set[tuple[str, int]] = field(default_factory=set)


@lru_cache(maxsize=8192)
def _date(text: str, column: str) -> _dt.date:
    """parse_date と、扱える範囲（1900〜2100年）の確認。同じ文字列は一度だけ読む（誤りの例外は覚えない）。"""
    day = parse_date(text, column)
    if not _EARLIEST <= day <= _LATEST:
        raise InputError(column, f"「{text}」は扱える範囲（1900年〜2100年）の外の日付です。")
    return day


def _flag(value: str) -> bool | None:
    key = unicodedata.normalize("NFKC", value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def _optional_date(text: str, column: str) -> _dt.date | None:
    if text in _NONE or unicodedata.normalize("NFKC", text).strip() in _NONE:
        return None
    if column == "転職" and _flag(text) is True:
        raise InputError(column, f"「{text}」は日付ではありません。転職の列には、離職の後に再就職した日（例：2021-06-20）を"
                                 "入れてください。離職から1月以内の再就職かどうかで就労継続とみなすかが決まるため"
                                 "（平成30年12月17日 Q&A）、日付が必要です。転職していなければ空欄にします。")
    return _date(text, column)


def _check(values: dict[str, _dt.date | None]) -> tuple[str, str] | None:
    """日付の前後関係。誤りなら（列、理由）。"""
    employed, left, again, again_left = values["就職日"], values["離職日"], values["転職"], values["転職後の離職日"]
    start, end = values["利用開始日"], values["利用終了日"]
    assert employed is not None and start is not None
    if left is not None and left < employed:
        return "離職日", "離職日が就職日より前です。"
    if again is not None and left is None:
        return "転職", "転職（再就職日）がありますが、離職日がありません。"
    if again is not None and left is not None and again < left:
        return "転職", "転職（再就職日）が離職日より前です。"
    if again_left is not None and again is None:
        return "転職後の離職日", "転職後の離職日がありますが、転職（再就職日）がありません。"
    if again_left is not None and again is not None and again_left < again:
        return "転職後の離職日", "転職後の離職日が転職（再就職日）より前です。"
    if end is not None and end < start:
        return "利用終了日", "利用終了日が利用開始日より前です。"
    if start < employed:
        return "利用開始日", "利用開始日が就職日より前です（就労定着支援は就職後の支援です）。"
    if left is not None and start > left and (again is None or again > start):
        return "利用開始日", "離職した後（再就職の前）に利用を開始しています。就労していない者は就労定着支援を利用できません。"
    if again_left is not None and start > again_left:
        return "利用開始日", "転職先を離職した後に利用を開始しています。就労していない者は就労定着支援を利用できません。"
    return None


def _getter(table: Table) -> Callable[[list[Any], str], str]:
    index = {name: i for i, name in enumerate(table.header)}

    def cell(values: list[Any], name: str) -> str:
        i = index.get(name)
        return cell_text(values[i]) if i is not None and i < len(values) else ""

    return cell


def read_users(table: Table, facts: Facts, qualifying: Sequence[str], seen: dict[str, tuple[str, int]],
               flag_columns: Sequence[tuple[str, str]] = ()) -> None:
    """名簿の表の行 → UserFacts（facts.users）か Rejection（facts.rejected）。seen は表をまたいだ利用者IDの重複の確認用。

    flag_columns は（列名、登録簿の事実のキー）：その列の「○」を事実にする。
    """
    cell = _getter(table)
    sheet = table.sheet
    rejected = facts.rejected
    services: dict[str, Any] = {}  # 同じ前サービスの文字列は一度だけ読む（誤りは覚えない）
    columns = [(column, column in REQUIRED_COLUMNS) for column in DATE_COLUMNS]
    for number, values in table.rows:
        facts.roster_rows.add((sheet, number))
        user_id = cell(values, "利用者ID")
        if not user_id:
            rejected.append(Rejection(sheet, number, "利用者ID", "利用者IDがありません。"))
            continue
        if user_id in seen:
            where = seen[user_id]
            place = f"{where[1]}行目" if where[0] == sheet else f"シート「{where[0]}」の{where[1]}行目"
            rejected.append(Rejection(sheet, number, "利用者ID", f"利用者ID「{user_id}」は{place}と重複しています。"))
            continue
        try:
            text = cell(values, "前サービス")
            service = services.get(text)
            if service is None:
                service = services[text] = parse_service(text, "前サービス")
            dates: dict[str, _dt.date | None] = {}
            for column, required in columns:
                text = cell(values, column)
                if required:
                    if not text:
                        raise InputError(column, "入力してください。")
                    dates[column] = _date(text, column)
                else:
                    dates[column] = _optional_date(text, column) if text else None
        except InputError as error:
            rejected.append(Rejection(sheet, number, error.field, error.message))
            continue
        problem = _check(dates)
        if problem:
            rejected.append(Rejection(sheet, number, *problem))
            continue
        flags: dict[str, bool] = {}
        for column, key in flag_columns:
            text = cell(values, column)
            value = _flag(text)
            if value is None:
                rejected.append(Rejection(sheet, number, column,
                                          f"「{text}」を読めません。該当する場合は「○」、しない場合は空欄にしてください。"))
                break
            flags[key] = value
        if len(flags) < len(flag_columns):
            continue
        seen[user_id] = (sheet, number)
        employed, start = dates["就職日"], dates["利用開始日"]
        assert employed is not None and start is not None
        facts.users.append(UserFacts(user_id, number, service.name, service.category in qualifying, employed, dates["離職日"],
                                     dates["転職"], dates["転職後の離職日"], start, dates["利用終了日"], flags))


def read_contacts(table: Table, facts: Facts, known: set[str], kinds: Sequence[str] = (CONTACT_KIND_DEFAULT,)) -> None:
    """対面支援の表の行 → 利用者ごとの記録のあった月（facts.contacts、種類ごとに facts.records）か Rejection。

    kinds は「種類」の列に書ける値（登録簿の基本報酬の要件の record）。空欄は「対面」。
    """
    id_at, date_at = table.header.index("利用者ID"), table.header.index("日付")
    kind_at = table.header.index(CONTACT_KIND_COLUMN) if CONTACT_KIND_COLUMN in table.header else None
    contacts = facts.contacts if facts.contacts is not None else {}
    facts.contacts = contacts
    months: dict[Any, int] = {}  # 同じ日付のセルは一度だけ読む（月の通し番号 office.month_number）
    this_table: dict[str, set[int]] = {}
    rejected = facts.rejected
    count = 0
    for number, values in table.rows:
        raw = values[id_at] if id_at < len(values) else ""
        user_id = raw.strip() if type(raw) is str else cell_text(raw)
        if user_id not in known:
            message = f"名簿にない利用者ID「{user_id}」です。" if user_id else "利用者IDがありません。"
            rejected.append(Rejection(table.sheet, number, "利用者ID", message))
            continue
        kind = CONTACT_KIND_DEFAULT
        if kind_at is not None and kind_at < len(values):
            kind = unicodedata.normalize("NFKC", cell_text(values[kind_at])).strip() or CONTACT_KIND_DEFAULT
            if kind not in kinds:
                rejected.append(Rejection(table.sheet, number, CONTACT_KIND_COLUMN,
                                          f"「{kind}」は種類として読めません。{'、'.join(f'「{k}」' for k in kinds)}のいずれか"
                                          f"（空欄は「{CONTACT_KIND_DEFAULT}」）にしてください。"))
                continue
        raw = values[date_at] if date_at < len(values) else ""
        month = months.get(raw)
        if month is None:
            try:
                day = _date(cell_text(raw), "日付")
                month = months[raw] = day.year * 12 + day.month - 1
            except InputError as error:
                rejected.append(Rejection(table.sheet, number, "日付", error.message))
                continue
        found = contacts.get(user_id)
        if found is None:
            contacts[user_id] = {month}
        else:
            found.add(month)
        if kind_at is None:  # 種類の列のない表：すべて「対面」。利用者ごとの月は表の終わりにまとめて移す
            this_table.setdefault(user_id, set()).add(month)
        else:
            facts.records.setdefault(kind, {}).setdefault(user_id, set()).add(month)
        count += 1
    face = facts.records.setdefault(CONTACT_KIND_DEFAULT, {})
    for user_id, seen in this_table.items():
        face.setdefault(user_id, set()).update(seen)
    facts.contact_rows += count


def read_staff(table: Table, facts: Facts) -> None:
    """職員の表の行 → StaffRow（職種と週の勤務時間）か Rejection。"""
    cell = _getter(table)
    facts.has_staff_table = True
    for number, values in table.rows:
        role = cell(values, "職種")
        try:
            hours = parse_decimal(cell(values, "週の勤務時間"), "週の勤務時間")
        except InputError as error:
            facts.rejected.append(Rejection(table.sheet, number, "週の勤務時間", error.message))
            continue
        facts.staff.append(StaffRow(number, role, hours, STAFF_ROLE_KEYS.get(role.strip())))


def validate(tables: Sequence[Table], params: ParameterSet, on: _dt.date) -> Facts:
    """すべての表を検証する。名簿の表を先に読み（対面支援は名簿の利用者IDを参照する）、次に対面支援と職員。

    前サービスの対象（施行規則第6条の10の2）は on（年度末日）のパラメータで判定する。
    """
    qualifying = params.value("periods.prior_services", on)
    reg = params.items
    flag_columns = tuple((fact.column, key) for key, fact in reg.facts.items() if fact.column)
    kinds = tuple(dict.fromkeys([CONTACT_KIND_DEFAULT, *(c.record for c in reg.billing.values() if c.record)]))
    facts = Facts()
    seen: dict[str, tuple[str, int]] = {}
    for table in tables:
        if table.kind == "roster":
            read_users(table, facts, qualifying, seen, flag_columns)
    known = {user.id for user in facts.users}
    for table in tables:
        if table.kind == "contacts":
            read_contacts(table, facts, known, kinds)
        elif table.kind == "staff":
            read_staff(table, facts)
    return facts
