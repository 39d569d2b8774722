"""狭い画面の表：各セルに列の見出しを data-label として付ける（CSS が 600px 未満で表を縦に積み、見出しを前に出す）。

ガイドの表は列が多く、390px の画面では横に流れて1セルが7〜9行になる。表を縦に積み（行ごとのカード）、各値の前に
その列の見出しを示すと、横に流れずに読める。見出しはビルド時に HTML の th から写す（表を手で書き直さない）。
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TABLE = re.compile(r"<table>.*?</table>", re.S)
_TAG = re.compile(r"<[^>]+>")


class _Headers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self._in_th = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "th":
            self._in_th = True
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._in_th:
            self.headers.append("".join(self._text).strip())
            self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._in_th:
            self._text.append(data)


def _label_table(table: str) -> str:
    head_end = table.find("</thead>")
    if head_end < 0:
        return table
    parser = _Headers()
    parser.feed(table[:head_end])
    headers = parser.headers
    if len(headers) < 2:
        return table
    body = table[head_end:]
    out: list[str] = []
    column = 0
    after_td = False
    for part in re.split(r"(<tr>|<tr [^>]*>|<td(?:\s[^>]*)?>)", body):
        if part.startswith("<tr"):
            column = 0
            out.append(part)
        elif part.startswith("<td"):
            label = html.escape(headers[column] if column < len(headers) else "", quote=True)
            out.append(part[:-1] + f' data-label="{label}">')
            column += 1
            after_td = True
            continue
        elif after_td and "</td>" in part:
            # セルの中身を一つの要素に：狭い画面の td は「見出し｜値」の2列のグリッドなので、中身の強調（strong）や
            # リンクがそのままだと別のグリッドの項目になり、文が見出しの列に割れる（issue 18 の13）
            end = part.index("</td>")
            out.append(f'<span class="cell">{part[:end]}</span>{part[end:]}')
        else:
            out.append(part)
        after_td = False
    return table[:head_end] + "".join(out)


def label_cells(html_text: str) -> str:
    """本文のすべての表（class のない Markdown の表）に data-label を付ける。"""
    return _TABLE.sub(lambda m: _label_table(m.group(0)), html_text)
