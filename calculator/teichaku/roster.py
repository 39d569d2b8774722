"""事業所の名簿（ロスター）：1つの CSV または Excel ファイルから、年度の就労定着率・利用者数・人員配置・月ごとの請求。

入力（1行に1利用者。氏名は不要、利用者IDは仮名）：
    利用者ID、前サービス、就職日、離職日（就労継続中は空欄）、転職（再就職日）、利用開始日、利用終了日（利用中は空欄）、
    他事業所からの受入れ（初期加算）、特別地域
任意の表：対面支援（利用者ID、日付）、職員（職員、職種、週の勤務時間）。Excel は別のシートに、CSV は空行のあとに
その表の見出し行を置いて続ける。CSV は UTF-8（BOM の有無とも）と Shift_JIS（CP932）を自動で判別する。Excel の読み込みには
openpyxl（任意の依存。ブラウザでは Pyodide の横に wheel を置く）を使う。CSV だけなら標準ライブラリだけで動く。

計算（年度末日 fiscal_year_end = FYE。このツールの選択は docs/about.md と各関数の docstring に書く）：
- 就労定着率（別添 p.14、問2 p.31）：FYE から起算して過去3年間（FYE の3年前の4月1日〜FYE）に利用した者が分母、
  そのうち FYE に就労している者（離職日が空欄か FYE より後、または FYE までに転職＝再就職した者）が分子。
  問2：利用期間が満了した（利用終了日が支給決定できる最後の日、または利用開始から3年の末日以降）利用者が、満了と同じ
  年度に退職した場合は、分母から除外する（退職者なので分子には入らない）。
- 延べ利用者数と平均利用者数：対面支援の表があれば、月に1回以上対面支援があった利用者をその月の利用者として数える
  （基本報酬を請求できる月）。なければ、利用期間がその月に1日でもかかる利用者を数える。平均は staffing.average_users。
- 月ごとの請求：FYE の年度の各月について、前年度末日（FYE の1年前）の就労定着率と前年度の平均利用者数による区分・規模で、
  teichaku.fees.monthly_claim と同じ規則で求める（対面支援の表がないときは計算しない）。
- 就労定着実績体制加算：過去6年間に利用を終了した者のうち、FYE までに42月以上78月未満就労が続いた（又は続いていた）者の割合。
  名簿が6年をさかのぼらない場合はその旨を示す。
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from .dates import Month, fiscal_year_end, japanese_date, parse_date, period_end
from .eligibility import decision_periods, usable_window
from .errors import InputError
from .explain import NOTICE_DATE
from .fees import monthly_claim
from .numbers import decimal_text, parse_decimal, percent_text
from .params import ParameterSet, default_parameters
from .retention import retention_rate
from .services import parse_service
from .staffing import average_users, staffing

MAX_BYTES = 10 * 1024 * 1024
ROSTER_COLUMNS = ("利用者ID", "前サービス", "就職日", "離職日", "転職", "利用開始日", "利用終了日", "他事業所からの受入れ", "特別地域")
REQUIRED_COLUMNS = ("利用者ID", "前サービス", "就職日", "利用開始日")
CONTACT_COLUMNS = ("利用者ID", "日付")
STAFF_COLUMNS = ("職員", "職種", "週の勤務時間")
SUPPORT_STAFF = "就労定着支援員"
_HEADER_FIRST = {"利用者ID", "職員", "日付", "前サービス", "職種", "週の勤務時間"}
_HEADER_INITIALS = {name[0] for name in _HEADER_FIRST}
_TRUE = {"○", "〇", "◯", "はい", "有", "あり", "1", "true", "yes", "y", "✓", "レ"}
_FALSE = {"", "×", "いいえ", "無", "なし", "0", "false", "no", "n", "-", "－"}


class RosterError(InputError):
    """ファイル全体が名簿として読めない（列がない、画像、空、大きすぎる）。"""


@dataclass(frozen=True)
class Rejection:
    sheet: str
    row: int  # 表計算ソフトで見える行番号（見出しが1行目）
    column: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class User:
    id: str
    row: int
    prior_service: str
    employed: _dt.date
    left: _dt.date | None
    reemployed: _dt.date | None
    start: _dt.date
    end: _dt.date | None
    from_other_office: bool
    special_area: bool
    qualifies: bool = True  # 前サービスが施行規則第6条の10の2のもの
    contacts: set[Month] = field(default_factory=set)

    def employed_on(self, day: _dt.date) -> bool:
        """day に就労しているか（離職後に転職＝再就職していれば就労継続とみなす）。"""
        if self.employed > day:
            return False
        if self.left is None or self.left > day:
            return True
        return self.reemployed is not None and self.reemployed <= day

    def used_between(self, first: _dt.date, last: _dt.date) -> bool:
        return self.start <= last and (self.end is None or self.end >= first)


@dataclass
class Table:
    sheet: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]


# ---- 読み込み ----

def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def _header_key(value: Any) -> str:
    return unicodedata.normalize("NFKC", _cell_text(value)).replace(" ", "")


def _kind_of(header: Sequence[str]) -> str | None:
    names = set(header)
    if {"利用者ID", "前サービス"} <= names:
        return "roster"
    if {"利用者ID", "日付"} <= names and "前サービス" not in names:
        return "contacts"
    if {"職種", "週の勤務時間"} <= names:
        return "staff"
    return None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise RosterError("ファイル", "文字コードを判別できません。UTF-8 か Shift_JIS（CP932）の CSV で保存してください。") from None


def _csv_tables(data: bytes) -> list[Table]:
    text = _decode(data)
    if "\x00" in text:
        raise RosterError("ファイル", "CSV として読めません（文字以外のデータを含みます）。")
    tables: list[Table] = []
    current: Table | None = None
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        # セルの前後の空白は読むとき（_cell_text）に除く
        if not any(values) or not "".join(values).strip():
            current = None
            continue
        # 見出し行の候補（最初の列が「利用者ID」「職員」など）だけを見出しとして調べる
        candidate = current is None or values[0].lstrip()[:1] in _HEADER_INITIALS
        header = [_header_key(cell) for cell in values] if candidate and _header_key(values[0]) in _HEADER_FIRST else []
        kind = _kind_of(header) if header else None
        if kind is not None and (current is None or _kind_of(current.header) != kind):
            current = Table("CSV", number, header, [])
            tables.append(current)
            continue
        if current is None:
            if not tables:
                raise RosterError("ファイル", f"{number}行目が見出し行ではありません。1行目に「{'」「'.join(REQUIRED_COLUMNS)}」などの"
                                             "見出しを置いてください（テンプレートを参照）。")
            continue
        current.rows.append((number, values))
    return tables


def _xlsx_tables(data: bytes) -> list[Table]:
    try:
        import openpyxl  # 任意の依存（Excel ファイルのときだけ）
    except ImportError:  # pragma: no cover - 開発環境には入っている
        raise RosterError("ファイル", "Excel ファイルを読むための openpyxl がありません。CSV で保存してください。") from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl は壊れたファイルに様々な例外を出す
        raise RosterError("ファイル", "Excel ファイル（.xlsx）として開けません。ファイルが壊れていないか確かめてください。") from None
    tables: list[Table] = []
    for sheet in book.worksheets:
        current: Table | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(cells)
            if not any(_cell_text(value) for value in values):
                continue
            if current is None:
                header = [_header_key(value) for value in values]
                if _kind_of(header) is None:
                    break  # 名簿の表でないシート
                current = Table(sheet.title, number, header, [])
                tables.append(current)
                continue
            current.rows.append((number, values))
    book.close()
    return tables


def read_tables(data: bytes, name: str = "") -> list[Table]:
    """ファイルの中身を表に分ける。名簿でなければ RosterError（日本語のメッセージ）。"""
    if not data:
        raise RosterError("ファイル", "ファイルが空です。")
    if len(data) > MAX_BYTES:
        raise RosterError("ファイル", f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f}MB。上限は{MAX_BYTES // 1024 // 1024}MB）。"
                                     "名簿の列だけを残して保存し直してください。")
    if data[:8] in (b"\x89PNG\r\n\x1a\n",) or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"%PDF"):
        raise RosterError("ファイル", "画像や PDF のファイルです。名簿の CSV か Excel ファイル（.xlsx）を選んでください。")
    if data[:4] == b"PK\x03\x04":
        tables = _xlsx_tables(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError("ファイル", "古い Excel 形式（.xls）は読めません。Excel で「.xlsx」か CSV として保存し直してください。")
    else:
        tables = _csv_tables(data)
    if not any(_kind_of(table.header) == "roster" for table in tables):
        raise RosterError("ファイル", f"名簿の見出し行（「{'」「'.join(REQUIRED_COLUMNS)}」を含む行）が見つかりません"
                                     "（テンプレートの見出しを使ってください）。")
    return tables


# ---- 行の検証 ----

@lru_cache(maxsize=8192)
def _date(text: str, column: str) -> _dt.date:
    """parse_date と同じ（同じ文字列は一度だけ読む。名簿には同じ日付が何度も出る。誤りの例外は覚えない）。"""
    return parse_date(text, column)


def _flag(value: str, sheet: str, row: int, column: str) -> bool | Rejection:
    key = unicodedata.normalize("NFKC", value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return Rejection(sheet, row, column, f"「{value}」を読めません。該当する場合は「○」、しない場合は空欄にしてください。")


def _users(table: Table, rejected: list[Rejection], params: ParameterSet) -> list[User]:
    index = {name: i for i, name in enumerate(table.header)}
    qualifying = params.value("periods.prior_services", NOTICE_DATE)
    users: list[User] = []
    seen: dict[str, int] = {}

    def cell(values: list[Any], name: str) -> str:
        i = index.get(name)
        return _cell_text(values[i]) if i is not None and i < len(values) else ""

    for number, values in table.rows:
        def reject(column: str, message: str, number: int = number) -> None:
            rejected.append(Rejection(table.sheet, number, column, message))

        user_id = cell(values, "利用者ID")
        if not user_id:
            reject("利用者ID", "利用者IDがありません。")
            continue
        if user_id in seen:
            reject("利用者ID", f"利用者ID「{user_id}」は{seen[user_id]}行目と重複しています。")
            continue
        try:
            service = parse_service(cell(values, "前サービス"), "前サービス")
            dates: dict[str, _dt.date | None] = {}
            for column in ("就職日", "離職日", "転職", "利用開始日", "利用終了日"):
                text = cell(values, column)
                if column in REQUIRED_COLUMNS and not text:
                    raise InputError(column, "入力してください。")
                dates[column] = _date(text, column) if text else None
        except InputError as error:
            reject(error.field, error.message)
            continue
        employed, left, again = dates["就職日"], dates["離職日"], dates["転職"]
        start, end = dates["利用開始日"], dates["利用終了日"]
        assert employed is not None and start is not None
        problem: tuple[str, str] | None = None
        if left is not None and left < employed:
            problem = ("離職日", "離職日が就職日より前です。")
        elif again is not None and left is None:
            problem = ("転職", "転職（再就職日）がありますが、離職日がありません。")
        elif again is not None and left is not None and again < left:
            problem = ("転職", "転職（再就職日）が離職日より前です。")
        elif end is not None and end < start:
            problem = ("利用終了日", "利用終了日が利用開始日より前です。")
        elif start < employed:
            problem = ("利用開始日", "利用開始日が就職日より前です（就労定着支援は就職後の支援です）。")
        elif left is not None and start > left and (again is None or again > start):
            problem = ("利用開始日", "離職した後（再就職の前）に利用を開始しています。就労していない者は就労定着支援を利用できません。")
        if problem:
            reject(*problem)
            continue
        flags: dict[str, bool] = {}
        bad = False
        for column in ("他事業所からの受入れ", "特別地域"):
            value = _flag(cell(values, column), table.sheet, number, column)
            if isinstance(value, Rejection):
                rejected.append(value)
                bad = True
                break
            flags[column] = value
        if bad:
            continue
        seen[user_id] = number
        users.append(User(user_id, number, service.name, employed, left, again, start, end,
                          flags["他事業所からの受入れ"], flags["特別地域"], service.category in qualifying))
    return users


def _contacts(table: Table, users: Mapping[str, User], rejected: list[Rejection]) -> int:
    id_at, date_at = table.header.index("利用者ID"), table.header.index("日付")
    months: dict[Any, Month] = {}  # 同じ日付の文字列（セル）は一度だけ読む
    count = 0
    for number, values in table.rows:
        user_id = _cell_text(values[id_at]) if id_at < len(values) else ""
        user = users.get(user_id)
        if user is None:
            rejected.append(Rejection(table.sheet, number, "利用者ID", f"名簿にない利用者ID「{user_id}」です。"))
            continue
        raw = values[date_at] if date_at < len(values) else ""
        month = months.get(raw)
        if month is None:
            try:
                month = months[raw] = Month.of(_date(_cell_text(raw), "日付"))
            except InputError as error:
                rejected.append(Rejection(table.sheet, number, "日付", error.message))
                continue
        user.contacts.add(month)
        count += 1
    return count


def _staff(table: Table, rejected: list[Rejection]) -> list[tuple[int, str, Fraction]]:
    index = {name: i for i, name in enumerate(table.header)}
    staff: list[tuple[int, str, Fraction]] = []
    for number, values in table.rows:
        role = _cell_text(values[index["職種"]]) if index["職種"] < len(values) else ""
        text = _cell_text(values[index["週の勤務時間"]]) if index["週の勤務時間"] < len(values) else ""
        try:
            hours = parse_decimal(text, "週の勤務時間")
        except InputError as error:
            rejected.append(Rejection(table.sheet, number, "週の勤務時間", error.message))
            continue
        staff.append((number, role, hours))
    return staff


# ---- 計算 ----

def _months(fye: _dt.date) -> list[Month]:
    first = Month(fye.year - 1, 4)
    return [first.shift(i) for i in range(12)]


def _expired(user: User, params: ParameterSet) -> bool:
    """利用期間の満了：利用終了日が支給決定できる最後の日、または利用開始から3年の期間の末日以降（このツールの選択）。"""
    if user.end is None:
        return False
    limit = period_end(user.employed, params.value("periods.late_start_limit_months", NOTICE_DATE))
    three_years = period_end(user.start, params.value("periods.use_months", NOTICE_DATE))
    return user.end >= min(limit, three_years)


def office_retention(users: Sequence[User], fye: _dt.date, params: ParameterSet) -> dict[str, Any]:
    """年度末日 fye の就労定着率（翌年度の基本報酬に使う）。"""
    years: int = params.value("retention.lookback_years", NOTICE_DATE)
    first = _dt.date(fye.year - years, 4, 1)
    fy_start = _dt.date(fye.year - 1, 4, 1)
    in_window = [u for u in users if u.used_between(first, fye)]
    excluded = [u for u in in_window if _expired(u, params) and u.end is not None and fy_start <= u.end <= fye
                and u.left is not None and u.end < u.left <= fye and not u.employed_on(fye)]
    excluded_ids = {u.id for u in excluded}
    kept = [u for u in in_window if u.id not in excluded_ids and u.employed_on(fye)]
    return {"first": first, "users": in_window, "excluded": excluded, "retained": kept}


def monthly_users(users: Sequence[User], months: Sequence[Month], use_contacts: bool) -> list[int]:
    counts = []
    for month in months:
        if use_contacts:
            counts.append(sum(1 for u in users if month in u.contacts))
        else:
            counts.append(sum(1 for u in users if u.used_between(month.first_day, month.last_day)))
    return counts


@dataclass
class RosterResult:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def analyse(data: bytes, name: str = "", fiscal_year_end_text: str | _dt.date | None = None,
            fulltime_hours: str | None = None, today: _dt.date | None = None,
            parameters: ParameterSet | None = None) -> RosterResult:
    """名簿ファイル（バイト列）を読み、年度末日の事業所の数字と利用者ごとの結果を返す。ファイル全体が読めなければ RosterError。"""
    params = parameters or default_parameters()
    if fiscal_year_end_text in (None, ""):
        fye = fiscal_year_end(today or _dt.date.today())
        if fye >= (today or _dt.date.today()):
            fye = _dt.date(fye.year - 1, 3, 31)
    else:
        day = parse_date(fiscal_year_end_text, "年度末日")
        if (day.month, day.day) != (3, 31):
            raise InputError("年度末日", f"{japanese_date(day)}は年度末日（3月31日）ではありません。")
        fye = day
    if fye < _dt.date(2019, 3, 31):
        raise InputError("年度末日", "就労定着支援は平成30年4月に始まったため、2019年3月31日以降の年度末日を指定してください。")
    tables = read_tables(data, name)
    rejected: list[Rejection] = []
    users: list[User] = []
    contact_rows = 0
    staff: list[tuple[int, str, Fraction]] = []
    has_contacts = False
    for table in tables:
        if _kind_of(table.header) == "roster":
            users += _users(table, rejected, params)
    by_id = {u.id: u for u in users}
    for table in tables:
        kind = _kind_of(table.header)
        if kind == "contacts":
            has_contacts = True
            contact_rows += _contacts(table, by_id, rejected)
        elif kind == "staff":
            staff += _staff(table, rejected)

    months = _months(fye)
    counts = monthly_users(users, months, has_contacts)
    total = sum(counts)
    average, _ = average_users(total, parameters=params)
    now = office_retention(users, fye, params)
    next_month = Month(fye.year, 4)
    retention: dict[str, Any]
    if now["users"] and len(now["users"]) > len(now["excluded"]):
        rate = retention_rate(len(now["users"]), len(now["retained"]), len(now["excluded"]), average, parameters=params,
                              month=next_month)
        retention = {**{k: v for k, v in rate.to_dict().items() if k not in ("steps", "sources")},
                     "excluded": [u.id for u in now["excluded"]], "applies_from": next_month.iso()}
    else:
        retention = {"rate": None, "tier": None, "tier_rank": None, "base_units": None, "excluded": [u.id for u in now["excluded"]],
                     "note": "過去3年間の利用者がいないため就労定着率を算出できません（新規指定は問3の推定による）。"}

    # 請求に使う区分・規模：前年度末日（FYE の1年前）の就労定着率と、前年度の平均利用者数
    previous_end = _dt.date(fye.year - 1, 3, 31)
    before = office_retention(users, previous_end, params)
    prior_counts = monthly_users(users, _months(previous_end), has_contacts)
    prior_average, _ = average_users(sum(prior_counts), parameters=params)
    basis: dict[str, Any] | None = None
    if before["users"] and len(before["users"]) > len(before["excluded"]):
        basis = {"users": len(before["users"]), "retained": len(before["retained"]), "excluded": len(before["excluded"]),
                 "average_users": decimal_text(prior_average, 1), "fiscal_year_end": previous_end.isoformat()}

    claims: dict[tuple[Any, ...], dict[str, Any]] = {}  # この名簿の中で、条件が同じ月の請求は一度だけ計算する
    user_out = [_user_result(u, months, basis, has_contacts, params, claims) for u in users]

    staffing_out: dict[str, Any] | None = None
    hours = [h for _, role, h in staff if role == SUPPORT_STAFF]
    if staff:
        result = staffing(average, [str(h) for h in hours] or None, fulltime_hours if hours else None, parameters=params) \
            if hours and fulltime_hours else staffing(average, parameters=params)
        staffing_out = {k: v for k, v in result.to_dict().items() if k not in ("steps", "sources")}
        staffing_out["support_staff_hours"] = [decimal_text(h) for h in hours]
        if hours and not fulltime_hours:
            staffing_out["note"] = "常勤の勤務時間（就業規則の週の時間）を指定すると、常勤換算と基準を満たすかを判定します。"

    out = {
        "fiscal_year_end": fye.isoformat(),
        "retention": retention,
        "monthly_users": [{"month": m.iso(), "count": c} for m, c in zip(months, counts, strict=True)],
        "total_user_months": total,
        "average_users": decimal_text(average, 1),
        "counted_by": "対面支援のあった月" if has_contacts else "利用期間にかかる月（対面支援の表なし）",
        "staffing": staffing_out,
        "track_record": _track_record(users, fye, params),
        "claims_basis": basis,
        "users": user_out,
        "rejected": [r.to_dict() for r in sorted(rejected, key=lambda r: (r.sheet, r.row))],
        "rows": {"accepted": len(users), "rejected": len({(r.sheet, r.row) for r in rejected} & _roster_rows(tables)),
                 "contacts": contact_rows, "staff": len(staff)},
    }
    return RosterResult(out)


def _roster_rows(tables: Iterable[Table]) -> set[tuple[str, int]]:
    """名簿の表の行（シート、行番号）：読み込めなかった行のうち名簿の行を数えるため。"""
    return {(t.sheet, number) for t in tables if _kind_of(t.header) == "roster" for number, _ in t.rows}


def _user_result(user: User, months: Sequence[Month], basis: Mapping[str, Any] | None, has_contacts: bool,
                 params: ParameterSet, cache: dict[tuple[Any, ...], dict[str, Any]]) -> dict[str, Any]:
    # check_eligibility と同じ日付の計算（usable_window）。利用者が多いので根拠の文章は作らない。
    window = usable_window(user.employed, None, params)
    warnings: list[str] = []
    if not user.qualifies:
        warnings.append(f"前サービス「{user.prior_service}」は対象外です。就労定着支援の対象は生活介護、自立訓練、就労移行支援、"
                        "就労継続支援を利用して一般就労した者に限られます（施行規則第6条の10の2）。")
    if user.start < window.earliest:
        warnings.append(f"利用開始日{japanese_date(user.start)}は、最も早い利用開始日{japanese_date(window.earliest)}より前です"
                        "（就職後7月目より前）。")
    elif user.start > window.latest_end:
        warnings.append(f"利用開始日{japanese_date(user.start)}は、支給決定できる最後の日{japanese_date(window.latest_end)}より後です。")
    if user.end is not None and user.end > window.latest_end:
        warnings.append(f"利用終了日{japanese_date(user.end)}が、支給決定できる最後の日{japanese_date(window.latest_end)}"
                        "（就職日から3年6月）を過ぎています。")
    in_window = window.earliest <= user.start <= window.latest_end
    eligible = user.qualifies and in_window
    periods = decision_periods(user.start, window.latest_end, params.value("periods.decision_period_months", NOTICE_DATE)) \
        if in_window else []
    claims: list[dict[str, Any]] = []
    total: int | None = 0
    if has_contacts and basis is not None:
        initial_done = False
        first_year_end = period_end(user.start, params.value("fees.company_coordination_months", NOTICE_DATE))
        end = user.end
        for month, first, last, iso in _bounds(tuple(months)):
            if user.start > last or (end is not None and end < first):
                continue  # 利用期間にかからない月
            face = month in user.contacts
            requested = (("初期加算",) if user.from_other_office else ()) \
                + (("企業連携等調整特別加算",) if user.start <= last and first <= first_year_end else ()) \
                + (("特別地域加算",) if user.special_area else ())
            claim = _claim(month, face, requested, initial_done, basis, user.start, params, cache)
            initial_done = initial_done or claim["initial"]
            claims.append({"month": iso, "contact": face, "units": claim["units"], "base_units": claim["base_units"],
                           "additions": claim["additions"], "refused": claim["refused"]})
            if claim["units"] is None or total is None:
                total = None
            else:
                total += claim["units"]
    else:
        total = None
    return {"id": user.id, "row": user.row, "prior_service": user.prior_service, "eligible": eligible,
            "earliest_start": window.earliest.isoformat(), "latest_end": window.latest_end.isoformat(),
            "periods": [period.to_dict() for period in periods],
            "warnings": warnings, "months": claims, "total_units": total}


@lru_cache(maxsize=8)
def _bounds(months: tuple[Month, ...]) -> tuple[tuple[Month, _dt.date, _dt.date, str], ...]:
    """各月の初日・末日・表記（利用者ごとに計算し直さない）。"""
    return tuple((month, month.first_day, month.last_day, month.iso()) for month in months)


def _claim(month: Month, face: bool, requested: tuple[str, ...], initial_done: bool, basis: Mapping[str, Any],
           start: _dt.date, params: ParameterSet, cache: dict[tuple[Any, ...], dict[str, Any]]) -> dict[str, Any]:
    """teichaku.fees.monthly_claim の結果（単位数・算定した加算）。

    結果を決める条件（月、対面支援の有無、請求する加算、初期加算を算定済みか）が同じなら結果も同じなので、一度だけ計算する
    （企業連携等調整特別加算は、支援開始1年以内の月にだけ requested に入れてある）。cache は1回の analyse の中だけのもの
    （basis と params が同じ間だけ有効）。
    """
    key = (month, face, requested, initial_done)
    found = cache.get(key)
    if found is None:
        first_year = "企業連携等調整特別加算" in requested
        result = monthly_claim(basis["users"], basis["retained"], basis["average_users"], basis["excluded"], list(requested), face,
                               start if first_year else None, month, "初期加算" in requested, initial_done,
                               "特別地域加算" in requested, parameters=params)
        found = cache[key] = {"units": result.total_units, "base_units": result.base_units,
                                "additions": [(a.name, a.units) for a in result.additions],
                                "refused": [r.name for r in result.rejected],
                                "initial": any(a.name == "初期加算" for a in result.additions)}
    return found


def _track_record(users: Sequence[User], fye: _dt.date, params: ParameterSet) -> dict[str, Any]:
    """就労定着実績体制加算の割合（過去6年間の利用終了者のうち、42月以上78月未満就労が続いた者）。"""
    years: int = params.value("fees.track_record_lookback_years", NOTICE_DATE)
    low: int = params.value("fees.track_record_min_months", NOTICE_DATE)
    high: int = params.value("fees.track_record_max_months", NOTICE_DATE)
    ratio: Fraction = params.value("fees.track_record_ratio", NOTICE_DATE)
    first = _dt.date(fye.year - years, 4, 1)
    ended = [u for u in users if u.end is not None and first <= u.end <= fye]
    earliest = min((u.start for u in users), default=None)
    reach = earliest is not None and earliest <= first
    if not ended:
        return {"ended": 0, "retained": 0, "ratio": None, "meets": None,
                "note": "過去6年間に利用を終了した者がいないため、割合を算出できません。"}
    kept = 0
    for user in ended:
        # 就労が続いた期間：年度末日に就労していれば年度末日まで、離職していれば離職日まで（就職日を第1日とする）
        stop = fye if user.employed_on(fye) else (user.left or fye)
        if low <= _whole_months(user.employed, stop) < high:
            kept += 1
    share = Fraction(kept, len(ended))
    note = None if reach else (f"名簿の最も早い利用開始日が{japanese_date(first)}より後のため、"
                               "過去6年間の全体を含んでいない可能性があります（参考値）。")
    return {"ended": len(ended), "retained": kept, "ratio": f"{kept}/{len(ended)}", "percent": percent_text(share),
            "meets": share >= ratio, "note": note}


def _whole_months(first: _dt.date, last: _dt.date) -> int:
    """first を第1日として last までに満了した月数（民法143条の数え方）。"""
    months = max((last.year - first.year) * 12 + (last.month - first.month) - 1, 0)
    while period_end(first, months + 1) <= last:
        months += 1
    return months


# ---- 書き出し（CSV は Excel で開けるよう UTF-8 の BOM つき、Excel は openpyxl）----

def _sheets(result: Mapping[str, Any], limit: int | None = None) -> list[tuple[str, list[str], list[list[Any]]]]:
    """結果を表（シート名、見出し、行）にする。CSV と Excel で同じもの。limit は画面用に各表の先頭だけ作る行数。"""
    r = result["retention"]
    office = [
        ["年度末日", result["fiscal_year_end"]],
        ["就労定着率", f"{r.get('rate') or '—'}（{r.get('percent') or '—'}）"],
        ["区分", r.get("tier") or "—"],
        ["基本報酬（単位／月）", r.get("base_units") if r.get("base_units") is not None else (r.get("base_units_note") or "—")],
        ["適用する報酬表", r.get("schedule") or "—"],
        ["問2で除外した利用者", "、".join(r.get("excluded") or []) or "なし"],
        ["延べ利用者数", result["total_user_months"]],
        ["平均利用者数", result["average_users"]],
        ["延べ利用者数の数え方", result["counted_by"]],
    ]
    staff = result.get("staffing")
    if staff:
        office += [["就労定着支援員の必要数（常勤換算）", staff["support_staff_required"]],
                   ["サービス管理責任者の必要数", staff["service_managers_required"]],
                   ["就労定着支援員の常勤換算", staff.get("fte") or "—"],
                   ["人員基準", {True: "満たす", False: "満たさない", None: "判定なし"}[staff.get("meets")]]]
    track = result["track_record"]
    office.append(["就労定着実績体制加算の割合", f"{track.get('ratio') or '—'}（{track.get('percent') or '—'}）"])
    months = [[m["month"], m["count"]] for m in result["monthly_users"]]
    shown = result["users"][:limit] if limit is not None else result["users"]
    users = [[u["id"], u["row"], u["prior_service"], "可" if u["eligible"] else "不可", u["earliest_start"], u["latest_end"],
              " ".join(f"{p['start']}〜{p['end']}" for p in u["periods"]), " ／ ".join(u["warnings"]),
              u["total_units"] if u["total_units"] is not None else "—"] for u in shown]
    claims = [[u["id"], m["month"], "あり" if m["contact"] else "なし", m["units"] if m["units"] is not None else "—",
               "、".join(f"{name}{units}" for name, units in m["additions"])] for u in shown for m in u["months"]]
    rejected = [[x["sheet"], x["row"], x["column"], x["message"]] for x in result["rejected"]]
    return [
        ("事業所", ["項目", "値"], office),
        ("月ごとの利用者数", ["月", "延べ利用者数"], months),
        ("利用者", ["利用者ID", "行", "前サービス", "対象", "最も早い利用開始日", "支給決定できる最後の日", "支給決定期間", "注意",
                  "年度の合計単位数"], users),
        ("月ごとの請求", ["利用者ID", "月", "対面支援", "単位数", "加算"], claims),
        ("読み込めなかった行", ["シート", "行", "列", "理由"], rejected),
    ]


def to_csv(result: Mapping[str, Any]) -> bytes:
    """結果の CSV（UTF-8、BOM つき）。表ごとに見出しをつけ、空行で区切る。"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for name, header, rows in _sheets(result):
        writer.writerow([f"【{name}】"])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_xlsx(result: Mapping[str, Any]) -> bytes:
    """結果の Excel ファイル（表ごとにシート）。"""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, header, rows in _sheets(result):
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_ROWS = [
    ["U001", "就労移行支援", "2019-04-01", "", "", "2019-10-01", "", "", ""],
]


def template_csv() -> bytes:
    """入力のテンプレート（CSV、UTF-8 BOM つき）：名簿・対面支援・職員の3つの表、それぞれ例を1行。"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    writer.writerow([])
    writer.writerow(CONTACT_COLUMNS)
    writer.writerow(["U001", "2019-10-15"])
    writer.writerow([])
    writer.writerow(STAFF_COLUMNS)
    writer.writerow(["S01", SUPPORT_STAFF, "40"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """入力のテンプレート（Excel）：シート「名簿」「対面支援」「職員」。"""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名簿"
    sheet.append(list(ROSTER_COLUMNS))
    sheet.append([TEMPLATE_ROWS[0][0], TEMPLATE_ROWS[0][1], _dt.date(2019, 4, 1), None, None, _dt.date(2019, 10, 1), None, None, None])
    contacts = book.create_sheet("対面支援")
    contacts.append(list(CONTACT_COLUMNS))
    contacts.append(["U001", _dt.date(2019, 10, 15)])
    staff_sheet = book.create_sheet("職員")
    staff_sheet.append(list(STAFF_COLUMNS))
    staff_sheet.append(["S01", SUPPORT_STAFF, 40])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
