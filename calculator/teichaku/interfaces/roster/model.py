"""名簿の型：列の名前、読み込めない行（Rejection）、利用者の事実（UserFacts）、結果（RosterResult）。

RosterResult.to_dict() の形は web.py・cli.py・tests/golden が読む契約：キーと値の形を変えない（増やしたのは
"tables"（使った見出し行）と "warnings"（事業所全体の注意）の2つだけ）。
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...rules.dates import Month
from ...rules.eligibility import DecisionPeriod
from ...rules.errors import InputError
from ...rules.numbers import decimal_text, percent_text
from ...rules.retention import RetentionResult
from ...rules.staffing import StaffingResult

MAX_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10  # 見出し行を探す各シート（CSV は各表）の先頭の行数（表題・空行・注記を置けるように）

# 名簿の列。「転職」は再就職した日（日付）、「転職後の離職日」は転職先を離職した日（2回目の離職）。
# 最後の2列（○の列）は加算・減算の登録簿の事実（data/claim_items.toml の [facts] の column）：どの事実の column の
# 列も読む（加算を一つ足せば、その事実の列を名簿に足すだけで名簿の請求に届く）。ここはテンプレートの列の並び。
ROSTER_COLUMNS = ("利用者ID", "前サービス", "就職日", "離職日", "転職", "転職後の離職日", "利用開始日", "利用終了日",
                  "他事業所からの受入れ", "特別地域")
REQUIRED_COLUMNS = ("利用者ID", "前サービス", "就職日", "利用開始日")
DATE_COLUMNS = ("就職日", "離職日", "転職", "転職後の離職日", "利用開始日", "利用終了日")
# 対面支援（支援の記録）の表。任意の列「種類」：空欄（以前のファイル）は「対面」。値は登録簿の [billing] の record
# （「対面」「支援レポート」）。その月の基本報酬の要件（fees.billing_condition）の記録がある月に請求できる。
CONTACT_COLUMNS = ("利用者ID", "日付")
CONTACT_KIND_COLUMN = "種類"
CONTACT_KIND_DEFAULT = "対面"
STAFF_COLUMNS = ("職員", "職種", "週の勤務時間")
SUPPORT_STAFF = "就労定着支援員"
# 職員の表の「職種」の読み方：表示名 → 職種のキー（人員基準の常勤換算に数えるのは support_staff）
STAFF_ROLE_KEYS = {SUPPORT_STAFF: "support_staff"}
KIND_NAMES = {"roster": "名簿", "contacts": "対面支援", "staff": "職員"}


class RosterError(InputError):
    """ファイル全体が名簿として読めない（空、画像、列がない、壊れている、大きすぎる）。項目キーは "file"。"""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)


@dataclass(frozen=True, slots=True)
class Rejection:
    """読み込めなかった行：シート（CSV は "CSV"）、表計算ソフトで見える行番号、列、理由。"""

    sheet: str
    row: int
    column: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class UserFacts:
    """名簿の1行から読んだ1人の事実（確かめ済み）。teichaku.rules.office.EmploymentFacts の形を持つ。

    reemployed は「転職」の列（離職の後に再就職した日）、left_again は「転職後の離職日」（2回目の離職）。
    氏名など名簿の他の列は読まない（結果にも書き出しにも出さない）。
    """

    id: str
    row: int
    prior_service: str
    qualifies: bool  # 前サービスが施行規則第6条の10の2のもの
    employed: _dt.date
    left: _dt.date | None
    reemployed: _dt.date | None
    left_again: _dt.date | None
    start: _dt.date
    end: _dt.date | None
    facts: Mapping[str, bool]  # 登録簿の事実のキー → 値（名簿の ○ の列、[facts] の column）


@dataclass(frozen=True, slots=True)
class StaffRow:
    row: int
    role: str                # ファイルに書かれた職種（表示のため）
    hours: Fraction
    role_key: str | None = None  # 職種のキー（STAFF_ROLE_KEYS。知らない職種は None）


@dataclass(frozen=True, slots=True)
class TableInfo:
    """読んだ表：シート、種類（roster / contacts / staff）、見出し行の行番号、データの行数、表題・注記として読み飛ばした行。

    kind と header_row が None のものは、最初の HEADER_SEARCH_ROWS 行に見出しがなく読まなかったシート。
    """

    sheet: str
    kind: str | None
    header_row: int | None
    rows: int
    skipped: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "kind": self.kind, "header_row": self.header_row, "rows": self.rows,
                "skipped": list(self.skipped)}


@dataclass(frozen=True, slots=True)
class MonthClaim:
    """ある利用者のある月の請求（teichaku.rules.fees.claim の答えのうち名簿に出すもの）。

    additions・refused・reductions は表示名（additions・reductions は単位数と組）、*_keys は同じ順の登録簿のキー、billing_condition は
    その月の基本報酬の要件のキー（face_to_face／support_report）、billing_record はそれを満たす支援の記録の種類（登録簿の
    [billing] の record：「対面」「支援レポート」）、billing_met はそれを満たしたか、billing_recorded はそれを支援の記録の表で
    判定したか（偽：ファイルにその種類の行が一つもなく、満たしたものとして計算した）。
    """

    month: str
    contact: bool
    units: int | None
    base_units: int | None
    additions: tuple[tuple[str, int], ...]
    refused: tuple[str, ...]
    claimed_once: tuple[str, ...]  # この月に算定した「1回限り」の加算のキー（以後の月は算定済み）
    addition_keys: tuple[str, ...] = ()
    refused_keys: tuple[str, ...] = ()
    billing_condition: str = ""
    billing_met: bool = True
    reductions: tuple[tuple[str, int], ...] = ()
    reduction_keys: tuple[str, ...] = ()
    billing_recorded: bool = True
    billing_record: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "contact": self.contact, "units": self.units, "base_units": self.base_units,
                "additions": list(self.additions), "refused": list(self.refused),
                "addition_keys": list(self.addition_keys), "refused_keys": list(self.refused_keys),
                "billing_condition": self.billing_condition, "billing_met": self.billing_met,
                "billing_recorded": self.billing_recorded, "billing_record": self.billing_record,
                "reductions": list(self.reductions), "reduction_keys": list(self.reduction_keys)}


@dataclass(frozen=True, slots=True)
class UserResult:
    id: str
    row: int
    prior_service: str
    eligible: bool
    earliest_start: _dt.date
    latest_end: _dt.date
    periods: tuple[DecisionPeriod, ...]
    warnings: tuple[str, ...]
    months: tuple[MonthClaim, ...]
    total_units: int | None

    def to_dict(self, months: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """months：同じ MonthClaim の辞書の元（RosterResult.to_dict が利用者をまたいで使い、月ごとに複製する）。"""
        shown = months if months is not None else {}
        out = []
        for claim in self.months:
            base = shown.get(id(claim))
            if base is None:
                base = shown[id(claim)] = claim.to_dict()
            out.append(base.copy())
        return {"id": self.id, "row": self.row, "prior_service": self.prior_service, "eligible": self.eligible,
                "earliest_start": self.earliest_start.isoformat(), "latest_end": self.latest_end.isoformat(),
                "periods": [p.to_dict() for p in self.periods], "warnings": list(self.warnings),
                "months": out, "total_units": self.total_units}


@dataclass(frozen=True)
class OfficeRetention:
    """年度末日の就労定着率（翌年度の基本報酬）。result が None なら算出できない（note に理由）。"""

    result: RetentionResult | None
    excluded: tuple[str, ...]
    applies_from: Month
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        if self.result is None:
            return {"rate": None, "tier": None, "tier_rank": None, "base_units": None, "excluded": list(self.excluded),
                    "note": self.note}
        return {**{k: v for k, v in self.result.to_dict().items() if k not in ("steps", "sources")},
                "excluded": list(self.excluded), "applies_from": self.applies_from.iso()}


@dataclass(frozen=True)
class ClaimsBasis:
    """月ごとの請求に使う区分・規模：前年度末日の就労定着率の人数と前年度の平均利用者数。"""

    users: int
    retained: int
    excluded: int
    average_users: Fraction
    fiscal_year_end: _dt.date

    @property
    def average_text(self) -> str:
        return decimal_text(self.average_users, 1)

    def to_dict(self) -> dict[str, Any]:
        return {"users": self.users, "retained": self.retained, "excluded": self.excluded,
                "average_users": self.average_text, "fiscal_year_end": self.fiscal_year_end.isoformat()}


@dataclass(frozen=True)
class OfficeStaffing:
    result: StaffingResult
    support_staff_hours: tuple[Fraction, ...]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.result.to_dict().items() if k not in ("steps", "sources")}
        out["support_staff_hours"] = [decimal_text(h) for h in self.support_staff_hours]
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class TrackRecordResult:
    ended: int
    retained: int
    ratio: Fraction | None
    meets: bool | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        if self.ratio is None:
            return {"ended": 0, "retained": 0, "ratio": None, "meets": None, "note": self.note}
        return {"ended": self.ended, "retained": self.retained, "ratio": f"{self.retained}/{self.ended}",
                "percent": percent_text(self.ratio), "meets": self.meets, "note": self.note}


@dataclass(frozen=True)
class RowCounts:
    accepted: int
    rejected: int
    contacts: int
    staff: int

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": self.rejected, "contacts": self.contacts, "staff": self.staff}


@dataclass(frozen=True)
class RosterResult:
    """名簿の結果。to_dict() は web.py・cli.py が読む形（キーは従来どおり＋"tables"・"warnings"）。"""

    fiscal_year_end: _dt.date
    retention: OfficeRetention
    monthly_users: tuple[tuple[Month, int], ...]
    average_users: Fraction
    counted_by_contacts: bool
    staffing: OfficeStaffing | None
    track_record: TrackRecordResult
    claims_basis: ClaimsBasis | None
    users: tuple[UserResult, ...]
    rejected: tuple[Rejection, ...]
    rows: RowCounts
    tables: tuple[TableInfo, ...]
    warnings: tuple[str, ...]
    # 月ごとの請求がない（年度の合計単位数が「—」か0）ときの、その理由（画面に示す）。請求があれば None
    claims_note: str | None = None

    @property
    def total_user_months(self) -> int:
        return sum(count for _, count in self.monthly_users)

    def to_dict(self) -> dict[str, Any]:
        months: dict[int, dict[str, Any]] = {}  # 同じ請求（MonthClaim）の辞書は一度だけ作り、利用者ごとに複製する
        return {
            "fiscal_year_end": self.fiscal_year_end.isoformat(),
            "retention": self.retention.to_dict(),
            "monthly_users": [{"month": m.iso(), "count": c} for m, c in self.monthly_users],
            "total_user_months": self.total_user_months,
            "average_users": decimal_text(self.average_users, 1),
            "counted_by": "対面支援のあった月" if self.counted_by_contacts else "利用期間にかかる月（対面支援の表なし）",
            "staffing": self.staffing.to_dict() if self.staffing else None,
            "track_record": self.track_record.to_dict(),
            "claims_basis": self.claims_basis.to_dict() if self.claims_basis else None,
            "users": [u.to_dict(months) for u in self.users],
            "rejected": [r.to_dict() for r in self.rejected],
            "rows": self.rows.to_dict(),
            "tables": [t.to_dict() for t in self.tables],
            "warnings": list(self.warnings),
            "claims_note": self.claims_note,
        }
