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


def _notice_date() -> _dt.date:
    """本通知の日付（data/documents.toml の notice の date。ここに二度書かない）。"""
    day = default_parameters().documents["notice"].date
    if day is None:  # pragma: no cover - documents.toml の notice は日付を持つ（test_params が確かめる）
        raise RuntimeError("documents.toml の notice に date がない")
    return day


# 本通知（平成31年3月29日事務連絡）の制度。日付を指定しない計算はこの日に効力を持つ値を使う。
NOTICE_DATE = _notice_date()


@dataclass(frozen=True)
class Step:
    text: str
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": [c.label for c in self.citations]}


@dataclass
class Explanation:
    """計算の手順と出典を集める。param() は値を返すと同時にその出典と、読んだ日を記録する。

    on は結果が判定する日（規則の基準日）で、規則の途中で変えない（変えようとすると AttributeError）。規則が別の日の
    パラメータを読むとき（期間を数え始める日、支給決定をする日、離職日など）は at(その日) を使う：手順・出典・読んだ日の
    記録を共有し、その日に効力を持つ値を読む。dates_used は結果が使ったすべての日（on が先頭、以下は使った順）。
    """

    on: _dt.date = NOTICE_DATE
    parameters: ParameterSet = field(default_factory=default_parameters)
    steps: list[Step] = field(default_factory=list)
    _used: list[Citation] = field(default_factory=list)
    _dates: list[_dt.date] = field(default_factory=list)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "on" and "on" in self.__dict__:
            raise AttributeError("Explanation.on is the date the result decides for; read another date with at(day)")
        super().__setattr__(name, value)

    def at(self, day: _dt.date) -> Explanation:
        """day に効力を持つ値を読む同じ記録（手順・出典・読んだ日を共有する）。"""
        return Explanation(on=day, parameters=self.parameters, steps=self.steps, _used=self._used, _dates=self._dates)

    def _read(self, name: str) -> Any:
        if self.on not in self._dates:
            self._dates.append(self.on)
        return self.parameters.at(name, self.on)

    def param(self, name: str) -> Any:
        item = self._read(name)
        self.cite(item.source)
        return item.value

    def peek(self, name: str) -> Any:
        """値を読むが出典には記録しない（条件に使われたときだけ step で出典を示す場合）。"""
        return self._read(name).value

    def cite(self, *citations: Citation) -> None:
        # 同じ箇所（表示ラベルが同じもの）は一度だけ挙げる。
        labels = {used.label for used in self._used}
        for citation in citations:
            if citation.label not in labels:
                labels.add(citation.label)
                self._used.append(citation)

    def source_of(self, name: str) -> Citation:
        source: Citation = self._read(name).source
        return source

    def step(self, text: str, *param_names: str, extra: tuple[Citation, ...] = ()) -> None:
        citations = tuple(self.source_of(name) for name in param_names) + extra
        self.cite(*citations)
        self.steps.append(Step(text, citations))

    @property
    def sources(self) -> list[Citation]:
        return list(self._used)

    @property
    def dates_used(self) -> list[_dt.date]:
        """結果が使った日：判定する日（on）と、パラメータを読んだすべての日（重複なし、使った順）。"""
        return [self.on, *(day for day in self._dates if day != self.on)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "sources": [c.to_dict() for c in self.sources],
            "dates_used": [day.isoformat() for day in self.dates_used],
        }
