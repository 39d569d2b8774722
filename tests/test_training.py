"""研修（issue 12 の3）：練習問題の答えは規則の出力（teichaku.interfaces.web.run）と一致し、ページは生成される。

- 本通知の例の答え（問1：2019年9月30日基準・2019年10月から、問2：17/18「9割以上」と 17/20、問3：6月定着者10人×70%、
  Aさん、区分の境目、人員基準、6月の数え方、転職、今の請求の上限と端数）。
- ビルドしたページの答え・リンクが、同じ入力の teichaku.interfaces.web.run の出力・入力と一致する。
- QR コード：印字した URL から segno.make で作った行列と、ページの SVG の行列が等しい。アドレスが分からなければ QR は出さない。
- 配布資料は生成日のパラメータを示す（日付を変えると表が変わる）。各節に出典、Markdown に単位数を手で書かない。
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import segno

from teichaku.interfaces.web import run
from teichaku.rules.params import default_parameters
from teichaku_site import dispatch, training
from teichaku_site.today import build_date

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "docs" / "training"
PAGES = sorted(TRAINING.glob("*.md"))
CITATION = re.compile(r"出典：.*(別添|本通知|告示|留意事項通知|改定の概要)")


# ---- ビルドしたページを読む ----

class _Page(HTMLParser):
    """答え（details[data-exercise] > div[data-case] > dd[data-pick]）、共有リンク、QR コードを集める。"""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.answers: dict[tuple[str, int, str], Any] = {}
        self.links: list[str] = []
        self.qr: list[dict[str, Any]] = []
        self._exercise = ""
        self._case = -1
        self._pick: str | None = None
        self._text: list[str] = []
        self._items: list[str] | None = None
        self._item: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "details" and a.get("data-exercise"):
            self._exercise = a["data-exercise"] or ""
        elif tag == "div" and "training-case" in classes:
            self._case = int(a["data-case"] or 0)
        elif tag == "dd" and a.get("data-pick"):
            self._pick, self._text, self._items = a["data-pick"], [], None
        elif tag == "ul" and self._pick is not None:
            self._items = []
        elif tag == "li" and self._items is not None:
            self._item = []
        elif tag == "a" and "training-open" in classes:
            self.links.append(a["href"] or "")
        elif tag == "figure" and "training-qr" in classes:
            self.qr.append({"data": a.get("data-qr-link"), "path": None, "caption": None, "label": None})
        elif tag == "svg" and self.qr and self.qr[-1]["path"] is None:
            self.qr[-1]["label"] = a.get("aria-label")
            self.qr[-1]["viewbox"] = a.get("viewbox")
        elif tag == "path" and self.qr and self.qr[-1]["path"] is None:
            self.qr[-1]["path"] = a.get("d")
        elif tag == "code" and "training-qr-link" in classes:
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._item is not None and self._items is not None:
            self._items.append("".join(self._item).strip())
            self._item = None
        elif tag == "dd" and self._pick is not None:
            value: Any = self._items if self._items is not None else "".join(self._text).strip()
            self.answers[(self._exercise, self._case, self._pick)] = value
            self._pick, self._items = None, None
        elif tag == "code" and self._caption is not None:
            self.qr[-1]["caption"] = "".join(self._caption)
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.append(data)
        elif self._pick is not None:
            self._text.append(data)
        if self._caption is not None:
            self._caption.append(data)


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _expected(result: dict[str, Any], where: str, label: str) -> Any:
    """テストの側で結果から読む（training.pick_value に頼らない）。"""
    if where == "verdict":
        return result["verdict"]["text"]
    if where == "summary":
        return next(row["value"] for row in result["summary"] if row["label"] == label)
    return next(block["items"] for block in result["lists"] if block["title"] == label)


def qr_matrix_from_svg(path: str, size: int) -> list[list[int]]:
    """segno の SVG の path（行ごとの黒の連なり：M x y、h 長さ、m dx dy）を行列に戻す（余白を含む size × size）。"""
    matrix = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            length = values[0]
            for column in range(int(x), int(x + length)):
                matrix[int(y)][column] = 1
            x += length
    return matrix


def _with_border(code: segno.QRCode, border: int = 4) -> list[list[int]]:
    width = len(code.matrix) + 2 * border
    rows = [[0] * width for _ in range(border)]
    rows += [[0] * border + [int(bool(v)) for v in row] + [0] * border for row in code.matrix]
    return rows + [[0] * width for _ in range(border)]


# ---- 本通知の例の答え（規則から） ----

ON = dt.date(2026, 11, 30)  # 練習問題の日付は生成日から決まる：この日に生成したとして確かめる


def _answers(key: str) -> list[dict[str, Any]]:
    exercise = next(e for e in training.exercises(ON) if e.key == key)
    out = []
    for case in exercise.cases:
        result = run(case.kind, case.input_dict())
        out.append({pick.key: training.pick_value(result, pick) for pick in case.picks})
    return out


def test_q1_designated_2018_10_01_counts_on_2019_09_30_and_applies_from_october_2019() -> None:
    (answer,) = _answers("q1")
    assert answer["summary:就労定着率を算出する基準日"].startswith("2019年9月30日")
    assert answer["summary:新たな就労定着率で算定する期間"].startswith("2019年10月から2020年3月31日")


def test_q2_excluding_two_leavers_gives_17_18_and_not_excluding_17_20_in_the_build_month() -> None:
    excluded, kept = _answers("q2")
    assert excluded["summary:就労定着率"].startswith("17/18") and excluded["summary:区分"] == "9割以上9割5分未満"
    assert excluded["summary:基本報酬"].startswith("3,348単位")  # 令和6年度の表（2026年11月）
    assert kept["summary:就労定着率"].startswith("17/20") and kept["summary:区分"] == "8割以上9割未満"


def test_q3_ten_settled_users_times_seventy_percent_in_the_first_six_months() -> None:
    (answer,) = _answers("q3")
    assert answer["summary:段階"] == "指定から6月未満"
    assert answer["summary:報酬上の利用者数（推定）"] == answer["summary:人員基準上の利用者数（推定）"] == "7.0人"


def test_a_san_employed_last_april_starts_in_october_with_three_yearly_periods() -> None:
    (answer,) = _answers("a-san")
    assert answer["summary:最も早い利用開始日"].startswith("2025年10月1日")
    assert answer["summary:支給決定できる最後の日"].startswith("2028年9月30日")
    assert len(answer["list:支給決定期間（1年以内ごと）"]) == 3


def test_tier_boundaries_today_and_then() -> None:
    nine, below, r6, then = _answers("tiers")
    assert nine["summary:区分"] == "9割以上9割5分未満"
    assert below["summary:区分"] == "8割以上9割未満"
    assert r6["summary:区分"] == "9割5分以上" and "3,512単位" in r6["summary:基本報酬"]
    assert then["summary:区分"] == "9割以上" and "3,200単位" in then["summary:基本報酬"]  # 本通知の時代（平成30年度の表）


def test_exercises_use_todays_rules_with_one_then_and_now_exercise() -> None:
    """issue 18 の2：練習問題は今の規則で、本通知の時代の表を使うのは区分の境目の (4) だけ。"""
    old = []
    for exercise in training.exercises(ON):
        for case in exercise.cases:
            month = dict(case.inputs).get("month")
            if month and month < "2024-04":
                old.append((exercise.key, case.label))
    assert old == [("tiers", "本通知の時代：ちょうど9割（2019年4月）")]
    texts = [pick for exercise in training.exercises(ON) for case in exercise.cases
             for pick in training.answers(case) if "3,200単位" in str(pick[1])]
    assert len(texts) == 1


def test_staffing_40_60_61_users() -> None:
    forty, sixty, sixty_one = _answers("staffing")
    staff, managers = "summary:就労定着支援員の必要数（常勤換算）", "summary:サービス管理責任者の必要数"
    assert (forty[staff], forty[managers]) == ("1以上", "1人以上")
    assert (sixty[staff], sixty[managers]) == ("1.5以上", "1人以上")
    assert (sixty_one[staff], sixty_one[managers]) == ("1.525以上", "2人以上")


def test_six_months_april_1_to_october_1_and_month_end_august_31_to_march_1() -> None:
    april, august = _answers("six-months")
    assert april["summary:最も早い利用開始日"].startswith("2025年10月1日")
    assert august["summary:最も早い利用開始日"].startswith("2026年3月1日")


def test_job_change_within_one_month_continues_and_after_it_support_ends_on_leaving() -> None:
    within, after = _answers("job-change")
    assert "就労の継続" in within["verdict"] and "終わります" not in within["verdict"]
    assert "離職日2025年5月31日" in after["verdict"] and "終わります" in after["verdict"]


def test_todays_claim_meeting_once_a_month_four_a_year_and_info_reduction_rounded() -> None:
    both, fifth = _answers("claim")
    assert both["list:算定する加算"] == ["地域連携会議実施加算（Ⅰ）：579単位"]
    assert both["list:算定しない項目と理由"][0].startswith("地域連携会議実施加算（Ⅱ）：上限")
    assert both["list:減算"] == ["情報公表未報告減算：−138単位"]  # 2,768 × 5% = 138.4 → 138（四捨五入）
    assert fifth["list:算定する加算"] == ["なし"]
    assert fifth["list:算定しない項目と理由"][0].startswith("地域連携会議実施加算（Ⅰ）：上限")


def test_todays_claim_uses_the_build_month() -> None:
    exercise = next(e for e in training.exercises(dt.date(2025, 6, 15)) if e.key == "claim")
    assert "2025年6月" in exercise.question
    assert all(dict(case.inputs)["month"] == "2025-06" for case in exercise.cases)


def test_a_pick_missing_from_the_result_fails_the_build() -> None:
    result = run("staffing", {"users": "40"})
    with pytest.raises(training.TrainingError):
        training.pick_value(result, training.Pick("summary", "存在しない行"))
    with pytest.raises(training.TrainingError):
        training.pick_value(run("staffing", {"users": "abc"}), training.Pick("verdict"))


# ---- ビルドしたページ ----

def test_every_answer_on_the_built_page_equals_the_rules_output(built_site: Path) -> None:
    page = _read(built_site / "training" / "index.html")
    seen = 0
    for exercise in training.exercises(build_date()):
        for index, case in enumerate(exercise.cases):
            result = run(case.kind, case.input_dict())
            for pick in case.picks:
                shown = page.answers[(exercise.key, index, pick.key)]
                expected = _expected(result, pick.where, pick.label)
                assert shown == expected, (exercise.key, index, pick.key)
                seen += 1
    assert seen == len(page.answers) >= 30


def test_every_link_opens_its_calculator_with_the_exercise_inputs(built_site: Path) -> None:
    page = _read(built_site / "training" / "index.html")
    cases = [case for exercise in training.exercises(build_date()) for case in exercise.cases]
    assert len(page.links) == len(cases)
    for href, case in zip(page.links, cases, strict=True):
        target = urlsplit(urljoin("http://host/training/", href))
        assert (built_site / target.path.lstrip("/") / "index.html").exists(), href
        assert target.path == "/" + training.calc_path(case.kind)
        assert tuple(parse_qsl(target.fragment)) == case.inputs


def test_answers_are_not_typed_in_the_markdown() -> None:
    source = (TRAINING / "index.md").read_text(encoding="utf-8")
    for text in ("2019年9月30日", "17/18", "9割以上", "1.525", "7.0人", "2020年3月1日"):
        assert text not in source


def test_without_a_site_address_the_browser_draws_the_qr_codes_and_no_build_step_is_shown(built_site: Path) -> None:
    if training.site_address() is not None:
        pytest.skip("このビルドにはサイトのアドレスがある")
    cases = [case for exercise in training.exercises() for case in exercise.cases]
    for path, count in (("training/index.html", len(cases)), *((f"training/{name}/index.html", 1)
                                                               for name in ("eligibility", "retention", "staffing"))):
        html_text = (built_site / path).read_text(encoding="utf-8")
        assert "training-qr-code" not in html_text  # ビルドの時には描かない（アドレスが分からない）
        assert html_text.count('<figure class="training-qr" data-qr-draw') == count, path
        assert 'src="../assets/training-qr.js"' in html_text or 'src="../../assets/training-qr.js"' in html_text
        # 利用者のページにビルドの手順やリポジトリの設定の名前を書かない（issue 18 の4）
        article = html_text[html_text.index("<article"):html_text.index("</article>")]
        for word in ("TEICHAKU_SITE_URL", "site_url", "mkdocs", "ビルド", "training-qr-missing", "サイトの根からのパス"):
            assert word not in article, (path, word)
    assert (built_site / "assets" / "vendor" / "qrcodegen" / "LICENSE.txt").exists()  # 同梱した符号化のライセンス


def test_site_address_from_environment_then_mkdocs_site_url(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: https://example.jp/teichaku\n", encoding="utf-8")
    assert training.site_address({}, config) == "https://example.jp/teichaku/"
    assert training.site_address({"TEICHAKU_SITE_URL": "http://192.0.2.1:8000/guide/"}, config) == "http://192.0.2.1:8000/guide/"
    config.write_text("site_name: x\n", encoding="utf-8")
    assert training.site_address({}, config) is None
    assert training.site_address({"TEICHAKU_SITE_URL": "guide/"}, config) is None  # 相対のアドレスはスマートフォンで開けない


def test_qr_code_matrix_equals_segno_for_the_printed_link() -> None:
    address = "https://example.jp/teichaku/"
    text = training.training_exercises(on=dt.date(2026, 11, 30), address=address)
    page = _Page()
    page.feed(text)
    cases = [case for exercise in training.exercises(dt.date(2026, 11, 30)) for case in exercise.cases]
    assert len(page.qr) == len(cases)
    for figure, case in zip(page.qr, cases, strict=True):
        link = figure["caption"]
        assert link == figure["data"] == urljoin(address, training.share_path(case))
        expected = _with_border(segno.make(link))
        assert figure["viewbox"] == f"0 0 {len(expected)} {len(expected)}"
        assert qr_matrix_from_svg(figure["path"], len(expected)) == expected
        assert figure["label"].startswith("QRコード：")


# ---- 配布資料 ----

def test_handouts_show_the_values_in_force_on_the_build_date() -> None:
    params = default_parameters()
    on = dt.date(2026, 11, 30)
    retention = training.handout_retention(on=on, address="https://example.jp/")
    assert "令和8年11月30日" in retention and "令和6年度報酬改定" in retention and "3,512単位" in retention
    assert "#month=2026-11&amp;users=20&amp;retained=19" in retention
    old = training.handout_retention(on=dt.date(2019, 4, 1), address="https://example.jp/")
    assert "平成31年4月1日" in old and "平成30年度報酬（本通知）" in old and "令和6年度報酬改定" not in old
    eligibility = training.handout_eligibility(on=on, address="https://example.jp/")
    assert f"就職後**{params.value('periods.wait_months', on)}月**" in eligibility
    assert "2020年3月1日（令和2年3月1日）" in eligibility  # 月末の就職（2019年8月31日）→ 計算機の答え
    assert "利用中に転職したとき" in eligibility
    before_qa = training.handout_eligibility(on=dt.date(2018, 10, 1), address="https://example.jp/")
    assert "利用中に転職したとき" not in before_qa  # 転職の Q&A（平成30年12月17日）より前
    staffing = training.handout_staffing(on=on, address="https://example.jp/")
    assert "| 61人 | 1.525以上 | 2人以上 |" in staffing and "| 101人 | 2.525以上 | 3人以上 |" in staffing
    assert "常勤換算 2.30" in staffing


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_training_section_cites_its_passage(page: Path) -> None:
    filled = dispatch.fill(page.read_text(encoding="utf-8"), str(page))
    sections = re.split(r"^## ", filled, flags=re.MULTILINE)
    assert len(sections) > 2
    for section in sections[1:]:
        assert CITATION.search(section), f"{page.name}: 「{section.splitlines()[0]}」に出典がない"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_fee_figure_is_typed_by_hand_in_the_training_markdown(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"\d[\d,]*\s*単位", text)
    assert "{{ teichaku:" in text  # 中身は生成する


def test_built_training_pages_have_no_placeholder_left(built_site: Path) -> None:
    for name in ("", "eligibility/", "retention/", "staffing/"):
        text = (built_site / "training" / name / "index.html").read_text(encoding="utf-8")
        assert "{{" not in text and 'class="training-slide"' in text
