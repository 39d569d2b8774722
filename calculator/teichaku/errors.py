"""入力エラー（InputError）と パラメータデータのエラー（ParameterError）。

利用者の入力の誤りは必ず InputError として、どの項目（field）が何故いけないのかを日本語で伝える。
CLI も ブラウザの計算機も、このメッセージをそのまま表示する。
"""

from __future__ import annotations


class InputError(ValueError):
    """入力値の誤り。field は項目名（例：「就職日」）、message は日本語の説明。"""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class ParameterError(ValueError):
    """パラメータデータ（data/*.toml）の誤り、またはパラメータが存在しない日付の問い合わせ。"""
