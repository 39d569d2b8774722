"""計算機とコマンドラインの「確定した出力」（golden）を作り直す：tests/golden/*.json。

使い方：.venv/bin/python scripts/update_golden.py          # 書き直す（そのあと git diff tests/golden を確かめる）
        .venv/bin/python scripts/update_golden.py --check  # 書かずに比べる（違えば終了コード 1）

- 計算機：tests/vectors.py のベクトル（計算機, 入力）すべてを `teichaku.interfaces.web.run(kind, inputs)` で計算し、計算機ごとに
  `tests/golden/<kind>.json` へ。名簿（roster）は `roster_vectors()` のファイルの中身つき。
- コマンドライン：代表的な呼び出し（CLI_CASES）を `teichaku.interfaces.cli.main(argv)` で実行し、終了コード・stdout の JSON・stderr を
  `tests/golden/cli.json` へ（CLI の JSON は他のツールとの契約なので、根拠（steps）と出典（sources）も含めて全体を保存）。

計算機の結果から保存するのは法的に意味のある部分だけ：`ok`、`errors`（項目キー・行・項目名・メッセージ）、`verdict`、
`summary`（「項目名：値」の行）、`data`（規則の答え。ただし説明文の `steps` と出典の `sources` は除く）、
名簿は `tables`（利用者ごと・月ごとの結果）も。画面の飾り（`title`、
`lists`・`timeline` は `data` の言い換え、区分表 `table` はパラメータそのもので tests/test_params.py とサイトのビルドが見る）は
保存しない。日付・区分・単位数・エラーの項目が変われば必ず差分に出る。

時刻に依存するものは含めない。計算機のベクトルはサービス提供月を明示する（web.run は月を必須とし、「今月」の既定値は
ブラウザの側で入る）。名簿の年度末日は省略すると今日から決まるが、省略したベクトル（空のファイル）は年度末日より先に
ファイルの誤りで終わる。CLI の retention・fee で --month を省くと本通知の報酬体系（今日によらない）。
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
for _path in (ROOT / "calculator", ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from teichaku.interfaces import cli, web  # noqa: E402
from vectors import all_vectors, roster_vectors  # noqa: E402

COMMAND = ".venv/bin/python scripts/update_golden.py"
_BULKY = ("steps", "sources")  # 説明文と出典（文言の直しのたびに全件が変わるので保存しない）

# 代表的なコマンドラインの呼び出し（README の例、本通知の例、区分の境目、エラー）。パスはリポジトリの根から。
CLI_CASES: list[list[str]] = [
    ["eligibility", "--employed", "2019-04-01", "--prior-service", "就労移行支援", "--json"],
    ["eligibility", "--employed", "2019-04-01", "--prior-service", "就労継続支援B型", "--prior-service-end", "2019-06-30",
     "--start", "2020-01-01", "--json"],
    ["eligibility", "--employed", "2019-02-29", "--prior-service", "就労移行支援", "--json"],
    ["eligibility", "--employed", "2019-04-01", "--prior-service", "ハローワークの紹介", "--json"],
    ["retention", "--users", "20", "--retained", "18", "--excluded", "1", "--scale-users", "15", "--json"],
    ["retention", "--users", "10000", "--retained", "8995", "--scale-users", "20", "--json"],
    ["retention", "--users", "20", "--retained", "19", "--month", "2024-04", "--json"],
    ["retention", "--users", "10", "--retained", "11", "--json"],
    ["retention", "--retained", "11", "--json"],
    ["staffing", "--users", "45", "--hours", "40", "32", "20", "--fulltime-hours", "40", "--placements", "3", "--json"],
    ["staffing", "--users", "105", "--json"],
    ["staffing", "--total-user-months", "540", "--json"],
    ["fee", "--users", "20", "--retained", "18", "--scale-users", "15", "--addition", "初期加算", "--from-other-office",
     "--support-start", "2019-10-01", "--month", "2019-11", "--json"],
    ["fee", "--users", "20", "--retained", "18", "--scale-users", "15", "--no-face-to-face", "--month", "2019-11", "--json"],
    ["fee", "--users", "20", "--retained", "19", "--scale-users", "30", "--month", "2024-04", "--addition", "特別地域加算",
     "--special-area", "--json"],
    ["first-recalculation", "--designated", "2018-10-01", "--json"],
    ["first-recalculation", "--designated", "2018-02-29", "--json"],
    ["new-office", "--designated", "2018-10-01", "--on", "2019-01-15", "--settled-six-months", "7", "--json"],
    ["new-office", "--designated", "2019-04-01", "--on", "2020-03-31", "--settled-six-months", "10", "--recent-user-months", "60",
     "--retained", "8", "--placed", "10", "--json"],
    ["roster", "tests/fixtures/roster/hand_checked.csv", "--fiscal-year-end", "2023-03-31", "--fulltime-hours", "40", "--json"],
]


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in _BULKY}


def golden_result(result: dict[str, Any]) -> dict[str, Any]:
    """web.run の結果のうち、法的に意味のある部分。"""
    if not result.get("ok"):
        return {"ok": False, "errors": result.get("errors", [])}
    data: dict[str, Any] = result["data"]
    out: dict[str, Any] = {
        "ok": True,
        "verdict": result["verdict"],
        "summary": [f"{item['label']}：{item['value']}" for item in result["summary"]],
        "data": _strip(data),
    }
    if result["kind"] == "roster":  # 利用者ごと・月ごとの結果の表（行はセルの並びだけ）
        out["tables"] = [{"caption": table["caption"], "columns": table["columns"],
                          "rows": [row["cells"] for row in table["rows"]]} for table in result.get("tables", [])]
    return out


def compute_calculators() -> dict[str, list[dict[str, Any]]]:
    """計算機ごとの golden（ベクトルの順）。"""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, inputs in all_vectors():
        out.setdefault(kind, []).append({"inputs": inputs, "result": golden_result(web.run(kind, inputs))})
    for kind, inputs, data in roster_vectors():
        # ファイルの先頭4バイト（BOM・CP932・xlsx の区別）。大きさは xlsx の時刻で変わるので使わない
        out.setdefault(kind, []).append({"inputs": inputs, "file_head": data[:4].hex(),
                                         "result": golden_result(web.run(kind, inputs, data))})
    return out


def run_cli(argv: Sequence[str]) -> dict[str, Any]:
    """teichaku.interfaces.cli.main(argv) を実行し、終了コード・stdout（JSON）・stderr（行）を返す。"""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main(list(argv))
        except SystemExit as exit_:  # argparse の誤り
            code = exit_.code if isinstance(exit_.code, int) else 1
    text = stdout.getvalue()
    try:
        parsed: Any = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = text.splitlines()
    errors = [_json_or_text(line) for line in stderr.getvalue().splitlines()]
    return {"argv": list(argv), "exit_code": code, "stdout": parsed, "stderr": errors}


def _json_or_text(line: str) -> Any:
    """stderr の行：--json のエラー（{"error": …}）は読んだ形で、ほかは文字列のまま。"""
    if line.startswith("{"):
        with contextlib.suppress(ValueError):
            return json.loads(line)
    return line


def compute_cli() -> list[dict[str, Any]]:
    return [run_cli(argv) for argv in CLI_CASES]


def compute_all() -> dict[str, Any]:
    """ファイル名（拡張子なし）→ 中身。"""
    files: dict[str, Any] = dict(compute_calculators())
    files["cli"] = compute_cli()
    return files


_WIDTH = 120  # これより短い入れ子のない配列・オブジェクトは1行に（差分は1行で読める）


def _format(value: Any, indent: int) -> str:
    inline = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if not isinstance(value, (dict, list)) or not value:
        return inline
    items = value.values() if isinstance(value, dict) else value
    if indent + len(inline) <= _WIDTH and not any(isinstance(item, (dict, list)) and item for item in items):
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        body = [f"{pad}{json.dumps(key, ensure_ascii=False)}: {_format(value[key], indent + 2)}" for key in sorted(value)]
        return "{\n" + ",\n".join(body) + "\n" + " " * indent + "}"
    return "[\n" + ",\n".join(pad + _format(item, indent + 2) for item in value) + "\n" + " " * indent + "]"


def dump(value: Any) -> str:
    """整形した JSON（キーは整列、日本語はそのまま、短い葉の配列・オブジェクトは1行）。"""
    return _format(value, 0) + "\n"


def normalise(value: Any) -> Any:
    """JSON に書いて読み直した形（タプル → リストなど）。ファイルとの比較に使う。"""
    return json.loads(dump(value))


def write(files: dict[str, Any]) -> list[str]:
    """tests/golden/ を書き直す。変わったファイルの名前を返す（作られなくなったファイルは消す）。"""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for name, value in files.items():
        path = GOLDEN / f"{name}.json"
        text = dump(value)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path.name)
    for stale in sorted(GOLDEN.glob("*.json")):
        if stale.stem not in files:
            stale.unlink()
            changed.append(f"{stale.name}（削除）")
    return changed


def check(files: dict[str, Any]) -> list[str]:
    """書かずに比べる：違うファイルの名前。"""
    names = [f"{name}.json" for name, value in files.items()
             if not (GOLDEN / f"{name}.json").exists()
             or (GOLDEN / f"{name}.json").read_text(encoding="utf-8") != dump(value)]
    names += [f"{p.name}（余分）" for p in sorted(GOLDEN.glob("*.json")) if p.stem not in files]
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tests/golden/*.json（計算機とコマンドラインの確定した出力）を作り直す")
    parser.add_argument("--check", action="store_true", help="書かずに比べ、違えば終了コード 1")
    args = parser.parse_args(argv)
    files = compute_all()
    if args.check:
        different = check(files)
        for name in different:
            print(f"違う：tests/golden/{name}")
        if different:
            print(f"意図した変更なら `{COMMAND}` を実行し、git diff tests/golden を確かめてからコミットしてください。")
        return 1 if different else 0
    changed = write(files)
    count = sum(len(v) for k, v in files.items() if k != "cli")
    print(f"計算機のベクトル {count} 件・コマンドライン {len(files['cli'])} 件。")
    print("変わったファイル：" + ("、".join(changed) if changed else "なし"))
    if changed:
        print("git diff tests/golden で変化を確かめてからコミットしてください。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
