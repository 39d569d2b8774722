"""MkDocs のフック（mkdocs.yml の hooks:）：サイトの生成を teichaku_site の各モジュールに任せる薄い窓口。

- on_page_markdown：プレースホルダを表・グラフ・フォーム・用語集に置き換える（dispatch）
- on_page_content：日本語の段落の改行を取り除き（typography）、用語に説明を付け（glossary）、インラインの
  style をクラスにして（security）、印刷用の出典を添える
- on_post_page：検索ワーカーを日本語用に差し替え（bundle）、CSP の meta を置く（security）
- on_post_build：元号の表 assets/calc/eras.js（eras、dates.ERAS から）と、Pyodide・wheel・名簿のテンプレート・検索ワーカー・
  service worker（bundle。eras.js を先に書くので service worker の保存の一覧に入る）

どのモジュールも SiteBuildError でビルドを止め、ここで MkDocs の PluginError（日本語のメッセージ）に変える。
"""

from __future__ import annotations

import datetime as dt
import html
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

from teichaku.rules.dates import date_text  # noqa: E402
from teichaku_site import SiteBuildError, bundle, dispatch, eras, glossary, responsive, security, typography  # noqa: E402

T = TypeVar("T")

PRINT_FOOTER = (
    '<div class="print-footer" aria-hidden="true">出典：「就労定着支援の円滑な実施について」（平成31年3月29日 厚生労働省社会・援護局'
    "障害保健福祉部障害福祉課 事務連絡）別添 ／ このページ：{title} ／ サイトの作成日：{built}</div>"
)


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
        return text + PRINT_FOOTER.format(title=html.escape(page.title or ""), built=built)

    return _plugin_errors(finish)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """検索ワーカーを日本語用のラッパーに差し替え、CSP の meta を head の最初に置く。"""
    where = page.file.src_path
    return _plugin_errors(lambda: security.add_csp_meta(bundle.use_search_wrapper(output, where), where))


def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config["site_dir"])
    eras.install(site)
    _plugin_errors(lambda: bundle.post_build(site))
