"""計算機の入力の例（テストベクトル）：CPython のテストと、Pyodide（Node.js）での一致の確認に同じものを使う。

本通知の例（問1、2019-04-01 → 2019-10-01、区分の境目 89.95% など）、民法143条の月末の扱い、閏年、和暦と全角数字、
不正な入力（存在しない日付、知らないサービス、負の数）を含む。各要素は (計算機, 入力)。
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from teichaku.interfaces.web import SERVICE_CHOICES

# 本通知（平成30年度）の加算の正式名：以前のフォーム・共有リンクが送った値（名も入力として受け付け続けることを確かめる）
NOTICE_ADDITIONS = ("初期加算", "企業連携等調整特別加算", "就労定着実績体制加算", "特別地域加算", "職場適応援助者養成研修修了者配置体制加算")

Vector = tuple[str, dict[str, Any]]


def _days(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    out, day = [], start
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=step)
    return out


def eligibility() -> list[Vector]:
    cases: list[Vector] = []
    # 就職日：2019〜2021年を5日おき、月末・閏日の周辺は毎日
    days = _days(dt.date(2019, 1, 1), dt.date(2021, 12, 31), 5)
    days += [dt.date(y, m, d) for y in (2019, 2020, 2023) for m in (1, 2, 3, 8, 12) for d in (27, 28, 29, 30, 31)
             if (m != 2 or d <= (29 if y % 4 == 0 else 28))]
    for day in sorted(set(days)):
        cases.append(("eligibility", {"prior_service": "就労移行支援", "employed": day.isoformat()}))
    for service in SERVICE_CHOICES:
        cases.append(("eligibility", {"prior_service": service, "employed": "2019-04-01"}))
    for start in ("2019-09-30", "2019-10-01", "2020-04-01", "2022-09-30", "2022-10-01", "令和元年10月1日", "R1.10.1", "２０１９年１０月１日"):
        cases.append(("eligibility", {"prior_service": "就労移行支援", "employed": "2019-04-01", "start": start}))
    for end in ("2019-03-31", "2019-05-15", "2019-08-31"):
        cases.append(("eligibility", {"prior_service": "就労継続支援B型", "employed": "2019-04-01", "prior_service_end": end}))
    for bad in ("", "2019-02-29", "2019-13-01", "令和0年5月1日", "平成31年5月1日", "あした", "1999-01-01", "2019/4/31"):
        cases.append(("eligibility", {"prior_service": "就労移行支援", "employed": bad}))
    cases.append(("eligibility", {"prior_service": "", "employed": "2019-04-01"}))
    cases.append(("eligibility", {"prior_service": "ハローワークの紹介", "employed": "2019-04-01"}))
    return cases


# 報酬表の改定の前後の月（令和元年10月・令和3年4月・令和6年4月）と、本通知の時点
MONTHS = ("2018-04", "2019-04", "2019-09", "2019-10", "2021-03", "2021-04", "2024-03", "2024-04", "2026-11")


def retention() -> list[Vector]:
    cases: list[Vector] = []
    for users in (1, 7, 10, 20, 33, 100, 10000):
        for retained in sorted({0, users // 10, users * 3 // 10, users // 2, users * 7 // 10, users * 8 // 10,
                                users * 9 // 10, users * 9 // 10 - 1, users * 95 // 100, users * 95 // 100 - 1, users}):
            if 0 <= retained <= users:
                for month in ("2019-04", "2021-04", "2024-04"):
                    cases.append(("retention", {"month": month, "users": str(users), "retained": str(retained), "scale_users": "12"}))
    for month in MONTHS:
        cases.append(("retention", {"month": month, "users": "10000", "retained": "8995", "scale_users": "20"}))  # 89.95%
        cases.append(("retention", {"month": month, "users": "10000", "retained": "9000", "scale_users": "20"}))  # ちょうど9割
        cases.append(("retention", {"month": month, "users": "20", "retained": "19", "scale_users": "30"}))  # ちょうど95%
        cases.append(("retention", {"month": month, "users": "20", "retained": "5", "scale_users": ""}))
    for scale in ("", "0", "20", "20.0", "20.1", "40", "40.5", "41", "１２"):
        cases.append(("retention", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": scale}))
    for excluded, retained in ((1, 17), (2, 17), (2, 18), (5, 0), (20, 0)):
        cases.append(("retention", {"month": "2019-04", "users": "20", "retained": str(retained), "excluded": str(excluded),
                                    "scale_users": "12"}))
    for bad in ({"users": "", "retained": "1"}, {"users": "-1", "retained": "0"}, {"users": "10", "retained": "11"},
                {"users": "10", "retained": "x"}, {"users": "10", "retained": "5", "scale_users": "十"},
                {"users": "1.5", "retained": "1"}, {"users": "10", "retained": "5", "month": "2018-03"},
                {"users": "10", "retained": "5", "month": ""}, {"users": "10", "retained": "5", "month": "令和元年13月"}):
        cases.append(("retention", {"month": "2019-04", **bad}))
    return cases


def claim() -> list[Vector]:
    cases: list[Vector] = []
    names = list(NOTICE_ADDITIONS)
    for count in range(len(names) + 1):
        for chosen in itertools.combinations(names, count):
            for face in ("on", ""):
                cases.append(("claim", {"users": "20", "retained": "18", "scale_users": "12", "additions": list(chosen),
                                        "face_to_face": face, "support_start": "2019-10-01", "month": "2020-03",
                                        "from_other_office": "on", "special_area": "on", "job_coach_staff": "on",
                                        "track_record_ended": "10", "track_record_retained": "7"}))
    for month in ("2019-10", "2020-09", "2020-10", "令和2年10月", "2018-03", "2019-13", "2021-03", "2021-04", "2024-04"):
        cases.append(("claim", {"users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on",
                                "additions": ["企業連携等調整特別加算"], "support_start": "2019-10-01", "month": month}))
    for ended, kept in (("10", "6"), ("10", "7"), ("0", "0"), ("5", "6")):
        cases.append(("claim", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on",
                                "additions": ["就労定着実績体制加算"], "track_record_ended": ended, "track_record_retained": kept}))
    for month in MONTHS:
        cases.append(("claim", {"month": month, "users": "20", "retained": "18", "scale_users": "30", "face_to_face": "on"}))
        cases.append(("claim", {"month": month, "users": "20", "retained": "19", "scale_users": "", "face_to_face": "on",
                                "additions": ["特別地域加算"], "special_area": "on"}))
    cases.append(("claim", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on",
                            "additions": ["初期加算"], "from_other_office": "on", "initial_claimed_before": "on"}))
    cases.append(("claim", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on",
                            "also_using": ["自立生活援助", "職場適応援助者に係る助成金"]}))
    cases.append(("claim", {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "", "face_to_face": "on"}))
    cases.append(("claim", {"users": "20", "retained": "18", "scale_users": "12", "face_to_face": "on"}))  # 月がない
    # 今日の規則（令和3年度・令和6年度）：登録簿の加算・減算、支援レポート、回数の上限、金額と利用者負担
    for month in ("2021-03", "2021-04", "2024-03", "2024-04", "2025-03", "2025-04", "2026-06", "2027-04"):
        for report in ("on", ""):
            cases.append(("claim", {"month": month, "users": "18", "retained": "16", "scale_users": "12", "face_to_face": "",
                                    "support_report": report, "support_start": "2020-10-01",
                                    "additions": ["企業連携等調整特別加算", "定着支援連携促進加算", "地域連携会議実施加算（Ⅰ）",
                                                  "地域連携会議実施加算（Ⅱ）", "就労定着実績体制加算", "利用者負担上限額管理加算"],
                                    "coordination_meeting_times": "2", "regional_meeting_1_times": "1", "regional_meeting_2_times": "1",
                                    "meeting_year_count": "3", "track_record_ended": "10", "track_record_retained": "8",
                                    "upper_limit_management": "on", "no_support_system": "on", "info_unreported": "on",
                                    "bcp_missing": "on", "abuse_prevention_missing": "on", "unit_price": "10.7",
                                    "income_class": "一般1"}))
    for price in ("10", "11.40", "１０．７", "abc", "0"):
        cases.append(("claim", {"month": "2024-06", "users": "20", "retained": "20", "unit_price": price, "income_class": "一般2"}))
    cases.append(("claim", {"month": "2024-13", "users": "x", "retained": "", "unit_price": "abc"}))  # 誤りはまとめて
    # 利用者負担（法第29条第3項）：2,768単位 × 10.70円、一般1 の入所施設・グループホームの人、上限0円、所得区分なし
    for inputs in ({"income_class": "一般1", "resident": "on"}, {"income_class": "低所得"}, {}):
        cases.append(("claim", {"month": "2024-06", "users": "18", "retained": "16", "unit_price": "10.70", **inputs}))
    # issue 16：月数で割合が変わる減算（始まる月・割合が変わる月・解消した月の両側）、大きい方だけ（H30 Q&A VOL.3 問2）、
    # 処遇改善加算（加算率の入力、令和6年4月・6月、令和8年6月）、上限額管理加算、特別地域の対面、経過措置、指定から1年
    reductions = {"staff_shortage_since": "2025-04-01", "staff_shortage_over_10": "on", "staff_shortage_resolved": "2025-06-01",
                  "manager_absent_since": "2025-01-10", "plan_missing_since": "2025-01-05", "plan_made_on": "2025-09-10"}
    for month in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"):
        cases.append(("claim", {"month": month, "users": "20", "retained": "19", **reductions, "treatment_rate": "4.1",
                                "treatment_class": "Ⅰ"}))
    cases.append(("claim", {"month": "2025-03", "users": "20", "retained": "19", "staff_shortage_since": "2025-01-15"}))
    cases.append(("claim", {"month": "2025-03", "users": "20", "retained": "19", "staff_shortage_since": "2025-01-15",
                            "staff_shortage_resolved": "2025-02-28"}))
    for month in ("2022-05", "2024-04", "2024-05", "2024-06", "2026-05", "2026-06"):
        for rate in ("", "4.1", "10.3", "120"):
            cases.append(("claim", {"month": month, "users": "20", "retained": "18", "scale_users": "12", "treatment_rate": rate,
                                    "additions": ["upper_limit_management", "special_area", "track_record"],
                                    "upper_limit_management": "on", "special_area": "on", "special_area_face_to_face": "",
                                    "track_record_ended": "10", "track_record_retained": "8", "designated_on": "2025-07-01",
                                    "bcp_missing": "on", "unit_price": "10.70", "income_class": "一般1"}))
    return cases


def staffing() -> list[Vector]:
    cases: list[Vector] = []
    for users in [*range(0, 130, 7), 40, 41, 60, 61, 100, 101]:
        cases.append(("staffing", {"users": str(users)}))
    for hours in (["40"], ["40", "40", "20"], ["32", "8"], ["20", "19.5"], ["１０", "10"]):
        for full in ("40", "32", "30"):
            cases.append(("staffing", {"users": "45", "hours": hours, "fulltime_hours": full}))
    for total in ("0", "100", "539", "540", "541"):
        cases.append(("staffing", {"total_user_months": total}))
    for placements in ("2", "3"):
        cases.append(("staffing", {"users": "10", "placements": placements}))
    for bad in ({}, {"users": "10", "total_user_months": "120"}, {"users": "10", "hours": ["40", "x"], "fulltime_hours": "40"},
                {"users": "10", "hours": ["40"]}, {"users": "10", "hours": ["200"], "fulltime_hours": "40"},
                {"users": "-3"}, {"users": "10", "fulltime_hours": "0", "hours": ["10"]}):
        cases.append(("staffing", bad))
    return cases


def first_recalculation() -> list[Vector]:
    cases: list[Vector] = [("first_recalculation", {"designated": day.isoformat()})
                           for day in _days(dt.date(2018, 4, 1), dt.date(2020, 3, 31), 11)]
    cases += [("first_recalculation", {"designated": text}) for text in ("平成30年10月1日", "H30.10.1", "2018-02-29", "")]
    return cases


def new_office() -> list[Vector]:
    cases: list[Vector] = []
    for on in ("2019-04-01", "2019-08-01", "2019-09-30", "2019-10-01", "2020-03-31", "2020-04-01", "2021-01-01"):
        cases.append(("new_office", {"designated": "2019-04-01", "on": on, "settled_six_months": "10",
                                     "recent_user_months": "60", "retained": "8", "placed": "10"}))
    for bad in ({"designated": "2019-04-01", "on": "2019-03-01"}, {"designated": "2019-04-01", "on": "2019-05-01"},
                {"designated": "2019-04-01", "on": "2019-12-01"}, {"designated": "x", "on": "2019-05-01"},
                {"designated": "2019-04-01", "on": "2019-05-01", "settled_six_months": "3", "retained": "5", "placed": "0"}):
        cases.append(("new_office", bad))
    return cases


def all_vectors() -> list[Vector]:
    return eligibility() + retention() + claim() + staffing() + first_recalculation() + new_office() + [("unknown", {})]


def roster_vectors() -> list[tuple[str, dict[str, Any], bytes]]:
    """名簿のベクトル（計算機, 入力, ファイルの中身）：手で確かめた名簿（UTF-8・CP932・BOM）、Excel のテンプレート、
    名簿でないファイル。"""
    from pathlib import Path

    from teichaku.interfaces.roster import template_csv, template_xlsx

    fixture = (Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv").read_text(encoding="utf-8")
    cases: list[tuple[str, dict[str, Any], bytes]] = []
    for end in ("2021-03-31", "2022-03-31", "2023-03-31"):
        cases.append(("roster", {"file": "a.csv", "fiscal_year_end": end, "fulltime_hours": "40"}, fixture.encode("utf-8")))
    cases.append(("roster", {"file": "a.csv", "fiscal_year_end": "2023-03-31"}, fixture.encode("cp932")))
    cases.append(("roster", {"file": "a.csv", "fiscal_year_end": "2023-03-31"}, b"\xef\xbb\xbf" + fixture.encode("utf-8")))
    cases.append(("roster", {"file": "t.xlsx", "fiscal_year_end": "2020-03-31"}, template_xlsx()))
    cases.append(("roster", {"file": "t.csv", "fiscal_year_end": "2020-03-31"}, template_csv()))
    cases.append(("roster", {"file": "x.png", "fiscal_year_end": "2020-03-31"}, b"\x89PNG\r\n\x1a\n0000"))
    cases.append(("roster", {"file": "x.csv", "fiscal_year_end": "2020-03-30"}, template_csv()))
    cases.append(("roster", {"file": "x.csv"}, b""))
    titled = (Path(__file__).parent / "fixtures" / "roster" / "titled_with_names.csv").read_bytes()
    cases.append(("roster", {"file": "名簿.csv", "fiscal_year_end": "2023-03-31"}, titled))  # 題名の行・氏名の列つき
    # 今日の年度（令和6年度の報酬表・支援レポートの要件で月ごとの請求を求める）
    cases.append(("roster", {"file": "a.csv", "fiscal_year_end": "2025-03-31", "fulltime_hours": "40"}, fixture.encode("utf-8")))
    return cases
