"""用語集（data/glossary.toml）：用語集のページと、各ページで最初に出てくる用語への説明（<abbr title>）。

用語は長いものから先に探し、長い用語の一部は短い用語にしない（「就労定着支援員」を「就労定着支援」＋「員」に、
「暫定支給決定」を「暫定」＋「支給決定」にしない）。

一つの考えに一つの用語（issue 19）：各用語は、サイトで使わない言い方（variants）と、本通知の言い方が違うときはその言い方
（notice_term）を持つ。tests/test_vocabulary.py が、作ったページに使わない言い方が出てこないことを確かめる。

説明の中の `{dated:パラメータ名}` は、そのパラメータの日付つきの値（適用の期間と確度つき）に置き換える。日付によって
変わる事実（就労定着支援を定める条項など）を、手で書き写さずにデータから示すため。
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from teichaku.rules.dates import date_text
from teichaku.rules.params import ParameterSet, default_parameters

from . import DATA, SiteBuildError

GLOSSARY = DATA / "glossary.toml"
_DATED = re.compile(r"\{dated:([a-z0-9_.]+)\}")
_LEVEL = {"high": "高", "medium": "中", "low": "低"}

# この要素の中の語には説明を付けない（見出し・リンク・コード・図・用語集の見出し語・既に付けたもの）。計算機のフォーム
# （form）の中も付けない：説明の abbr は Tab で止まるので、項目の説明に付けると項目と項目の間に Tab の止まりが増える
# （issue 18 の13）。同じ語はフォームの外の本文（ページの説明）で最初に出たところに付く
_SKIP_TAGS = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "svg", "title", "script", "style", "summary", "dt",
              "button", "label", "legend", "option", "select", "textarea", "form"}
_TAG = re.compile(r"(<[^>]+>)")


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    variants: tuple[str, ...] = ()
    notice_term: str | None = None


def dated_text(name: str, params: ParameterSet | None = None) -> str:
    """パラメータの日付つきの値を文にする：「第5条第15項（2018年4月1日（平成30年4月1日）から2025年9月30日（…）まで）、…」。

    本通知以外から得た値には確度を添える（「確度：中」）。
    """
    params = params or default_parameters()
    if name not in params:
        raise SiteBuildError(f"用語集：{{dated:{name}}} のパラメータがありません")
    parts = []
    for value in params.get(name).values:
        period = f"{date_text(value.since)}から"
        if value.until is not None:
            period += f"{date_text(value.until - dt.timedelta(days=1))}まで"
        level = _LEVEL.get(value.source.confidence or "")
        note = f"。確度：{level}" if level else ""
        parts.append(f"{value.value}（{period}{note}）")
    return "、".join(parts)


def _expand(definition: str, params: ParameterSet | None = None) -> str:
    return _DATED.sub(lambda match: dated_text(match.group(1), params), definition)


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """用語集の用語（ファイルの順）。説明の `{dated:…}` はデータから置き換え済み。"""
    raw = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    allowed = {"term", "definition", "variants", "notice_term"}
    for item in raw:
        unknown = set(item) - allowed
        if unknown:
            raise SiteBuildError(f"用語集：{item.get('term')} に知らない項目 {sorted(unknown)}")
    return tuple(Term(str(item["term"]), _expand(str(item["definition"])), tuple(item.get("variants", ())),
                      item.get("notice_term")) for item in raw)


def glossary() -> str:
    """用語集のページ（定義リスト）。本通知の言い方と、このサイトで使わない言い方を添える。"""
    lines = []
    for item in terms():
        lines += [item.term, f":   {item.definition}"]
        if item.notice_term:
            lines += ["", f"    本通知の言い方：{item.notice_term}"]
        if item.variants:
            lines += ["", f"    このサイトでは使わない言い方：{'、'.join('「' + v + '」' for v in item.variants)}"]
        lines.append("")
    return "\n".join(lines)


def _inside_longer(text: str, position: int, term: str, longer: list[str]) -> bool:
    """text の position にある term が、それを含むより長い用語の一部か。"""
    for other in longer:
        start = other.find(term)
        while start >= 0:
            begin = position - start
            if begin >= 0 and text[begin:begin + len(other)] == other:
                return True
            start = other.find(term, start + 1)
    return False


def _find(text: str, term: str, longer: list[str]) -> int:
    """text の中で、より長い用語の一部でない term の最初の位置（なければ -1）。"""
    position = text.find(term)
    while position >= 0 and _inside_longer(text, position, term, longer):
        position = text.find(term, position + 1)
    return position


def add_abbreviations(html_text: str) -> str:
    """本文で最初に出てくる用語に <abbr title="説明"> を付ける（見出し・リンク・コード・用語集の見出し語などは除く）。

    abbr は tabindex="0" でキーボードからも触っても選べ、Material の content.tooltips（mkdocs.yml）がフォーカスで説明を出す。
    """
    ordered = sorted(terms(), key=lambda item: -len(item.term))  # 長い用語から先に
    words = [item.term for item in ordered]
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
        for item in ordered:
            term = item.term
            if term in done:
                continue
            longer = [word for word in words if len(word) > len(term) and term in word]
            for k, piece in enumerate(pieces):
                position = -1 if piece.startswith("<abbr") else _find(piece, term, longer)
                if position >= 0:
                    title = html.escape(item.definition, quote=True)
                    pieces[k:k + 1] = [piece[:position], f'<abbr title="{title}" tabindex="0">{term}</abbr>',
                                       piece[position + len(term):]]
                    done.add(term)
                    break
        parts[index] = "".join(pieces)
    return "".join(parts)
