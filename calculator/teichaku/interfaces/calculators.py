"""計算機の登録簿：各計算機を一度だけ宣言する（キー、題、項目、計算、CLI の文）。

サイトのフォーム（ビルド時に生成）、Pyodide の窓口（teichaku.interfaces.web.run）、CLI のサブコマンドとフラグ
（teichaku.interfaces.cli）は、すべてここから作る。項目の表示名（label）はここにだけあり、規則は項目を **キー** で名指しする
（InputError(key, …)）。

入力は窓口で一度だけ読む（parse_inputs）：和暦・全角・Excel のセルの文字列を、日付・整数・有理数などの型つきの値に
する。読めない項目はまとめて（フォームの順に）返す。規則は型つきの値を受け取る。
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..rules.dates import ERAS, Month, date_text, fiscal_year_end, months_text, parse_date, parse_month
from ..rules.eligibility import check_eligibility
from ..rules.errors import InputError
from ..rules.fees import INCOME_CLASS_KEYS, INCOME_CLASSES, ClaimFacts, claim, facts_from_names, parse_concurrent
from ..rules.items import NO_CHECK, ClaimItem
from ..rules.new_office import new_office
from ..rules.numbers import decimal_text, parse_count, parse_decimal
from ..rules.params import ParameterSet, default_parameters, registry
from ..rules.retention import first_recalculation, retention_rate
from ..rules.services import EMPLOYER_KIND_KEYS, EMPLOYER_KINDS, SERVICES
from ..rules.staffing import staffing


def _era_of(day: _dt.date) -> tuple[str, str, int]:
    """和暦の元号・略字・年（date_text と同じ元号の表 ERAS から）。"""
    era = next(era for era in ERAS if day >= era.start)
    return era.name, era.letter, day.year - era.start.year + 1


def date_hint(today: _dt.date) -> str:
    """日付の項目の入力例：今月の1日を、受け付ける書き方で（「例：2026-12-01、2026/12/1、令和8年12月1日、R8.12.1」）。"""
    day = today.replace(day=1)
    name, letter, year = _era_of(day)
    shown = "元" if year == 1 else str(year)
    return (f"例：{day.isoformat()}、{day.year}/{day.month}/{day.day}、{name}{shown}年{day.month}月{day.day}日、"
            f"{letter}{year}.{day.month}.{day.day}（全角数字も可）")


def month_hint(today: _dt.date) -> str:
    """年月の項目の入力例：今月（フォームが既定で入れる月）を、西暦と和暦で（「例：2026-12、令和8年12月」）。"""
    name, _, year = _era_of(today)
    return f"例：{today.year}-{today.month:02d}、{name}{'元' if year == 1 else year}年{today.month}月"


def _last_fiscal_year_end(today: _dt.date) -> _dt.date:
    """today より前の直近の年度末日（名簿の年度末日の入力例。省略したときに使う日と同じ）。"""
    end = fiscal_year_end(today)
    return end.replace(year=end.year - 1) if end >= today else end


# 入力例は今月から作る（サイトはビルドした日の月。フォームも今月を既定で入れる）
DATE_HINT = date_hint(_dt.date.today())
MONTH_HINT = month_hint(_dt.date.today())
CURRENT_MONTH = "current-month"  # フォームを開いた月を入れておく（ブラウザの側で）

# 入力のありうる範囲（issue 18。この線を越える入力は、項目を名指しした入力の誤りにする）：
# - 日付・年月：今日から FUTURE_YEARS 年より先は誤り（支給決定・請求の見込みとして意味を持つ先の範囲を十分に超える）。
# - 人数・回数：COUNT_LIMIT を超えると誤り（1事業所の人数・回数・延べ人数としてありえない大きさ）。
# - 週の勤務時間：WEEK_HOURS を超えると誤り（1週は168時間）。常勤の勤務時間は0より大きい数。
FUTURE_YEARS = 10
COUNT_LIMIT = 100_000
WEEK_HOURS = 7 * 24
_NEGATIVE = re.compile(r"^[-−－ー‐]\s*[0-9０-９]")


def _today() -> _dt.date:
    return _dt.date.today()


def _future_limit() -> _dt.date:
    today = _today()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 2月29日
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def _not_negative(key: str, text: str) -> None:
    """「-1」は数として読めるが、許されない数：そう言う（「数として読めません」ではなく）。"""
    if _NEGATIVE.match(text.strip()):
        raise InputError(key, f"「{text.strip()}」は負の数です。0以上の数を入れてください。")


def _plausible(item: Field, value: Any) -> Any:
    """型つきの値が、ありうる範囲の内か（範囲はこのモジュールの先頭の定数）。"""
    if isinstance(value, Month):
        if value.first_day > _future_limit():
            raise InputError(item.key, f"{value.japanese()}は今日から{FUTURE_YEARS}年より先です。"
                                       f"{FUTURE_YEARS}年先までの年月を入力してください（年・元号を確かめてください）。")
    elif isinstance(value, _dt.date):
        if value > _future_limit():
            raise InputError(item.key, f"{date_text(value)}は今日から{FUTURE_YEARS}年より先です。"
                                       f"{FUTURE_YEARS}年先までの日付を入力してください（年・元号を確かめてください）。")
    elif item.kind == "count" and isinstance(value, int) and value > COUNT_LIMIT:
        raise InputError(item.key, f"{value:,}は大きすぎます。{COUNT_LIMIT:,}までの数を入力してください。")
    elif item.kind == "decimal" and item.key == "fulltime_hours" and value is not None and not 0 < value <= WEEK_HOURS:
        raise InputError(item.key, f"常勤の勤務時間は週の時間数です。0より大きく{WEEK_HOURS}以下の数を入力してください。")
    return value


@dataclass(frozen=True)
class Field:
    """計算機の一項目。key は安定した名前（共有リンク・CLI のフラグ・規則のエラーが使う）、label は表示名。

    kind：date / month / count / decimal / select / checkbox / checkboxes / hours / file。
    cli：CLI のフラグ（既定は --key を - でつないだもの）。cli_aliases：以前の名前など。
    invert：CLI では --no-… で偽にする checkbox（既定が「はい」のもの）。
    group：フォームでまとめて示す見出し。
    """

    key: str
    label: str
    kind: str
    hint: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str = ""
    aliases: tuple[str, ...] = ()
    cli: str = ""
    cli_aliases: tuple[str, ...] = ()
    cli_required: bool | None = None
    invert: bool = False
    group: str = ""
    since: str = ""  # この項目が意味を持つ最初の日（登録簿の事実：その加算・減算が存在する期間）
    until: str = ""
    choice_dates: tuple[tuple[str, str, str], ...] = ()  # (選択肢, 最初の日, 最後の日)：その月にある加算・減算だけを示すため
    # 選択肢の表示名（choices と同じ順。空なら choices をそのまま示す）。choices はフォーム・共有リンクが送る値（キー）
    choice_labels: tuple[str, ...] = ()
    # 選択肢ごとに、値として受け付ける以前の名（正式名・別名。以前の共有リンクが送った値）
    choice_names: tuple[tuple[str, ...], ...] = ()
    strict: bool = False  # select：選択肢（キーか表示名）以外を入力の誤りにする。偽なら表示名をキーにし、ほかは規則が読む

    @property
    def flag(self) -> str:
        return self.cli or "--" + self.key.replace("_", "-")


Inputs = Mapping[str, Any]


@dataclass(frozen=True)
class Calculator:
    key: str
    title: str
    command: str  # CLI のサブコマンド
    help: str
    fields: tuple[Field, ...]
    compute: Callable[[dict[str, Any]], Any]  # 型つきの入力 → 規則の結果（to_dict() と explanation を持つ）。パラメータ集合は束ねてある
    text: Callable[[dict[str, Any]], list[str]] = field(default=lambda d: [])  # CLI の要約（to_dict() から）

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def label(self, key: str) -> str:
        found = self.field(key)
        return found.label if found else key


# ---- 入力の読み取り（窓口で一度だけ） ----

def _raw_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value).strip()


def _many(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,、\n]", value)
    return [str(v).strip() for v in value if str(v).strip()]


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("on", "true", "1", "yes")


def parse_inputs(calc: Calculator, inputs: Inputs, cli: bool = False) -> tuple[dict[str, Any], list[InputError]]:
    """文字列の入力 → 型つきの値。読めない項目は InputError をまとめて返す（フォームの順）。空の任意項目は None。

    cli が真なら、必須かどうかは CLI の決まり（cli_required）による（--month を省略できるなど）。
    """
    values: dict[str, Any] = {}
    errors: list[InputError] = []
    for item in calc.fields:
        raw = inputs.get(item.key)
        required = item.required if not cli or item.cli_required is None else item.cli_required
        try:
            values[item.key] = _parse(item, raw, required)
        except InputError as error:
            errors.append(error)
    return values, errors


def parse_inputs_for(fields: tuple[Field, ...], inputs: Inputs, keys: tuple[str, ...]) -> dict[str, Any]:
    """項目 keys だけを読む（名簿の常勤の勤務時間など、計算機の外で読む項目）。誤りは InputError（複数なら InputErrors）。"""
    values: dict[str, Any] = {}
    errors: list[InputError] = []
    for item in fields:
        if item.key in keys:
            try:
                values[item.key] = _parse(item, inputs.get(item.key), False)
            except InputError as error:
                errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    return values


def _parse(item: Field, raw: Any, required: bool) -> Any:
    kind = item.kind
    if kind == "checkbox":
        if raw is None or raw == "":
            return item.default == "on" and raw is None
        return _flag(raw)
    if kind == "checkboxes":
        return tuple(_many(raw))
    if kind == "hours":
        rows = _many(raw) if not isinstance(raw, list) else [str(v).strip() for v in raw]
        if not any(rows):
            return None
        parsed = []
        for index, text in enumerate(rows):
            if not text:
                raise InputError(item.key, "勤務時間を入力してください（空の行は削除してください）。", index)
            try:
                _not_negative(item.key, text)
                parsed.append(parse_decimal(text, item.key))  # 1週の時間を超えるかは規則（staffing）が見る
            except InputError as error:
                raise InputError(item.key, error.message, index) from None
        return tuple(parsed)
    text = _raw_text(raw)
    if not text:
        if required:
            raise InputError(item.key, "入力してください。")
        return None
    if kind == "date":
        return _plausible(item, parse_date(text, item.key))
    if kind == "month":
        return _plausible(item, parse_month(text, item.key))
    if kind == "count":
        _not_negative(item.key, text)
        if len(re.sub(r"\D", "", unicodedata.normalize("NFKC", text)).lstrip("0")) > len(str(COUNT_LIMIT)):  # 桁の多すぎる数
            raise InputError(item.key, f"「{text}」は大きすぎます。{COUNT_LIMIT:,}までの数を入力してください。")
        return _plausible(item, parse_count(text, item.key))
    if kind == "decimal":
        _not_negative(item.key, text)
        return _plausible(item, parse_decimal(text, item.key))
    if kind == "select" and item.choice_labels:  # 値はキー。表示名（以前のリンク・スクリプトの値）も受け付けてキーにする
        for choice, label in zip(item.choices, item.choice_labels, strict=True):
            if text in (choice, label):
                return choice
        if not item.strict:
            return text  # 略称など：規則（parse_service など）が読み、知らない名はそこで名指しした誤りにする
        raise InputError(item.key, f"「{text}」は選べません。{'、'.join(c for c in item.choice_labels if c)}のいずれかです。")
    return text


# ---- 計算機 ----

# 前サービスの選択肢（キー）：対象になるサービスを先に、次に対象外のもの。区分だけの名（自立訓練・就労継続支援）は選択肢に
# 出さない（入力としては受け付ける）
_QUALIFYING_FIRST = ("iko", "keizoku_a", "keizoku_b", "seikatsu_kaigo", "jiritsu_kunren_kino", "jiritsu_kunren_seikatsu")
_CATEGORY_ONLY = ("jiritsu_kunren", "keizoku")
SERVICE_KEYS = _QUALIFYING_FIRST + tuple(
    s.key for s in SERVICES if s.key not in _QUALIFYING_FIRST and s.key not in _CATEGORY_ONLY
)
_SERVICE_NAMES = {s.key: s.name for s in SERVICES}
SERVICE_CHOICES = tuple(_SERVICE_NAMES[key] for key in SERVICE_KEYS)

def _latest(params: ParameterSet, name: str) -> Any:
    """項目の表示名・説明に示すパラメータの値：最後に効力を持つ値（表示名・説明はどの月にも同じ文なので、今の制度の値。
    規則の計算は、その月・その日の値を読む）。"""
    values = [value for value in params.get(name).values if not value.ended]
    return values[-1].value


def _retention_fields(params: ParameterSet) -> tuple[Field, ...]:
    years = _latest(params, "retention.lookback_years")
    return (
        Field("users", f"過去{years}年間の総利用者数", "count", f"過去{years}年間に就労定着支援を利用した者の数（人）", required=True),
        Field("retained", "就労が継続している者の数", "count",
              "そのうち前年度末日に就労が継続している者の数（本通知 問1・問2 の言い方）。問2で除外する退職者は含めない", required=True),
        Field("excluded", "問2による除外数", "count", "利用期間満了後、同年度内に退職した者の数（いなければ0）", default="0"),
    )


def _eligibility(v: dict[str, Any], params: ParameterSet) -> Any:
    return check_eligibility(v["employed"], v["prior_service"], v["start"], v["prior_service_end"], parameters=params,
                             employer_kind=v.get("employer_kind"), left_on=v.get("left_on"), reemployed_on=v.get("reemployed_on"))


def _eligibility_text(d: dict[str, Any]) -> list[str]:
    lines = [f"判定：{'利用できる' if d['eligible'] else '利用できない'}",
             f"最も早い利用開始日：{d['earliest_start']}", f"支給決定できる最後の日：{d['latest_end']}"]
    if d["eligible"] and d["support_ends"]:  # 支援は離職日で終わる：その後の日を支給決定できる日として示さない
        lines[0] = f"判定：離職日{d['support_ends']}まで利用できる（その後は利用できない）"
        lines[2] = f"支給決定できる最後の日：{d['support_ends']}（離職日。離職がなければ {d['latest_end']}）"
    lines += [f"支給決定期間：{p['start']} 〜 {p['end']}" for p in d["periods"]]
    lines += [f"理由：{r}" for r in d["reasons"]]
    return lines


def _retention(v: dict[str, Any], params: ParameterSet) -> Any:
    return retention_rate(v["users"], v["retained"], v["excluded"] or 0, v["scale_users"], month=v["month"], parameters=params)


def _retention_text(d: dict[str, Any]) -> list[str]:
    units = f"{d['base_units']:,}単位／月" if d["base_units"] is not None else d["base_units_note"]
    return [f"報酬表：{d['schedule']}（{d['schedule_since']}から）", f"就労定着率：{d['rate']}（{d['percent']}）",
            f"区分：{d['tier']}（{d['tier_rank']}番目）", f"基本報酬：{units}"]


def _staffing(v: dict[str, Any], params: ParameterSet) -> Any:
    return staffing(v["users"], list(v["hours"]) if v["hours"] else None, v["fulltime_hours"], v["total_user_months"],
                    v["placements"], parameters=params)


def _staffing_text(d: dict[str, Any]) -> list[str]:
    lines = [f"利用者数：{d['users']}人", f"就労定着支援員（常勤換算）の必要数：{d['support_staff_required']}以上",
             f"サービス管理責任者の必要数：{d['service_managers_required']}人以上"]
    if d["fte"] is not None:
        lines.append(f"常勤換算：{d['fte']}（基準を{'満たす' if d['meets'] else '満たさない'}）")
    return lines


_INCOME_CLASS_NAMES = {key: name for name, key in INCOME_CLASS_KEYS.items()}
# 登録簿の事実の種類 → フォームの項目の種類（percent は百分率の数、choice は選択肢）
_FACT_FIELD_KINDS = {"flag": "checkbox", "percent": "decimal", "choice": "select"}


def _entered(fact_kind: str, default: Any, value: Any) -> bool:
    """利用者が入れた事実か：チェックした flag（既定が「いいえ」のもの）、0より大きい回数、入れた日付・割合・選択肢。
    既定が「はい」の flag（支援レポートの共有・対面による支援・特別地域の対面など）は入れたことにしない。"""
    if fact_kind == "flag":
        return value is True and not default
    if fact_kind == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value not in (None, "", ())


def fact_requests(v: dict[str, Any], requested: tuple[str, ...],
                  parameters: ParameterSet | None = None) -> tuple[tuple[str, ...], list[str]]:
    """一つの事実に一つの問い（issue 18 の3）：入れた事実から請求する項目と、計算に使わなかった事実の注意。

    このサイトの決まり（いちばん単純で正直なもの）：一つの加算だけが読む事実を入れたら（回数が0より大きい、チェック
    した、日付を入れた）、その加算を請求したものとする。減算が、その事実をチェックすれば名指ししなくても適用される
    （rules.fees.reduction_indicated）のと同じ決まり。その加算も選んでいれば同じ。請求した加算がその月にない・要件を
    満たさないなら、結果の「算定しない項目と理由」に理由が出る（黙って落とさない）。
    いくつかの加算が読む事実（年度の会議の回数など）で、そのどれも選んでいなければ、計算に使わなかったことを
    注意に示す。返すのは（足した加算のキー、注意の文）。
    """
    reg = registry(parameters)
    readers: dict[str, list[ClaimItem]] = {}
    for item in reg.items:
        for key in item.facts:
            readers.setdefault(key, []).append(item)
    added: list[str] = []
    notes: list[str] = []
    for key, fact in reg.facts.items():
        if not _entered(fact.kind, fact.default, v.get(key)):
            continue
        items = readers.get(key, [])
        if any(item.key in requested or item.key in added or item.is_reduction for item in items):
            continue  # 請求した加算が読む、または減算の事実（減算は事実で適用される）
        if len(items) == 1:
            added.append(items[0].key)
            if items[0].counting == "percent_of_units":
                continue  # 加算率の加算（処遇改善加算）はいつも計算の対象：請求したものとして、その月になければ理由を示すだけ
            month_of = v.get("month")
            name = items[0].name_on(month_of.first_day) if month_of else items[0].name
            notes.append(f"「{fact.label}」を入れたため、{name}を請求するものとして計算しました"
                         "（この事実を読む加算はこれだけです）。")
        elif items:
            month: Month | None = v.get("month")
            shown = [item for item in items if month is None or item.exists(month.first_day)] or items
            names = "・".join(item.name_on(month.first_day) if month else item.name for item in shown)
            notes.append(f"「{fact.label}」を入れましたが、この事実を読む加算（{names}）のどれも選んでいないため、"
                         "計算に使っていません。請求する加算を選んでください。")
    return tuple(added), notes


def claim_facts(v: dict[str, Any], parameters: ParameterSet | None = None) -> ClaimFacts:
    """フォーム・CLI の型つきの値 → ClaimFacts。加算・減算はキーで（以前の名も受け付けて）登録簿のキーにする。

    一つの加算だけが読む事実を入れたら、その加算を請求したものとする（fact_requests。減算が事実で適用されるのと同じ）。
    """
    month: Month | None = v.get("month")
    on = month.first_day if month else None
    requested, implied = facts_from_names(list(v.get("additions") or ()) + list(v.get("reductions") or ()), on, parameters)
    requested += fact_requests(v, requested, parameters)[0]
    reg = registry(parameters)
    facts: dict[str, Any] = {}
    for key, fact in reg.facts.items():
        value = v.get(key)
        if fact.kind == "flag":
            facts[key] = (fact.default if value is None else bool(value)) or bool(implied.get(key))
        else:
            facts[key] = value
        if fact.kind == "percent" and value is not None and not (0 < value < 100):
            raise InputError(key, "割合は百分率（%）で、0より大きく100未満の数を入力します（例：4.1）。")
    if facts.get("track_record_ended") is not None and facts.get("track_record_retained") is not None \
            and facts["track_record_retained"] > facts["track_record_ended"]:
        raise InputError("track_record_retained", "利用終了者数を超えています。")
    price = v.get("unit_price")
    if price is not None and not (Fraction(5) <= price <= Fraction(20)):  # 円で入れていない（銭・千円など）：誤り
        raise InputError("unit_price", f"1単位の単価は円で入力します（例：{_unit_price_range(parameters or default_parameters())}）。")
    return ClaimFacts(
        users=v["users"], retained=v["retained"], month=month, excluded=v.get("excluded") or 0, scale_users=v.get("scale_users"),
        support_start=v.get("support_start"), requested=requested, facts=facts,
        also_using=parse_concurrent(list(v.get("also_using") or ())), unit_price=price,
        income_class=_INCOME_CLASS_NAMES.get(v.get("income_class") or "", v.get("income_class") or None),
        resident=bool(v.get("resident")),
    )


def _unit_price_range(params: ParameterSet, on: _dt.date | None = None) -> str:
    """単価のありうる範囲（パラメータ fees.unit_price_low・fees.unit_price_high）の文：「10.00〜11.40円」。"""
    low = params.value("fees.unit_price_low", on) if on else _latest(params, "fees.unit_price_low")
    high = params.value("fees.unit_price_high", on) if on else _latest(params, "fees.unit_price_high")
    return f"{decimal_text(low, 2)}〜{decimal_text(high, 2)}円"


def _claim(v: dict[str, Any], params: ParameterSet) -> Any:
    facts = claim_facts(v, params)
    result = claim(facts, params)
    on = facts.month.first_day if facts.month else None
    chosen, _ = facts_from_names(list(v.get("additions") or ()) + list(v.get("reductions") or ()), on, params)
    for note in fact_requests(v, chosen, params)[1]:  # 事実から請求した加算と、計算に使わなかった事実：黙って落とさない
        result.warnings.append(note)
    price = facts.unit_price
    if price is not None:  # 公表の範囲の外の単価：計算はするが、はっきり注意を示す（項目を名指しして）
        on = result.explanation.on
        low, high = params.value("fees.unit_price_low", on), params.value("fees.unit_price_high", on)
        if not low <= price <= high:
            result.warnings.insert(0, f"1単位の単価（円）の{decimal_text(price)}円は、地域区分の単価の範囲"
                                      f"（{_unit_price_range(params, on)}）の外です。単価を確かめてください。")
    return result


def _fee_text(d: dict[str, Any]) -> list[str]:
    base = f"{d['base_units']:,}単位" if d["base_units"] is not None else d["base_units_note"]
    lines = [f"報酬表：{d['schedule']}（{d['schedule_since']}から）", f"基本報酬：{base}"]
    lines += [f"加算：{a['name']} {a['units']:,}単位" for a in d["additions"]]
    lines += [f"減算：{r['name']} −{r['units']:,}単位" for r in d["reductions"]]
    lines += [f"算定しない：{r['name']}（{r['reason']}）" for r in d["rejected"]]
    lines += [f"含まない：{n['name']}（{n['reason']}）" for n in d["not_covered"]]
    if d["total_units"] is not None:
        lines.append(f"{d['total_label']}：{d['total_units']:,}単位")
    else:
        lines.append(f"{d['total_label']}：示せません（基本報酬が{d['base_units_note']}）")
    if d.get("yen") is not None:
        lines.append(f"総費用額：{d['yen']:,}円（単価{d['unit_price']}円）")
    if d.get("user_charge") is not None:
        lines.append(f"利用者負担（見込み）：{d['user_charge']:,}円（1割相当額 {d['user_charge_tenth']:,}円）")
        lines.append(f"訓練等給付費（見込み）：{d['benefit']:,}円")
    lines += [f"注意：{w}" for w in d["warnings"]]
    return lines


def _first(v: dict[str, Any], params: ParameterSet) -> Any:
    return first_recalculation(v["designated"], parameters=params)


def _first_text(d: dict[str, Any]) -> list[str]:
    return [f"算出の基準日：{d['count_date']}", f"適用：{d['applies_from']} 〜 {d['applies_until']}"]


def _new_office(v: dict[str, Any], params: ParameterSet) -> Any:
    return new_office(v["designated"], v["on"], v["settled_six_months"], v["settled_six_months_at_application"],
                      v["retained"], v["placed"], v["recent_user_months"], parameters=params)


def _new_office_text(d: dict[str, Any]) -> list[str]:
    lines = [f"段階：{d['stage']}", f"報酬の利用者数：{d['fee_users']}", f"人員基準上の利用者数：{d['staffing_users']}"]
    if d["rate"]:
        lines.append(f"就労定着率（推定）：{d['rate']}（{d['percent']}）区分「{d['tier']}」")
    return lines + [f"注：{n}" for n in d["notes"]]


def _iso(day: _dt.date | None) -> str:
    return day.isoformat() if day else ""


def _income_hint(params: ParameterSet) -> str:
    """所得区分の説明：月額上限はパラメータ（fees.user_charge_cap_*）の値から（ヒントに数字を書き写さない）。"""
    parts = []
    for name, key in INCOME_CLASSES.items():
        values = sorted({value.value for value in params.get(key).values if not value.ended})
        parts.append(f"{name} " + "・".join(f"{amount:,}円" for amount in values))
    return f"利用者負担の月額上限（{'、'.join(parts)}）"


def _billing_periods(params: ParameterSet, condition: str) -> tuple[str, str]:
    """基本報酬の要件 condition が fees.billing_condition で効力を持つ期間（最初の日、最後の日。終わりがなければ ""）。"""
    values = params.get("fees.billing_condition").values
    spans = [(value.since, value.until) for value in values if not value.ended and value.value == condition]
    if not spans:
        return "", ""
    last = spans[-1][1]
    return _iso(spans[0][0]), _iso(last - _dt.timedelta(days=1)) if last else ""


def claim_fields(parameters: ParameterSet | None = None) -> tuple[Field, ...]:
    """月の請求の項目：基本の項目に、登録簿の加算・減算とその事実（登録簿から。加算を増やしてもコードを変えない）。

    加算・減算の選択肢の値は登録簿のキー（フォーム・共有リンク・CLI が送る）、表示は正式名。基本報酬の要件の事実
    （[billing]）は、パラメータ fees.billing_condition がその要件を使う期間だけ示す。
    """
    params = parameters or default_parameters()
    reg = registry(params)
    additions = tuple(i for i in reg.items if not i.is_reduction and (i.facts or i.check != NO_CHECK))
    reductions = tuple(i for i in reg.items if i.is_reduction)

    def choices(items: tuple[ClaimItem, ...]) -> dict[str, Any]:
        return {"choices": tuple(i.key for i in items), "choice_labels": tuple(i.name for i in items),
                "choice_names": tuple(i.all_names() for i in items),
                "choice_dates": tuple((i.key, _iso(i.first_day), _iso(i.last_day)) for i in items)}

    billing_facts = reg.billing_fact_keys()
    billing_fields: list[Field] = []
    for key in billing_facts:
        fact = reg.facts[key]
        spans = [_billing_periods(params, c.key) for c in reg.billing.values() if c.fact == key]
        since = min((a for a, _ in spans if a), default="")
        until = "" if any(not b for _, b in spans) else max(b for _, b in spans)
        billing_fields.append(Field(key, fact.label, "checkbox", fact.hint, default="on" if fact.default else "",
                                    invert=fact.default, cli="--no-" + key.replace("_", "-") if fact.default else "",
                                    since=since, until=until))
    fact_fields: list[Field] = []
    for key, fact in reg.facts.items():
        if key in billing_facts:
            continue
        users = [i for i in reg.items if key in i.facts or key in i.presumed_facts]
        first = min(i.first_day for i in users) if users else None
        lasts = [i.last_day for i in users]
        last = None if not users or any(day is None for day in lasts) else max(d for d in lasts if d is not None)
        reduction = bool(users) and all(i.is_reduction for i in users)
        choice = fact.kind == "choice"
        fact_fields.append(Field(
            key, fact.label, _FACT_FIELD_KINDS.get(fact.kind, fact.kind), fact.hint,
            group="事業所についての事実（減算）" if reduction else "加算の要件",
            since=_iso(first), until=_iso(last),
            choices=("", *fact.choices) if choice else (), choice_labels=("", *fact.choice_labels) if choice else (),
            strict=choice,
            # 入力がなければ「はい」とする事実：フォームでは最初からチェック、CLI では --no-… で「いいえ」
            default="on" if fact.default else "", invert=fact.default,
            cli="--no-" + key.replace("_", "-") if fact.default else "",
        ))
    return (
        Field("month", "サービス提供月", "month", "請求する月（この月に効力を持つ報酬表・加算・減算を使います）。" + MONTH_HINT,
              required=True, default=CURRENT_MONTH, cli_required=False),
        *_retention_fields(params),
        Field("scale_users", "利用者数規模（平均利用者数）", "decimal", "前年度の平均利用者数（例：12.5）。" + _scale_hint(params)),
        *billing_fields,
        Field("additions", "加算", "checkboxes", "請求したい加算（その月にないものは理由つきで算定しません）",
              cli="--addition", **choices(additions)),
        Field("reductions", "減算（名で指定）", "checkboxes", "当てはまる減算（下の事業所についての事実と同じ）",
              cli="--reduction", **choices(reductions)),
        Field("support_start", "利用開始日", "date",
              f"企業連携等調整特別加算（支援開始{months_text(_latest(params, 'fees.company_coordination_months'))}以内）の判定・"
              "利用開始前の月の判定に使います"),
        *fact_fields,
        Field("also_using", "併用しているサービス", "checkboxes", "併給調整の対象（警告を示します）",
              choices=("自立生活援助", "自立訓練（生活訓練）", "職場適応援助者に係る助成金"), cli="--also-using"),
        Field("unit_price", "1単位の単価（円）", "decimal",
              f"事業所が請求に使う単価（地域区分による。{_unit_price_range(params)}。範囲の外は注意を示します）。"
              "入れると金額と利用者負担の見込みを示します"),
        Field("income_class", "利用者負担の所得区分", "select", _income_hint(params),
              choices=("", *INCOME_CLASS_KEYS.values()), choice_labels=("", *INCOME_CLASS_KEYS), strict=True),
        Field("resident", "入所施設（20歳以上）・グループホームの入居者", "checkbox",
              "障害者支援施設などに入所している20歳以上の人、またはグループホームに入居している人。一般1の所得でも一般1の"
              "上限は当たらず、一般2と同じ上限になります"),
    )


def _scale_hint(params: ParameterSet) -> str:
    """利用者数規模が要る月：報酬表（fees.base_fee）が規模の区分を持つ期間の最後の月まで（パラメータから）。"""
    values = params.get("fees.base_fee").values
    last = None
    for value in values:
        if not value.ended and len(value.value.scales) > 1 and value.until is not None:
            last = value.until - _dt.timedelta(days=1)
    if last is None:
        return "利用者数による規模のある報酬表の月に使います"
    after = Month.of(last + _dt.timedelta(days=1)).japanese()
    return f"{Month.of(last).japanese()}までの月にだけ使います（{after}からの報酬表には利用者数による区分がありません）"


def build(parameters: ParameterSet) -> dict[str, Calculator]:
    """パラメータ集合 parameters の計算機の登録簿（キー → 計算機）。計算はこの集合で行い、請求の項目はその登録簿から作る。

    改定（別の data/ のディレクトリを load_parameters で読んだもの）を、環境変数もサブプロセスも使わずに試せる。
    """
    params = parameters
    out: dict[str, Calculator] = {}
    minimum = _latest(params, "staffing.fulltime_min_hours")
    body_years = _latest(params, "staffing.implementing_body_years")

    def add(calc: Calculator) -> None:
        out[calc.key] = calc

    def bind(rule: Callable[[dict[str, Any], ParameterSet], Any]) -> Callable[[dict[str, Any]], Any]:
        return lambda values: rule(values, params)

    add(Calculator("eligibility", "利用期間（対象者・利用開始日・支給決定期間）", "eligibility", "対象者・利用期間・支給決定期間", (
        Field("prior_service", "前サービス", "select", "就職する前に利用していた障害福祉サービス", required=True,
              choices=SERVICE_KEYS, choice_labels=SERVICE_CHOICES),
        Field("employed", "就職日", "date", DATE_HINT, required=True),
        Field("employer_kind", "就職先の種類", "select", "就労継続支援A型事業所への雇用は「通常の事業所」への就職にあたりません",
              choices=tuple(EMPLOYER_KIND_KEYS.values()), choice_labels=EMPLOYER_KINDS, default=EMPLOYER_KIND_KEYS[EMPLOYER_KINDS[0]]),
        Field("start", "利用開始日", "date", "希望する就労定着支援の利用開始日（省略すると最も早い日）"),
        Field("prior_service_end", "前サービスの利用終了日", "date", "就職後も前サービスを利用した場合だけ"),
        Field("left_on", "離職日", "date", "利用中に転職した場合の、前の職場の離職日"),
        Field("reemployed_on", "再就職日", "date",
              f"転職先に雇用された日（離職後{months_text(_latest(params, 'periods.job_change_reemployment_months'))}以内・"
              f"利用中{_latest(params, 'periods.job_change_limit')}回限りなら就労継続として扱います）"),
    ), bind(_eligibility), _eligibility_text))

    add(Calculator("retention", "就労定着率と基本報酬", "retention", "就労定着率・区分・基本報酬", (
        Field("month", "サービス提供月", "month", "報酬を算定する月（この月に効力を持つ報酬表を使います）。" + MONTH_HINT,
              required=True, default=CURRENT_MONTH, cli_required=False),
        *_retention_fields(params),
        Field("scale_users", "利用者数規模（平均利用者数）", "decimal",
              "前年度の平均利用者数（例：12.5）。" + _scale_hint(params) + "。省略すると単位数は示しません"),
    ), bind(_retention), _retention_text))

    add(Calculator("claim", "月の請求（基本報酬・加算・減算）", "fee", "１か月の請求（基本報酬・加算・減算）",
                   claim_fields(params), bind(_claim), _fee_text))

    add(Calculator("staffing", "人員配置（就労定着支援員・サービス管理責任者）", "staffing",
                   "人員基準（就労定着支援員・サービス管理責任者）", (
        Field("users", "利用者数", "decimal", "前年度の平均利用者数（例：45）。延べ利用者数を入れる場合は空けてください"),
        Field("total_user_months", "延べ利用者数", "count",
              f"前年度の延べ利用者数（{_latest(params, 'staffing.average_users_months')}で割って平均を求めます）"),
        Field("hours", "勤務時間", "hours", "就労定着支援員ごとの週の勤務時間（時間）。行を追加・削除できます"),
        Field("fulltime_hours", "常勤の勤務時間", "decimal",
              f"常勤の従業者が勤務すべき週の時間数（就業規則、{minimum}時間を下回る場合は{minimum}時間）"),
        Field("placements", f"過去{body_years}年間の一般就労者数", "count",
              f"基準省令第206条の7の実施主体の要件（過去{body_years}年間に通常の事業所に雇用させた障害者の数）"),
    ), bind(_staffing), _staffing_text))

    add(Calculator("first_recalculation", "新規指定から1年経過後の就労定着率（問1）", "first-recalculation",
                   "問1：新規指定から1年経過後の就労定着率", (
        Field("designated", "指定日", "date", "新規に指定を受けた日。" + DATE_HINT, required=True),
    ), bind(_first), _first_text))

    add(Calculator("new_office", "新規指定時の利用者数・就労定着率（問3）", "new-office", "問3：新規指定の利用者数・就労定着率の推定", (
        Field("designated", "指定日", "date", DATE_HINT, required=True),
        Field("on", "基準日", "date", "利用者数・就労定着率を求める日", required=True),
        Field("settled_six_months", "過去3年間の6月定着者数", "count", "指定を受ける前月末から起算（指定から6月未満の段階で使います）"),
        Field("settled_six_months_at_application", "過去3年間の6月定着者数（申請日から起算）", "count", "人員基準用。省略すると上と同じ"),
        Field("recent_user_months", "直近の延べ利用者数", "count", "6月以上1年未満は直近6月、1年以上は直近1年間の延べ利用者数"),
        Field("retained", "定着者数", "count", "就労定着率の推定に使います"),
        Field("placed", "過去3年間の就職者数", "count", "就労定着率の推定に使います"),
    ), bind(_new_office), _new_office_text))
    return out


_BUILT: dict[int, tuple[ParameterSet, dict[str, Calculator]]] = {}


def calculators(parameters: ParameterSet | None = None) -> dict[str, Calculator]:
    """パラメータ集合（既定は teichaku.rules.params.default_parameters()）の計算機の登録簿（集合ごとに一度だけ作る）。"""
    params = parameters or default_parameters()
    found = _BUILT.get(id(params))
    if found is None or found[0] is not params:
        found = _BUILT[id(params)] = (params, build(params))
    return found[1]


CALCULATORS: dict[str, Calculator] = calculators()


ROSTER_FIELDS = (
    Field("file", "名簿ファイル", "file", "CSV（UTF-8 または Shift_JIS）か Excel（.xlsx）。ファイルはこのページの中だけで読み、"
          "どこにも送りません", required=True),
    Field("fiscal_year_end", "年度末日", "date", f"集計する年度の末日（例：{_last_fiscal_year_end(_dt.date.today()).isoformat()}）。"
          "省略すると直近の年度末日"),
    Field("fulltime_hours", "常勤の勤務時間", "decimal", "常勤の従業者が勤務すべき週の時間数（人員基準の常勤換算に使います）"),
)

ROSTER_TITLE = "事業所の名簿（年度の就労定着率・利用者数・人員・請求）"


def compute(key: str, inputs: Inputs, cli: bool = False,
            parameters: ParameterSet | None = None) -> tuple[Any, dict[str, Any]]:
    """計算機 key を文字列の入力で実行する：読み取り（誤りはまとめて InputErrors）→ 規則（パラメータ集合 parameters、
    既定は default_parameters()）。"""
    calc = calculators(parameters)[key]
    values, errors = parse_inputs(calc, inputs, cli)
    if errors:
        raise InputErrors(errors)
    return calc.compute(values), values


class InputErrors(Exception):
    """読み取りの誤りのまとめ（フォームの順）。"""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))
