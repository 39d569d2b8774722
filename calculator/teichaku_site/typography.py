"""日本語の段落の読みやすさ：ソースの Markdown の折り返し（段落の中の改行）を、日本語の文字の間では取り除く。

HTML では段落の中の改行は空白として表示されるため、「働き続けられるよう⏎企業」は「働き続けられるよう 企業」になる。
CSS Text Module Level 3 の segment break transformation rules（改行の前後の文字がどちらも East Asian Width の
F・W・H で、どちらもハングルでなければ改行を取り除く）を、ビルドした HTML に当てはめる。ブラウザ（Chromium）は
この規則をまだ実装していない。

- 改行の前後の文字は、インラインの要素（a、strong、abbr など）の境界をまたいで見る（「と⏎<abbr>ジョブ」）。
- pre・code・script・style・textarea の中は変えない。ブロック要素（p、li、td、br など）の境界はまたがない。
- 改行の前後の空白（リストの字下げなど）も、改行と一緒に取り除く。
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "ruby",
           "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_RAW = {"pre", "code", "script", "style", "textarea"}


def is_wide(char: str) -> bool:
    """East Asian Width が F・W・H で、ハングルでない文字（漢字、かな、全角の記号・数字、半角カナ）。"""
    if unicodedata.east_asian_width(char) not in ("F", "W", "H"):
        return False
    return not unicodedata.name(char, "").startswith("HANGUL")


def _inline_tag(part: str) -> bool:
    match = _TAG_NAME.match(part)
    return bool(match) and match is not None and match.group(2).lower() in _INLINE


def _neighbour(parts: list[str], index: int, step: int) -> str:
    """parts[index] の前（step=-1）か後（step=1）で、インラインの要素だけをまたいで最初に来る文字（なければ ""）。"""
    index += step
    while 0 <= index < len(parts):
        part = parts[index]
        if part.startswith("<"):
            if not _inline_tag(part):
                return ""
        elif part:
            return part[-1] if step < 0 else part[0]
        index += step
    return ""


def join_cjk_line_breaks(html_text: str) -> str:
    """日本語の文字（F・W・H）に挟まれた改行を取り除く（pre・code などの中とブロックの境界は除く）。"""
    parts = _TAG.split(html_text)
    depth = dict.fromkeys(_RAW, 0)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            match = _TAG_NAME.match(part)
            if match and match.group(2).lower() in _RAW and not part.endswith("/>"):
                name = match.group(2).lower()
                depth[name] = max(0, depth[name] + (-1 if match.group(1) else 1))
            continue
        if "\n" not in part or any(depth.values()):
            continue

        def join(match: re.Match[str], part: str = part, index: int = index) -> str:
            before = part[match.start() - 1] if match.start() > 0 else _neighbour(parts, index, -1)
            after = part[match.end()] if match.end() < len(part) else _neighbour(parts, index, 1)
            return "" if before and after and is_wide(before) and is_wide(after) else match.group(0)

        parts[index] = _BREAK.sub(join, part)
    return "".join(parts)


# ---- 検索の索引：文の中の「&」（issue 18 の11・13：検索結果に「Q&;A」）----
# Material の検索の索引（search/search_index.json）は、本文の文字を HTML に書き直して持つ（「Q&A」は「Q&amp;A」）。
# このサイトの検索（calculator/teichaku_site/assets/search_ja.js）は語の部分一致で探すため、「A」や「amp」で探すと、
# 結果の強調（mark）が文字参照「&amp;」の中の「amp」に入り、結果に「Q&;A」と出た。文字参照にならない「&」
# （後ろが「英数字…;」でも「#」でもない）は、索引では「&」のまま書く（HTML として同じ表示で、強調が入り込む
# 文字参照がない）。ほかの文字参照（&lt; など）はそのまま。
_AMP = re.compile(r"&amp;(?![A-Za-z0-9]+;|#)")


def plain_ampersands(text: str) -> str:
    """索引の文字（HTML）の「&amp;」を、文字参照にならない位置では「&」に戻す。"""
    return _AMP.sub("&", text)


def fix_search_index(site: Any) -> bool:
    """site/search/search_index.json の各文書の title と text に plain_ampersands を当てる。変えたら True。"""
    import json
    from pathlib import Path

    path = Path(site) / "search" / "search_index.json"
    if not path.exists():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for doc in data.get("docs", []):
        for key in ("title", "text"):
            value = doc.get(key)
            if isinstance(value, str):
                fixed = plain_ampersands(value)
                changed = changed or fixed != value
                doc[key] = fixed
    if changed:
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return changed
