"""表示の文字で分岐しない、規則の数を data/ の外に書かない（issue 15 の受け入れ条件）。ast で調べる（コメントと docstring は
対象外：出典の説明に「3年6月」と書くのはよい）。

1. 日本語の表示の文字での分岐：teichaku/ の中で、日本語の文字列（リテラル、またはパッケージのどこかで日本語の文字列
   か日本語の文字列の集まりに束ねた定数の名前）と ==・!=・in・not in で比べる式、日本語での startswith・endswith、
   日本語の値の match。規則と窓口は加算・区分・項目・表を **キー** で選ぶ。
   正当なもの（利用者の入力を読む関数：和暦、名簿のファイルの見出しと欄の値）は ALLOWED に理由つきで載せる。
2. 規則の数の書き込み：teichaku/ と teichaku_site/ の中（data/ の TOML の外）で、知られている規則の数：
   「3年6月」・42（月）、創設日（2018-04-01、平成30年4月1日）、JOB_CHANGE_GAP_MONTHS、period_end・add_months に書いた
   月数、負担上限月額 9,300・37,200、すべての日付のリテラル date(Y, M, D)（正当なものは ALLOWED_DATES に理由つき）。

まだ直っていないものは KNOWN_OFFENDERS（分岐）と KNOWN_NUMBERS（数）に載せる。減るだけ：直ったら消す（消し忘れるとテストが落ちる）。
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "calculator"
PACKAGE = ROOT / "teichaku"
SITE = ROOT / "teichaku_site"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # かな・漢字（括弧などの記号だけの文字列は表示の文字ではない）

# (ファイル, 関数) → 日本語で比べてよい理由
ALLOWED: dict[tuple[str, str], str] = {
    ("rules/dates.py", "_era_year"): "利用者が入力した和暦を読む（「元年」）",
    ("interfaces/roster/read.py", "kind_of"): "名簿のファイルの表の種類を、その見出し（ファイルの書式そのもの）で見分ける",
    ("interfaces/roster/validate.py", "_flag"): "名簿の欄の値（○・はい・なし）を読む",
    ("interfaces/roster/validate.py", "_optional_date"): "名簿の欄の値を読む（転職の欄の「○」には日付を求めるメッセージ）",
    ("interfaces/roster/validate.py", "read_users"): "名簿の見出し（ファイルの書式）で必須の欄を見分ける",
    ("interfaces/roster/validate.py", "read_contacts"): "対面支援の表に「種類」の見出しがあるかを見る（ファイルの書式）",
    ("rules/fees.py", "parse_concurrent"): "利用者が入力した併給のサービスの名前（別名つき）を読む",
}

# まだ直っていないもの：(ファイル, 関数, 式)。空：日本語の表示の文字で分岐する規則・画面は残っていない
KNOWN_OFFENDERS: set[tuple[str, str, str]] = set()
KNOWN_NUMBERS: set[tuple[str, str, str]] = set()  # 空：知られた規則の数はすべて data/ から読む

# 日付のリテラルで正当なもの：(ファイル, 関数, 式。式が "*" ならその関数のすべて) → 理由
ALLOWED_DATES: dict[tuple[str, str, str], str] = {
    ("rules/dates.py", "<module>", "*"): "元号の始まりの日（暦の事実で、この制度の規則ではない）",
    ("interfaces/roster/validate.py", "<module>", "*"): "名簿の日付として読める範囲（1900〜2100年、入力の検査）",
    ("interfaces/roster/aggregate.py", "<module>", "_dt.date(2100, 3, 31)"): "年度末日として読める範囲の上限（入力の検査）",
    ("interfaces/roster/export.py", "template_xlsx", "*"): "名簿のテンプレートの例の行",
}

RULE_TEXT = re.compile(
    r"3年6月"
    r"|平成30年4月(?!〜)"  # 創設（平成30年4月1日）。統計の期間「平成30年4月〜11月」（グラフの題）は規則ではない
    r"|2018-04-01|2018年4月1日"
    r"|(?<![\d,])(9,?300|37,?200)(?![\d,])"
)
RULE_INTS = {42, 9300, 37200}
RULE_NAMES = {"JOB_CHANGE_GAP_MONTHS"}
MONTH_FUNCTIONS = {"period_end", "add_months"}


@functools.cache
def _files(folder: Path) -> list[tuple[str, ast.Module]]:
    return [(path.relative_to(folder).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path)))
            for path in sorted(folder.rglob("*.py"))]


def _owners(tree: ast.Module) -> dict[int, str]:
    """ノード → それを含む最も内側の関数の名前（関数の外は <module>）。"""
    owners: dict[int, str] = {}

    def visit(node: ast.AST, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else owner
            owners[id(child)] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owners


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _japanese_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(JAPANESE.search(node.value))
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_japanese_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(k is not None and _japanese_literal(k) for k in node.keys)
    return False


def _japanese_constants() -> set[str]:
    """パッケージのどこかで、日本語の文字列か日本語の文字列の集まりに束ねたモジュールの定数の名前。"""
    names = set()
    for _, tree in _files(PACKAGE):
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if value is not None and _japanese_literal(value):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[union-attr]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


CONSTANTS = _japanese_constants()


def _japanese(node: ast.AST) -> bool:
    if _japanese_literal(node):
        return True
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name in CONSTANTS


def _display_text_branches() -> Iterator[tuple[str, str, str]]:
    for file, tree in _files(PACKAGE):
        owners = _owners(tree)
        for node in ast.walk(tree):
            hit = (
                (isinstance(node, ast.Compare) and any(_japanese(x) for x in [node.left, *node.comparators]))
                or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"startswith", "endswith", "removeprefix", "removesuffix"}
                    and any(_japanese_literal(a) for a in node.args))
                or (isinstance(node, ast.MatchValue) and _japanese(node.value))
            )
            if hit:
                yield file, owners.get(id(node), "<module>"), ast.unparse(node)


def _rule_numbers() -> Iterator[tuple[str, str, str]]:
    for folder in (PACKAGE, SITE):
        for file, tree in _files(folder):
            file = file if folder == PACKAGE else f"../teichaku_site/{file}"
            owners = _owners(tree)
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                owner = owners.get(id(node), "<module>")
                if isinstance(node, ast.Constant) and id(node) not in docstrings:
                    if (isinstance(node.value, str) and RULE_TEXT.search(node.value)) or (type(node.value) is int and node.value in RULE_INTS):
                        yield file, owner, repr(node.value)
                elif isinstance(node, ast.Name | ast.Attribute):
                    if (node.id if isinstance(node, ast.Name) else node.attr) in RULE_NAMES:
                        yield file, owner, ast.unparse(node)
                elif isinstance(node, ast.Call):
                    called = ast.unparse(node.func).split(".")[-1]
                    literal_args = node.args and all(isinstance(a, ast.Constant) for a in node.args)
                    text = ast.unparse(node)
                    if called == "date" and literal_args and not {(file, owner, "*"), (file, owner, text)} & set(ALLOWED_DATES):
                        yield file, owner, text
                    if called.lstrip("_") in MONTH_FUNCTIONS and any(  # 覚えておく別名（_period_end）も
                            isinstance(a, ast.Constant) and type(a.value) is int and a.value > 1 for a in node.args):
                        yield file, owner, ast.unparse(node)


def test_the_walk_finds_what_it_looks_for() -> None:
    # 調べ方の確かめ：正当なものが見つかり（ALLOWED に載せた理由が生きている）、書き方の例が引っかかる
    found = {(file, owner) for file, owner, _ in _display_text_branches()}
    assert ("rules/dates.py", "_era_year") in found and ("interfaces/roster/read.py", "kind_of") in found
    assert RULE_TEXT.search("（就職日から3年6月）") and RULE_TEXT.search("上限 9,300円") and not RULE_TEXT.search("19,300")
    assert not RULE_TEXT.search("国保連データ、平成30年4月〜11月")
    assert {"SUPPORT_STAFF", "_TRUE"} <= CONSTANTS


def test_every_allowed_entry_is_still_used() -> None:
    used = {(file, owner) for file, owner, _ in _display_text_branches()}
    assert set(ALLOWED) - used == set(), "使われていない許可：ALLOWED から消す"


def test_no_rule_or_view_branches_on_japanese_display_text() -> None:
    found = {(file, owner, text) for file, owner, text in _display_text_branches() if (file, owner) not in ALLOWED}
    assert sorted(found - KNOWN_OFFENDERS) == [], "日本語の表示の文字で分岐している（キーで選ぶ。利用者の入力を読む関数なら ALLOWED に理由を）"
    assert sorted(KNOWN_OFFENDERS - found) == [], "直った：KNOWN_OFFENDERS から消す"


def test_no_known_rule_number_is_typed_outside_data() -> None:
    found = set(_rule_numbers())
    assert sorted(found - KNOWN_NUMBERS) == [], "規則の数は data/ のパラメータから読む（規則が決める日付で）"
    assert sorted(KNOWN_NUMBERS - found) == [], "直った：KNOWN_NUMBERS から消す"
