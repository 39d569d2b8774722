"""Content-Security-Policy：自分のオリジンだけを許す（と Pyodide の WebAssembly に要る 'wasm-unsafe-eval'）。

ページの `<meta http-equiv="Content-Security-Policy">` に書く。インラインのスクリプト（Material の2つ）はその内容の
ハッシュで許し、インラインの style 属性は使わない（style-src 'self'）。scripts/serve.py も同じ方針のヘッダーを送る。
"""

from __future__ import annotations

import base64
import hashlib
import re

from . import SiteBuildError

CSP_BASE = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_ALIGN = re.compile(r'<(td|th) style="text-align: (left|right|center);">')


def content_security_policy(output: str) -> str:
    """ページのインラインスクリプト（Material の2つ）をハッシュで許可した CSP。"""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(output)})
    return CSP_BASE.format(hashes="".join(" " + h for h in hashes))


def add_csp_meta(output: str, where: str) -> str:
    """CSP の meta を head の最初（<meta charset> の直後）に置く。"""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(output)}">'
    replaced, count = re.subn(r"(<meta charset=\"utf-8\">)", lambda m: m.group(1) + meta, output, count=1)
    if count != 1:
        raise SiteBuildError(f"{where}: <meta charset> が見つかりません")
    return replaced


def without_inline_styles(html_text: str, where: str) -> str:
    """表の列揃え（Markdown の style 属性）をクラスにし、残ったインラインの style はビルドの失敗にする（CSP で無効になる）。"""
    html_text = _ALIGN.sub(r'<\1 class="align-\2">', html_text)
    if 'style="' in html_text:
        raise SiteBuildError(f"{where}: インラインの style 属性が残っています（CSP で無効になる）")
    return html_text
