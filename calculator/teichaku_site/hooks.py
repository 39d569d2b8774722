"""MkDocs のフック（mkdocs.yml の hooks:）：サイトの生成を teichaku_site の各モジュールに任せる薄い窓口。

- on_page_markdown：プレースホルダを表・グラフ・フォーム・用語集に置き換える（dispatch）
- on_page_content：日本語の段落の改行を取り除き（typography）、用語に説明を付け（glossary）、インラインの
  style をクラスにして（security）、印刷用の出典（ページの出典の行による。print_sources）を添える
- on_post_page：検索ワーカーを日本語用に差し替え（bundle）、CSP の meta を置く（security）
- on_post_build：元号の表 assets/calc/eras.js（eras、dates.ERAS から）と、Pyodide・wheel・名簿のテンプレート・検索ワーカー・
  service worker（bundle。eras.js を先に書くので service worker の保存の一覧に入る）

どのモジュールも SiteBuildError でビルドを止め、ここで MkDocs の PluginError（日本語のメッセージ）に変える。
"""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# MkDocs はこのファイルをパスで読み込む：calculator/ を import の探索先に加える（teichaku と teichaku_site）
_CALCULATOR = str(Path(__file__).resolve().parents[1])
if _CALCULATOR not in sys.path:
    sys.path.insert(0, _CALCULATOR)

from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import Files  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from teichaku.interfaces.present import instrument_text  # noqa: E402
from teichaku.rules.dates import date_text  # noqa: E402
from teichaku.rules.params import default_parameters  # noqa: E402
from teichaku_site import SiteBuildError, bundle, dispatch, eras, glossary, responsive, security, typography  # noqa: E402

T = TypeVar("T")

# 印刷用の出典：どのページも「各節の出典欄」を指し、本通知を出典に挙げるページ（出典の行に「本通知」「別添」がある）
# にだけ本通知の題名（documents.toml の notice）を添える（今の制度など、本通知の後の文書によるページに本通知だけを出典と
# 書かない）。
PRINT_FOOTER = '<div class="print-footer" aria-hidden="true">{sources} ／ このページ：{title} ／ サイトの作成日：{built}</div>'
_SOURCE_LINE = re.compile(r'<p class="page-source">(.*?)</p>', re.S)


def print_sources(html_text: str) -> str:
    """ページの出典の行から、印刷の欄外に書く出典の文。"""
    lines = [re.sub(r"<[^>]+>", "", line) for line in _SOURCE_LINE.findall(html_text)]
    if not lines:
        return "出典：このページの本文のとおり"
    if any("本通知" in line or "別添" in line for line in lines):
        return f"出典：各節の出典欄のとおり（本通知は「{instrument_text(default_parameters().documents['notice'])}」）"
    return "出典：各節の出典欄のとおり"


def _plugin_errors(step: Callable[[], T]) -> T:
    try:
        return step()
    except SiteBuildError as error:
        raise PluginError(str(error)) from None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _plugin_errors(lambda: dispatch.fill(markdown, page.file.src_path))


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def finish() -> str:
        text = typography.join_cjk_line_breaks(html_text)
        if page.file.src_path != "glossary.md":
            text = glossary.add_abbreviations(text)
        text = security.without_inline_styles(text, page.file.src_path)
        text = responsive.label_cells(text)
        built = date_text(dt.date.today())
        return text + PRINT_FOOTER.format(sources=html.escape(print_sources(text), quote=False),
                                          title=html.escape(page.title or ""), built=built)

    return _plugin_errors(finish)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """検索ワーカーを日本語用のラッパーに差し替え、CSP の meta を head の最初に置く。"""
    where = page.file.src_path
    return _plugin_errors(lambda: security.add_csp_meta(bundle.use_search_wrapper(output, where), where))


def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config["site_dir"])
    eras.install(site)
    _plugin_errors(lambda: bundle.post_build(site))
