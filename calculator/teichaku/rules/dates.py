"""日付の読み取りと、民法第140条・第143条による期間の計算。

入力は 2019-04-01、2019/4/1、2019年4月1日、平成31年4月1日、令和元年5月1日、R1.5.1、H31.4.1 を受け付け、
全角数字・全角記号も受け付ける（NFKC 正規化）。

元号の扱い（選択とその根拠）：
- 元号の始まる前の日付（令和元年4月1日、平成元年1月7日）は存在しないのでエラーにする。
- 元号の終わった後の年（平成32年4月1日など、改元前に印刷された様式に残る表記）は、その元号の
  年の数え方を延長して西暦に換算する（平成32年 → 2020年）。政府は改元後も旧元号表記の書類を有効
  として扱っており、様式からの転記を拒むより、換算した西暦日付を結果に明示する方が誤りに気づける。
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: _dt.date


ERAS = (
    Era("令和", "R", _dt.date(2019, 5, 1)),
    Era("平成", "H", _dt.date(1989, 1, 8)),
    Era("昭和", "S", _dt.date(1926, 12, 25)),
    Era("大正", "T", _dt.date(1912, 7, 30)),
    Era("明治", "M", _dt.date(1868, 1, 25)),
)
_ERA_BY_KEY = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}

_SEP = r"\s*[-/.]\s*"
_WESTERN = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$")
_WESTERN_KANJI = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_ERA_KANJI = re.compile(r"^(令和|平成|昭和|大正|明治)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_ERA_LETTER = re.compile(rf"^([RHSTM])\s*(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

_MONTH_WESTERN = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})$")
_MONTH_WESTERN_KANJI = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$")
_MONTH_ERA_KANJI = re.compile(r"^(令和|平成|昭和|大正|明治)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月?$")
_MONTH_ERA_LETTER = re.compile(rf"^([RHSTM])\s*(\d{{1,2}}){_SEP}(\d{{1,2}})$", re.IGNORECASE)

_ACCEPTED = "2019-04-01、2019/4/1、2019年4月1日、令和元年5月1日、R1.5.1 などの形式"
_ACCEPTED_MONTH = "2019-10、2019/10、2019年10月、令和元年10月、R1.10 などの形式"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace("ー", "-").replace("−", "-")


def _era_year(field: str, era_key: str, year_text: str) -> tuple[Era, int]:
    era = _ERA_BY_KEY[era_key.upper() if len(era_key) == 1 else era_key]
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise InputError(field, f"{era.name}0年はありません。")
    return era, era.start.year + year - 1


def _make_date(field: str, year: int, month: int, day: int, shown: str) -> _dt.date:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise InputError(field, f"「{shown}」は存在しない日付です。") from None


def parse_date(text: str | _dt.date, field: str) -> _dt.date:
    """日付の文字列を date にする。読めない・存在しない日付は field を名指しした InputError。"""
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, "日付を入力してください。")
    shown = text.strip()
    value = _normalize(text)
    for pattern in (_WESTERN, _WESTERN_KANJI, _COMPACT):
        match = pattern.match(value)
        if match:
            year, month, day = (int(group) for group in match.groups())
            return _make_date(field, year, month, day, shown)
    match = _ERA_KANJI.match(value) or _ERA_LETTER.match(value)
    if match:
        era, year = _era_year(field, match.group(1), match.group(2))
        result = _make_date(field, year, int(match.group(3)), int(match.group(4)), shown)
        if result < era.start:
            raise InputError(
                field,
                f"「{shown}」は{era.name}の始まり（{era.start.year}年{era.start.month}月{era.start.day}日）より前で、存在しない日付です。",
            )
        return result
    raise InputError(field, f"「{shown}」を日付として読めません。{_ACCEPTED}で入力してください。")


@dataclass(frozen=True, order=True)
class Month:
    """サービス提供月（YYYY-MM）。"""

    year: int
    month: int

    @property
    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> _dt.date:
        return _dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def japanese(self) -> str:
        return f"{self.year}年{self.month}月"

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @classmethod
    def of(cls, day: _dt.date) -> Month:
        return cls(day.year, day.month)


def parse_month(text: str | Month, field: str) -> Month:
    """サービス提供月の文字列を Month にする。"""
    if isinstance(text, Month):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, "年月を入力してください。")
    shown = text.strip()
    value = _normalize(text)
    year: int | None = None
    month: int | None = None
    match = _MONTH_WESTERN.match(value) or _MONTH_WESTERN_KANJI.match(value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        era = None
    else:
        match = _MONTH_ERA_KANJI.match(value) or _MONTH_ERA_LETTER.match(value)
        if not match:
            raise InputError(field, f"「{shown}」を年月として読めません。{_ACCEPTED_MONTH}で入力してください。")
        era, year = _era_year(field, match.group(1), match.group(2))
        month = int(match.group(3))
    if not 1 <= month <= 12:
        raise InputError(field, f"「{shown}」の月は1〜12で入力してください。")
    result = Month(year, month)
    if era is not None and result.last_day < era.start:
        raise InputError(field, f"「{shown}」は{era.name}の始まりより前で、存在しない年月です。")
    return result


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_end(first_day: _dt.date, months: int) -> _dt.date:
    """first_day を第1日（初日算入）とする months 月の期間の末日（民法第143条）。

    民法第140条ただし書：期間が午前零時から始まるときは初日を算入する。就職日は午前零時から就労継続期間が
    始まる日として扱う（報酬の留意事項通知の例「令和6年4月1日に就職した者は、令和6年9月30日に6月に達した者」）。
    民法第143条第2項：最後の月において起算日に応当する日の前日に満了し、応当する日がないときはその月の末日に満了する。
    """
    if months < 1:
        raise ValueError("months must be positive")
    index = first_day.year * 12 + (first_day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    if first_day.day > days_in_month(year, month):
        return _dt.date(year, month, days_in_month(year, month))
    return _dt.date(year, month, first_day.day) - _dt.timedelta(days=1)


def fiscal_year_end(day: _dt.date) -> _dt.date:
    """day を含む年度（4月1日〜翌年3月31日）の末日。"""
    return _dt.date(day.year if day.month < 4 else day.year + 1, 3, 31)


def date_text(day: _dt.date) -> str:
    """人に見せる日付の唯一の書き方：2019-10-01 → 「2019年10月1日（令和元年10月1日）」（西暦に和暦を添える）。

    CLI・計算機の画面・サイトの表・エラーメッセージのどれもこの関数で日付を書く。ISO（2019-10-01）は JSON の
    データ・CSV・Excel のような機械が読むところにだけ使う。明治より前の日付は西暦だけ。
    """
    for era in ERAS:
        if day >= era.start:
            year = day.year - era.start.year + 1
            era_year = "元" if year == 1 else str(year)
            return f"{day.year}年{day.month}月{day.day}日（{era.name}{era_year}年{day.month}月{day.day}日）"
    return f"{day.year}年{day.month}月{day.day}日"


def months_text(months: int) -> str:
    """月数の書き方（法令の書き方）：42 → 「3年6月」、12 → 「1年」、6 → 「6月」。"""
    years, rest = divmod(months, 12)
    return (f"{years}年" if years else "") + (f"{rest}月" if rest or not years else "")

