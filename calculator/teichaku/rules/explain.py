"""計算の根拠（説明のステップと出典）。

すべての結果は Explanation を持ち、日本語の手順（steps）と、使ったパラメータの出典（sources）を示す。
サイトの計算機はこれを結果の横に「根拠」として表示する。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .citations import Citation
from .params import ParameterSet, default_parameters

# 本通知（平成31年3月29日事務連絡）の制度。日付を指定しない計算はこの日に効力を持つ値を使う。
NOTICE_DATE = _dt.date(2019, 3, 29)


@dataclass(frozen=True)
class Step:
    text: str
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": [c.label for c in self.citations]}


@dataclass
class Explanation:
    """計算の手順と出典を集める。param() は値を返すと同時にその出典を記録する。"""

    on: _dt.date = NOTICE_DATE
    parameters: ParameterSet = field(default_factory=default_parameters)
    steps: list[Step] = field(default_factory=list)
    _used: list[Citation] = field(default_factory=list)

    def param(self, name: str) -> Any:
        item = self.parameters.at(name, self.on)
        self.cite(item.source)
        return item.value

    def peek(self, name: str) -> Any:
        """値を読むが出典には記録しない（条件に使われたときだけ step で出典を示す場合）。"""
        return self.parameters.at(name, self.on).value

    def cite(self, *citations: Citation) -> None:
        # 同じ箇所（表示ラベルが同じもの）は一度だけ挙げる。
        labels = {used.label for used in self._used}
        for citation in citations:
            if citation.label not in labels:
                labels.add(citation.label)
                self._used.append(citation)

    def source_of(self, name: str) -> Citation:
        return self.parameters.at(name, self.on).source

    def step(self, text: str, *param_names: str, extra: tuple[Citation, ...] = ()) -> None:
        citations = tuple(self.source_of(name) for name in param_names) + extra
        self.cite(*citations)
        self.steps.append(Step(text, citations))

    @property
    def sources(self) -> list[Citation]:
        return list(self._used)

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "sources": [c.to_dict() for c in self.sources],
        }
