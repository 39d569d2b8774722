"""計算機ごとの画面の形（規則の結果 → 表示用の辞書）。名簿の画面は roster_view。

日付は規則の型つきの値（date・Month）から表示の部品（teichaku.interfaces.present）で書く。文に入った ISO の日付を
後から書き換えることはしない：規則の手順の文は、はじめから同じ書き方（date_text）で日付を書く。
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

from ...rules import whatif
from ...rules.dates import date_text
from ...rules.explain import NOTICE_DATE
from ...rules.numbers import decimal_text
from ...rules.params import FeeSchedule, Tier, default_parameters
from ...rules.retention import RetentionResult
from ..present import base_units_text, fee_grid, percent_shown

View = Callable[[Any, Mapping[str, Any]], dict[str, Any]]


def _schedule_line(result: RetentionResult) -> dict[str, str]:
    """どの報酬表を使ったか（サービス提供月に効力を持つもの）。"""
    since = date_text(result.schedule_since) if result.schedule_since else "—"
    month = result.month.japanese() if result.month else "本通知の時点"
    return {"label": "適用した報酬表", "value": f"{result.schedule}（{since}から。{month}に効力を持つもの）"}


def tier_table(current_rank: int | None, current_scale: str | None, on: _dt.date = NOTICE_DATE) -> dict[str, Any]:
    """区分 × 利用者数規模の基本報酬表（on に効力を持つ報酬表から、present.fee_grid で）。current の行・列を強調する。"""
    params = default_parameters()
    schedule: FeeSchedule = params.at("fees.base_fee", on).value
    tiers: tuple[Tier, ...] = params.at("retention.tiers", on).value
    grid = fee_grid(schedule, tiers, current_rank, current_scale)
    rows = [{"cells": list(cells), "current": i == grid.current_row} for i, (_, cells) in enumerate(grid.rows)]
    return {"caption": f"基本報酬（{grid.name}、1月につき）", "columns": list(grid.columns), "rows": rows,
            "current_column": grid.current_column}


def _timeline(result: Any) -> dict[str, Any] | None:
    """就職日から支給決定できる最後の日までの帯（位置は全体に対する割合、0〜1）。"""
    first: _dt.date = result.employed
    span = (result.latest_end - first).days + 1
    if span <= 0:
        return None

    def bar(label: str, start: _dt.date, end: _dt.date, tone: str) -> dict[str, Any]:
        return {"label": label, "start": start.isoformat(), "end": end.isoformat(),
                "text": f"{date_text(start)} 〜 {date_text(end)}",
                "from": round((start - first).days / span, 4), "to": round(((end - first).days + 1) / span, 4), "tone": tone}

    bars = [bar("就職後6月（利用できない期間）", first, result.earliest_start - _dt.timedelta(days=1), "wait")]
    for i, period in enumerate(result.periods, start=1):
        bars.append(bar(f"支給決定期間{i}", period.start, period.end, "period"))
    return {"caption": "利用期間の流れ（就職日から支給決定できる最後の日まで）", "bars": bars}


def _what_if(changes: list[whatif.WhatIf]) -> dict[str, Any]:
    """結果を変える条件の一覧（同じ規則で境目の両側を計算したもの）。"""
    return {"title": "結果が変わる条件", "items": [c.text for c in changes]}


def eligibility(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    verdict = {"tone": "ok" if result.eligible else "ng", "text": "利用できます" if result.eligible else "利用できません"}
    last = {"label": "支給決定できる最後の日", "value": date_text(result.latest_end)}
    extra: list[dict[str, str]] = []
    if result.eligible and result.support_ends:
        # 支援は離職日で終わる（Q&A 平成30年12月17日の読み方。rules.eligibility）：その後の日を「支給決定できる」と並べない
        ends = date_text(result.support_ends)
        verdict = {"tone": "ng", "text": f"離職日{ends}まで利用できます（転職が就労の継続にあたらないため、支援は離職日で"
                                         f"終わります。その後は利用できません）"}
        last = {"label": "支給決定できる最後の日", "value": f"{ends}（離職日。支援はこの日で終わります）"}
        extra = [{"label": "離職がなければ支給決定できた最後の日", "value": date_text(result.latest_end)}]
    elif result.eligible and result.employment_continued:
        verdict = {"tone": "ok", "text": "利用できます（転職後も就労の継続として、最初の就職日から数えた期間で利用できます）"}
    summary = [
        {"label": "就職日", "value": date_text(result.employed)},
        {"label": "最も早い利用開始日", "value": date_text(result.earliest_start)},
        last,
        *extra,
    ]
    if result.start:
        summary.insert(1, {"label": "利用開始日（入力）", "value": date_text(result.start)})
    lists = [{"title": "判定の理由", "items": d["reasons"]}]
    if result.periods:
        lists.append({"title": "支給決定期間（1年以内ごと）",
                      "items": [f"{i}. {date_text(p.start)} 〜 {date_text(p.end)}" for i, p in enumerate(result.periods, 1)]})
    lists.insert(1, _what_if(whatif.eligibility_changes(d)))
    return {"verdict": verdict, "summary": summary, "lists": [x for x in lists if x["items"]], "table": None,
            "timeline": _timeline(result) if result.periods else None, "data": d, "citations": result.explanation.sources}


def retention(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    units = base_units_text(d["base_units"], d["base_units_note"])
    summary = [
        _schedule_line(result),
        {"label": "就労定着率", "value": f"{d['retained']}/{d['denominator']}（{percent_shown(result.rate)}）"},
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


def _billing_text(d: Mapping[str, Any]) -> str:
    """基本報酬の要件の行：満たさなかった月はそう言う（0単位の理由が要件の行に見えるように）。満たした月は要件の名だけ
    （サイトの計算機の冒頭もこの行を要件の名として読む：teichaku_site.training）。"""
    if whatif.billing_unmet(dict(d)):
        return f"{d['billing_condition']}：満たしていません（この月は基本報酬も加算も請求できません）"
    return str(d["billing_condition"])


def claim(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    base = f"{d['base_units']:,}単位" if d["base_units"] is not None else d["base_units_note"]
    total = f"{d['total_units']:,}単位" if d["total_units"] is not None else f"示せません（基本報酬が{d['base_units_note']}）"
    summary = [
        _schedule_line(result.retention),
        {"label": "就労定着率・区分", "value": f"{d['rate']}（{percent_shown(result.retention.rate)}）「{d['tier']}」"},
        {"label": "利用者数規模", "value": d["scale"] or "—"},
        {"label": "基本報酬の要件", "value": _billing_text(d)},
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
        tenth = f"（1割相当額 {d['user_charge_tenth']:,}円" + ("と負担上限月額の低い方）" if d["income_class"] else "）")
        summary.append({"label": "利用者負担の見込み" + cls, "value": f"{d['user_charge']:,}円{tenth}"})
        summary.append({"label": "訓練等給付費の見込み（総費用額 − 利用者負担）", "value": f"{d['benefit']:,}円"})
    lists = [
        {"title": "算定する加算", "items": [f"{a['name']}：{a['units']:,}単位" for a in d["additions"]] or ["なし"]},
    ]
    if d["reductions"]:
        lists.append({"title": "減算", "items": [f"{r['name']}：−{r['units']:,}単位" for r in d["reductions"]]})
    lists.append({"title": "算定しない項目と理由", "items": [f"{r['name']}：{r['reason']}" for r in d["rejected"]] or ["なし"]})
    if d["not_covered"]:
        lists.append({"title": "合計に含まない項目（このサイトの資料で値を確認できないもの）",
                      "items": [f"{n['name']}：{n['reason']}" for n in d["not_covered"]]})
    changes = whatif.retention_changes(result.retention) + whatif.claim_changes(d, result.explanation.on,
                                                                                base_units_if_met=result.retention.fee.units)
    lists.insert(0, _what_if(changes))
    if d["warnings"]:
        lists.append({"title": "注意", "items": d["warnings"]})
    verdict = {"tone": "info" if d["total_units"] is not None else "ng", "text": f"{d['total_label']} {total}"}
    return {"verdict": verdict, "summary": summary, "lists": lists, "table": None, "timeline": None,
            "data": d, "citations": result.explanation.sources}


def staffing(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
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


def new_office(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
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


def first_recalculation(result: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    d = result.to_dict()
    month = result.applies_from.japanese()
    summary = [
        {"label": "指定日", "value": date_text(result.designated)},
        {"label": "就労定着率を算出する基準日", "value": date_text(result.count_date)},
        {"label": "新たな就労定着率で算定する期間", "value": f"{month}から{date_text(result.applies_until)}まで"},
    ]
    return {"verdict": {"tone": "info", "text": f"{date_text(result.count_date)}を基準日として算出し、{month}から適用"},
            "summary": summary, "lists": [], "table": None, "timeline": None, "data": d,
            "citations": result.explanation.sources}


VIEWS: dict[str, View] = {
    "eligibility": eligibility,
    "retention": retention,
    "claim": claim,
    "staffing": staffing,
    "first_recalculation": first_recalculation,
    "new_office": new_office,
}
