"""書き出し：結果の表（画面・CSV・Excel で同じもの）と、入力のテンプレート。

CSV は Excel で開けるよう UTF-8 の BOM つき、Excel は openpyxl。結果に出すのは利用者ID・行番号と計算した値だけで、
名簿のほかの列（氏名・備考など）は読んでいないので出ない。

書き出すのはデータだけで、式は書かない（issue 18 の12、OWASP の「CSV Injection」）。名簿の利用者IDなど、読んだ文字列が
`=` `+` `-` `@` タブ・復帰（CR）で始まると、表計算ソフトで開いた人の手元で式として動きうる：

- CSV：そのセルの先頭に単一引用符 `'` を付ける（OWASP の推奨。引用符 `"` は csv モジュールが二重にして囲む）。
  Excel は `'` を「文字列として扱う」印として読み、表示しない。
- Excel：セルの型を文字列（data_type "s"）にする。openpyxl は `=` で始まる文字列を式（"f"）として保存するため、
  値はそのまま（読み直すと名簿と同じ文字列）で型だけを直し、Excel の「文字列として入力」の印（quotePrefix）も付ける。
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Mapping
from typing import Any

from ...rules.params import default_parameters, registry
from .model import (
    CONTACT_COLUMNS,
    CONTACT_KIND_COLUMN,
    KIND_NAMES,
    ROSTER_COLUMNS,
    STAFF_COLUMNS,
    SUPPORT_STAFF,
    RosterResult,
)

Sheet = tuple[str, list[str], list[list[Any]]]

# 表計算ソフトが式・DDE として読みうるセルの先頭の文字（OWASP：CSV Injection）
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """文字列のセルで、表計算ソフトが式として読みうるもの。"""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """CSV のセル：式として読みうる文字列は先頭に ' を付けて文字列にする（OWASP）。ほかはそのまま。"""
    return "'" + value if is_formula_like(value) else value


def _meets_text(staff: Mapping[str, Any]) -> str:
    meets = staff.get("meets")
    if meets is None:
        note = staff.get("note")
        return f"判定なし（{note}）" if note else "判定なし"
    return "満たす" if meets else "満たさない"


def _tables_text(result: Mapping[str, Any]) -> str:
    parts = []
    for table in result.get("tables") or []:
        where = "" if table["sheet"] == "CSV" else f"シート「{table['sheet']}」の"
        if table["kind"] is None:
            parts.append(f"シート「{table['sheet']}」：見出し行なし（読まない）")
            continue
        text = f"{KIND_NAMES.get(table['kind'], table['kind'])}：{where}{table['header_row']}行目"
        if table.get("skipped"):
            text += f"（表題・注記として読み飛ばした行：{'、'.join(str(n) for n in table['skipped'])}）"
        parts.append(text)
    return "／".join(parts) or "—"


def _sheets(result: Mapping[str, Any] | RosterResult, limit: int | None = None) -> list[Sheet]:
    """結果を表（シート名、見出し、行）にする。CSV と Excel で同じもの。limit は画面用に各表の先頭だけ作る行数。"""
    if isinstance(result, RosterResult):
        result = result.to_dict()
    r = result["retention"]
    office: list[list[Any]] = [
        ["年度末日", result["fiscal_year_end"]],
        ["就労定着率", f"{r.get('rate') or '—'}（{r.get('percent') or '—'}）"],
        ["区分", r.get("tier") or "—"],
        ["基本報酬（単位／月）", r.get("base_units") if r.get("base_units") is not None else (r.get("base_units_note") or "—")],
        ["適用する報酬表", r.get("schedule") or "—"],
        ["問2で除外した利用者", "、".join(r.get("excluded") or []) or "なし"],
        ["延べ利用者数", result["total_user_months"]],
        ["平均利用者数", result["average_users"]],
        ["延べ利用者数の数え方", result["counted_by"]],
    ]
    staff = result.get("staffing")
    if staff:
        office += [["就労定着支援員の必要数（常勤換算）", staff["support_staff_required"]],
                   ["サービス管理責任者の必要数", staff["service_managers_required"]],
                   ["就労定着支援員の常勤換算", staff.get("fte") or "—"],
                   ["人員基準", _meets_text(staff)]]
    track = result["track_record"]
    office.append(["就労定着実績体制加算の割合", f"{track.get('ratio') or '—'}（{track.get('percent') or '—'}）"])
    if "tables" in result:
        office.append(["見出し行", _tables_text(result)])
    office += [["注意", warning] for warning in result.get("warnings") or []]
    months = [[m["month"], m["count"]] for m in result["monthly_users"]]
    shown = result["users"][:limit] if limit is not None else result["users"]
    users = [[u["id"], u["row"], u["prior_service"], "可" if u["eligible"] else "不可", u["earliest_start"], u["latest_end"],
              " ".join(f"{p['start']}〜{p['end']}" for p in u["periods"]), " ／ ".join(u["warnings"]),
              u["total_units"] if u["total_units"] is not None else "—"] for u in shown]
    claims = [[u["id"], m["month"], _requirement_text(m), m["units"] if m["units"] is not None else "—",
               "、".join(f"{name}{units}" for name, units in m["additions"])] for u in shown for m in u["months"]]
    rejected = [[x["sheet"], x["row"], x["column"], x["message"]] for x in result["rejected"]]
    return [
        ("事業所", ["項目", "値"], office),
        ("月ごとの利用者数", ["月", "延べ利用者数"], months),
        ("利用者", ["利用者ID", "行", "前サービス", "対象", "最も早い利用開始日", "支給決定できる最後の日", "支給決定期間", "注意",
                  "年度の合計単位数（減算の前）"], users),
        ("月ごとの請求", ["利用者ID", "月", "基本報酬の要件の記録", "単位数（減算の前）", "加算"], claims),
        ("読み込めなかった行", ["シート", "行", "列", "理由"], rejected),
    ]


def _requirement_text(month: Mapping[str, Any]) -> str:
    """月ごとの請求の「基本報酬の要件の記録」：その月の要件（2021年3月までは対面、4月からは支援レポート）の種類の記録が
    その月にあるか。ファイルにその種類の行が一つもなければ、満たしたものとして計算したと書く（注意にも出る）。
    種類は結果が持つ（分析に使ったパラメータ集合の登録簿から。ここで既定の登録簿を引かない）。"""
    if not month["billing_recorded"]:
        return f"{month['billing_record']}の記録なし（満たしたものとして計算）"
    return f"{month['billing_record']}：{'あり' if month['billing_met'] else 'なし'}"


# 表と列のキー（_sheets の並びと同じ順）。画面（web.roster_view）は表の題・列の見出しの文字ではなく、このキーで選ぶ。
SHEET_KEYS = ("office", "monthly_users", "users", "claims", "rejected")
COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    "office": ("item", "value"),
    "monthly_users": ("month", "count"),
    "users": ("id", "row", "prior_service", "eligible", "earliest_start", "latest_end", "periods", "warnings", "total_units"),
    "claims": ("id", "month", "requirement", "units", "additions"),
    "rejected": ("sheet", "row", "column", "message"),
}


def keyed_sheets(result: Mapping[str, Any] | RosterResult, limit: int | None = None) -> list[tuple[str, tuple[str, ...], Sheet]]:
    """_sheets の各表に、表のキーと列のキーを添える（キーの数と見出しの数が合わなければ誤り）。"""
    out = []
    for key, sheet in zip(SHEET_KEYS, _sheets(result, limit), strict=True):
        columns = COLUMN_KEYS[key]
        if len(columns) != len(sheet[1]):
            raise ValueError(f"表 {key} の列のキーの数が見出しと違う")
        out.append((key, columns, sheet))
    return out


def to_csv(result: Mapping[str, Any] | RosterResult) -> bytes:
    """結果の CSV（UTF-8、BOM つき）。表ごとに見出しをつけ、空行で区切る。"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for name, header, rows in _sheets(result):
        writer.writerow([f"【{name}】"])
        writer.writerow(header)
        writer.writerows([csv_cell(value) for value in row] for row in rows)
        writer.writerow([])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _append_as_data(sheet: Any, row: list[Any]) -> None:
    """行を足し、式として読みうる文字列のセルを文字列の型にする（値は変えない）。"""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value) or cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True


def to_xlsx(result: Mapping[str, Any] | RosterResult) -> bytes:
    """結果の Excel ファイル（表ごとにシート）。"""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, header, rows in _sheets(result):
        sheet = book.create_sheet(name)
        _append_as_data(sheet, header)
        for row in rows:
            _append_as_data(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# テンプレートの例の1行（列は ROSTER_COLUMNS の順）と、列の説明（CSV は見出しの上の注記、Excel は「説明」シート）
TEMPLATE_ROWS = [
    ["U001", "就労移行支援", "2019-04-01", "", "", "", "2019-10-01", "", "", ""],
]
COLUMN_NOTES = (
    ("利用者ID", "仮名のID（U001 など）。氏名は入れない（氏名などの列を足しても読みません）"),
    ("前サービス", "就職の前に利用したサービス（就労移行支援、就労継続支援A型・B型、生活介護、自立訓練）"),
    ("就職日", "一般就労した日"),
    ("離職日", "就職した事業所を離職した日。就労継続中は空欄"),
    ("転職", "離職の後に再就職した日（日付。「○」は不可）。利用期間中の1回目の転職で、離職日の翌日から1月以内の再就職なら"
             "就労継続とみなす（平成30年12月17日 Q&A）。転職していなければ空欄"),
    ("転職後の離職日", "転職先を離職した日（2回目の離職。この日で就労継続が途切れたものとして数える）。なければ空欄"),
    ("利用開始日", "就労定着支援の利用を始めた日"),
    ("利用終了日", "利用を終えた日。利用中は空欄（支給決定できる最後の日を過ぎて空欄なら注意を出します）"),
    ("他事業所からの受入れ", "初期加算の対象なら「○」、でなければ空欄"),
    ("特別地域", "特別地域加算の対象なら「○」、でなければ空欄"),
    ("種類（対面支援の表）", "支援の記録の種類：「対面」（空欄も対面）か「支援レポート」。基本報酬を請求できる月かを、その月の"
                         "要件（2021年3月までのサービス提供月は対面による支援、2021年4月からは支援レポートの共有）の種類の行が"
                         "その月にあるかで判定する"),
)
# 対面支援（支援の記録）の表の例の日付：本通知の時点の月と、支援レポートが要件になった後の月（種類はその日の要件の record）
TEMPLATE_CONTACT_DATES = ("2019-10-15", "2021-04-20")


def template_contact_rows() -> list[list[str]]:
    """テンプレートの支援の記録の例：利用者ID、日付、その日の基本報酬の要件（登録簿の [billing]）の記録の種類。"""
    params = default_parameters()
    billing = registry(params).billing
    rows = []
    for day in TEMPLATE_CONTACT_DATES:
        condition = billing[params.value("fees.billing_condition", _dt.date.fromisoformat(day))]
        rows.append([TEMPLATE_ROWS[0][0], day, condition.record or ""])
    return rows


def template_csv() -> bytes:
    """入力のテンプレート（CSV、UTF-8 BOM つき）：名簿・対面支援・職員の3つの表と例の行（対面支援は種類ごとに1行）。"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    writer.writerow([])
    writer.writerow([*CONTACT_COLUMNS, CONTACT_KIND_COLUMN])
    writer.writerows(template_contact_rows())
    writer.writerow([])
    writer.writerow(STAFF_COLUMNS)
    writer.writerow(["S01", SUPPORT_STAFF, "40"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _template_cell(value: str) -> Any:
    return _dt.date.fromisoformat(value) if value[:2] == "20" else (value or None)


def template_xlsx() -> bytes:
    """入力のテンプレート（Excel）：シート「名簿」「対面支援」「職員」と、列の意味の「説明」。"""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名簿"
    sheet.append(list(ROSTER_COLUMNS))
    sheet.append([TEMPLATE_ROWS[0][0], TEMPLATE_ROWS[0][1], *(_template_cell(v) for v in TEMPLATE_ROWS[0][2:])])
    contacts = book.create_sheet("対面支援")
    contacts.append([*CONTACT_COLUMNS, CONTACT_KIND_COLUMN])
    for user, day, kind in template_contact_rows():
        contacts.append([user, _dt.date.fromisoformat(day), kind])
    staff_sheet = book.create_sheet("職員")
    staff_sheet.append(list(STAFF_COLUMNS))
    staff_sheet.append(["S01", SUPPORT_STAFF, 40])
    notes = book.create_sheet("説明")
    notes.append(["列", "意味"])
    for row in COLUMN_NOTES:
        notes.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
