"""１か月の請求：基本報酬と加算（別添 p.14、基準省令第206条の8第2項、支援事例③ ※２ p.27）。

- 基本報酬は就労定着率の区分と利用者数規模で決まる（teichaku.retention）。
- 利用者との対面による支援が１月に１回以上ない月は、基本報酬を請求できない（支援事例③ ※２）。加算は基本報酬に
  上乗せするものなので、その月は加算も算定しない。
- 加算（別添 p.14）とその条件：
  初期加算 900単位（１回限り。一体的に運営する移行支援事業所等以外の事業所から受け入れた利用者）、
  企業連携等調整特別加算 240単位（支援開始１年以内）、就労定着実績体制加算 300単位（過去６年間の利用終了者のうち
  42月以上78月未満継続して就労している者等の割合が前年度7割以上）、特別地域加算 240単位（中山間地域等に居住）、
  職場適応援助者養成研修修了者配置体制加算 120単位（ジョブコーチ養成研修修了者を就労定着支援員として配置）。
- 企業連携等調整特別加算の「支援開始１年以内」：本ツールの選択として、利用開始日を第1日とする１年の期間に１日でも
  含まれる月を算定可能とする（月単位の報酬であるため）。
- 併給調整（自立生活援助、自立訓練（生活訓練）、職場適応援助者に係る助成金）は警告として示す（別添 p.14 の注）。
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .dates import Month, japanese_date, parse_date, period_end
from .errors import InputError
from .explain import NOTICE_DATE, Explanation
from .numbers import parse_count, percent_text
from .params import ParameterSet, default_parameters
from .passages import passage
from .retention import RetentionResult, retention_rate
from .retention import service_month as month_of_service

ADDITIONS: dict[str, str] = {
    "初期加算": "fees.initial_addition",
    "企業連携等調整特別加算": "fees.company_coordination_addition",
    "就労定着実績体制加算": "fees.track_record_addition",
    "特別地域加算": "fees.special_area_addition",
    "職場適応援助者養成研修修了者配置体制加算": "fees.job_coach_addition",
}
_ADDITION_ALIASES = {
    "初期": "初期加算",
    "企業連携": "企業連携等調整特別加算", "企業連携加算": "企業連携等調整特別加算",
    "実績体制": "就労定着実績体制加算", "定着実績": "就労定着実績体制加算", "実績体制加算": "就労定着実績体制加算",
    "特別地域": "特別地域加算",
    "ジョブコーチ": "職場適応援助者養成研修修了者配置体制加算", "職場適応援助者": "職場適応援助者養成研修修了者配置体制加算",
    "職場適応援助者加算": "職場適応援助者養成研修修了者配置体制加算",
}
CONCURRENT = {
    "自立生活援助": "自立生活援助",
    "自立訓練（生活訓練）": "自立訓練（生活訓練）", "生活訓練": "自立訓練（生活訓練）", "自立訓練(生活訓練)": "自立訓練（生活訓練）",
    "職場適応援助者助成金": "職場適応援助者に係る助成金", "ジョブコーチ助成金": "職場適応援助者に係る助成金",
    "職場適応援助者に係る助成金": "職場適応援助者に係る助成金",
}


def parse_addition(text: str, field: str = "加算") -> str:
    """加算名（正式名・略称）を正式名にする。"""
    key = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if key in ADDITIONS:
        return key
    if key in _ADDITION_ALIASES:
        return _ADDITION_ALIASES[key]
    raise InputError(field, f"「{text.strip()}」は本通知の加算ではありません。{'、'.join(ADDITIONS)}のいずれかを指定してください。")


@dataclass
class Addition:
    name: str
    units: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "units": self.units}


@dataclass
class Refusal:
    name: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "reason": self.reason}


@dataclass
class ClaimResult:
    retention: RetentionResult
    month: Month | None
    base_units: int | None
    base_note: str | None
    additions: list[Addition]
    rejected: list[Refusal]
    warnings: list[str]
    explanation: Explanation = field(repr=False)

    @property
    def total_units(self) -> int | None:
        if self.base_units is None:
            return None
        return self.base_units + sum(a.units for a in self.additions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.iso() if self.month else None,
            "rate": self.retention.rate_text,
            "percent": percent_text(self.retention.rate),
            "tier": self.retention.tier.label,
            "tier_rank": self.retention.tier.rank,
            "scale": self.retention.fee.scale.label if self.retention.fee.scale else None,
            "base_units": self.base_units,
            "base_units_note": self.base_note,
            "additions": [a.to_dict() for a in self.additions],
            "rejected": [r.to_dict() for r in self.rejected],
            "total_units": self.total_units,
            "warnings": list(self.warnings),
            "schedule": self.retention.schedule,
            "schedule_since": self.retention.schedule_since.isoformat() if self.retention.schedule_since else None,
            **self.explanation.to_dict(),
        }


def monthly_claim(
    users: str | int,
    retained: str | int,
    scale_users: str | int | Fraction,
    excluded: str | int = 0,
    additions: Sequence[str] = (),
    face_to_face: bool = True,
    support_start: str | _dt.date | None = None,
    month: str | Month | None = None,
    from_other_office: bool = False,
    initial_claimed_before: bool = False,
    special_area: bool = False,
    job_coach_staff: bool = False,
    track_record_ended: str | int | None = None,
    track_record_retained: str | int | None = None,
    also_using: Sequence[str] = (),
    parameters: ParameterSet | None = None,
) -> ClaimResult:
    """ある利用者のある月の請求（基本報酬＋加算）。加算ごとに、算定できるか・できない理由を返す。"""
    params = parameters or default_parameters()
    requested = [parse_addition(name, "加算") for name in additions]
    start = parse_date(support_start, "利用開始日") if support_start not in (None, "") else None
    ended = parse_count(track_record_ended, "実績体制：過去6年間の利用終了者数") if track_record_ended not in (None, "") else None
    ended_kept = (
        parse_count(track_record_retained, "実績体制：42月以上78月未満の就労継続者数")
        if track_record_retained not in (None, "") else None
    )
    if ended is not None and ended_kept is not None and ended_kept > ended:
        raise InputError("実績体制：42月以上78月未満の就労継続者数", "利用終了者数を超えています。")
    concurrent = []
    for name in also_using:
        key = unicodedata.normalize("NFKC", name).strip()
        if key not in CONCURRENT and name.strip() not in CONCURRENT:
            raise InputError("併用しているサービス", f"「{name.strip()}」は併給調整の対象として認識できません。"
                                                   "自立生活援助、自立訓練（生活訓練）、職場適応援助者助成金のいずれかです。")
        concurrent.append(CONCURRENT.get(key, CONCURRENT.get(name.strip(), key)))
    # サービス提供月の報酬表で計算する（月がなければ本通知の報酬体系）。創設前の月は入力エラー。
    service_month, on = month_of_service(month, params)
    retention = retention_rate(users, retained, excluded, scale_users, on=on, parameters=params, month=service_month)
    if retention.fee.scale is None:
        raise InputError("利用者数規模（平均利用者数）", f"「{retention.schedule}」は利用者数の規模で基本報酬が変わります。"
                                                     "前年度の平均利用者数を入力してください。")
    ex = retention.explanation
    granted: list[Addition] = []
    rejected: list[Refusal] = []
    warnings: list[str] = []
    for name in concurrent:
        warnings.append(f"{name}との併給調整があります（別添 p.14 の注）。同じ月の請求の可否を確認してください。")
        ex.cite(passage("concurrent_use", params))

    if start is not None and service_month is not None and service_month.last_day < start:
        ex.step(f"{service_month.japanese()}は利用開始日{japanese_date(start)}より前の月のため、請求できない。")
        for name in requested:
            rejected.append(Refusal(name, "利用開始前の月です。"))
        return ClaimResult(retention, service_month, 0, "利用開始前の月", granted, rejected, warnings, ex)

    base = retention.fee.units
    if not face_to_face:
        ex.step("この月は利用者との対面による支援がないため、基本報酬を請求できない（加算も算定しない）。",
                "fees.face_to_face_per_month", extra=(passage("face_to_face", params),))
        for name in requested:
            rejected.append(Refusal(name, "対面による支援がない月は基本報酬を請求できず、加算も算定できません。"))
        return ClaimResult(retention, service_month, 0, "対面による支援がない月", granted, rejected, warnings, ex)
    ex.step("この月に利用者との対面による支援が1回以上あるため、基本報酬を請求できる。", "fees.face_to_face_per_month")
    if base is None:
        ex.step(f"基本報酬の単位数が「{retention.fee.note}」のため、合計単位数は示せない。加算の可否だけを示す。")

    unconfirmed_from: _dt.date = ex.peek("fees.additions_unconfirmed_from")
    if requested and on >= unconfirmed_from:
        # 令和3年4月以降の加算は改定で変わっており、このツールの資料では要件・単位数を確認できない（持ち越さない）
        month_text = service_month.japanese() if service_month else japanese_date(on)
        ex.step(f"{month_text}は{japanese_date(unconfirmed_from)}以降のため、本通知の加算の要件・単位数をそのまま使えない"
                "（改定内容をこのツールの資料で確認できない）。加算は合計に含めない。", "fees.additions_unconfirmed_from")
        for name in requested:
            rejected.append(Refusal(name, f"{month_text}の{name}の要件・単位数は、このツールの資料では確認できません"
                                          f"（{japanese_date(unconfirmed_from)}以降の報酬改定）。合計に含めていません。"))
        warnings.append(f"{japanese_date(unconfirmed_from)}以降の月の加算（令和6年度の地域連携会議実施加算・支援体制構築未実施減算など"
                        "の新設・変更を含む）は計算していません。報酬告示と留意事項通知で確認してください。")
        requested = []
    elif requested and retention.schedule_since is not None and retention.schedule_since > NOTICE_DATE:
        warnings.append(f"加算の単位数は本通知（平成30年度）の値です。「{retention.schedule}」で加算の単位数が変わったかは、"
                        "このツールの資料では確認できていません。")
    for name in requested:
        param = ADDITIONS[name]
        units = ex.peek(param)
        reason: str | None = None
        if name == "初期加算":
            if not from_other_office:
                reason = ("一体的に運営する移行支援事業所等以外の事業所から受け入れた利用者に限ります"
                          "（他事業所からの受入れを指定してください）。")
            elif initial_claimed_before:
                reason = "初期加算は1回限りで、すでに算定しています。"
        elif name == "企業連携等調整特別加算":
            if start is None or service_month is None:
                reason = "支援開始1年以内かを判定するため、利用開始日とサービス提供月が必要です。"
            else:
                months = ex.peek("fees.company_coordination_months")
                first_year_end = period_end(start, months)
                if service_month.first_day > first_year_end:
                    reason = (f"支援開始1年以内（{japanese_date(start)}〜{japanese_date(first_year_end)}）を過ぎた月です。")
                else:
                    ex.step(f"{service_month.japanese()}は支援開始1年以内（{japanese_date(start)}〜{japanese_date(first_year_end)}）"
                            "に含まれる月。", "fees.company_coordination_months")
        elif name == "就労定着実績体制加算":
            if ended is None or ended_kept is None:
                reason = "過去6年間の利用終了者数と、そのうち42月以上78月未満継続して就労している者等の数が必要です。"
            elif ended == 0:
                reason = "過去6年間に利用を終了した者がいないため、割合を算出できません。"
            else:
                ratio = ex.peek("fees.track_record_ratio")
                share = Fraction(ended_kept, ended)
                low = ex.peek("fees.track_record_min_months")
                high = ex.peek("fees.track_record_max_months")
                text = (f"{low}月以上{high}月未満の就労継続者{ended_kept}人 ÷ 利用終了者{ended}人 = {percent_text(share)}"
                        f"（{percent_text(ratio, 0)}以上が必要）")
                if share < ratio:
                    reason = f"{text}：要件を満たしません。"
                else:
                    ex.step(f"{text}：要件を満たす。", "fees.track_record_ratio", "fees.track_record_min_months",
                            "fees.track_record_max_months", "fees.track_record_lookback_years")
        elif name == "特別地域加算":
            if not special_area:
                reason = "中山間地域等に居住する利用者に支援した場合に限ります（特別地域を指定してください）。"
        elif name == "職場適応援助者養成研修修了者配置体制加算" and not job_coach_staff:
            reason = "職場適応援助者（ジョブコーチ）養成研修の修了者を就労定着支援員として配置している場合に限ります。"
        if reason is None:
            granted.append(Addition(name, units))
            ex.step(f"{name} {units:,}単位を算定する。", param)
        else:
            rejected.append(Refusal(name, reason))
            ex.step(f"{name}は算定しない：{reason}", param)
    if base is not None:
        total = base + sum(a.units for a in granted)
        parts = " + ".join([f"基本報酬{base:,}"] + [f"{a.name}{a.units:,}" for a in granted])
        ex.step(f"合計 = {parts} = {total:,}単位。")
    return ClaimResult(retention, service_month, base, retention.fee.note, granted, rejected, warnings, ex)
