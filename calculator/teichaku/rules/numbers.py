"""数の入力の読み取りと、法令の端数処理（切り捨て・切り上げ）を正確な有理数で行う補助関数。"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

from .errors import InputError

_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("人", "").replace("時間", "")


def parse_count(value: str | int, field: str, minimum: int = 0) -> int:
    """人数などの整数（全角数字・桁区切りも可）。"""
    if isinstance(value, bool):
        raise InputError(field, "整数を入力してください。")
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str) or not value.strip():
            raise InputError(field, "数を入力してください。")
        text = _clean(value)
        if not text.isdigit() and not (text.startswith("-") and text[1:].isdigit()):
            raise InputError(field, f"「{value.strip()}」は整数として読めません。0以上の整数を入力してください。")
        number = int(text)
    if number < minimum:
        raise InputError(field, f"{minimum}以上の整数を入力してください（入力：{number}）。")
    return number


def parse_decimal(value: str | int | float | Decimal | Fraction, field: str) -> Fraction:
    """利用者数・時間などの小数（全角も可）を正確な有理数にする。負の数は不可。"""
    if isinstance(value, bool):
        raise InputError(field, "数を入力してください。")
    if isinstance(value, Fraction):
        number = value
    elif isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        number = Fraction(Decimal(str(value)))
    elif isinstance(value, Decimal):
        number = Fraction(value)
    else:
        if not isinstance(value, str) or not value.strip():
            raise InputError(field, "数を入力してください。")
        text = _clean(value)
        if not _DECIMAL.match(text):
            raise InputError(field, f"「{value.strip()}」は数として読めません。0以上の数（例：12 または 12.5）を入力してください。")
        number = Fraction(Decimal(text))
    if number < 0:
        raise InputError(field, "0以上の数を入力してください。")
    return number


def truncate(value: Fraction, places: int) -> Fraction:
    """小数点以下 places 桁より下を切り捨て（0 以上の値）。"""
    scale = 10**places
    return Fraction(value.numerator * scale // value.denominator, scale)


def round_up(value: Fraction, places: int) -> Fraction:
    """小数点以下 places 桁より下を切り上げ（0 以上の値）。"""
    scale = 10**places
    return Fraction(-((-value.numerator * scale) // value.denominator), scale)


def decimal_text(value: Fraction, places: int | None = None) -> str:
    """有理数を10進の文字列に。places を指定すると必ずその桁数で表示（値はすでに丸め済みのこと）。

    places なしで有限小数にならない値は ValueError（黙って丸めない）。
    """
    if places is not None:
        scaled = value * 10**places
        if scaled.denominator != 1:
            raise ValueError(f"{value} is not exact at {places} places")
        return str(Decimal(scaled.numerator).scaleb(-places))
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    result = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(result.normalize(), "f")
    return text


def percent_text(value: Fraction, places: int = 2) -> str:
    """割合を百分率で表示（表示用。どこでも同じ形：小数点以下 places 桁、それを超える部分は切り捨て）。

    切り捨てなので、表示が区分の境目を上に越えることはない（89.995…% は「89.99%」で、「90.00%」とは示さない）。
    区分の判定は表示ではなく正確な有理数で行い、結果には分数（例 16/18）も並べて示す。
    """
    shown = truncate(value * 100, places)
    return f"{decimal_text(shown, places)}%"
