"""規則の層：日付つき・出典つきのパラメータ（`params`）と登録簿（`items`）を読み、日付ごとに決める純粋な関数。

標準ライブラリだけを使い、窓口（`teichaku.interfaces`）にもサイト（`teichaku_site`）にも依存しない
（`tests/test_layers.py` が import を調べる）。
"""
