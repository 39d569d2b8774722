"""コマンドライン（`teichaku` / `python -m teichaku`）。サブコマンドとフラグは計算機の登録簿（teichaku.interfaces.calculators）から作る。

サブコマンド・フラグ・JSON のキーは他のツールが使う契約。--json で stdout に JSON を一つ、なしで日本語の要約。
入力の誤りは終了コード 2 と、項目を名指しした日本語のメッセージ（stderr）。「対象外」などの答えは終了コード 0。
--month を省略した retention・fee は、これまでどおり本通知（平成31年3月29日）の報酬体系で計算する（互換のため。
結果の schedule に使った報酬表を示す）。

加算・減算（--addition、--reduction）は登録簿のキー（initial、regional_meeting_1 …）か、正式名・別名（全角・半角の括弧、
Ⅰ／I のどちらでも）で指定する。main(argv, parameters) に別のパラメータ集合を渡すと、その集合の計算機の登録簿から
サブコマンドとフラグを作り、その集合で計算する（改定の試し。環境変数もサブプロセスも要らない）。
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from ..rules.errors import InputError, ParameterError
from ..rules.params import ParameterSet
from .calculators import CALCULATORS, Calculator, Field, InputErrors, calculators, compute

_BY_COMMAND: dict[str, Calculator] = {calc.command: calc for calc in CALCULATORS.values()}


def _flag_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for calc in CALCULATORS.values():
        for item in calc.fields:
            names.setdefault(item.flag, item.label)
    names["--fiscal-year-end"] = "年度末日"
    return names


class _Parser(argparse.ArgumentParser):
    """argparse の英語のエラーを日本語にし、終了コード 2 で終える。"""

    def error(self, message: str) -> NoReturn:
        flag_names = _flag_names()
        required = re.search(r"the following arguments are required: (.+)", message)
        if required:
            flags = [flag.strip() for flag in required.group(1).split(",")]
            named = "、".join(f"{flag}（{flag_names.get(flag, flag)}）" for flag in flags)
            text = f"必須の項目が指定されていません：{named}"
        elif "expected one argument" in message or "expected at least one argument" in message:
            flag = message.split(":")[0].replace("argument ", "").split("/")[0].strip()
            text = f"{flag}（{flag_names.get(flag, flag)}）に値を指定してください。"
        elif "unrecognized arguments" in message:
            text = f"認識できない引数があります：{message.split(':', 1)[1].strip()}"
        elif "invalid choice" in message:
            text = f"サブコマンドが正しくありません。{', '.join(_BY_COMMAND)}, roster, demo のいずれかです。（{message}）"
        else:
            text = f"引数が正しくありません：{message}"
        self.exit(2, f"エラー：{text}\n使い方は `{self.prog} --help` を参照してください。\n")


def _add_field(p: argparse.ArgumentParser, item: Field) -> None:
    names = [item.flag, *item.cli_aliases]
    help_text = f"{item.label}。{item.hint}" if item.hint else item.label
    if item.choice_labels:
        help_text += "。キー（または正式名・別名）：" + "、".join(
            f"{key}（{label}）" for key, label in zip(item.choices, item.choice_labels, strict=True) if key)
    help_text = help_text.replace("%", "%%")  # 登録簿の説明の「30%」を argparse の書式と読ませない
    required = item.required if item.cli_required is None else item.cli_required
    if item.kind == "checkbox":
        if item.invert:
            p.add_argument(*names, dest=item.key, action="store_false", default=True, help=f"{item.label}：いいえ（既定は「はい」）")
        else:
            p.add_argument(*names, dest=item.key, action="store_true", help=help_text)
    elif item.kind == "checkboxes":
        p.add_argument(*names, dest=item.key, action="append", default=[], help=help_text + "（繰り返し指定）")
    elif item.kind == "hours":
        p.add_argument(*names, dest=item.key, nargs="+", help=help_text)
    else:
        p.add_argument(*names, dest=item.key, required=required, help=help_text)


def _parser(registry: dict[str, Calculator] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="teichaku", description="就労定着支援の計算（規則は日付つき・出典つきのパラメータによる）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for calc in (registry or CALCULATORS).values():
        p = sub.add_parser(calc.command, help=calc.help)
        for item in calc.fields:
            _add_field(p, item)
        p.add_argument("--json", action="store_true", help="結果を JSON で出力する")

    p = sub.add_parser("roster", help="事業所の名簿（CSV・Excel）から年度の就労定着率・利用者数・人員・請求")
    p.add_argument("file", help="名簿ファイル（CSV：UTF-8 または Shift_JIS、Excel：.xlsx）")
    p.add_argument("--fiscal-year-end", help="年度末日（例：2023-03-31）。省略すると直近の年度末日")
    p.add_argument("--fulltime-hours", help="常勤の従業者が勤務すべき週の時間数（常勤換算に使う）")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="結果を書き出すファイル（.xlsx または .csv）")

    sub.add_parser("demo", help="本通知の例（問1、Aさん、区分表）を計算して表示")
    return parser


def _summary(data: dict[str, Any], lines: list[str]) -> str:
    out = list(lines)
    out.append("")
    out.append("根拠：")
    for step in data.get("steps", []):
        out.append(f"  ・{step['text']}")
    out.append("出典：")
    for source in data.get("sources", []):
        out.append(f"  ・{source['label']}")
    return "\n".join(out)


def _inputs(calc: Calculator, args: argparse.Namespace) -> dict[str, Any]:
    """argparse の値 → 窓口の入力（ウェブのフォームと同じ形：キー → 文字列・真偽・リスト）。"""
    inputs: dict[str, Any] = {}
    for item in calc.fields:
        value = getattr(args, item.key, None)
        if item.kind == "checkbox":
            inputs[item.key] = bool(value)
        elif value is not None:
            inputs[item.key] = value
    return inputs


def _run(calc: Calculator, args: argparse.Namespace, parameters: ParameterSet | None = None) -> dict[str, Any]:
    result, _ = compute(calc.key, _inputs(calc, args), cli=True, parameters=parameters)
    data: dict[str, Any] = result.to_dict()
    return data


def _demo() -> str:
    parts = []
    for title, key, inputs in (
        ("# 問1：2018年10月1日指定の事業所", "first_recalculation", {"designated": "2018-10-01"}),
        ("# 2019年4月1日に就労移行支援を経て就職した人", "eligibility", {"employed": "2019-04-01", "prior_service": "就労移行支援"}),
        ("# 就労定着率 89.95%（区分の境目。本通知の報酬体系）", "retention",
         {"users": "10000", "retained": "8995", "scale_users": "20"}),
    ):
        calc = CALCULATORS[key]
        result, _ = compute(key, inputs, cli=True)
        data = result.to_dict()
        parts.append(f"{title}\n{_summary(data, calc.text(data))}")
    return "\n\n".join(parts)


def _roster(args: argparse.Namespace, parameters: ParameterSet | None = None) -> int:
    from .roster import analyse, to_csv, to_xlsx

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"エラー：名簿ファイル：{args.file} を読めません（{error.strerror}）。", file=sys.stderr)
        return 2
    try:
        result = analyse(data, args.file, args.fiscal_year_end, args.fulltime_hours, parameters=parameters).to_dict()
    except InputError as error:
        label = {"fiscal_year_end": "年度末日", "fulltime_hours": "常勤の勤務時間", "file": "名簿ファイル"}.get(error.field, error.field)
        print(f"エラー：{label}：{error.message}", file=sys.stderr)
        return 2
    if args.out:
        target = Path(args.out)
        target.write_bytes(to_xlsx(result) if target.suffix.lower() == ".xlsx" else to_csv(result))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        r = result["retention"]
        print(f"年度末日：{result['fiscal_year_end']}")
        print(f"就労定着率：{r.get('rate') or '—'}（{r.get('percent') or '—'}）区分「{r.get('tier') or '—'}」")
        units = r.get("base_units")
        print(f"基本報酬：{f'{units:,}単位／月' if units is not None else (r.get('base_units_note') or r.get('note') or '—')}")
        print(f"問2で除外：{'、'.join(r.get('excluded') or []) or 'なし'}")
        print(f"延べ利用者数：{result['total_user_months']}　平均利用者数：{result['average_users']}")
        print(f"読み込んだ利用者：{result['rows']['accepted']}人　読み込めなかった行：{len(result['rejected'])}件")
        for item in result["rejected"]:
            print(f"  {item['sheet']} {item['row']}行目「{item['column']}」：{item['message']}")
    return 0


def _report(calc: Calculator, errors: list[InputError], as_json: bool) -> None:
    for error in errors:
        label = calc.label(error.field)
        if error.index is not None:
            label = f"{label}（{error.index + 1}人目）"
        if as_json:
            # field は以前からの契約で表示名。key（項目キー、web の field と同じ）と label を並べる
            print(json.dumps({"error": {"field": label, "key": error.field, "label": label, "index": error.index,
                                        "message": error.message}}, ensure_ascii=False),
                  file=sys.stderr)
        print(f"エラー：{label}：{error.message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, parameters: ParameterSet | None = None) -> int:
    """コマンドラインの入口。parameters はパラメータ集合（既定は同梱のもの）。"""
    registry = calculators(parameters)
    args = _parser(registry).parse_args(argv)
    if args.command == "demo":
        print(_demo())
        return 0
    if args.command == "roster":
        return _roster(args, parameters)
    calc = {c.command: c for c in registry.values()}[args.command]
    try:
        data = _run(calc, args, parameters)
    except InputErrors as errors:
        _report(calc, errors.errors, args.json)
        return 2
    except InputError as error:
        _report(calc, [error], args.json)
        return 2
    except ParameterError as error:
        print(f"エラー：{error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_summary(data, calc.text(data)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
