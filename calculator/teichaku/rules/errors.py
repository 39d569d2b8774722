"""入力エラー（InputError）と パラメータデータのエラー（ParameterError）。

利用者の入力の誤りは必ず InputError として、どの項目が何故いけないのかを日本語で伝える。
規則は項目を **キー**（例 "employed"、"hours"）で名指しし、表示名（「就職日」）は計算機の登録簿
（teichaku.interfaces.calculators）の一か所にだけある。表の行の誤りは index（0 始まり）で示す。
CLI も ブラウザの計算機も、キーを登録簿で表示名にしてメッセージを表示する。
"""

from __future__ import annotations


class InputError(ValueError):
    """入力値の誤り。field は項目キー（例："employed"）、message は日本語の説明、index は表の行（0 始まり）。"""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        self.field = field
        self.message = message
        self.index = index
        super().__init__(f"{field}: {message}")

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class ParameterError(ValueError):
    """パラメータデータ（data/*.toml）の誤り、またはパラメータが存在しない日付の問い合わせ。"""
