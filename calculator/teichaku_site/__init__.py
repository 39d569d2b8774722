"""ガイドサイトの生成：MkDocs のフック（hooks.py）が使う、関心ごとの小さなモジュール。

- dispatch：`{{ teichaku:NAME }}` を RENDERERS[NAME] の出力に置き換える（知らない名前はビルドを失敗させる）
- tables：パラメータ（teichaku.rules.params）の表。日付つきの値をすべて、その期間とともに示す
- charts：統計（data/stats.toml、別添 p.15）のグラフと表
- forms：計算機のフォーム（teichaku.interfaces.web.FORMS から）
- glossary：用語集（data/glossary.toml）と本文の用語の説明（abbr）
- typography：日本語の段落の中の改行（ソースの折り返し）を取り除く
- security：Content-Security-Policy とインラインの style の検査
- bundle：Pyodide・teichaku の wheel・名簿のテンプレート・日本語検索のワーカー・service worker

このパッケージは wheel に入らない（pyproject.toml の wheel は calculator/teichaku だけ）。ブラウザで動くのは規則
（teichaku）だけで、ここはビルドのときにだけ動く。
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parents[1]  # リポジトリの根（calculator/teichaku_site → calculator → 根）
DATA = PACKAGE / "data"  # サイトだけが使うデータ（統計の数値、用語集）
ASSETS = PACKAGE / "assets"  # ビルドで書き換えてから site/ に置くスクリプト（service worker、検索ワーカー）


class SiteBuildError(Exception):
    """サイトを正しく作れない（ビルドを失敗させる）。hooks.py が MkDocs の PluginError に変える。"""
