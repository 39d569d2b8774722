"""表示の部品（窓口の一か所）：CLI・計算機の画面（web）・サイトの表が同じ書き方をするためのもの。

- 日付：`date_text`（teichaku.rules.dates。「2019年10月1日（令和元年10月1日）」）。規則も手順の文にこれを使う。
  ISO（2019-10-01）は JSON のデータ・CSV・Excel にだけ。結果の辞書（to_dict）の ISO の項目から書くときは
  `data_date_text`・`data_month_text`（文の中の日付を書き換えるのではなく、日付の項目そのものを読む）。
- 期間：`period_text`（「…から…まで」「…から」）。
- 区分の範囲：`tier_range`（teichaku.rules.retention。規則の手順の文と同じ書き方）。
- 基本報酬の表（区分 × 利用者数規模）：`fee_grid` が行と列を作り、画面は辞書に、サイトは Markdown にする。
- 加算・減算の値：`item_value_text`（単位数と数え方・上限、割合、廃止、未確認）。上限を合わせて数える項目は登録簿から
  名指しする（`shared_limit_names`：「地域連携会議実施加算（Ⅰ）（Ⅱ）合わせて」）。
- 出典：`instrument_text`（文書の題名と日付）、`confidence_text`（確度「高・中・低」と照合した資料）。リポジトリの中の
  調べた記録のパス（sources/…）は読者に見せない（`reader_text`）。数字は半角（`half_width_digits`）。
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..rules.citations import Citation, Document
from ..rules.dates import Month, date_text
from ..rules.items import ClaimItem, ItemValue
from ..rules.numbers import percent_text, truncate
from ..rules.params import FeeSchedule, Tier
from ..rules.retention import tier_range

__all__ = ["CONFIDENCE", "ENDED", "NOT_FOUND", "FeeGrid", "base_units_text", "confidence_text", "data_date_text",
           "data_month_text", "date_text", "fee_grid", "half_width_digits", "instrument_text", "item_value_text", "period_text",
           "reader_text", "shared_limit_names", "tier_range", "units_text"]

ENDED = "（この日から廃止・なし）"


def data_date_text(value: Any) -> Any:
    """結果のデータの日付の項目（ISO "2019-10-01"）→ date_text。空は「—」、日付でない値（「—」、入力の引用）はそのまま。"""
    if value is None or value == "":
        return "—"
    if not isinstance(value, str):
        return value
    try:
        return date_text(_dt.date.fromisoformat(value))
    except ValueError:
        return value


def data_month_text(value: Any) -> Any:
    """結果のデータの年月の項目（ISO "2019-04"）→「2019年4月」。年月でない値はそのまま。"""
    if isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit() \
            and 1 <= int(value[5:]) <= 12:
        return Month(int(value[:4]), int(value[5:])).japanese()
    return value


def period_text(since: _dt.date, last: _dt.date | None) -> str:
    """値が効力を持つ期間：「2021年4月1日（令和3年4月1日）から2024年3月31日（令和6年3月31日）まで」、終わりがなければ「…から」。"""
    return f"{date_text(since)}から" + (f"{date_text(last)}まで" if last is not None else "")


def units_text(units: int | None, schedule: FeeSchedule) -> str:
    """基本報酬の表の欄：「3,200単位／月」、記載のない欄は報酬表の短い語（「本通知に記載なし」など）。"""
    return base_units_text(units, schedule.missing_label)


def base_units_text(units: int | None, note: str | None) -> str:
    """結果の基本報酬：「3,200単位／月」、単位数がなければ規則の注（base_units_note）。"""
    return f"{units:,}単位／月" if units is not None else (note or "—")


@dataclass(frozen=True)
class FeeGrid:
    """基本報酬の表：列（区分、範囲、規模ごと）と行（区分ごと）。current は強調する行・列（なければ None）。"""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Tier, tuple[str, ...]], ...]
    current_row: int | None
    current_column: int | None


def fee_grid(schedule: FeeSchedule, tiers: tuple[Tier, ...], current_rank: int | None = None,
             current_scale: str | None = None) -> FeeGrid:
    """区分 × 利用者数規模の基本報酬表（報酬表のパラメータから、ここだけで組み立てる）。"""
    columns = ("就労定着率の区分", "範囲", *(scale.label for scale in schedule.scales))
    rows = tuple(
        (tier, (tier.label, tier_range(tier),
                *(units_text(schedule.units(tier.label, scale.key), schedule) for scale in schedule.scales)))
        for tier in tiers
    )
    current_row = next((i for i, tier in enumerate(tiers) if tier.rank == current_rank), None)
    labels = [scale.label for scale in schedule.scales]
    current_column = 2 + labels.index(current_scale) if current_scale in labels else None
    return FeeGrid(schedule.name, columns, rows, current_row, current_column)


_COUNTING = {"per_month": "1月につき", "per_time": "1回につき", "once": "1回限り", "percent": "所定単位数に対する割合"}


def _overlaps(first: ItemValue, second: ItemValue) -> bool:
    """二つの値の期間が一日でも重なるか（廃止の値は期間を持たない）。"""
    if first.ended or second.ended:
        return False
    first_last, second_last = first.last_day, second.last_day
    return (first_last is None or second.since <= first_last) and (second_last is None or first.since <= second_last)


def _joined_names(names: Sequence[str]) -> str:
    """「地域連携会議実施加算（Ⅰ）」「地域連携会議実施加算（Ⅱ）」→「地域連携会議実施加算（Ⅰ）（Ⅱ）」。名の前半が違えば「・」でつなぐ。"""
    stems = {name.split("（", 1)[0] for name in names}
    if len(stems) == 1 and all("（" in name for name in names):
        stem = stems.pop()
        return stem + "".join(name[len(stem):] for name in names)
    return "・".join(names)


def shared_limit_names(item: ClaimItem, value: ItemValue, items: Sequence[ClaimItem]) -> str | None:
    """上限を合わせて数える項目（登録簿の limit_group が同じで、value の期間に存在するもの）の名。自分だけなら None。"""
    if not item.limit_group:
        return None
    names: list[str] = []
    for other in items:
        if other.limit_group != item.limit_group:
            continue
        for other_value in other.values:
            if other is item and other_value is not value:
                continue
            if other is item or _overlaps(value, other_value):
                name = other_value.name or other.name
                if name not in names:
                    names.append(name)
    return _joined_names(names) if len(names) > 1 else None


def item_value_text(item: ClaimItem, value: ItemValue, items: Sequence[ClaimItem]) -> str:
    """加算・減算の一つの値：「500単位（1月につき）」「… 上限 1月に1回・1年に4回（地域連携会議実施加算（Ⅰ）（Ⅱ）合わせて）」、
    「所定単位数の10%を減算」、廃止・未確認。items は登録簿の項目（上限を合わせて数える項目を名指しするため）。"""
    if value.ended:
        return ENDED
    if value.not_covered:
        return f"記載なし（未確認）：{value.not_covered}"
    if value.exempt:
        return f"適用しない：{value.exempt}"
    if value.rate is not None:
        return f"所定単位数の{percent_text(value.rate, 0)}を減算"
    if value.steps:  # 状態が続いた月数で割合が変わる減算（percent_by_months）
        return value.steps_text()
    if value.formula:  # 事業所の割合を乗じる加算（percent_of_units、処遇改善加算）
        return value.formula
    limits = ([f"1月に{value.per_month}回"] if value.per_month is not None else []) + \
        ([f"1年に{value.per_year}回"] if value.per_year is not None else [])
    text = f"{value.units:,}単位（{_COUNTING.get(item.counting, item.counting)}）"
    if not limits:
        return text
    shared = shared_limit_names(item, value, items)
    return text + f"、上限 {'・'.join(limits)}" + (f"（{shared}合わせて）" if shared else "")


# ---- 出典 ----

NOT_FOUND = "公開の所在は未確認"
CONFIDENCE = {"high": "高", "medium": "中", "low": "低"}
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# 調べた記録のパス（「sources/current-regime.md 1a・1b」「… 8.1(c)」）と、ほかの ASCII のファイルのパス（「doc/H17/H17HO123.rst」）。
# アドレス（https://…）は残す。
_RESEARCH_PATH = re.compile(r"sources/[\w.-]+\.md(?:\s+[0-9a-z][0-9a-z.()]*(?:[・,、][0-9a-z][0-9a-z.()]*)*)?")
_FILE_PATH = re.compile(r"(?<![\w:/.-])(?:[A-Za-z0-9_.-]+/)+[A-Za-z0-9_.-]+(?![\w/])")
_ADDRESS = re.compile(r"(https?://[^\s)）」]+)")


def half_width_digits(text: str) -> str:
    """全角の数字を半角に（このサイトの文の書き方。本通知の引用「」はこれを通さずに示す）。"""
    return text.translate(_FULL_WIDTH_DIGITS)


def percent_shown(rate: Fraction, places: int = 2) -> str:
    """就労定着率の百分率の表示（percent_text、括弧の中に置く形）。端数を切り捨てたときはそう言う：
    「88.88%、小数第3位以下切り捨て」。区分の判定は切り捨てない正確な値による（teichaku.rules.retention）。"""
    shown = percent_text(rate, places)
    if truncate(rate * 100, places) != rate * 100:
        return f"{shown}、小数第{places + 1}位以下切り捨て"
    return shown


def reader_text(text: str) -> str:
    """データの説明文を読者に見せる形：リポジトリの中のパスと、値のキーの見出し（「face_to_face：」）を除き、数字を半角に。"""
    parts = _ADDRESS.split(_RESEARCH_PATH.sub("", text))  # 奇数番目がアドレス（そのまま残す）
    text = "".join(part if index % 2 else _FILE_PATH.sub("", part) for index, part in enumerate(parts))
    text = re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+：", "", text)  # 「face_to_face：利用者との対面…」の見出しのキー
    # パスを除いて名詞を失った並び（「…ページと、 の概要）」）は、その並びごと除く
    text = re.sub(r"[とや]、[ \u3000]+の[^（）。、]*(?=[）。])", "", text)
    text = re.sub(r"[ \u3000]+(?=[）。、・])", "", text)
    text = re.sub(r"（[。、・\s]*", "（", text)
    text = re.sub(r"[。、・\s]*）", "）", text)
    text = text.replace("（）", "")
    return half_width_digits(text.strip())


def instrument_text(document: Document) -> str:
    """文書の題名と日付（題名が和暦の日付をすでに含むときは題名だけ）。"""
    shown = date_text(document.date) if document.date is not None else ""
    era = shown[shown.find("（") + 1:-1] if shown.endswith("）") else shown  # 和暦の部分「平成31年3月29日」
    if document.date is None or era in document.title:
        return document.title
    if document.title.endswith("）"):  # 「…の概要（厚生労働省）」→「…の概要（厚生労働省、2021年2月4日（令和3年2月4日））」
        return f"{document.title[:-1]}、{shown}）"
    return f"{document.title}（{shown}）"


def confidence_text(citation: Citation) -> str:
    """本通知以外の値の確度と照合した資料：「（確度：中。照合：二次情報（告示を引用する解説ページ））」。確度がなければ空。"""
    if not citation.confidence:
        return ""
    checked = reader_text(citation.checked_against or "")
    return f"（確度：{CONFIDENCE[citation.confidence]}" + (f"。照合：{checked}" if checked else "") + "）"
