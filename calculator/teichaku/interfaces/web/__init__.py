"""サイトの計算機の窓口（入口）：入力（文字列の辞書）→ 表示用の結果（JSON にできる辞書）。

ブラウザ（Pyodide の Web Worker）は `pyodide.pyimport("teichaku.interfaces.web")` の `run_json(kind, json)`（名簿は
`run_bytes`・`roster_export`、算定根拠書の QR は `qr_svg`）だけを呼ぶ。入力の検証とエラーメッセージは計算機の登録簿
（teichaku.interfaces.calculators）と各規則のものをそのまま使うので、CLI と同じことを言う。

- views：計算機ごとの画面の形。roster_view：名簿の画面。links：出典 → サイト内の該当箇所（地図は teichaku_site.links）。
- 表示の書き方（日付・区分の範囲・基本報酬の表・加算の値）は teichaku.interfaces.present の一か所。

結果の形：
    {"ok": true, "kind": …, "verdict": {"tone": "ok"|"ng"|"info", "text": …},
     "summary": [{"label": …, "value": …}], "lists": [{"title": …, "items": […]}], "table": {…}|null,
     "timeline": {…}|null, "steps": [{"text": …, "sources": [ラベル]}],
     "sources": [{"label", "quote", "href"（サイト内の該当箇所）, "url"（e-Gov、あれば）…}], "data": 規則の to_dict(),
     "rules_on": 結果が判定する日（ISO。結果が使ったすべての日は data.dates_used）}
    {"ok": false, "kind": …, "errors": [{"field": 項目キー, "index": 行番号|null, "label": 項目名, "message": …}]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...rules.citations import Citation
from ...rules.errors import InputError, ParameterError
from ..calculators import (
    CALCULATORS as REGISTRY,
)
from ..calculators import (
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
from . import links
from .qr import qr_svg
from .roster_view import roster, roster_result
from .views import VIEWS

__all__ = ["CALCULATORS", "CURRENT_MONTH", "DATE_HINT", "FORMS", "MONTH_HINT", "SERVICE_CHOICES", "TITLES", "Field",
           "forms_json", "qr_svg", "roster_export", "run", "run_bytes", "run_json"]

# フォームの定義は計算機の登録簿（teichaku.interfaces.calculators）から。名簿だけはファイルを読むので別に持つ。
FORMS: dict[str, tuple[Field, ...]] = {key: calc.fields for key, calc in REGISTRY.items()}
FORMS["roster"] = ROSTER_FIELDS
TITLES = {key: calc.title for key, calc in REGISTRY.items()} | {"roster": ROSTER_TITLE}
CALCULATORS = {*VIEWS, "roster"}


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
            out = roster(inputs, data)
        else:
            result, values = compute(kind, inputs)
            out = VIEWS[kind](result, values)
            out["rules_on"] = result.explanation.on.isoformat()  # 結果が判定する日（算定根拠書に印字する）
    except InputErrors as errors:
        return {"ok": False, "kind": kind, "errors": [_error(kind, e) for e in errors.errors]}
    except InputError as error:
        return {"ok": False, "kind": kind, "errors": [_error(kind, error)]}
    except ParameterError as error:
        return {"ok": False, "kind": kind, "errors": [{"field": None, "index": None, "label": "パラメータ", "message": str(error)}]}
    citations: list[Citation] = out.pop("citations")
    out["lists"] = [item for item in out.get("lists", []) if item["items"]]
    result_data: dict[str, Any] = out["data"]
    out["steps"] = [_step(step) for step in result_data.get("steps", [])]
    out["sources"] = links.sources(result_data.get("sources", []), citations)
    return {"ok": True, "kind": kind, "title": TITLES[kind], **out}


def _step(step: Mapping[str, Any]) -> dict[str, Any]:
    """手順の一つ。同じ出典を二度挙げない（規則が同じパラメータを二度名指しした手順など）。"""
    shown = dict(step)
    if isinstance(shown.get("sources"), list):
        shown["sources"] = list(dict.fromkeys(shown["sources"]))
    return shown


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
    from .. import roster as roster_package

    result = roster_result(json.loads(inputs_json), _as_bytes(data))
    return roster_package.to_xlsx(result) if fmt == "xlsx" else roster_package.to_csv(result)


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


def forms_json() -> str:
    """フォームの定義（サイトのビルドとテストが使う）。"""
    return json.dumps({kind: [vars(f) for f in fields] for kind, fields in FORMS.items()}, ensure_ascii=False)
