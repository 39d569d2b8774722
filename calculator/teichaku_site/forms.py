"""計算機のフォーム：計算機の登録簿（teichaku.interfaces.calculators、項目の唯一の定義）から HTML を作る。
動作は docs/assets/calc/ の JavaScript。

形はデジタル庁デザインシステムにならう：ラベル、説明（hint）、エラー（hint の下、入力の上）、入力の順。

加算・減算の選択肢（checkboxes）の value は登録簿のキー（initial、regional_meeting_1 …）で、フォーム・共有リンクはキーを
送る。表示は正式名。各選択肢の data-names に以前の値（正式名・別名、「|」区切り）を置く：以前の共有リンク
（additions=初期加算）を開いたときに、ブラウザがその名のチェックボックスを選べるように（計算の側は名も受け付ける）。
"""

from __future__ import annotations

import html

from teichaku.interfaces.calculators import calculators
from teichaku.interfaces.web import CURRENT_MONTH, FORMS, Field
from teichaku.rules.params import ParameterSet


def _attrs(field: Field, described: str) -> str:
    required = ' required aria-required="true"' if field.required else ""
    return f'id="f-{field.key}" name="{field.key}" aria-describedby="{described}"{required}'


def _period(since: str, until: str) -> str:
    """その項目・選択肢が意味を持つ期間（months.js がサービス提供月に合わせて示す・隠す）。"""
    return (f' data-since="{since}"' if since else "") + (f' data-until="{until}"' if until else "")


def form_field(field: Field) -> str:
    """一つの項目（期間のある項目は data-since・data-until つき）。"""
    html_text = _form_field(field)
    period = _period(field.since, field.until)
    if period:
        html_text = html_text.replace(f'data-field="{field.key}"', f'data-field="{field.key}"{period}', 1)
    return html_text


def _form_field(field: Field) -> str:
    """一つの項目：ラベル、説明（hint）、エラー（hint の下、入力の上）、入力。"""
    key = field.key
    hint = f'<p class="calc-hint" id="f-{key}-hint">{html.escape(field.hint)}</p>' if field.hint else ""
    error = f'<p class="calc-error" id="f-{key}-error" hidden></p>'
    described = " ".join(filter(None, [f"f-{key}-hint" if field.hint else "", f"f-{key}-error"]))
    mark = '<span class="calc-required">必須</span>' if field.required else '<span class="calc-optional">任意</span>'
    label = html.escape(field.label)
    if field.kind == "checkbox":
        checked = " checked" if field.default == "on" else ""
        return (f'<div class="calc-field calc-check" data-field="{key}" data-kind="{field.kind}">{error}'
                f'<input type="checkbox" {_attrs(field, described)} value="on"{checked}>'
                f'<label for="f-{key}">{label}</label>{hint}</div>')
    if field.kind == "checkboxes":
        periods = {choice: _period(since, until) for choice, since, until in field.choice_dates}
        labels = field.choice_labels or field.choices
        names = field.choice_names or tuple(() for _ in field.choices)
        boxes = "".join(
            f'<div class="calc-check"{periods.get(choice, "")}><input type="checkbox" id="f-{key}-{i}" name="{key}" '
            f'value="{html.escape(choice)}"'
            + (f' data-names="{html.escape("|".join(accepted))}"' if accepted else "")
            + f'><label for="f-{key}-{i}">{html.escape(label)}</label></div>'
            for i, (choice, label, accepted) in enumerate(zip(field.choices, labels, names, strict=True))
        )
        return (f'<fieldset class="calc-field" data-field="{key}" data-kind="{field.kind}" aria-describedby="{described}">'
                f"<legend>{label} {mark}</legend>"
                f"{hint}{error}{boxes}</fieldset>")
    if field.kind == "hours":
        return (f'<fieldset class="calc-field calc-hours" data-field="{key}" data-kind="{field.kind}" aria-describedby="{described}">'
                f"<legend>{label}（就労定着支援員ごと）</legend>{hint}{error}"
                '<table class="calc-hours-table"><thead><tr><th scope="col">従業者</th><th scope="col">週の勤務時間</th>'
                '<th scope="col">操作</th></tr></thead><tbody></tbody></table>'
                '<button type="button" class="md-button calc-add-row">行を追加</button></fieldset>')
    head = f'<label for="f-{key}">{label} {mark}</label>{hint}{error}'
    if field.kind == "file":
        control = (f'<input type="file" {_attrs(field, described)} accept=".csv,.xlsx,text/csv,'
                   'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">')
        return f'<div class="calc-field" data-field="{key}" data-kind="{field.kind}">{head}{control}</div>'
    if field.kind == "select":
        labels = field.choice_labels or field.choices  # 値はキー（あれば）、表示は表示名
        options = '<option value="">選んでください</option>' + "".join(
            f'<option value="{html.escape(c)}">{html.escape(label)}</option>' for c, label in zip(field.choices, labels, strict=True))
        control = f"<select {_attrs(field, described)}>{options}</select>"
    else:
        mode = {"count": "numeric", "decimal": "decimal"}.get(field.kind)
        extra = f' inputmode="{mode}"' if mode else ""
        if field.default == CURRENT_MONTH:  # 開いた月を app.js が入れる
            value = f' data-default="{CURRENT_MONTH}"'
        else:
            value = f' value="{html.escape(field.default)}"' if field.default else ""
        size = "calc-input-short" if field.kind in ("count", "decimal") else "calc-input"
        control = f'<input type="text" class="{size}" {_attrs(field, described)} autocomplete="off"{extra}{value}>'
    return f'<div class="calc-field" data-field="{key}" data-kind="{field.kind}">{head}{control}</div>'


def calculator_form(kind: str, parameters: ParameterSet | None = None) -> str:
    """計算機 kind のフォーム。状態表示、入力、操作、結果の欄。動作は assets/calc/（Pyodide の Web Worker）。

    parameters を渡すと、そのパラメータ集合の計算機の登録簿から作る（改定を試すとき。既定は同梱のもの）。
    """
    source = FORMS[kind] if parameters is None or kind not in calculators(parameters) else calculators(parameters)[kind].fields
    fields = "".join(form_field(field) for field in source)
    return (
        f'<form class="calc" data-calculator="{kind}" data-search-exclude novalidate>'
        '<div class="calc-status" role="status" aria-live="polite"><span class="calc-status-text">'
        "計算の準備：JavaScript を有効にしてください（計算はこのページの中で行い、入力はどこにも送りません）。</span>"
        '<button type="button" class="md-button calc-retry" hidden>再試行</button></div>'
        f"{fields}"
        '<div class="calc-actions"><button type="submit" class="md-button md-button--primary">計算する</button>'
        '<button type="button" class="md-button calc-share">この条件のリンクをコピー</button>'
        '<button type="button" class="md-button calc-clear">入力を消す</button></div>'
        f'<div class="calc-share-box" hidden><label for="f-share-link-{kind}">'
        "この条件のリンク（個人を特定する情報は含みません）</label>"
        f'<input type="text" id="f-share-link-{kind}" class="calc-share-link" readonly></div>'
        '<section class="calc-result" aria-live="polite" aria-label="計算結果"></section>'
        "</form>"
    )


def kinds() -> list[str]:
    """フォームのある計算機（プレースホルダ form_KIND の KIND）。"""
    return list(FORMS)
