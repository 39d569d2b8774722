"""issue 18 の2：計算機のページの冒頭と例は、このページを作った月に効力を持つ規則を言い、本通知の時代の規則は
「本通知の時代」として示す（月の請求の「対面による支援がない月は…請求できません」を今のこととして書かない）。
値は計算機の結果から作る（teichaku_site.training.calc_intro_*）。"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from teichaku.interfaces.web import run
from teichaku_site import training
from teichaku_site.today import build_date
from test_user_text import visible_text


def _article(site: Path, page: str) -> str:
    return re.sub(r"\s+", "", visible_text((site / page / "index.html").read_text(encoding="utf-8")))


def test_claim_page_states_this_months_requirement_and_the_notice_era_as_past(built_site: Path) -> None:
    text = _article(built_site, "calc/claim")
    month = build_date()
    today = run("claim", {"month": f"{month.year:04d}-{month.month:02d}", "users": "18", "retained": "16"})
    requirement = next(row["value"] for row in today["summary"] if row["label"] == "基本報酬の要件")
    assert f"このページを作った月（{month.year}年{month.month}月）" in text and f"基本報酬の要件は「{requirement}」" in text
    assert "本通知の時代（2021年4月より前）の要件は「利用者との対面による支援（月1回以上）」" in text
    assert "利用者との対面による支援がない月は、基本報酬も加算も請求できません" not in text  # 2018年の規則を今のこととして
    links = re.findall(r'class="calc-example" href="#([^"]+)"', (built_site / "calc/claim/index.html").read_text(encoding="utf-8"))
    months = [re.search(r"month=(\d{4}-\d{2})", link).group(1) for link in links]  # type: ignore[union-attr]
    assert months.count(f"{month.year:04d}-{month.month:02d}") >= 2 and len(months) - months.count("2019-04") >= 2


def test_retention_page_names_this_months_table_and_drops_the_21_plus_scale_note(built_site: Path) -> None:
    text = _article(built_site, "calc/retention")
    assert "利用者数21人以上の規模の単位数は本通知に記載がないため示しません" not in text
    assert "このページを作った月" in text and "本通知の時代（2019年4月）の表" in text


def test_calculator_index_does_not_say_it_computes_the_notice_rules_only(built_site: Path) -> None:
    text = _article(built_site, "calc")
    assert "本通知の規則を" not in text and "効力を持つもので計算します" in text


def test_intros_follow_the_month() -> None:
    early = training.calc_intro_claim(dt.date(2021, 2, 15))
    assert "「利用者との対面による支援（月1回以上）」です" in early and "本通知の時代（" not in early
    later = training.calc_intro_retention(dt.date(2022, 5, 1))
    assert "令和3年度報酬改定" in later and "利用者数の規模でも分かれます" in later
