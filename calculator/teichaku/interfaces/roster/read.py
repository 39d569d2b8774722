"""名簿ファイル（バイト列）→ 表（Table）。CSV（UTF-8、BOM の有無、Shift_JIS＝CP932）と Excel（.xlsx、openpyxl）。

見出し行：各シート（CSV はファイルの先頭）の最初の HEADER_SEARCH_ROWS 行の中から探す。その上の行（結合した表題
「就労定着支援　利用者名簿（令和5年度）」、空行、注記）は読み飛ばし、どの行を見出しにしたかを TableInfo に残す。
見出しの列は名前で探すので、余分な列（「No.」「氏名」「備考」）があってもよい（読まない）。
CSV の続きの表（対面支援・職員）は、空行のあとに見出し行を置く。空行のあとの1つのセルだけの行（表題・注記）は、
どの表のデータにもなりえない（名簿は4列、対面支援は2列、職員は2列が必要）ので読み飛ばし、行番号を残す。
それ以外の行はすべて、いずれかの表のデータ行として検証に渡す（黙って捨てる行はない）。
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import HEADER_SEARCH_ROWS, MAX_BYTES, REQUIRED_COLUMNS, RosterError

_HEADER_WORDS = frozenset({"利用者ID", "職員", "日付", "前サービス", "職種", "週の勤務時間"})


@dataclass
class Table:
    """1つの表：シート、種類、見出し行の行番号、見出し（正規化した列名）、データ行（行番号、セル）、読み飛ばした行。"""

    sheet: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str = ""
    skipped: list[int] = field(default_factory=list)


@dataclass
class Reading:
    """ファイルから読んだ表と、表のなかったシートの名前。"""

    tables: list[Table]
    ignored_sheets: list[str]


def cell_text(value: Any) -> str:
    """セルの値を文字列に（Excel の日付は ISO 形式、整数の小数は整数に、前後の空白は除く）。"""
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
    return unicodedata.normalize("NFKC", str(value)).strip()


def header_key(value: Any) -> str:
    return unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "").replace("　", "")


def kind_of(header: Sequence[str]) -> str | None:
    names = set(header)
    if {"利用者ID", "前サービス"} <= names:
        return "roster"
    if {"利用者ID", "日付"} <= names:
        return "contacts"
    if {"職種", "週の勤務時間"} <= names:
        return "staff"
    return None


def _header_of(values: Sequence[Any]) -> tuple[str | None, list[str]]:
    header = [header_key(value) for value in values]
    return kind_of(header), header


def _filled(values: Sequence[Any]) -> int:
    """空でないセルの数。"""
    return sum(1 for value in values if value is not None and (not isinstance(value, str) or value.strip()))


def _split(sheet: str, rows: Iterable[tuple[int, list[Any]]], first_table_required: bool, text_cells: bool = False
           ) -> list[Table]:
    """行の並びを表に分ける（CSV とシートで同じ規則）。

    first_table_required：見出し行が最初の HEADER_SEARCH_ROWS 行にないとき、CSV ならファイル全体の誤り（RosterError）、
    シートなら表のないシートとして空を返す。text_cells：セルがすべて文字列（CSV）なら空の行を速く調べる。
    """
    tables: list[Table] = []
    current: Table | None = None
    gap = False  # 直前に空行があった
    notes: list[int] = []  # 空行のあとの1セルだけの行（次の見出しの表題か、表のあとの注記）
    preamble: list[int] = []  # 最初の見出しより上の行
    append: Callable[[tuple[int, list[Any]]], None] | None = None  # 表の途中（空行のあとでない）なら current.rows.append
    for number, values in rows:
        if (not any(values) or not "".join(values).strip()) if text_cells else not _filled(values):
            if current is not None:
                gap, append = True, None
            continue
        # 表の途中の行（速い道）：見出しの語をそのまま含まなければデータ行。空行のあとと表の前は必ず見出しかを調べる
        if append is not None and _HEADER_WORDS.isdisjoint(values):
            append((number, values))
            continue
        kind, header = _header_of(values)
        if kind is not None:
            current = Table(sheet, number, header, [], kind, (preamble if not tables else notes)[:])
            tables.append(current)
            notes, preamble, gap, append = [], [], False, current.rows.append
            continue
        if current is None:
            if number > HEADER_SEARCH_ROWS:
                if first_table_required:
                    raise RosterError(f"名簿の見出し行（「{'」「'.join(REQUIRED_COLUMNS)}」を含む行）が最初の"
                                      f"{HEADER_SEARCH_ROWS}行に見つかりません。見出しはテンプレートのとおりにしてください"
                                      "（表題や空行は見出しの上に置けます）。")
                return []
            preamble.append(number)
            continue
        if gap and _filled(values) == 1:
            notes.append(number)
            continue
        if notes:  # 表題ではなかった：表のあとの注記として残す
            current.skipped.extend(notes)
            notes = []
        gap, append = False, current.rows.append
        append((number, values))
    if current is not None and notes:
        current.skipped.extend(notes)
    if not tables and first_table_required:
        raise RosterError(f"名簿の見出し行（「{'」「'.join(REQUIRED_COLUMNS)}」を含む行）が見つかりません"
                          "（テンプレートの見出しを使ってください）。")
    return tables


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise RosterError("UTF-8 の印（BOM）がありますが、UTF-8 として読めません。ファイルが壊れていないか確かめてください。"
                              ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise RosterError("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）の CSV で保存してください。") from None


def _csv_tables(data: bytes) -> list[Table]:
    text = _decode(data)
    if "\x00" in text:
        raise RosterError("CSV として読めません（文字以外のデータを含みます）。")
    if not text.strip():
        raise RosterError("ファイルに内容がありません（空白と改行だけです）。")
    reader = csv.reader(io.StringIO(text))
    try:
        return _split("CSV", enumerate(reader, start=1), True, True)
    except csv.Error:
        raise RosterError(f"{reader.line_num}行目のあたりを CSV として読めません（引用符「\"」が閉じていないか、セルが長すぎます）。"
                          ) from None


def _xlsx_tables(data: bytes) -> Reading:
    try:
        import openpyxl  # 任意の依存（Excel ファイルのときだけ）
    except ImportError:  # pragma: no cover - 開発環境には入っている
        raise RosterError("Excel ファイルを読むための openpyxl がありません。CSV で保存してください。") from None
    broken = "Excel ファイル（.xlsx）として開けません。ファイルが壊れていないか確かめてください。"
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl は壊れたファイルに様々な例外を出す
        raise RosterError(broken) from None
    tables: list[Table] = []
    ignored: list[str] = []
    try:
        for sheet in book.worksheets:
            rows = ((number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
            found = _split(str(sheet.title), rows, False)
            if found:
                tables += found
            else:
                ignored.append(str(sheet.title))
    except RosterError:
        raise
    except Exception:  # 読み進めてから壊れているとわかる（途中で切れたファイルなど）
        raise RosterError(broken + "（シートの途中で読めなくなりました）") from None
    finally:
        book.close()
    return Reading(tables, ignored)


def read(data: bytes, name: str = "") -> Reading:
    """ファイルの中身を表に分ける。名簿でなければ RosterError（日本語のメッセージ、項目キー "file"）。"""
    if not data:
        raise RosterError("ファイルが空です（0バイト）。名簿を保存したファイルを選んでください。")
    if len(data) > MAX_BYTES:
        raise RosterError(f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f}MB。上限は{MAX_BYTES // 1024 // 1024}MB）。"
                          "名簿の列だけを残して保存し直してください。")
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"%PDF"):
        raise RosterError("画像や PDF のファイルです。名簿の CSV か Excel ファイル（.xlsx）を選んでください。")
    if data[:4] == b"PK\x03\x04":
        reading = _xlsx_tables(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError("古い Excel 形式（.xls）は読めません。Excel で「.xlsx」か CSV として保存し直してください。")
    else:
        reading = Reading(_csv_tables(data), [])
    if not any(table.kind == "roster" for table in reading.tables):
        where = f"（どのシートの最初の{HEADER_SEARCH_ROWS}行にも）" if data[:4] == b"PK\x03\x04" else ""
        raise RosterError(f"名簿の見出し行（「{'」「'.join(REQUIRED_COLUMNS)}」を含む行）が見つかりません{where}"
                          "（テンプレートの見出しを使ってください）。")
    if not any(table.rows for table in reading.tables if table.kind == "roster"):
        # 見出し行だけ：「0人の行を読み込みました」と保存のボタンを出さず、何が足りないかを言う
        raise RosterError("名簿に利用者の行がありません（見出し行だけです）。見出し行の下に、利用者1人につき1行を入れて"
                          "保存し直してください。")
    return reading


def read_tables(data: bytes, name: str = "") -> list[Table]:
    """read の表だけ（以前からの名前）。"""
    return read(data, name).tables
