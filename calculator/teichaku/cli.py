"""コマンドライン（`teichaku` / `python -m teichaku`）。

サブコマンド・フラグ・JSON のキーは他のツールが使う契約。--json で stdout に JSON を一つ、なしで日本語の要約。
入力の誤りは終了コード 2 と、項目を名指しした日本語のメッセージ（stderr）。「対象外」などの答えは終了コード 0。
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .eligibility import check_eligibility
from .errors import InputError, ParameterError
from .fees import monthly_claim
from .new_office import new_office
from .retention import first_recalculation, retention_rate
from .staffing import staffing

_FLAG_NAMES = {
    "--employed": "就職日", "--prior-service": "前サービス", "--start": "利用開始日",
    "--prior-service-end": "前サービスの利用終了日", "--users": "利用者数", "--retained": "就労継続者数",
    "--excluded": "問2による除外数", "--scale-users": "利用者数規模", "--hours": "勤務時間",
    "--fulltime-hours": "常勤の勤務時間", "--addition": "加算", "--support-start": "利用開始日",
    "--month": "サービス提供月", "--designated": "指定日", "--on": "基準日",
}


class _Parser(argparse.ArgumentParser):
    """argparse の英語のエラーを日本語にし、終了コード 2 で終える。"""

    def error(self, message: str) -> NoReturn:
        required = re.search(r"the following arguments are required: (.+)", message)
        if required:
            flags = [flag.strip() for flag in required.group(1).split(",")]
            named = "、".join(f"{flag}（{_FLAG_NAMES.get(flag, flag)}）" for flag in flags)
            text = f"必須の項目が指定されていません：{named}"
        elif "expected one argument" in message:
            flag = message.split(":")[0].replace("argument ", "").split("/")[0].strip()
            text = f"{flag}（{_FLAG_NAMES.get(flag, flag)}）に値を指定してください。"
        elif "unrecognized arguments" in message:
            text = f"認識できない引数があります：{message.split(':', 1)[1].strip()}"
        elif "invalid choice" in message:
            text = f"サブコマンドが正しくありません。{', '.join(_COMMANDS)}, roster, demo のいずれかです。（{message}）"
        else:
            text = f"引数が正しくありません：{message}"
        self.exit(2, f"エラー：{text}\n使い方は `{self.prog} --help` を参照してください。\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="teichaku", description="就労定着支援（平成31年3月29日事務連絡）の計算")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("eligibility", help="対象者・利用期間・支給決定期間")
    p.add_argument("--employed", required=True, help="就職日（2019-04-01、令和元年5月1日、R1.5.1 など）")
    p.add_argument("--prior-service", required=True, help="就職前に利用したサービス（就労移行支援、A型、B型 など）")
    p.add_argument("--start", help="希望する利用開始日")
    p.add_argument("--prior-service-end", help="就職後も前サービスを利用した場合の利用終了日")
    p.add_argument("--employer-kind", help="就職先の種類（通常の事業所（既定）／就労継続支援A型事業所）")
    p.add_argument("--left-on", help="利用中に転職した場合の離職日")
    p.add_argument("--reemployed-on", help="利用中に転職した場合の再就職日（離職後1月以内なら支援が続く）")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("retention", help="就労定着率・区分・基本報酬")
    _retention_args(p, scale_required=False)
    p.add_argument("--month", help="サービス提供月（YYYY-MM）。その月の報酬表を使う。省略すると本通知の報酬体系")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("staffing", help="人員基準（就労定着支援員・サービス管理責任者）")
    p.add_argument("--users", help="利用者数（前年度の平均利用者数）")
    p.add_argument("--total-user-months", help="前年度の延べ利用者数（平均を求める）")
    p.add_argument("--hours", nargs="+", help="就労定着支援員ごとの週の勤務時間")
    p.add_argument("--fulltime-hours", help="常勤の従業者が勤務すべき週の時間数")
    p.add_argument("--placements", help="過去3年間に通常の事業所に雇用させた障害者の数（基準省令第206条の7）")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("fee", help="１か月の請求（基本報酬と加算）")
    _retention_args(p, scale_required=True)
    p.add_argument("--addition", action="append", default=[], help="請求したい加算（繰り返し指定）")
    p.add_argument("--no-face-to-face", action="store_true", help="この月に対面による支援がない")
    p.add_argument("--support-start", help="利用開始日")
    p.add_argument("--month", help="サービス提供月（YYYY-MM）。その月の報酬表を使う。省略すると本通知の報酬体系")
    p.add_argument("--from-other-office", action="store_true", help="一体的に運営する移行支援事業所等以外から受け入れた利用者")
    p.add_argument("--initial-claimed-before", action="store_true", help="初期加算をすでに算定した")
    p.add_argument("--special-area", action="store_true", help="中山間地域等に居住する利用者")
    p.add_argument("--job-coach-staff", action="store_true", help="ジョブコーチ養成研修修了者を就労定着支援員として配置")
    p.add_argument("--track-record-ended", help="過去6年間の利用終了者数（就労定着実績体制加算）")
    p.add_argument("--track-record-retained", help="そのうち42月以上78月未満継続して就労している者等の数")
    p.add_argument("--also-using", action="append", default=[], help="併用しているサービス（併給調整の警告）")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("first-recalculation", help="問1：新規指定から1年経過後の就労定着率")
    p.add_argument("--designated", required=True, help="指定日")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("new-office", help="問3：新規指定の利用者数・就労定着率の推定")
    p.add_argument("--designated", required=True, help="指定日")
    p.add_argument("--on", required=True, help="基準日")
    p.add_argument("--settled-six-months", help="過去3年間の6月定着者数（指定を受ける前月末から起算）")
    p.add_argument("--settled-six-months-at-application", help="同（指定の申請日から起算、人員基準用）")
    p.add_argument("--retained", help="定着者数")
    p.add_argument("--placed", help="過去3年間の就職者数")
    p.add_argument("--recent-user-months", help="直近6月／直近1年間の延べ利用者数")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("roster", help="事業所の名簿（CSV・Excel）から年度の就労定着率・利用者数・人員・請求")
    p.add_argument("file", help="名簿ファイル（CSV：UTF-8 または Shift_JIS、Excel：.xlsx）")
    p.add_argument("--fiscal-year-end", help="年度末日（例：2023-03-31）。省略すると直近の年度末日")
    p.add_argument("--fulltime-hours", help="常勤の従業者が勤務すべき週の時間数（常勤換算に使う）")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="結果を書き出すファイル（.xlsx または .csv）")

    sub.add_parser("demo", help="本通知の例（問1、Aさん、区分表）を計算して表示")
    return parser


def _retention_args(p: argparse.ArgumentParser, scale_required: bool) -> None:
    p.add_argument("--users", required=True, help="過去3年間の総利用者数")
    p.add_argument("--retained", required=True, help="前年度末日に就労が継続している者の数（問2の除外者を含まない）")
    p.add_argument("--excluded", default="0", help="問2により除外する者の数")
    p.add_argument("--scale-users", required=scale_required, help="前年度の平均利用者数（利用者数規模）")


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


def _eligibility(args: argparse.Namespace) -> dict[str, Any]:
    return check_eligibility(args.employed, args.prior_service, args.start, args.prior_service_end,
                             employer_kind=args.employer_kind, left_on=args.left_on, reemployed_on=args.reemployed_on).to_dict()


def _eligibility_text(d: dict[str, Any]) -> list[str]:
    lines = [f"判定：{'利用できる' if d['eligible'] else '利用できない'}",
             f"最も早い利用開始日：{d['earliest_start']}", f"支給決定できる最後の日：{d['latest_end']}"]
    lines += [f"支給決定期間：{p['start']} 〜 {p['end']}" for p in d["periods"]]
    lines += [f"理由：{r}" for r in d["reasons"]]
    return lines


def _retention(args: argparse.Namespace) -> dict[str, Any]:
    return retention_rate(args.users, args.retained, args.excluded, args.scale_users, month=args.month).to_dict()


def _retention_text(d: dict[str, Any]) -> list[str]:
    units = f"{d['base_units']:,}単位／月" if d["base_units"] is not None else d["base_units_note"]
    return [f"報酬表：{d['schedule']}（{d['schedule_since']}から）", f"就労定着率：{d['rate']}（{d['percent']}）",
            f"区分：{d['tier']}（{d['tier_rank']}番目）", f"基本報酬：{units}"]


def _staffing(args: argparse.Namespace) -> dict[str, Any]:
    return staffing(args.users, args.hours, args.fulltime_hours, args.total_user_months, args.placements).to_dict()


def _staffing_text(d: dict[str, Any]) -> list[str]:
    lines = [f"利用者数：{d['users']}人", f"就労定着支援員（常勤換算）の必要数：{d['support_staff_required']}以上",
             f"サービス管理責任者の必要数：{d['service_managers_required']}人以上"]
    if d["fte"] is not None:
        lines.append(f"常勤換算：{d['fte']}（基準を{'満たす' if d['meets'] else '満たさない'}）")
    return lines


def _fee(args: argparse.Namespace) -> dict[str, Any]:
    return monthly_claim(
        args.users, args.retained, args.scale_users, args.excluded, args.addition, not args.no_face_to_face,
        args.support_start, args.month, args.from_other_office, args.initial_claimed_before, args.special_area,
        args.job_coach_staff, args.track_record_ended, args.track_record_retained, args.also_using,
    ).to_dict()


def _fee_text(d: dict[str, Any]) -> list[str]:
    base = f"{d['base_units']:,}単位" if d["base_units"] is not None else d["base_units_note"]
    lines = [f"基本報酬：{base}"]
    lines += [f"加算：{a['name']} {a['units']:,}単位" for a in d["additions"]]
    lines += [f"算定しない加算：{r['name']}（{r['reason']}）" for r in d["rejected"]]
    lines.append(f"合計：{d['total_units']:,}単位" if d["total_units"] is not None else "合計：示せません（基本報酬が本通知に記載なし）")
    lines += [f"注意：{w}" for w in d["warnings"]]
    return lines


def _first(args: argparse.Namespace) -> dict[str, Any]:
    return first_recalculation(args.designated).to_dict()


def _first_text(d: dict[str, Any]) -> list[str]:
    return [f"算出の基準日：{d['count_date']}", f"適用：{d['applies_from']} 〜 {d['applies_until']}"]


def _new_office(args: argparse.Namespace) -> dict[str, Any]:
    return new_office(args.designated, args.on, args.settled_six_months, args.settled_six_months_at_application,
                      args.retained, args.placed, args.recent_user_months).to_dict()


def _new_office_text(d: dict[str, Any]) -> list[str]:
    lines = [f"段階：{d['stage']}", f"報酬の利用者数：{d['fee_users']}", f"人員基準上の利用者数：{d['staffing_users']}"]
    if d["rate"]:
        lines.append(f"就労定着率（推定）：{d['rate']}（{d['percent']}）区分「{d['tier']}」")
    return lines + [f"注：{n}" for n in d["notes"]]


_COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], dict[str, Any]], Callable[[dict[str, Any]], list[str]]]] = {
    "eligibility": (_eligibility, _eligibility_text),
    "retention": (_retention, _retention_text),
    "staffing": (_staffing, _staffing_text),
    "fee": (_fee, _fee_text),
    "first-recalculation": (_first, _first_text),
    "new-office": (_new_office, _new_office_text),
}


def _demo() -> str:
    d = first_recalculation("2018-10-01").to_dict()
    parts = ["# 問1：2018年10月1日指定の事業所", _summary(d, _first_text(d))]
    d = check_eligibility("2019-04-01", "就労移行支援").to_dict()
    parts += ["", "# 2019年4月1日に就労移行支援を経て就職した人", _summary(d, _eligibility_text(d))]
    d = retention_rate(10000, 8995, 0, 20).to_dict()
    parts += ["", "# 就労定着率 89.95%（区分の境目）", _summary(d, _retention_text(d))]
    return "\n".join(parts)


def _roster(args: argparse.Namespace) -> int:
    from .roster import analyse, to_csv, to_xlsx

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"エラー：名簿ファイル：{args.file} を読めません（{error.strerror}）。", file=sys.stderr)
        return 2
    try:
        result = analyse(data, args.file, args.fiscal_year_end, args.fulltime_hours).to_dict()
    except InputError as error:
        print(f"エラー：{error.field}：{error.message}", file=sys.stderr)
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


def _field_label(command: str, error: InputError) -> str:
    """規則が名指しした項目キー → 表示名（計算機のフォームの項目名。行があれば「（n人目）」）。"""
    from .web import FORMS

    kind = {"fee": "claim", "new-office": "new_office", "first-recalculation": "first_recalculation"}.get(command, command)
    label = next((f.label for f in FORMS.get(kind, ()) if f.key == error.field), error.field)
    return f"{label}（{error.index + 1}人目）" if error.index is not None else label


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        print(_demo())
        return 0
    if args.command == "roster":
        return _roster(args)
    compute, render = _COMMANDS[args.command]
    try:
        data = compute(args)
    except InputError as error:
        if getattr(args, "json", False):
            print(json.dumps({"error": error.to_dict()}, ensure_ascii=False), file=sys.stderr)
        print(f"エラー：{_field_label(args.command, error)}：{error.message}", file=sys.stderr)
        return 2
    except ParameterError as error:
        print(f"エラー：{error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_summary(data, render(data)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
