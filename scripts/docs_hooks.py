"""MkDocs フック：サイトの表とグラフを teichaku のパラメータデータから生成する。

Markdown の `{{ teichaku:NAME }}` を、RENDERERS[NAME] が返す Markdown／HTML に置き換える。
知らない NAME はビルドを失敗させる（表を手で書き写さない・書き間違いを見逃さないため）。
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculator"))

from teichaku.citations import Citation  # noqa: E402
from teichaku.explain import NOTICE_DATE  # noqa: E402
from teichaku.numbers import decimal_text, percent_text  # noqa: E402
from teichaku.params import FeeSchedule, Parameter, Tier, default_parameters  # noqa: E402
from teichaku.retention import NOT_GIVEN  # noqa: E402

PLACEHOLDER = re.compile(r"\{\{\s*teichaku:([a-z0-9_]+)\s*\}\}")
STATS = ROOT / "scripts" / "data" / "stats.toml"


class UnknownPlaceholder(Exception):
    pass


def _params() -> Any:
    return default_parameters()


def _value(name: str) -> Any:
    return _params().value(name, NOTICE_DATE)


def _cite(citation: Citation) -> str:
    text = citation.label
    if citation.confidence:
        text += f"（確度：{'高' if citation.confidence == 'high' else '中'}。{citation.checked_against}で確認）"
    return text


def _since(parameter: Parameter) -> str:
    item = parameter.at(NOTICE_DATE)
    return f"{item.since.year}年{item.since.month}月{item.since.day}日"


def _bounds(tier: Tier) -> str:
    low = f"{percent_text(tier.lower, 0)}以上" if tier.lower > 0 else ""
    high = f"{percent_text(tier.upper, 0)}未満" if tier.upper is not None else ""
    return low + high


def base_fee() -> str:
    """基本報酬の表（区分 × 利用者数規模）。記載のない規模は「本通知に記載なし」。"""
    parameter = _params().get("fees.base_fee")
    item = parameter.at(NOTICE_DATE)
    schedule: FeeSchedule = item.value
    tiers: tuple[Tier, ...] = _value("retention.tiers")
    header = "| 就労定着率の区分 | 範囲 | " + " | ".join(scale.label for scale in schedule.scales) + " |"
    rule = "|---|---|" + "---:|" * len(schedule.scales)
    rows = []
    for tier in tiers:
        cells = []
        for scale in schedule.scales:
            units = schedule.units(tier.label, scale.key)
            cells.append(f"{units:,}単位／月" if units is not None else NOT_GIVEN)
        rows.append(f"| {tier.label} | {_bounds(tier)} | " + " | ".join(cells) + " |")
    until = f"{_jdate(item.until - dt.timedelta(days=1))}まで" if item.until else "現在まで"
    note = (f"\n\n**この表は「{schedule.name}」（{_jdate(item.since)}から{until}）です。** 以降の改定は"
            f"[報酬改定の履歴](history.md)を参照。表の出典：{_cite(item.source)}。"
            f"「{NOT_GIVEN}」の欄：{schedule.missing_note}。\n{{: .table-source }}")
    return "\n".join([header, rule, *rows]) + note


def _jdate(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def fee_history() -> str:
    """報酬改定の履歴：各報酬表を横に並べる（区分の順位ごとに、区分名と最小規模の単位数）。データから生成。"""
    params = _params()
    values = params.get("fees.base_fee").values
    tier_sets = [params.value("retention.tiers", value.since) for value in values]
    header = "| 区分の順位 | " + " | ".join(
        f"{value.value.name}<br>{_jdate(value.since)}から" for value in values) + " |"
    rule = "|---:|" + "---|" * len(values)
    depth = max(len(tiers) for tiers in tier_sets)
    rows = []
    for rank in range(depth):
        cells = []
        for value, tiers in zip(values, tier_sets, strict=True):
            schedule: FeeSchedule = value.value
            if rank >= len(tiers):
                cells.append("—")
                continue
            tier = tiers[rank]
            units = schedule.units(tier.label, schedule.scales[0].key)
            cells.append(f"{tier.label}（{_bounds(tier)}）：" + (f"{units:,}単位" if units is not None else schedule.missing_label))
        rows.append(f"| {rank + 1} | " + " | ".join(cells) + " |")
    scale_row = "| 利用者数による規模 | " + " | ".join(
        " ／ ".join(scale.label for scale in value.value.scales) for value in values) + " |"
    larger = "| 21人以上の規模の単位数 | " + " | ".join(
        (value.value.missing_label if len(value.value.scales) > 1 else "（規模の区分なし）") for value in values) + " |"
    source = "| 出典 | " + " | ".join(_cite(value.source) for value in values) + " |"
    notes = [f"- {value.value.name}：{value.source.note}" for value in values if value.source.note]
    table = "\n".join([header, rule, *rows, scale_row, larger, source])
    caption = ("\n\n単位数は「単位／月」、利用者数の規模があるものは「利用者数20人以下」の欄です。"
               "区分の範囲は「以上」「未満」です。\n{: .table-source }")
    return table + caption + ("\n\n" + "\n".join(notes) if notes else "")



def tiers() -> str:
    parameter = _params().get("retention.tiers")
    rows = ["| 順位 | 区分 | 就労定着率の範囲（下限は含み、上限は含まない） |", "|---:|---|---|"]
    item = parameter.at(NOTICE_DATE)
    for tier in item.value:
        rows.append(f"| {tier.rank} | {tier.label} | {_bounds(tier)} |")
    until = f"{_jdate(item.until - dt.timedelta(days=1))}まで" if item.until else "現在まで"
    return "\n".join(rows) + (f"\n\n**この区分は本通知のもの（{_jdate(item.since)}から{until}）です。** 令和3年4月からの区分は"
                               f"[報酬改定の履歴](history.md)を参照。出典：{_cite(item.source)}\n{{: .table-source }}")


ADDITIONS = [
    ("初期加算", "fees.initial_addition", "1回限り。一体的に運営する移行支援事業所等以外の事業所から利用者を受け入れた場合"),
    ("企業連携等調整特別加算", "fees.company_coordination_addition", "支援開始1年以内の利用者"),
    ("就労定着実績体制加算", "fees.track_record_addition",
     "過去6年間の利用終了者のうち42月以上78月未満継続して就労している者等が前年度7割以上"),
    ("特別地域加算", "fees.special_area_addition", "中山間地域等に居住する利用者に支援した場合"),
    ("職場適応援助者養成研修修了者配置体制加算", "fees.job_coach_addition", "ジョブコーチ養成研修の修了者を就労定着支援員として配置"),
]


def additions() -> str:
    rows = ["| 加算 | 単位数 | 主な要件 | 出典 |", "|---|---:|---|---|"]
    for name, key, condition in ADDITIONS:
        parameter = _params().get(key)
        item = parameter.at(NOTICE_DATE)
        rows.append(f"| {name} | {item.value:,}{parameter.unit} | {condition} | {_cite(item.source)} |")
    unconfirmed = _value("fees.additions_unconfirmed_from")
    note = (f"\n\n**この表は本通知（平成30年度の報酬体系）の加算です。** {_jdate(unconfirmed)}以降の加算は改定で変わっており、"
            "このサイトでは計算しません（[報酬改定の履歴](history.md)）。\n{: .table-source }")
    return "\n".join(rows) + note


def _param_rows(names: list[str]) -> str:
    rows = ["| 項目 | 値 | 適用 | 出典 |", "|---|---|---|---|"]
    for name in names:
        parameter = _params().get(name)
        item = parameter.at(NOTICE_DATE)
        rows.append(f"| {parameter.description} | {_show(item.value, parameter)} | {_since(parameter)}から | {_cite(item.source)} |")
    return "\n".join(rows)


def _show(value: Any, parameter: Parameter) -> str:
    if isinstance(value, Fraction):
        return percent_text(value, 0) if parameter.unit == "割合" else decimal_text(value)
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return "、".join(value)
    if isinstance(value, tuple):
        return "（区分表：就労定着率の区分を参照）"
    if isinstance(value, FeeSchedule):
        return "（基本報酬の表を参照）"
    unit = parameter.unit if parameter.unit not in {"割合", "日付", "サービス"} else ""
    return f"{value:,}{unit}" if isinstance(value, int) else str(value)


def staffing() -> str:
    return _param_rows([
        "staffing.support_staff_ratio", "staffing.fulltime_min_hours", "staffing.fte_decimal_places",
        "staffing.service_manager_base_users", "staffing.service_manager_step_users",
        "staffing.average_users_months", "staffing.average_users_decimal_places",
        "staffing.implementing_body_years", "staffing.implementing_body_min_average",
    ])


def periods() -> str:
    return _param_rows([
        "periods.prior_services", "periods.wait_months", "periods.use_months", "periods.late_start_limit_months",
        "periods.decision_period_months", "periods.service_established",
    ])


def q3_factors() -> str:
    return _param_rows(["retention.q3_settled_factor", "retention.q3_half_year_months", "retention.estimate_months"])


def goal() -> str:
    return _param_rows(["retention.goal", "retention.lookback_years"])


def parameters() -> str:
    rows = ["| 名前 | 内容 | 値 | 適用 | 出典（引用） |", "|---|---|---|---|---|"]
    for parameter in _params().all():
        item = parameter.at(NOTICE_DATE)
        quote = item.source.quote.replace("|", "｜")
        rows.append(f"| `{parameter.name}` | {parameter.description} | {_show(item.value, parameter)} | {_since(parameter)}から | "
                    f"{_cite(item.source)}：「{quote}」 |")
    return "\n".join(rows)


def _stats() -> dict[str, Any]:
    return tomllib.loads(STATS.read_text(encoding="utf-8"))


def _bar_chart(title: str, labels: list[str], values: list[int], unit: str, chart_id: str) -> str:
    width, height, left, bottom, top = 640, 300, 56, 40, 24
    plot_w, plot_h = width - left - 16, height - top - bottom
    peak = max(values)
    step = 10 ** (len(str(peak)) - 1)
    axis_max = ((peak + step - 1) // step) * step
    bar_w = plot_w / len(values) * 0.6
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{html.escape(title)}</title>'
    ]
    for i in range(5):
        value = axis_max * i // 4
        y = top + plot_h - plot_h * value / axis_max
        parts.append(f'<line x1="{left}" x2="{width - 16}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{value:,}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + plot_w / len(values) * (i + 0.2)
        h = plot_h * value / axis_max
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" class="bar"/>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" class="value">{value:,}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 18}" text-anchor="middle" class="axis">{label}</text>')
    parts.append(f'<text x="8" y="14" class="axis">（{unit}）</text></svg>')
    return "".join(parts)


def _series_table(labels: list[str], values: list[int], unit: str) -> str:
    return "\n".join(["| 月 | " + unit + " |", "|---|---:|", *[f"| {a} | {b:,} |" for a, b in zip(labels, values, strict=True)]])


def chart_offices() -> str:
    data = _stats()
    svg = _bar_chart("就労定着支援の事業所数（国保連データ、平成30年4月〜11月）", data["months"], data["offices"], "事業所", "offices")
    return f'<figure class="chart-figure" markdown>\n{svg}\n<figcaption>事業所数の推移（別添 p.15）</figcaption>\n</figure>\n\n' \
           + _series_table(data["months"], data["offices"], "事業所数")


def chart_users() -> str:
    data = _stats()
    svg = _bar_chart("就労定着支援の利用者数（国保連データ、平成30年4月〜11月）", data["months"], data["users"], "人", "users")
    return f'<figure class="chart-figure" markdown>\n{svg}\n<figcaption>利用者数の推移（別添 p.15）</figcaption>\n</figure>\n\n' \
           + _series_table(data["months"], data["users"], "利用者数（人）")


def retention_rates() -> str:
    rows = ["| 年度 | 6か月後定着率 | 1年後定着率 |", "|---|---:|---:|"]
    for row in _stats()["retention_rates"]:
        rows.append(f"| {row['year']} | {row['six_months']}% | {row['one_year']}% |")
    return "\n".join(rows)


RENDERERS: dict[str, Callable[[], str]] = {
    "base_fee": base_fee,
    "tiers": tiers,
    "additions": additions,
    "staffing": staffing,
    "periods": periods,
    "q3_factors": q3_factors,
    "goal": goal,
    "parameters": parameters,
    "chart_offices": chart_offices,
    "chart_users": chart_users,
    "retention_rates": retention_rates,
    "fee_history": lambda: fee_history(),
}


# ---- 計算機のフォーム（teichaku.web.FORMS から生成） ----

from teichaku.web import CURRENT_MONTH, FORMS  # noqa: E402
from teichaku.web import Field as FormField  # noqa: E402


def _attrs(field: FormField, described: str) -> str:
    required = ' required aria-required="true"' if field.required else ""
    return f'id="f-{field.key}" name="{field.key}" aria-describedby="{described}"{required}'


def _form_field(field: FormField) -> str:
    """デジタル庁デザインシステムの形：ラベル、説明（hint）、エラー（hint の下、入力の上）、入力。"""
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
        boxes = "".join(
            f'<div class="calc-check"><input type="checkbox" id="f-{key}-{i}" name="{key}" value="{html.escape(choice)}">'
            f'<label for="f-{key}-{i}">{html.escape(choice)}</label></div>'
            for i, choice in enumerate(field.choices)
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
        options = '<option value="">選んでください</option>' + "".join(
            f'<option value="{html.escape(c)}">{html.escape(c)}</option>' for c in field.choices)
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


def calculator_form(kind: str) -> str:
    """計算機 kind のフォーム。状態表示、入力、操作、結果の欄。動作は assets/calc/app.js（Pyodide の Web Worker）。"""
    fields = "".join(_form_field(field) for field in FORMS[kind])
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


for _kind in FORMS:
    RENDERERS[f"form_{_kind}"] = (lambda kind: lambda: calculator_form(kind))(_kind)


def fill(markdown: str, where: str = "") -> str:
    """`{{ teichaku:NAME }}` をすべて置き換える。知らない NAME は UnknownPlaceholder。"""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in RENDERERS:
            raise UnknownPlaceholder(f"{where}: 未知のプレースホルダ teichaku:{name}（使えるもの：{', '.join(RENDERERS)}）")
        return RENDERERS[name]()

    result = PLACEHOLDER.sub(replace, markdown)
    leftover = re.search(r"\{\{\s*teichaku[^}]*\}\}", result)
    if leftover:
        raise UnknownPlaceholder(f"{where}: 読めないプレースホルダ {leftover.group(0)}")
    return result


PRINT_FOOTER = (
    '<div class="print-footer" aria-hidden="true">出典：「就労定着支援の円滑な実施について」（平成31年3月29日 厚生労働省社会・援護局'
    "障害保健福祉部障害福祉課 事務連絡）別添 ／ このページ：{title} ／ サイトの作成日：{built}</div>"
)


# ---- MkDocs のフック ----

def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    try:
        return fill(markdown, page.file.src_path)
    except UnknownPlaceholder as error:
        from mkdocs.exceptions import PluginError

        raise PluginError(str(error)) from None


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    built = dt.date.today().isoformat()
    if page.file.src_path != "glossary.md":
        html_text = add_abbreviations(html_text)
    # 表の列揃え（style 属性）をクラスにする（CSP の style-src 'self' はインラインの style を許さない）
    html_text = re.sub(r'<(td|th) style="text-align: (left|right|center);">', r'<\1 class="align-\2">', html_text)
    if 'style="' in html_text:
        _fail(f"{page.file.src_path}: インラインの style 属性が残っています（CSP で無効になる）")
    return html_text + PRINT_FOOTER.format(title=html.escape(page.title or ""), built=built)


# ---- 日本語検索：Material の検索ワーカーを scripts/search_ja.js で包む ----

SEARCH_WRAPPER = ROOT / "scripts" / "search_ja.js"
SEARCH_WRAPPER_NAME = "search-ja.js"
_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/(search\.[0-9a-f]+\.min\.js)")


def _fail(message: str) -> NoReturn:
    from mkdocs.exceptions import PluginError

    raise PluginError(message)


# ---- Content-Security-Policy：自分のオリジンだけ（と Pyodide に要る 'wasm-unsafe-eval'）----

CSP_BASE = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(output: str) -> str:
    """ページのインラインスクリプト（Material の2つ）をハッシュで許可した CSP。"""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(output)})
    return CSP_BASE.format(hashes="".join(" " + h for h in hashes))


def on_post_page(output: str, page: Any, config: Any) -> str:
    """検索ワーカーを日本語用のラッパーに差し替え、CSP の meta を head の最初に置く。"""
    replaced, count = _MATERIAL_WORKER.subn(f"assets/javascripts/workers/{SEARCH_WRAPPER_NAME}", output, count=1)
    if count != 1:
        _fail(f"{page.file.src_path}: Material の検索ワーカーの指定が見つかりません（テーマの更新で変わった可能性）")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(replaced)}">'
    replaced, count = re.subn(r"(<meta charset=\"utf-8\">)", lambda m: m.group(1) + meta, replaced, count=1)
    if count != 1:
        _fail(f"{page.file.src_path}: <meta charset> が見つかりません")
    return replaced


# ---- ビルドの後：Pyodide（npm の固定版）と teichaku の wheel を同梱し、service worker を作る ----

PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "package.json")
SERVICE_WORKER = ROOT / "scripts" / "sw.js"
EXTRA_WHEELS = ROOT / ".venv" / "pyodide-wheels"  # scripts/setup.sh が requirements-dev.txt の固定版を置く
# service worker が最初の訪問で保存しないもの（オフラインでは不要）
_NOT_CACHED = ("sitemap.xml", "sitemap.xml.gz", "sw.js")


def build_wheel(target: Path) -> Path:
    """calculator/teichaku を py3-none-any の wheel にする（このコミットのソースから、pyproject.toml の hatchling で）。"""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", temp, str(ROOT)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            _fail(f"wheel を作れませんでした：\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        wheels = list(Path(temp).glob("teichaku-*-py3-none-any.whl"))
        if len(wheels) != 1:
            _fail(f"wheel が1つではありません：{wheels}")
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("teichaku-*.whl"):
            old.unlink()
        return Path(shutil.copy2(wheels[0], target / wheels[0].name))


def _site_urls(site: Path) -> list[str]:
    urls = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        if relative in _NOT_CACHED:
            continue
        if relative == "index.html":
            urls.append("./")
        elif relative.endswith("/index.html"):
            urls.append(relative[: -len("index.html")])
        else:
            urls.append(relative)
    return urls


def on_post_build(config: Any) -> None:
    import shutil

    site = Path(config["site_dir"])
    workers = site / "assets" / "javascripts" / "workers"
    found = sorted(path.name for path in workers.glob("search.*.min.js"))
    if len(found) != 1:
        _fail(f"Material の検索ワーカーが1つに定まりません: {found}")
    text = SEARCH_WRAPPER.read_text(encoding="utf-8").replace("__MATERIAL_WORKER__", found[0])
    (workers / SEARCH_WRAPPER_NAME).write_text(text, encoding="utf-8")

    if not (PYODIDE_DIR / "pyodide.mjs").exists():
        _fail("node_modules/pyodide がありません。scripts/setup.sh（npm ci）を実行してください。")
    runtime = site / "pyodide"
    runtime.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(PYODIDE_DIR / name, runtime / name)
    wheel = build_wheel(site / "wheels")
    extras = []
    for path in sorted(EXTRA_WHEELS.glob("*.whl")) if EXTRA_WHEELS.exists() else []:
        shutil.copy2(path, site / "wheels" / path.name)
        extras.append(f"wheels/{path.name}")
    if not any("openpyxl" in name for name in extras):
        _fail(".venv/pyodide-wheels に openpyxl の wheel がありません。scripts/setup.sh を実行してください。")
    (site / "assets" / "calc" / "build.json").write_text(
        json.dumps({"wheel": f"wheels/{wheel.name}", "pyodide": "pyodide/", "xlsx_wheels": extras}, ensure_ascii=False),
        encoding="utf-8")
    # 名簿のテンプレート（CSV と Excel）：teichaku.roster から作る
    from teichaku import roster

    templates = site / "assets" / "roster"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "roster-template.csv").write_bytes(roster.template_csv())
    (templates / "roster-template.xlsx").write_bytes(roster.template_xlsx())

    urls = _site_urls(site)
    digest = hashlib.sha256()
    for url in urls:
        path = site / (url + "index.html" if url.endswith("/") else url)
        digest.update(url.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    version = digest.hexdigest()[:16]
    worker = SERVICE_WORKER.read_text(encoding="utf-8")
    worker = worker.replace("__VERSION__", version).replace("__PRECACHE__", json.dumps(urls, ensure_ascii=False))
    (site / "sw.js").write_text(worker, encoding="utf-8")


# ---- 用語集と、各ページの用語への説明（abbr） ----

GLOSSARY = ROOT / "scripts" / "data" / "glossary.toml"


def _glossary() -> list[dict[str, str]]:
    terms: list[dict[str, str]] = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    return terms


def glossary() -> str:
    lines = []
    for item in _glossary():
        lines += [item["term"], f":   {item['definition']}", ""]
    return "\n".join(lines)


RENDERERS["glossary"] = glossary

_SKIP_TAGS = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "svg", "title", "script", "style", "summary", "dt"}
_TAG = re.compile(r"(<[^>]+>)")


def add_abbreviations(html_text: str) -> str:
    """本文で最初に出てくる用語に <abbr title="説明"> を付ける（見出し・リンク・コード・用語集の見出し語は除く）。"""
    # 長い用語から先に探す（「就労定着支援員」を「就労定着支援」より先に）
    terms = sorted(_glossary(), key=lambda item: -len(item["term"]))
    done: set[str] = set()
    parts = _TAG.split(html_text)
    stack: list[str] = []
    for index, part in enumerate(parts):
        if part.startswith("<"):
            match = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if match and not part.endswith("/>"):
                closing, tag = match.group(1), match.group(2).lower()
                if tag in _SKIP_TAGS:
                    if closing and tag in stack:
                        while stack and stack.pop() != tag:
                            pass
                    elif not closing:
                        stack.append(tag)
            continue
        if stack or not part.strip():
            continue
        pieces: list[str] = [part]  # 付けた <abbr> は別の要素にして、その中（title 属性）を探さない
        for item in terms:
            term = item["term"]
            if term in done:
                continue
            for k, piece in enumerate(pieces):
                position = -1 if piece.startswith("<abbr") else piece.find(term)
                if position >= 0:
                    title = html.escape(item["definition"], quote=True)
                    pieces[k:k + 1] = [piece[:position], f'<abbr title="{title}">{term}</abbr>', piece[position + len(term):]]
                    done.add(term)
                    break
        text = "".join(pieces)
        parts[index] = text
    return "".join(parts)
