"""研修（issue 12 の3）：本通知の例と事例から作る練習問題と、A4 1枚の配布資料（生成日の値）。

練習問題の日付は、このページの生成日の近く（今の規則・今の報酬の表）にとる。本通知の時代の表（3,200単位など）は
「区分の境目」の問の (4) で、今の表と比べるためだけに使う（issue 18 の2）。

- 練習問題（`{{ teichaku:training_exercises }}`、docs/training/index.md）：問・「答えを見る」（details）・計算機を
  その入力で開くリンク（共有リンク：計算機のページの `#` のあとに key=value）とその QR コード。問題はここにデータとして
  書く（入力と、結果のどの項目が答えか）。答えはビルドのたびに計算機の窓口 `teichaku.interfaces.web.run` の出力から作る
  （手で書き写さない。規則が変われば、次のビルドで答えも変わる：tests/test_training.py が一致を確かめる）。
  問1（別添 p.30）、問2（p.31）、問3（p.32）、支援事例のAさん（p.24〜28）、区分の境目（p.14、令和6年度の報酬告示）、
  人員基準（p.18）、6月の数え方（p.14、民法第140条・第143条）、利用中の転職（平成30年12月17日のQ&A）、
  今の請求（報酬告示 別表第14の2：地域連携会議実施加算の上限、情報公表未報告減算の端数）。
- 配布資料（`{{ teichaku:handout_eligibility }}` など、docs/training/*.md）：利用期間、就労定着率と報酬、人員配置。
  値はサイトの生成日に効力を持つパラメータ（teichaku.rules.params）から読み、その日付を示す（today.py と同じ考え方）。

QR コードは、スマートフォンが開ける絶対 URL を表す。サイトが置かれるアドレスは次の順に決める：

1. 環境変数 TEICHAKU_SITE_URL（例：`TEICHAKU_SITE_URL=https://example.jp/teichaku/ ./scripts/serve.sh`）
2. mkdocs.yml の site_url
   → どちらかがあれば、QR コードはビルドの時に segno で描き、SVG をページに埋め込む。
3. どちらもなければ（ふつうの配布：zip をどこに置くかはビルドの時に分からない）、ページを開いたブラウザが、自分の
   アドレス（location）でリンクを絶対 URL にし、QR コードを描く（docs/assets/training-qr.js。符号化は
   docs/assets/vendor/qrcodegen：Project Nayuki の QR Code generator、MIT、npm の固定版をそのまま置いたもの）。
   ビルドの時に行列を作っておくことはできない：行列は URL の全体（アドレスを含む）から決まるため。Pyodide と
   segno をこのページで読むのは重すぎる（13 MB）。印刷した配布資料にも、描いた QR コードが出る。
   127.0.0.1 などこのコンピューターの中だけのアドレスで開いたときは、QR コードは描くが、スマートフォンからは
   開けないことをページに示す。利用者のページにはビルドの手順を書かない。

リンクの href はページからの相対パス（サブパスに置いても動く）。QR コードの横には、QR コードが表す URL を
そのまま印字する（テストはその文字列から segno.make で作った行列と、SVG の行列が等しいことを確かめる）。
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import segno

from teichaku.interfaces.present import NOT_FOUND, item_value_text
from teichaku.interfaces.web import run
from teichaku.rules.citations import Citation
from teichaku.rules.dates import date_text
from teichaku.rules.params import ParameterSet, default_parameters, registry

from . import ROOT, SiteBuildError
from .tables import cite
from .today import build_date, current_fee

SITE_URL_ENV = "TEICHAKU_SITE_URL"
INDEX_PREFIX = "../"        # docs/training/index.md → training/ から見たサイトの根
HANDOUT_PREFIX = "../../"   # docs/training/NAME.md → training/NAME/ から見たサイトの根


class TrainingError(SiteBuildError):
    """練習問題の答えにする項目が、計算機の結果に見つからない（結果の形が変わった）。"""


# ---- 問題のデータ ----

@dataclass(frozen=True)
class Pick:
    """答えにする結果の項目。where：verdict（判定の文）／summary（要約の行、label で選ぶ）／list（一覧、題で選ぶ）。"""

    where: str
    label: str = ""

    @property
    def key(self) -> str:
        return self.where if self.where == "verdict" else f"{self.where}:{self.label}"

    @property
    def title(self) -> str:
        return "判定" if self.where == "verdict" else self.label


@dataclass(frozen=True)
class Case:
    """計算機の一つの入力（共有リンクと QR コードを一つ持つ）。inputs は (項目キー, 値) の並び（同じキーを繰り返せる）。"""

    label: str
    kind: str
    inputs: tuple[tuple[str, str], ...]
    picks: tuple[Pick, ...]

    def input_dict(self) -> dict[str, Any]:
        """teichaku.interfaces.web.run に渡す形（繰り返したキーはリスト）。"""
        out: dict[str, Any] = {}
        for key, value in self.inputs:
            if key in out:
                out[key] = [*(out[key] if isinstance(out[key], list) else [out[key]]), value]
            else:
                out[key] = [value] if key in _MULTI else value
        return out


_MULTI = {"additions", "reductions", "hours", "also_using"}


@dataclass(frozen=True)
class Exercise:
    key: str          # 見出しのアンカー（#ex-KEY）
    title: str
    question: str     # Markdown（単位数は書かない：答えは計算から）
    cases: tuple[Case, ...]
    guide: str        # 解説のページへの Markdown のリンク（docs/training/ からの相対）


def _summary(*labels: str) -> tuple[Pick, ...]:
    return tuple(Pick("summary", label) for label in labels)


def _month_text(on: dt.date) -> str:
    return f"{on.year}年{on.month}月"


def _day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _months_before(on: dt.date, months: int) -> dt.date:
    """on の月の months 月前の月の1日。"""
    index = on.year * 12 + on.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def exercises(on: dt.date | None = None) -> tuple[Exercise, ...]:
    """練習問題。日付はこのページの生成日 on の近く（今の規則）にとり、区分の境目の問だけ本通知の時代の表と比べる
    （issue 18 の2）。問1 は本通知の例の日付のまま（報酬の表を使わず、規則は今も同じ）。"""
    on = on or build_date()
    month = f"{on.year:04d}-{on.month:02d}"
    last = on.year - 1  # 前の年：就職・指定などの日付（生成日より前に確定している）
    rate = _summary("就労定着率", "区分", "基本報酬")
    start = _summary("最も早い利用開始日")
    staff = _summary("就労定着支援員の必要数（常勤換算）", "サービス管理責任者の必要数")
    claim_base = (("month", month), ("users", "18"), ("retained", "16"))
    designated, q3_on = dt.date(last, 4, 1), dt.date(last, 8, 1)
    employed = dt.date(last, 4, 1)
    month_end = dt.date(last, 8, 31)
    change = {"employed": dt.date(last - 1, 4, 1), "start": dt.date(last - 1, 10, 1), "left_on": dt.date(last, 5, 31)}
    reemployed = (dt.date(last, 6, 20), dt.date(last, 7, 15))
    absent = (_months_before(on, 2), _months_before(on, 6))  # 減算の1月目（×70/100）と5月目（×50/100）
    return (
        Exercise(
            "q1", "問1：新規指定から1年たったら",
            "2018年10月1日に新規指定を受けた事業所です（本通知の例）。指定から1年間は推定の就労定着率で報酬を算定します。"
            "新たに算出した就労定着率は、どの日を基準に算出し、いつからいつまで使いますか。",
            (Case("2018年10月1日指定", "first_recalculation", (("designated", "2018-10-01"),),
                  _summary("就労定着率を算出する基準日", "新たな就労定着率で算定する期間")),),
            "[Q&A 問1](../qa.md#q1)"),
        Exercise(
            "q2", "問2：利用期間の満了後に退職した人",
            "過去3年間の総利用者は20人、前年度末日に就労を継続している者は17人です。ほかに、利用期間の満了後、同じ年度のうちに"
            f"退職した者が2人います。{_month_text(on)}（このページの生成月）のサービス提供月の就労定着率・区分・基本報酬を、"
            "2人を計算から除外した場合と除外しない場合で比べてください。",
            (Case("除外する（17/18）", "retention", (("month", month), ("users", "20"), ("retained", "17"),
                                                  ("excluded", "2")), rate),
             Case("除外しない（17/20）", "retention", (("month", month), ("users", "20"), ("retained", "17")), rate)),
            "[Q&A 問2](../qa.md#q2)"),
        Exercise(
            "q3", "問3：新規指定の事業所の利用者数",
            f"{_day_text(designated)}に新規指定を受けた事業所です。過去3年間の6月定着者（指定を受ける前月末から起算）は10人です。"
            f"{_day_text(q3_on)}の時点で、報酬上の利用者数と人員基準上の利用者数はどう推定しますか。",
            (Case("指定から4月", "new_office", (("designated", designated.isoformat()), ("on", q3_on.isoformat()),
                                            ("settled_six_months", "10")),
                  _summary("段階", "報酬上の利用者数（推定）", "人員基準上の利用者数（推定）")),),
            "[Q&A 問3](../qa.md#q3)"),
        Exercise(
            "a-san", "Aさんの利用期間",
            f"支援事例のAさんは、就労移行支援を経てB社に就職しました。就職日を{_day_text(employed)}と仮定します"
            "（本通知の事例に日付はありません）。Aさんが就労定着支援を利用できる最も早い日、支給決定できる最後の日、"
            "支給決定期間の区切りはどうなりますか。",
            (Case(f"Aさん（{_day_text(employed)}就職と仮定）", "eligibility",
                  (("prior_service", "就労移行支援"), ("employed", employed.isoformat())),
                  (*start, Pick("summary", "支給決定できる最後の日"), Pick("list", "支給決定期間（1年以内ごと）"))),),
            "[支援事例（Aさん）](../case.md)"),
        Exercise(
            "tiers", "区分の境目：今の表と本通知の時代の表",
            f"就労定着率の区分の境目です。{_month_text(on)}（今の報酬の表）の (1) 20人中18人（ちょうど9割） "
            "(2) 10000人中8995人（89.95%） (3) 20人中19人（ちょうど9割5分）の区分と基本報酬はどうなりますか。"
            "(4) 本通知の時代（2019年4月、平成30年度の表）の20人中18人、平均利用者数12人と比べてください"
            "（当時は利用者数の規模でも分かれ、9割以上が最上位の区分でした）。",
            (Case("ちょうど9割", "retention", (("month", month), ("users", "20"), ("retained", "18")), rate),
             Case("89.95%", "retention", (("month", month), ("users", "10000"), ("retained", "8995")), rate),
             Case("ちょうど9割5分", "retention", (("month", month), ("users", "20"), ("retained", "19")), rate),
             Case("本通知の時代：ちょうど9割（2019年4月）", "retention",
                  (("month", "2019-04"), ("users", "20"), ("retained", "18"), ("scale_users", "12")), rate)),
            "[報酬](../fees.md)"),
        Exercise(
            "staffing", "人員配置の人数",
            "前年度の平均利用者数が40人、60人、61人の事業所では、就労定着支援員（常勤換算）とサービス管理責任者は、"
            "それぞれ何人以上必要ですか。",
            tuple(Case(f"利用者{users}人", "staffing", (("users", users),), staff) for users in ("40", "60", "61")),
            "[制度の概要：人員基準](../overview.md#人員基準)"),
        Exercise(
            "six-months", "6月の数え方",
            f"就職日が{_day_text(employed)}の人と、{_day_text(month_end)}の人（月末の就職）は、それぞれいつから就労定着支援を"
            "利用できますか。",
            tuple(Case(f"{_day_text(day)}就職", "eligibility", (("prior_service", "就労移行支援"), ("employed", day.isoformat())),
                       start) for day in (employed, month_end)),
            "[支給決定プロセス：7月目からの支給決定](../process.md#7月目からの支給決定)"),
        Exercise(
            "job-change", "利用中の転職",
            f"{_day_text(change['employed'])}に就職し、{_day_text(change['start'])}から就労定着支援を利用している人が、"
            f"{_day_text(change['left_on'])}に離職しました。転職先に (1) {_day_text(reemployed[0])}に雇用された場合、"
            f"(2) {_day_text(reemployed[1])}に雇用された場合、支援はどうなりますか。",
            tuple(Case(f"{_day_text(day)}に再就職", "eligibility",
                       (("prior_service", "就労移行支援"), *((key, value.isoformat()) for key, value in change.items()),
                        ("reemployed_on", day.isoformat())),
                       (Pick("verdict"), Pick("summary", "支給決定できる最後の日")))
                  for day in reemployed),
            "[制度の概要：転職・離職したとき](../overview.md#転職離職)"),
        Exercise(
            "claim", "今の請求：会議の加算の上限と減算の端数",
            f"{_month_text(on)}（このページの生成月）のサービス提供月の請求です。過去3年間の総利用者18人、就労が継続している者16人。"
            "(1) この月に地域連携会議を2回開き、地域連携会議実施加算の（Ⅰ）と（Ⅱ）を両方請求し、情報公表の報告もしていない"
            "場合 (2) この年度にすでに会議の加算を4回算定していて、この月に（Ⅰ）を請求する場合。"
            "算定できる加算・減算と合計はどうなりますか。",
            (Case("（Ⅰ）と（Ⅱ）を同じ月に・情報公表の報告なし", "claim",
                  (*claim_base, ("additions", "地域連携会議実施加算（Ⅰ）"), ("additions", "地域連携会議実施加算（Ⅱ）"),
                   ("regional_meeting_1_times", "1"), ("regional_meeting_2_times", "1"), ("info_unreported", "on")),
                  (Pick("list", "算定する加算"), Pick("list", "減算"), Pick("list", "算定しない項目と理由"), Pick("verdict"))),
             Case("この年度に4回算定済み", "claim",
                  (*claim_base, ("additions", "地域連携会議実施加算（Ⅰ）"), ("regional_meeting_1_times", "1"),
                   ("meeting_year_count", "4")),
                  (Pick("list", "算定する加算"), Pick("list", "算定しない項目と理由"), Pick("verdict")))),
            "[報酬：今の加算と減算](../fees.md#今の加算と減算)"),
        Exercise(
            "manager-absent", "人員欠如の減算：続いた月数で率が変わる",
            f"{_month_text(on)}（このページの生成月）のサービス提供月の請求です。過去3年間の総利用者18人、就労が継続している者16人。"
            f"サービス管理責任者が (1) {_day_text(absent[0])}から (2) {_day_text(absent[1])}から欠けたままの場合、"
            "この月の減算と合計はどうなりますか（欠如が始まった月の翌月末までに解消しなかった場合、翌々月から減算）。",
            tuple(Case(f"{_day_text(day)}から欠如", "claim",
                       (*claim_base, ("reductions", "manager_absent"), ("manager_absent_since", day.isoformat())),
                       (Pick("list", "減算"), Pick("verdict")))
                  for day in absent),
            "[報酬：今の加算と減算](../fees.md#今の加算と減算)"),
    )


# ---- 結果から答えを取り出す ----

def pick_value(result: dict[str, Any], pick: Pick) -> str | list[str]:
    """計算機の結果（teichaku.interfaces.web.run）から、答えにする項目の文字列（一覧なら文字列のリスト）。"""
    if not result.get("ok"):
        raise TrainingError(f"研修の問題の入力が計算機で誤りになりました：{result.get('errors')}")
    if pick.where == "verdict":
        return str(result["verdict"]["text"])
    if pick.where == "summary":
        for row in result["summary"]:
            if row["label"] == pick.label:
                return str(row["value"])
    elif pick.where == "list":
        for block in result["lists"]:
            if block["title"] == pick.label:
                return [str(item) for item in block["items"]]
    raise TrainingError(f"研修の問題：計算機 {result.get('kind')} の結果に「{pick.label}」（{pick.where}）がありません")


def answers(case: Case) -> list[tuple[Pick, str | list[str]]]:
    result = run(case.kind, case.input_dict())
    return [(pick, pick_value(result, pick)) for pick in case.picks]


# ---- リンクと QR コード ----

def calc_path(kind: str) -> str:
    """計算機のページ（サイトの根から）：first_recalculation → calc/first-recalculation/"""
    return f"calc/{kind.replace('_', '-')}/"


def share_path(case: Case) -> str:
    """共有リンク（サイトの根から）：計算機のページ + # + URL エンコードした key=value（app.js の形）。"""
    return calc_path(case.kind) + "#" + urlencode(case.inputs)


def site_address(environ: dict[str, str] | None = None, config: Path | None = None) -> str | None:
    """QR コードに使うサイトのアドレス（末尾は /）。環境変数 TEICHAKU_SITE_URL、mkdocs.yml の site_url の順。"""
    environ = dict(os.environ) if environ is None else environ
    found = environ.get(SITE_URL_ENV, "").strip()
    if not found:
        path = config or ROOT / "mkdocs.yml"
        match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", path.read_text(encoding="utf-8"), re.MULTILINE) \
            if path.exists() else None
        found = match.group(1) if match else ""
    if not re.match(r"https?://[^/\s]+", found):
        return None
    return found if found.endswith("/") else found + "/"


def qr_svg(link: str, label: str) -> str:
    """link を表す QR コードの SVG（ページに埋め込む。色は黒、余白4モジュール）。"""
    code = segno.make(link, micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="training-qr-code", lineclass="training-qr-line")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label, quote=True)}" ', 1)


def try_block(case: Case, prefix: str, address: str | None, text: str | None = None) -> str:
    """計算機を開くリンクと、その QR コード（アドレスが分からなければ、その説明）。"""
    path = share_path(case)
    href = html.escape(prefix + path, quote=True)
    name = html.escape(text or f"計算機で開く：{case.label}")
    link = f'<a class="calc-example training-open" href="{href}">{name}</a>'
    label = "QRコード：" + (text or case.label) + "を計算機で開く"
    if address is None:  # ブラウザが、ページを開いたアドレスで描く（training-qr.js）
        qr = (f'<figure class="training-qr" data-qr-draw data-qr-label="{html.escape(label, quote=True)}" hidden>'
              '<figcaption>QRコードのアドレス：<code class="training-qr-link"></code></figcaption></figure>')
    else:
        absolute = urljoin(address, path)
        qr = (f'<figure class="training-qr" data-qr-link="{html.escape(absolute, quote=True)}">'
              f'{qr_svg(absolute, label)}'
              f'<figcaption>QRコードのアドレス：<code class="training-qr-link">{html.escape(absolute)}</code></figcaption></figure>')
    return f'<div class="training-try">\n<p>{link}</p>\n{qr}\n</div>'


# ---- 練習問題のページ ----

def _answer_value(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in value) + "</ul>"
    return html.escape(value)


def _source_text(source: dict[str, Any]) -> str:
    """計算機の結果の出典（web.run の sources の1件）：ラベルに、文書の公開のアドレスのリンクか「公開の所在は未確認」。"""
    urls = {document.title: document.url for document in default_parameters().documents.values()}
    url = urls.get(str(source.get("document", "")))
    return f"[{source['label']}]({url})" if url else f"{source['label']}（{NOT_FOUND}）"


def _sources_line(results: list[dict[str, Any]]) -> str:
    labels = list(dict.fromkeys(_source_text(source) for result in results for source in result["sources"]))
    return "出典：" + "、".join(labels) + "\n{: .page-source }"


def exercise_markdown(exercise: Exercise, prefix: str = INDEX_PREFIX, address: str | None = None) -> str:
    results = [run(case.kind, case.input_dict()) for case in exercise.cases]
    cases = []
    for index, (case, result) in enumerate(zip(exercise.cases, results, strict=True)):
        rows = "".join(f'<dt>{html.escape(pick.title)}</dt><dd data-pick="{html.escape(pick.key, quote=True)}">'
                       f"{_answer_value(pick_value(result, pick))}</dd>" for pick in case.picks)
        steps = "".join(f"<li>{html.escape(step['text'])}</li>" for step in result["steps"])
        cases.append(f'<div class="training-case" data-case="{index}">'
                     f'<p class="training-case-label">{html.escape(case.label)}</p>'
                     f'<dl class="training-answer-list">{rows}</dl>'
                     f'<details class="training-steps"><summary>計算の手順</summary><ol>{steps}</ol></details></div>')
    answer = (f'<details class="training-answer question" data-exercise="{exercise.key}">\n<summary>答えを見る</summary>\n'
              + "\n".join(cases) + "\n</details>")
    tries = "\n".join(try_block(case, prefix, address) for case in exercise.cases)
    return "\n\n".join([
        '<section class="training-slide" markdown>',
        f"## {exercise.title} {{ #ex-{exercise.key} }}",
        f"**問**　{exercise.question}",
        answer,
        f'<div class="training-tries">\n{tries}\n</div>',
        f"解説：{exercise.guide}\n{{: .training-guide }}",
        _sources_line(results),
        "</section>",
    ])


def qr_script(prefix: str, address: str | None) -> str:
    """サイトのアドレスを指定せずにビルドしたとき、QR コードをブラウザで描くスクリプト（ページからの相対パス）。"""
    if address is not None:
        return ""
    return f'<script type="module" src="{prefix}assets/training-qr.js"></script>'


def slide_toggle() -> str:
    """スライド表示の切り替え（training.js が動かす。JavaScript がなければ隠れたまま）。"""
    return ('<p class="training-tools" hidden><button type="button" class="md-button training-slides-toggle" '
            'aria-pressed="false">スライド表示</button> <span class="training-tools-hint">スライド表示では '
            '← → または PageUp・PageDown で次の節へ、Esc で戻ります。</span></p>')


def training_exercises(on: dt.date | None = None, address: str | None = None, environ: dict[str, str] | None = None) -> str:
    on = on or build_date()
    address = address if address is not None else site_address(environ)
    note = (f"答えは、このページを生成した日（{date_text(on)}）に、このサイトの計算機と同じ規則で計算したものです。")
    return "\n\n".join(part for part in [
        slide_toggle(), note, _qr_note(address), *(exercise_markdown(exercise, INDEX_PREFIX, address) for exercise in exercises(on)),
        qr_script(INDEX_PREFIX, address)] if part)


def _qr_note(address: str | None) -> str:
    if address is None:  # training-qr.js が、描いた QR コードのアドレスに合わせて書き換える
        return ('<p class="training-qr-status" id="qr" data-qr-draw>QRコードについて：各QRコードは、このページを開いた'
                "ブラウザが、いま開いているアドレスの計算機を指すように描きます（JavaScript が動かないときは表示されません。"
                "その場合は「計算機で開く」のリンクを使ってください）。</p>")
    return (f'<p class="training-qr-status" id="qr">QRコードについて：各QRコードは、このサイトのアドレス '
            f"<code>{html.escape(address)}</code> の上の計算機を、その入力で開きます（ビルドの時に指定したアドレス）。</p>")


# ---- 配布資料 ----

def _dated(on: dt.date) -> str:
    return f'<p class="training-dated">この資料の値：<strong>{date_text(on)}</strong>（このページの生成日）に効力を持つもの</p>'


def _cite_line(citations: list[Citation | str]) -> str:
    """出典の行：パラメータの出典（確度つき）か、計算機の結果の出典のラベル。"""
    labels = (c if isinstance(c, str) else cite(c) for c in citations)
    return "出典：" + "、".join(dict.fromkeys(labels)) + "\n{: .page-source }"


def _section(title: str, anchor: str, body: str, citations: list[Citation | str]) -> str:
    return "\n\n".join(['<section class="training-slide" markdown>', f"## {title} {{ #{anchor} }}", body,
                        _cite_line(citations), "</section>"])


def _head(case: Case, text: str, on: dt.date, address: str | None) -> str:
    return "\n\n".join(part for part in [
        slide_toggle(), f'<div class="training-handout-head">\n{_dated(on)}\n{try_block(case, HANDOUT_PREFIX, address, text)}\n</div>',
        qr_script(HANDOUT_PREFIX, address)] if part)


def _p(params: ParameterSet, name: str, on: dt.date) -> Any:
    return params.at(name, on)


def handout_eligibility(params: ParameterSet | None = None, on: dt.date | None = None, address: str | None = None,
                        environ: dict[str, str] | None = None) -> str:
    """配布資料：利用期間（対象者・7月目からの利用・3年・1年ごとの支給決定・3年6月・転職）。"""
    params = params or default_parameters()
    on = on or build_date()
    address = address if address is not None else site_address(environ)
    prior = _p(params, "periods.prior_services", on)
    excluded = _p(params, "periods.excluded_employers", on)
    wait = _p(params, "periods.wait_months", on)
    use = _p(params, "periods.use_months", on)
    decision = _p(params, "periods.decision_period_months", on)
    late = _p(params, "periods.late_start_limit_months", on)
    example = Case("2019年4月1日就職", "eligibility", (("prior_service", "就労移行支援"), ("employed", "2019-04-01")), ())
    rows = ["| 就職日 | 最も早い利用開始日 | 支給決定できる最後の日 |", "|---|---|---|"]
    citations: list[Citation | str] = [wait.source]
    for employed in ("2019-04-01", "2019-08-31"):
        result = run("eligibility", {"prior_service": "就労移行支援", "employed": employed})
        citations += [label for label in result_citations(result) if "民法" in str(label) or "留意事項" in str(label)]
        values = [pick_value(result, Pick("summary", label)) for label in ("就職日", "最も早い利用開始日", "支給決定できる最後の日")]
        rows.append("| " + " | ".join(str(v) for v in values) + " |")
    years, months = divmod(late.value, 12)
    parts = [
        _head(example, "利用期間の計算機を開く（2019年4月1日就職の例）", on, address),
        _section("対象者", "h-target", (
            f"- {'、'.join(prior.value)}を経て、通常の事業所に新たに雇用された障害者\n"
            f"- {'・'.join(excluded.value)}への雇用は「通常の事業所」への就職にあたらない"), [prior.source, excluded.source]),
        _section("いつから使えるか", "h-start", (
            f"- 就職後**{wait.value}月**を経過した日の翌日から（就職後{wait.value + 1}月目）。月は暦に従って数える"
            "（民法第140条・第143条：月末に就職したら、6月後の月末に満了）\n\n" + "\n".join(rows)), citations),
        _section("どれだけ使えるか", "h-period", (
            f"- 利用期間は**{use.value // 12}年間**、支給決定は**{decision.value}月**ごとに更新する\n"
            f"- 利用の開始が遅れても、支給決定できるのは就職日から**{years}年{months}月**の末日まで"
            "（同じ企業で就労を継続している場合）"), [use.source, decision.source, late.source]),
    ]
    if "periods.job_change_reemployment_months" in params and params.get("periods.job_change_reemployment_months").covers(on):
        change = _p(params, "periods.job_change_reemployment_months", on)
        limit = _p(params, "periods.job_change_limit", on)
        parts.append(_section("利用中に転職したとき", "h-job-change", (
            f"- 離職後**{change.value}月**以内に再就職し就労が継続していれば、利用中**{limit.value}回**限り、就労が継続している者"
            "として扱う（利用期間は最初の就職日から数えたまま）\n"
            "- それ以外の転職は就労の継続とは扱わず、支援は離職日で終わる"), [change.source, limit.source, wait.source]))
    return "\n\n".join(parts)


def handout_retention(params: ParameterSet | None = None, on: dt.date | None = None, address: str | None = None,
                      environ: dict[str, str] | None = None) -> str:
    """配布資料：就労定着率と報酬（生成日の基本報酬の表、加算・減算の一覧）。"""
    params = params or default_parameters()
    on = on or build_date()
    address = address if address is not None else site_address(environ)
    month = f"{on.year:04d}-{on.month:02d}"
    lookback = _p(params, "retention.lookback_years", on)
    example = Case(f"{_month_text(on)}・20人中19人", "retention", (("month", month), ("users", "20"), ("retained", "19")), ())
    result = run("retention", example.input_dict())
    tier = pick_value(result, Pick("summary", "区分"))
    units = pick_value(result, Pick("summary", "基本報酬"))
    rows = ["| 加算・減算 | 単位数・割合 |", "|---|---|"]
    item_sources: list[Citation] = []
    for item in registry(params).on(on):
        value = item.at(on)
        assert value is not None
        kind = "減算" if item.is_reduction else "加算"
        shown = "記載なし（未確認）" if value.not_covered else item_value_text(item, value, registry(params).items)
        rows.append(f"| {item.name_on(on)}（{kind}） | {shown} |")
        item_sources.append(value.source)
    documents = "、".join(dict.fromkeys(f"[{c.document.short}]({c.document.url})" if c.document.url else
                                        f"{c.document.short}（{NOT_FOUND}）" for c in item_sources))
    parts = [
        _head(example, f"就労定着率の計算機を開く（{_month_text(on)}、20人中19人の例）", on, address),
        _section("就労定着率の求め方", "h-rate", (
            f"- 就労定着率 ＝ 前年度末日に就労が継続している者の数 ÷ 過去**{lookback.value}年間**の総利用者数\n"
            "- 区分は端数を丸めずに判定する（89.95%は9割未満）\n"
            "- 利用期間の満了後、同じ年度のうちに退職した者は、計算から除外してよい（Q&A 問2）\n"
            f"- 例：{_month_text(on)}に20人中19人 → 区分「{tier}」、{units}"), [lookback.source, *result_citations(result)]),
        "\n\n".join(['<section class="training-slide" markdown>', "## 今の基本報酬 { #h-fee }", current_fee(params, on),
                     "</section>"]),
        _section("今の加算・減算", "h-items", "\n".join(rows),
                 [f"{documents}（各項目の出典は[報酬](../fees.md#今の加算と減算)の表）"]),
    ]
    return "\n\n".join(parts)


def result_citations(result: dict[str, Any]) -> list[Citation | str]:
    """計算機の結果の出典（ラベルと、公開のアドレスか「公開の所在は未確認」）。"""
    return [_source_text(source) for source in result["sources"]]


def handout_staffing(params: ParameterSet | None = None, on: dt.date | None = None, address: str | None = None,
                     environ: dict[str, str] | None = None) -> str:
    """配布資料：人員配置（就労定着支援員 40：1、常勤換算、サービス管理責任者 60人・40人ごと、実施主体の要件）。"""
    params = params or default_parameters()
    on = on or build_date()
    address = address if address is not None else site_address(environ)
    ratio = _p(params, "staffing.support_staff_ratio", on)
    minimum = _p(params, "staffing.fulltime_min_hours", on)
    places = _p(params, "staffing.fte_decimal_places", on)
    base = _p(params, "staffing.service_manager_base_users", on)
    step = _p(params, "staffing.service_manager_step_users", on)
    years = _p(params, "staffing.implementing_body_years", on)
    average = _p(params, "staffing.implementing_body_min_average", on)
    rows = ["| 利用者数 | 就労定着支援員（常勤換算） | サービス管理責任者 |", "|---:|---:|---:|"]
    counts = (20, ratio.value, base.value, base.value + 1, base.value + step.value, base.value + step.value + 1)
    for users in dict.fromkeys(counts):
        result = run("staffing", {"users": str(users)})
        staff = pick_value(result, Pick("summary", "就労定着支援員の必要数（常勤換算）"))
        managers = pick_value(result, Pick("summary", "サービス管理責任者の必要数"))
        rows.append(f"| {users}人 | {staff} | {managers} |")
    example = Case("利用者45人・支援員3人", "staffing",
                   (("users", "45"), ("hours", "28"), ("hours", "35"), ("hours", "32"), ("fulltime_hours", "40")), ())
    fte = pick_value(run("staffing", example.input_dict()), Pick("summary", "就労定着支援員の常勤換算（入力した勤務時間から）"))
    parts = [
        _head(example, "人員配置の計算機を開く（利用者45人、支援員3人の例）", on, address),
        _section("就労定着支援員", "h-staff", (
            f"- 常勤換算で、利用者数を**{ratio.value}**で除した数以上\n"
            f"- 常勤換算 ＝ 勤務延べ時間 ÷ 常勤の従業者が勤務すべき時間（週{minimum.value}時間を下回るときは{minimum.value}時間）。"
            f"小数点第{places.value + 1}位以下を切り捨て\n"
            f"- 例：週28・35・32時間の3人、常勤40時間 → 常勤換算 {fte}"), [ratio.source, minimum.source, places.source]),
        _section("サービス管理責任者", "h-manager", (
            f"- 利用者{base.value}人以下：1人以上。{base.value}人を超えて{step.value}又はその端数を増すごとに1人を加える\n\n"
            + "\n".join(rows)), [base.source, step.source, ratio.source]),
        _section("実施主体の要件", "h-body", (
            f"- 過去{years.value}年間に平均{average.value}人以上、通常の事業所に新たに障害者を雇用させた生活介護等の事業者"),
            [years.source, average.source]),
    ]
    return "\n\n".join(parts)


# ---- 計算機のページの冒頭（issue 18 の2）：このページの生成月に効力を持つ規則と、本通知の時代との違い ----
# 計算機の結果（teichaku.interfaces.web.run）から作る（値を手で書かない）。研修の問題と同じく、生成日の月の答えを示す。
# （dispatch が training.RENDERERS を読むため、ここに置く。計算機のページ用の置き場ができれば移す）

NOTICE_MONTH = "2019-04"  # 本通知（平成31年3月29日）の時代の月


def _month_key(on: dt.date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def _summary_value(result: dict[str, Any], label: str) -> str:
    return str(pick_value(result, Pick("summary", label)))


def _schedule_name(result: dict[str, Any]) -> str:
    """「令和6年度報酬改定（2024年4月1日（令和6年4月1日）から。…）」→ 括弧の前と、いつからか。"""
    text = _summary_value(result, "適用した報酬表")
    name, _, rest = text.partition("（")
    since = rest.split("から")[0] + "から" if "から" in rest else ""
    return f"{name}（{since}）" if since else name


def _requirement_since(on: dt.date) -> tuple[str, str]:
    """基本報酬の要件が本通知の時代から変わった月（YYYY-MM）と、その月の要件。変わっていなければ ("", "")。"""
    then = _summary_value(run("claim", {"month": NOTICE_MONTH, "users": "20", "retained": "18", "scale_users": "12"}),
                          "基本報酬の要件")
    year, month = 2019, 4
    while (year, month) <= (on.year, on.month):
        key = f"{year:04d}-{month:02d}"
        result = _run_month("claim", {"month": key, "users": "20", "retained": "18"})
        if result.get("ok") and _summary_value(result, "基本報酬の要件") != then:
            return key, _summary_value(result, "基本報酬の要件")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return "", ""


def _run_month(kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """その月の表が利用者数の規模でも分かれるなら、平均利用者数12人として計算する。"""
    result = run(kind, inputs)
    return result if result.get("ok") else run(kind, {**inputs, "scale_users": "12"})


def _example(href: str, text: str) -> str:
    return f'<a class="calc-example" href="#{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def calc_intro_claim(on: dt.date | None = None, part: str = "intro") -> str:
    """月の請求の計算機の冒頭（part="intro"）と例（"examples"）：生成月の報酬表と基本報酬の要件、本通知の時代の要件（支援事例③）との違い。"""
    on = on or build_date()
    month = _month_key(on)
    today = _run_month("claim", {"month": month, "users": "18", "retained": "16"})
    then = run("claim", {"month": NOTICE_MONTH, "users": "20", "retained": "18", "scale_users": "12"})
    changed, _ = _requirement_since(on)
    changed_text = f"{int(changed[:4])}年{int(changed[5:])}月" if changed else ""
    intro = (
        "サービス提供月に効力を持つ報酬表で、就労定着率の区分から基本報酬を求め、請求したい加算・減算をその月の条件に"
        f"照らして、算定できるもの・できないものとその理由、合計の単位数を示します。このページを作った月（{_month_text(on)}）"
        f"の報酬表は「{_schedule_name(today)}」で、基本報酬の要件は「{_summary_value(today, '基本報酬の要件')}」です。"
    )
    if changed:
        intro += (
            f"本通知の時代（{changed_text}より前）の要件は「{_summary_value(then, '基本報酬の要件')}」で、その支援がない月は"
            "基本報酬も加算も請求できませんでした（[支援事例③](../case.md#case-3)は本通知の時代の扱いです）。"
            "月を変えると、その月の要件と加算・減算で計算します。"
        )
    examples = "、\n".join([
        _example(f"month={month}&users=18&retained=16&additions=地域連携会議実施加算（Ⅰ）&regional_meeting_1_times=1",
                 f"{_month_text(on)}：地域連携会議実施加算（Ⅰ）"),
        _example(f"month={month}&users=18&retained=16&info_unreported=on", f"{_month_text(on)}：情報公表の報告なし（減算）"),
        _example("month=2019-04&users=20&retained=18&scale_users=12&face_to_face=off",
                 "本通知の時代（2019年4月）：対面による支援がない月"),
    ])
    return intro if part == "intro" else f"例：{examples}"


def calc_intro_retention(on: dt.date | None = None, part: str = "intro") -> str:
    """就労定着率と基本報酬の計算機の冒頭（part="intro"）と例（"examples"）：生成月の表（利用者数の区分の有無）と、本通知の時代の表。"""
    on = on or build_date()
    month = _month_key(on)
    today = _run_month("retention", {"month": month, "users": "20", "retained": "18"})
    then = run("retention", {"month": NOTICE_MONTH, "users": "20", "retained": "18", "scale_users": "12"})
    intro = (
        "過去3年間の総利用者数と、前年度末日に就労が継続している者の数から、就労定着率と区分、サービス提供月に効力を持つ"
        "報酬表での基本報酬の単位数を求めます。区分の境目は端数を丸めない正確な値で判定します（89.95%は9割未満）。"
        f"このページを作った月（{_month_text(on)}）の表は「{_schedule_name(today)}」で、"
        f"{_scale_text(today)}（20人中18人なら「{_summary_value(today, '区分')}」{_summary_value(today, '基本報酬')}）。本通知の時代"
        f"（2019年4月）の表「{_schedule_name(then)}」は利用者数の規模でも分かれていました（同じ20人中18人、平均利用者数12人で"
        f"「{_summary_value(then, '区分')}」{_summary_value(then, '基本報酬')}）。"
    )
    examples = "、\n".join([
        _example(f"month={month}&users=20&retained=18", f"{_month_text(on)}：ちょうど9割（20人中18人）"),
        _example(f"month={month}&users=10000&retained=8995", f"{_month_text(on)}：89.95%（10000人中8995人）"),
        _example(f"month={month}&users=20&retained=17&excluded=2", f"{_month_text(on)}：問2の除外（20人中2人を除外、17人継続）"),
        _example("month=2019-04&users=20&retained=18&scale_users=12", "本通知の時代（2019年4月）：ちょうど9割、平均利用者数12人"),
    ])
    return intro if part == "intro" else f"例（区分の境目）：{examples}"


def _scale_text(result: dict[str, Any]) -> str:
    """「利用者数規模」の行：区分がなければ「利用者数による区分はありません」。"""
    rows = {row["label"]: str(row["value"]) for row in result.get("summary", [])}
    scale = rows.get("利用者数規模", "")
    if not scale or "なし" in scale:
        return "利用者数による区分はありません"
    return f"利用者数の規模でも分かれます（{scale}）"


RENDERERS: dict[str, Callable[[], str]] = {
    "calc_intro_claim": lambda: calc_intro_claim(),
    "calc_examples_claim": lambda: calc_intro_claim(part="examples"),
    "calc_intro_retention": lambda: calc_intro_retention(),
    "calc_examples_retention": lambda: calc_intro_retention(part="examples"),
    "training_exercises": lambda: training_exercises(),
    "handout_eligibility": lambda: handout_eligibility(),
    "handout_retention": lambda: handout_retention(),
    "handout_staffing": lambda: handout_staffing(),
}
