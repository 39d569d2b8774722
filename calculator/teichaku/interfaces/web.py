"""サイトの計算機の窓口：フォームの項目の定義と、入力（文字列の辞書）→ 表示用の結果（JSON にできる辞書）。

ブラウザ（Pyodide の Web Worker）は `run_json(kind, json)` だけを呼ぶ。入力の検証とエラーメッセージは各規則の
モジュール（eligibility・retention・fees・staffing・new_office）のものをそのまま使うので、CLI と同じことを言う。
フォームの HTML もここの FORMS からビルド時に生成する（scripts/docs_hooks.py）。項目を二度書かない。

結果の形：
    {"ok": true, "kind": …, "verdict": {"tone": "ok"|"ng"|"info", "text": …},
     "summary": [{"label": …, "value": …}], "lists": [{"title": …, "items": […]}], "table": {…}|null,
     "timeline": {…}|null, "steps": [{"text": …, "sources": [ラベル]}],
     "sources": [{"label", "quote", "href"（サイト内の該当箇所）, "url"（e-Gov、あれば）…}], "data": 規則の to_dict()}
    {"ok": false, "kind": …, "errors": [{"field": 項目キー, "index": 行番号|null, "label": 項目名, "message": …}]}
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..rules import whatif
from ..rules.citations import Citation
from ..rules.dates import japanese_date
from ..rules.errors import InputError, ParameterError
from ..rules.explain import NOTICE_DATE
from ..rules.numbers import decimal_text, percent_text
from ..rules.params import FeeSchedule, Tier, default_parameters
from ..rules.passages import passage
from ..rules.retention import RetentionResult
from .calculators import (
    CALCULATORS as REGISTRY,
)
from .calculators import (
    CURRENT_MONTH,
    DATE_HINT,
    MONTH_HINT,
    ROSTER_FIELDS,
    ROSTER_TITLE,
    SERVICE_CHOICES,
    Field,
    InputErrors,
    compute,
)

__all__ = ["CURRENT_MONTH", "DATE_HINT", "FORMS", "MONTH_HINT", "SERVICE_CHOICES", "TITLES", "Field", "qr_svg", "run",
           "run_json"]

# フォームの定義は計算機の登録簿（teichaku.interfaces.calculators）から。名簿だけはファイルを読むので別に持つ。
FORMS: dict[str, tuple[Field, ...]] = {key: calc.fields for key, calc in REGISTRY.items()}
FORMS["roster"] = ROSTER_FIELDS
TITLES = {key: calc.title for key, calc in REGISTRY.items()} | {"roster": ROSTER_TITLE}

# ---- 出典からサイト内の該当箇所へのリンク ----

# 別添の頁 → サイトのページ（と節）。サイトのページを変えたら tests/test_web.py が壊れたリンクを見つける。
NOTICE_PAGES: dict[int, str] = {
    5: "background/", 6: "background/", 7: "law/#act", 8: "background/", 9: "law/#guideline",
    10: "overview/#利用期間", 11: "law/#rule", 12: "background/", 13: "overview/",
    14: "fees/", 15: "stats/", 16: "overview/#サービス内容", 17: "law/#rule",
    18: "overview/#人員基準", 19: "overview/#運営基準基準省令第206条の7第206条の9",
    20: "overview/#就労移行支援労働施策との連携", 21: "process/", 22: "notes/", 23: "notes/",
    24: "case/#case-1", 25: "case/#case-2", 26: "case/#case-3", 27: "case/#case-3", 28: "case/#case-4",
    29: "qa/", 30: "qa/#q1", 31: "qa/#q2", 32: "qa/#q3",
}
DOCUMENT_PAGES: dict[str, str] = {
    "act": "law/#act", "rule": "law/#rule", "standards": "law/#基準省令", "guideline": "law/#guideline",
    "civil_code": "about/#計算方法の選択", "fee_notice": "parameters/", "interpretation": "parameters/",
    "fee_kokuji": "parameters/",
}


def site_link(citation: Citation) -> str | None:
    """出典のサイト内の該当箇所（サイトの根からの相対パス）。"""
    if citation.document.key == "notice":
        if citation.page is None:
            return "index.html"
        return NOTICE_PAGES.get(citation.page, "index.html")
    return DOCUMENT_PAGES.get(citation.document.key)


def _sources(raw: list[dict[str, Any]], citations: list[Citation]) -> list[dict[str, Any]]:
    out = []
    for data, citation in zip(raw, citations, strict=True):
        item = dict(data)
        link = site_link(citation)
        if link:
            item["href"] = link
        out.append(item)
    return out


# ---- 入力 ----

def _text(inputs: Mapping[str, Any], key: str) -> str:
    value = inputs.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value).strip()


def _optional(inputs: Mapping[str, Any], key: str) -> str | None:
    text = _text(inputs, key)
    return text or None




# ---- 表示の部品 ----

def _date_text(iso: str | None) -> str:
    if not iso:
        return "—"
    return japanese_date(_dt.date.fromisoformat(iso))


_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _dates_shown(text: str) -> str:
    """文中の ISO の日付（2019-04-01）を、人に見せる形「2019年4月1日（平成31年4月1日）」にする。

    画面に出す文だけに使う（JSON の data・CLI・CSV／Excel は ISO のまま）。存在しない日付（入力の引用）は変えない。
    """
    def one(match: re.Match[str]) -> str:
        try:
            return japanese_date(_dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(one, text)


def _month_shown(text: str) -> str:
    """ISO の年月（2019-04）→「2019年4月」（計算機のサービス提供月と同じ書き方）。"""
    match = _ISO_MONTH.match(text)
    return f"{int(match.group(1))}年{int(match.group(2))}月" if match else text


def _tier_bounds(tier: Tier) -> str:
    text = f"{percent_text(tier.lower, 0)}以上"
    return text + (f"{percent_text(tier.upper, 0)}未満" if tier.upper is not None else "")


def _schedule_line(result: RetentionResult) -> dict[str, str]:
    """どの報酬表を使ったか（サービス提供月に効力を持つもの）。"""
    since = japanese_date(result.schedule_since) if result.schedule_since else "—"
    month = result.month.japanese() if result.month else "本通知の時点"
    return {"label": "適用した報酬表", "value": f"{result.schedule}（{since}から。{month}に効力を持つもの）"}


def tier_table(current_rank: int | None, current_scale: str | None, on: _dt.date = NOTICE_DATE) -> dict[str, Any]:
    """区分 × 利用者数規模の基本報酬表（報酬表のパラメータから）。current の行を強調する。"""
    params = default_parameters()
    schedule: FeeSchedule = params.at("fees.base_fee", on).value
    tiers: tuple[Tier, ...] = params.at("retention.tiers", on).value
    columns = ["就労定着率の区分", "範囲"] + [scale.label for scale in schedule.scales]
    rows = []
    for tier in tiers:
        cells = [tier.label, _tier_bounds(tier)]
        for scale in schedule.scales:
            units = schedule.units(tier.label, scale.key)
            cells.append(f"{units:,}単位" if units is not None else schedule.missing_label)
        rows.append({"cells": cells, "current": tier.rank == current_rank})
    current_column = None
    if current_scale is not None:
        labels = [scale.label for scale in schedule.scales]
        current_column = 2 + labels.index(current_scale) if current_scale in labels else None
    return {"caption": f"基本報酬（{schedule.name}、1月につき）", "columns": columns, "rows": rows,
            "current_column": current_column}


def _timeline(d: dict[str, Any]) -> dict[str, Any] | None:
    """就職日から支給決定できる最後の日までの帯（位置は全体に対する割合、0〜1）。"""
    first = _dt.date.fromisoformat(d["employed"])
    last = _dt.date.fromisoformat(d["latest_end"])
    span = (last - first).days + 1
    if span <= 0:
        return None

    def bar(label: str, start: str, end: str, tone: str) -> dict[str, Any]:
        s, e = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
        return {"label": label, "start": start, "end": end, "text": f"{_date_text(start)} 〜 {_date_text(end)}",
                "from": round((s - first).days / span, 4), "to": round(((e - first).days + 1) / span, 4), "tone": tone}

    wait_end = (_dt.date.fromisoformat(d["earliest_start"]) - _dt.timedelta(days=1)).isoformat()
    bars = [bar("就職後6月（利用できない期間）", d["employed"], wait_end, "wait")]
    for i, period in enumerate(d["periods"], start=1):
        bars.append(bar(f"支給決定期間{i}", period["start"], period["end"], "period"))
    return {"caption": "利用期間の流れ（就職日から支給決定できる最後の日まで）", "bars": bars}


# ---- 計算機ごとの処理 ----

def _what_if(changes: list[whatif.WhatIf]) -> dict[str, Any]:
    """結果を変える条件の一覧（同じ規則で境目の両側を計算したもの）。"""
    return {"title": "結果が変わる条件", "items": [c.text for c in changes]}


def _eligibility(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    verdict = {"tone": "ok" if d["eligible"] else "ng", "text": "利用できます" if d["eligible"] else "利用できません"}
    if d["eligible"] and d.get("support_ends"):
        ends = _date_text(d["support_ends"])
        verdict = {"tone": "ng", "text": f"利用できます（転職が就労の継続にあたらないため、支援は離職日{ends}で終わります）"}
    elif d["eligible"] and d.get("employment_continued"):
        verdict = {"tone": "ok", "text": "利用できます（転職後も就労の継続として、最初の就職日から数えた期間で利用できます）"}
    summary = [
        {"label": "就職日", "value": _date_text(d["employed"])},
        {"label": "最も早い利用開始日", "value": _date_text(d["earliest_start"])},
        {"label": "支給決定できる最後の日", "value": _date_text(d["latest_end"])},
    ]
    if d["start"]:
        summary.insert(1, {"label": "利用開始日（入力）", "value": _date_text(d["start"])})
    lists = [{"title": "判定の理由", "items": d["reasons"]}]
    if d["periods"]:
        lists.append({"title": "支給決定期間（1年以内ごと）",
                      "items": [f"{i}. {_date_text(p['start'])} 〜 {_date_text(p['end'])}" for i, p in enumerate(d["periods"], 1)]})
    lists.insert(1, _what_if(whatif.eligibility_changes(d)))
    return {"verdict": verdict, "summary": summary, "lists": [x for x in lists if x["items"]], "table": None,
            "timeline": _timeline(d) if d["periods"] else None, "data": d, "citations": result.explanation.sources}


def _retention(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    units = f"{d['base_units']:,}単位／月" if d["base_units"] is not None else d["base_units_note"]
    summary = [
        _schedule_line(result),
        {"label": "就労定着率", "value": f"{d['retained']}/{d['denominator']}（{d['percent']}）"},
        {"label": "区分", "value": d["tier"]},
        {"label": "利用者数規模", "value": d["scale"] or "（未入力）"},
        {"label": "基本報酬", "value": units},
    ]
    verdict = {"tone": "info", "text": f"区分「{d['tier']}」" + (f"・{units}" if d["base_units"] is not None else "")}
    on = result.month.first_day if result.month else NOTICE_DATE
    lists = [{"title": "注意", "items": d["warnings"]}] if d["warnings"] else []
    lists.insert(0, _what_if(whatif.retention_changes(result)))
    return {"verdict": verdict, "summary": summary, "lists": lists, "table": tier_table(d["tier_rank"], d["scale"], on),
            "timeline": None, "data": d, "citations": result.explanation.sources}


def _claim(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    base = f"{d['base_units']:,}単位" if d["base_units"] is not None else d["base_units_note"]
    total = f"{d['total_units']:,}単位" if d["total_units"] is not None else f"示せません（基本報酬が{d['base_units_note']}）"
    summary = [
        _schedule_line(result.retention),
        {"label": "就労定着率・区分", "value": f"{d['rate']}（{d['percent']}）「{d['tier']}」"},
        {"label": "利用者数規模", "value": d["scale"] or "—"},
        {"label": "基本報酬の要件", "value": d["billing_condition"]},
        {"label": "基本報酬", "value": base},
    ]
    summary += [{"label": f"加算：{a['name']}", "value": f"＋{a['units']:,}単位" + (f"（{a['detail']}）" if a.get("detail") else "")}
                for a in d["additions"]]
    summary += [{"label": f"減算：{r['name']}", "value": f"−{r['units']:,}単位（{r['detail']}）"} for r in d["reductions"]]
    summary.append({"label": d["total_label"], "value": total})
    if d["yen"] is not None:
        summary.append({"label": "総費用額（単位数 × 単価、1円未満切り捨て）", "value": f"{d['yen']:,}円（単価{d['unit_price']}円）"})
    if d["user_charge"] is not None:
        cls = f"（{d['income_class']}）" if d["income_class"] else "（所得区分なし：上限を適用していません）"
        summary.append({"label": "利用者負担の見込み" + cls, "value": f"{d['user_charge']:,}円"})
    lists = [
        {"title": "算定する加算", "items": [f"{a['name']}：{a['units']:,}単位" for a in d["additions"]] or ["なし"]},
    ]
    if d["reductions"]:
        lists.append({"title": "減算", "items": [f"{r['name']}：−{r['units']:,}単位" for r in d["reductions"]]})
    lists.append({"title": "算定しない項目と理由", "items": [f"{r['name']}：{r['reason']}" for r in d["rejected"]] or ["なし"]})
    if d["not_covered"]:
        lists.append({"title": "合計に含まない項目（このサイトの資料で値を確認できないもの）",
                      "items": [f"{n['name']}：{n['reason']}" for n in d["not_covered"]]})
    changes = whatif.retention_changes(result.retention) + whatif.claim_changes(d, result.explanation.on)
    lists.insert(0, _what_if(changes))
    if d["warnings"]:
        lists.append({"title": "注意", "items": d["warnings"]})
    verdict = {"tone": "info" if d["total_units"] is not None else "ng", "text": f"{d['total_label']} {total}"}
    return {"verdict": verdict, "summary": summary, "lists": lists, "table": None, "timeline": None,
            "data": d, "citations": result.explanation.sources}


def _staffing(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    summary = [
        {"label": "利用者数", "value": f"{d['users']}人"},
        {"label": "就労定着支援員の必要数（常勤換算）", "value": f"{d['support_staff_required']}以上"},
        {"label": "サービス管理責任者の必要数", "value": f"{d['service_managers_required']}人以上"},
    ]
    if result.fte is not None:
        summary.append({"label": "就労定着支援員の常勤換算（入力した勤務時間から）", "value": decimal_text(result.fte, 2)})
    if d["meets"] is None:
        text = f"就労定着支援員 {d['support_staff_required']}以上・サービス管理責任者 {d['service_managers_required']}人以上"
        verdict = {"tone": "info", "text": text}
    else:
        verdict = {"tone": "ok" if d["meets"] else "ng",
                   "text": "就労定着支援員の人員基準を満たします" if d["meets"] else "就労定着支援員の人員基準を満たしません"}
    lists = [_what_if(whatif.staffing_changes(result))]
    if d["implementing_body_ok"] is not None:
        lists.append({"title": "実施主体の要件（基準省令第206条の7）",
                      "items": ["満たします" if d["implementing_body_ok"] else "満たしません（過去3年間に3人以上の一般就労が必要）"]})
    return {"verdict": verdict, "summary": summary, "lists": lists, "table": None, "timeline": None,
            "data": d, "citations": result.explanation.sources}


def _new_office(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    summary = [
        {"label": "段階", "value": d["stage"]},
        {"label": "報酬上の利用者数（推定）", "value": f"{d['fee_users']}人" if d["fee_users"] else "—"},
        {"label": "人員基準上の利用者数（推定）", "value": f"{d['staffing_users']}人" if d["staffing_users"] else "—"},
        {"label": "就労定着率（推定）", "value": f"{d['rate']}（{d['percent']}）「{d['tier']}」" if d["rate"] else "—"},
    ]
    return {"verdict": {"tone": "info", "text": d["stage"]}, "summary": summary,
            "lists": [{"title": "注", "items": d["notes"]}] if d["notes"] else [], "table": None, "timeline": None,
            "data": d, "citations": result.explanation.sources}


def _first_recalculation(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    month = result.applies_from.japanese()
    summary = [
        {"label": "指定日", "value": _date_text(d["designated"])},
        {"label": "就労定着率を算出する基準日", "value": _date_text(d["count_date"])},
        {"label": "新たな就労定着率で算定する期間", "value": f"{month}から{_date_text(d['applies_until'])}まで"},
    ]
    return {"verdict": {"tone": "info", "text": f"{_date_text(d['count_date'])}を基準日として算出し、{month}から適用"},
            "summary": summary, "lists": [], "table": None, "timeline": None, "data": d,
            "citations": result.explanation.sources}


VIEWS: dict[str, Callable[[Any, Mapping[str, Any]], dict[str, Any]]] = {
    "eligibility": _eligibility,
    "retention": _retention,
    "claim": _claim,
    "staffing": _staffing,
    "first_recalculation": _first_recalculation,
    "new_office": _new_office,
}
CALCULATORS = {*VIEWS, "roster"}

def _table(caption: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": [{"cells": [str(c) for c in row], "current": False} for row in rows],
            "current_column": None}


ROSTER_SHOW_ROWS = 100  # 画面に出す各表の行数（全体はダウンロードで）
_LAST_ROSTER: dict[str, Any] = {}  # 直前の名簿の結果（ダウンロードのとき読み直さないため）


def _roster_result(inputs: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    from . import roster

    key = hashlib.sha256(data).hexdigest() + json.dumps(
        [_text(inputs, "file"), _optional(inputs, "fiscal_year_end"), _optional(inputs, "fulltime_hours")], ensure_ascii=False)
    if _LAST_ROSTER.get("key") != key:
        result = roster.analyse(data, _text(inputs, "file"), _optional(inputs, "fiscal_year_end"), _optional(inputs, "fulltime_hours"))
        _LAST_ROSTER.clear()
        _LAST_ROSTER.update(key=key, result=result.to_dict())
    found: dict[str, Any] = _LAST_ROSTER["result"]
    return found


# 名簿の画面の表で日付だけを書く列。理由の列（入力の引用「2019-02-30」など）は変えない。
_ROSTER_DATE_COLUMNS = {"最も早い利用開始日", "支給決定できる最後の日"}


def _roster_row_shown(header: list[str], row: list[Any]) -> list[Any]:
    """名簿の表の1行を画面の書き方に：日付は和暦つき、年月は「2019年4月」、支給決定期間は「、」と改行で区切る。"""
    shown: list[Any] = []
    for column, cell in zip(header, row, strict=True):
        if column in _ROSTER_DATE_COLUMNS and isinstance(cell, str):
            cell = _dates_shown(cell)
        elif column == "支給決定期間" and isinstance(cell, str):
            cell = "、\n".join(_dates_shown(period) for period in cell.split(" ") if period)  # 画面では1期間1行
        elif column == "月" and isinstance(cell, str):
            cell = _month_shown(cell)
        shown.append(cell)
    return shown


def _roster(inputs: Mapping[str, Any], data: bytes | None = None) -> dict[str, Any]:
    from . import roster

    if data is None or (not data and not _text(inputs, "file")):
        raise InputError("file", "ファイルを選んでください。")
    d = _roster_result(inputs, data)
    sheets = roster._sheets(d, ROSTER_SHOW_ROWS)
    totals = {"月ごとの利用者数": len(d["monthly_users"]), "利用者": len(d["users"]),
              "月ごとの請求": sum(len(u["months"]) for u in d["users"]), "読み込めなかった行": len(d["rejected"])}
    r = d["retention"]
    summary = [{"label": label, "value": f"{value:,}" if isinstance(value, int) else str(value)} for label, value in sheets[0][2]]
    summary = [{**item, "value": _dates_shown(item["value"])} if item["label"] == "年度末日" else item for item in summary]
    rejected = d["rejected"]
    warnings = d.get("warnings") or []
    tone = "ok" if not rejected and not warnings else "ng"
    text = (f"{d['rows']['accepted']}人の行を読み込みました" +
            (f"（読み込めなかった行：{len(rejected)}件。下の表に理由があります）" if rejected else "") +
            (f"（注意：{len(warnings)}件。要約の「注意」を確かめてください）" if warnings else ""))
    # 画面の表：読み込めなかった行を要約のすぐ下に（大きな利用者ごとの表より前に）。日付は和暦つき（ダウンロードは ISO のまま）
    tables = []
    for name, header, rows in sorted(sheets[1:], key=lambda sheet: sheet[0] != "読み込めなかった行"):
        limit = len(rows) if name == "読み込めなかった行" else ROSTER_SHOW_ROWS
        total = totals[name]
        caption = name if total <= limit else f"{name}（先頭{limit}行。全{total:,}行はダウンロードしたファイルに）"
        if name == "読み込めなかった行" and not rows:
            caption = f"{name}（なし）"
        tables.append(_table(caption, header, [_roster_row_shown(header, row) for row in rows[:limit]]))
    base = f"就労定着支援_集計_{d['fiscal_year_end']}"
    downloads = [{"name": f"{base}.csv", "format": "csv", "label": "CSV（UTF-8）で保存"},
                 {"name": f"{base}.xlsx", "format": "xlsx", "label": "Excel（.xlsx）で保存"}]
    citations = [passage("q2"), default_parameters().at("fees.base_fee", NOTICE_DATE).source]
    brief = {key: d[key] for key in ("fiscal_year_end", "retention", "average_users", "total_user_months", "rows", "track_record",
                                     "staffing", "rejected")}
    return {"verdict": {"tone": tone, "text": text}, "summary": summary, "lists": [], "table": None, "tables": tables,
            "downloads": downloads, "timeline": None, "excluded": r.get("excluded", []),
            "data": {**brief, "steps": [{"text": "名簿の計算方法は、このサイトの「このサイトについて」の名簿の説明による。",
                                         "sources": [c.label for c in citations]}],
                     "sources": [c.to_dict() for c in citations]},
            "citations": citations}





def _locate(kind: str, key: str) -> str | None:
    """規則が名指しした項目キー → フォームの項目キー（フォームにない名は None：フォームの先頭にだけ示す）。"""
    return key if any(f.key == key for f in FORMS[kind]) else None


def _error(kind: str, error: InputError) -> dict[str, Any]:
    key, index = _locate(kind, error.field), error.index
    label = next((f.label for f in FORMS.get(kind, ()) if f.key == key), error.field)
    if index is not None and key == "hours":
        label = f"{label}（{index + 1}人目）"
    return {"field": key, "index": index, "label": label, "message": error.message}


def run(kind: str, inputs: Mapping[str, Any], data: bytes | None = None) -> dict[str, Any]:
    """計算機 kind を inputs（項目キー → 文字列・真偽・文字列のリスト）で実行する。例外を外に出さない。

    読めない項目はまとめて（フォームの順に）errors に返す。data は名簿ファイルの中身（roster のときだけ）。
    """
    if kind not in CALCULATORS:
        return {"ok": False, "kind": kind, "errors": [{"field": None, "index": None, "label": "計算機",
                                                        "message": f"「{kind}」という計算機はありません。"}]}
    try:
        if kind == "roster":
            out = _roster(inputs, data)
        else:
            result, values = compute(kind, inputs)
            out = VIEWS[kind](result, values)
            out["rules_on"] = result.explanation.on.isoformat()  # パラメータを読んだ日（算定根拠書に印字する）
    except InputErrors as errors:
        return {"ok": False, "kind": kind, "errors": [_error(kind, e) for e in errors.errors]}
    except InputError as error:
        return {"ok": False, "kind": kind, "errors": [_error(kind, error)]}
    except ParameterError as error:
        return {"ok": False, "kind": kind, "errors": [{"field": None, "index": None, "label": "パラメータ", "message": str(error)}]}
    citations: list[Citation] = out.pop("citations")
    out["lists"] = [item for item in out.get("lists", []) if item["items"]]
    result_data: dict[str, Any] = out["data"]
    out["steps"] = [{**step, "text": _dates_shown(step["text"])} for step in result_data.get("steps", [])]
    out["sources"] = _sources(result_data.get("sources", []), citations)
    return {"ok": True, "kind": kind, "title": TITLES[kind], **out}


def run_bytes(kind: str, inputs_json: str, data: Any) -> str:
    """Pyodide 用：名簿ファイルの中身（JS の Uint8Array を Python に移したもの）つきで実行する。"""
    inputs = json.loads(inputs_json)
    return json.dumps(run(kind, inputs, _as_bytes(data)), ensure_ascii=False)


def _as_bytes(data: Any) -> bytes:
    """Pyodide の JsProxy（Uint8Array）・memoryview・bytes のどれでも bytes にする。"""
    if hasattr(data, "to_bytes"):
        return bytes(data.to_bytes())
    return bytes(data)


def roster_export(inputs_json: str, data: Any, fmt: str) -> bytes:
    """名簿の結果を書き出す（fmt は "csv" か "xlsx"）。直前の結果があれば読み直さない。"""
    from . import roster

    result = _roster_result(json.loads(inputs_json), _as_bytes(data))
    return roster.to_xlsx(result) if fmt == "xlsx" else roster.to_csv(result)


def run_json(kind: str, inputs_json: str) -> str:
    """Pyodide 用：JSON 文字列で受け取り、JSON 文字列で返す。"""
    try:
        inputs = json.loads(inputs_json)
        if not isinstance(inputs, dict):
            raise ValueError
    except ValueError:
        return json.dumps({"ok": False, "kind": kind, "errors": [{"field": None, "index": None, "label": "入力",
                                                                   "message": "入力を読み取れませんでした。"}]}, ensure_ascii=False)
    return json.dumps(run(kind, inputs), ensure_ascii=False)


def qr_svg(text: str) -> str:
    """text（計算機の共有リンク）を表す QR コードの SVG。算定根拠書に印字し、紙から同じ計算を開けるようにする。

    QR コードは segno（純 Python、requirements-dev.txt の固定版）が作る。黒のモジュールを行ごとの線（path）で描き、
    余白は4モジュール、大きさは書かない（印刷の CSS が決める）。segno はここで初めて import する：teichaku は
    import の時点では標準ライブラリだけで動き、ブラウザでは印刷するときだけ segno の wheel を入れる（worker.js）。
    """
    import segno

    code = segno.make(text, micro=False)
    svg: str = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="calc-record-qr-code",
                               lineclass="calc-record-qr-line")
    return svg


def forms_json() -> str:
    """フォームの定義（サイトのビルドとテストが使う）。"""
    return json.dumps({kind: [vars(f) for f in fields] for kind, fields in FORMS.items()}, ensure_ascii=False)
