"""名簿の画面：名簿の結果（teichaku.interfaces.roster）を、要約・読み込めなかった行・利用者ごとの表にする。

表の中身はダウンロード（CSV・Excel、ISO の日付）と同じ表（roster._sheets）から作り、画面では日付の列だけを人に見せる
書き方（date_text、年月は「2019年4月」）にする。日付は結果のデータ（ISO の日付の項目）から読み直して書く：文の中の
日付を書き換えることはしない（理由の列の入力の引用「2019-02-30」などはそのまま）。
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ...rules.errors import InputError
from ...rules.explain import NOTICE_DATE
from ...rules.params import default_parameters
from ...rules.passages import passage
from ..present import data_date_text, data_month_text
from .inputs import optional, text

ROSTER_SHOW_ROWS = 100  # 画面に出す各表の行数（全体はダウンロードで）
_LAST_ROSTER: dict[str, Any] = {}  # 直前の名簿の結果（ダウンロードのとき読み直さないため）

# 名簿の画面の表で日付だけを書く列のキー（値は結果のデータの ISO の日付。roster.export.COLUMN_KEYS）。
_DATE_COLUMNS = {"earliest_start", "latest_end"}


def _table(caption: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": [{"cells": [str(c) for c in row], "current": False} for row in rows],
            "current_column": None}


def roster_result(inputs: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    """名簿の結果（to_dict の形）。同じファイル・同じ入力なら直前の結果を使う。"""
    from .. import roster

    key = hashlib.sha256(data).hexdigest() + json.dumps(
        [text(inputs, "file"), optional(inputs, "fiscal_year_end"), optional(inputs, "fulltime_hours")], ensure_ascii=False)
    if _LAST_ROSTER.get("key") != key:
        result = roster.analyse(data, text(inputs, "file"), optional(inputs, "fiscal_year_end"), optional(inputs, "fulltime_hours"))
        _LAST_ROSTER.clear()
        _LAST_ROSTER.update(key=key, result=result.to_dict())
    found: dict[str, Any] = _LAST_ROSTER["result"]
    return found


def _row_shown(columns: tuple[str, ...], row: list[Any], user: Mapping[str, Any] | None) -> list[Any]:
    """表の1行を画面の書き方に：日付の列は date_text、年月は「2019年4月」、支給決定期間は1期間1行（利用者のデータから）。
    列は列のキー（roster.export.COLUMN_KEYS）で選ぶ。"""
    shown: list[Any] = []
    for column, cell in zip(columns, row, strict=True):
        if column in _DATE_COLUMNS:
            cell = data_date_text(cell)
        elif column == "periods" and user is not None:
            cell = "、\n".join(f"{data_date_text(p['start'])}〜{data_date_text(p['end'])}" for p in user["periods"])
        elif column == "month":
            cell = data_month_text(cell)
        shown.append(cell)
    return shown


def roster(inputs: Mapping[str, Any], data: bytes | None = None) -> dict[str, Any]:
    from .. import roster as roster_package

    if data is None or (not data and not text(inputs, "file")):
        raise InputError("file", "ファイルを選んでください。")
    d = roster_result(inputs, data)
    sheets = roster_package.keyed_sheets(d, ROSTER_SHOW_ROWS)
    totals = {"monthly_users": len(d["monthly_users"]), "users": len(d["users"]),
              "claims": sum(len(u["months"]) for u in d["users"]), "rejected": len(d["rejected"])}
    r = d["retention"]
    fiscal_year_end = d["fiscal_year_end"]  # 事業所の表の年度末日の値（ISO）は画面では date_text に
    summary = [{"label": label, "value": data_date_text(value) if value == fiscal_year_end else
                f"{value:,}" if isinstance(value, int) else str(value)} for label, value in sheets[0][2][2]]
    rejected = d["rejected"]
    warnings = d.get("warnings") or []
    tone = "ok" if not rejected and not warnings else "ng"
    verdict = (f"{d['rows']['accepted']}人の行を読み込みました" +
               (f"（読み込めなかった行：{len(rejected)}件。下の表に理由があります）" if rejected else "") +
               (f"（注意：{len(warnings)}件。要約の「注意」を確かめてください）" if warnings else ""))
    # 画面の表：読み込めなかった行を要約のすぐ下に（大きな利用者ごとの表より前に）。日付は date_text（ダウンロードは ISO のまま）
    tables = []
    empty_notes = {"claims": d.get("claims_note")}  # 表が空のときの理由（結果のデータから）
    for key, columns, (name, header, rows) in sorted(sheets[1:], key=lambda sheet: sheet[0] != "rejected"):
        limit = len(rows) if key == "rejected" else ROSTER_SHOW_ROWS
        total = totals[key]
        caption = name if total <= limit else f"{name}（先頭{limit}行。全{total:,}行はダウンロードしたファイルに）"
        if key == "rejected" and not rows:
            caption = f"{name}（なし）"
        why_empty = empty_notes.get(key)
        if not rows and why_empty:
            caption = f"{name}（なし。{why_empty}）"
        users = d["users"] if key == "users" else None
        tables.append(_table(caption, header, [_row_shown(columns, row, users[i] if users is not None else None)
                                               for i, row in enumerate(rows[:limit])]))
    base = f"就労定着支援_集計_{d['fiscal_year_end']}"
    downloads = [{"name": f"{base}.csv", "format": "csv", "label": "CSV（UTF-8）で保存"},
                 {"name": f"{base}.xlsx", "format": "xlsx", "label": "Excel（.xlsx）で保存"}]
    # 基本報酬の出典は、示した区分・単位数の報酬表（就労定着率を適用する月に効力を持つもの。本通知の表ではなく）
    applies = r.get("applies_from") or r.get("month")
    on = _dt.date.fromisoformat(f"{applies}-01") if applies and len(applies) == 7 else NOTICE_DATE
    citations = [passage("q2"), default_parameters().at("fees.base_fee", on).source]
    brief = {key: d[key] for key in ("fiscal_year_end", "retention", "average_users", "total_user_months", "rows", "track_record",
                                     "staffing", "rejected")}
    # 月ごとの請求がない理由（表が空で、年度の合計単位数が「—」か0である理由）を、表より前に言う
    lists = [{"title": "月ごとの請求と年度の合計単位数", "items": [d["claims_note"]]}] if d.get("claims_note") else []
    return {"verdict": {"tone": tone, "text": verdict}, "summary": summary, "lists": lists, "table": None, "tables": tables,
            "downloads": downloads, "timeline": None, "excluded": r.get("excluded", []),
            "data": {**brief, "steps": [{"text": "名簿の計算方法は、このサイトの「このサイトについて」の名簿の説明による。",
                                         "sources": [c.label for c in citations]}],
                     "sources": [c.to_dict() for c in citations]},
            "citations": citations}
