"""層の向き：規則（teichaku.rules）→ 窓口（teichaku.interfaces）→ サイト（teichaku_site）。

パッケージのすべての .py を ast で読み、import（関数の中の import と TYPE_CHECKING の中の import も含む：関数の中に
隠した import も読み込みの順に頼る循環である）を集めて、モジュールの依存のグラフを作る。

- 循環がない（強連結成分がすべて1つのモジュール、自分自身への import もない）
- 規則は窓口にもサイトにも依存しない。規則は標準ライブラリと規則だけを import する（Pyodide でも同じに動く）
- teichaku はサイト（teichaku_site）に依存しない（wheel にサイトは入らない）
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "calculator"
PACKAGES = ("teichaku", "teichaku_site")


def _modules() -> dict[str, Path]:
    """モジュール名 → ファイル（パッケージは __init__.py）。"""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """name のモジュールが import するもの（絶対名、行）。from X import Y の Y がモジュールなら X.Y を指す。"""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in MODULES else target), node.lineno


def _graph() -> dict[str, dict[str, int]]:
    """モジュール → {import するモジュール（パッケージの中のもの、または外の最上位の名前）: 行}。"""
    graph: dict[str, dict[str, int]] = {}
    for name, path in MODULES.items():
        edges: dict[str, int] = {}
        for target, line in _imports(name, path):
            if target.split(".")[0] not in PACKAGES:
                target = target.split(".")[0]  # 外のパッケージは最上位の名前で
            elif target not in MODULES:
                raise AssertionError(f"{path}:{line}: {target} というモジュールはない")
            edges.setdefault(target, line)
        graph[name] = edges
    return graph


GRAPH = _graph()


def _where(source: str, target: str) -> str:
    return f"{MODULES[source].relative_to(ROOT.parent)}:{GRAPH[source][target]}: {source} → {target}"


def _strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan の強連結成分（パッケージの中のモジュールだけ）。"""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for node in graph:
        if node not in index:
            visit(node)
    return components


def test_the_walk_sees_the_layers_and_their_imports() -> None:
    # 調べ方そのものの確かめ：層のフォルダがあり、知っている矢印が見える（見えなければ、このテストは何も調べていない）
    assert {"teichaku.rules.fees", "teichaku.interfaces.cli", "teichaku.interfaces.web", "teichaku_site.hooks"} <= set(MODULES)
    assert "teichaku.rules.fees" in GRAPH["teichaku.interfaces.calculators"]
    assert "teichaku.rules.dates" in GRAPH["teichaku.rules.fees"]
    assert any(target.startswith("teichaku.") for target in GRAPH["teichaku_site.hooks"])
    assert sum(len(edges) for edges in GRAPH.values()) > 100


# 残っている循環（減るだけ：直ったらここから消す。消し忘れるとテストが落ちる）
KNOWN_CYCLES: set[frozenset[str]] = set()


def test_no_import_cycle() -> None:
    cycles = [c for c in _strongly_connected(GRAPH) if len(c) > 1 or c[0] in GRAPH[c[0]]]
    new = [[_where(a, b) for a in c for b in c if b in GRAPH[a]] for c in cycles if frozenset(c) not in KNOWN_CYCLES]
    assert new == [], "import の循環（関数の中の import も数える）:\n" + "\n".join(map(str, new))
    gone = KNOWN_CYCLES - {frozenset(c) for c in cycles}
    assert not gone, f"もう循環していない：KNOWN_CYCLES から消す {sorted(map(sorted, gone))}"


@pytest.mark.parametrize(("lower", "upper"), [
    ("teichaku.rules", "teichaku.interfaces"),
    ("teichaku.rules", "teichaku_site"),
    ("teichaku", "teichaku_site"),
])
def test_no_arrow_upwards(lower: str, upper: str) -> None:
    def inside(module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    upwards = [_where(source, target) for source, edges in GRAPH.items() if inside(source, lower)
               for target in edges if inside(target, upper)]
    assert upwards == []


def test_rules_import_only_the_standard_library_and_rules() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    outside = [_where(source, target) for source, edges in GRAPH.items() if source.startswith("teichaku.rules")
               for target in edges if not target.startswith("teichaku.rules") and target not in allowed]
    assert outside == []
