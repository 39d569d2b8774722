"""数値を持たない規定の出典（問2の除外、問1の算定時期、民法の期間計算など）。

数値を持つ規定の出典は data/*.toml の各パラメータにある。ここには、規則の「やり方」だけを定める文の
引用を一か所にまとめる（コードの各所で同じ引用を書かないため）。
"""

from __future__ import annotations

from .citations import Citation
from .params import ParameterSet, default_parameters

_PASSAGES: dict[str, dict[str, object]] = {
    "civil_code_period": {
        "doc": "civil_code",
        "section": "第140条・第143条（期間の計算）",
        "quote": "期間が午前零時から始まるときは…初日を算入する（第140条ただし書）／最後の月においてその起算日に応当する日の"
                 "前日に満了する。ただし…最後の月に応当する日がないときは、その月の末日に満了する（第143条第2項）。",
    },
    "six_month_practice": {
        "doc": "fee_notice",
        "section": "就労定着支援の対象者（6月の数え方の例）",
        "quote": "令和6年4月1日に就職した者は、令和6年9月30日に6月に達した者となることから、令和6年10月1日から就労定着支援を"
                 "利用できる（就職後も就労移行支援等を6月30日まで利用した者は12月31日に6月に達し、1月1日から利用できる）",
        "confidence": "high",
        "checked_against": "二次情報（留意事項通知を引用する解説ページ）",
    },
    "q1": {
        "doc": "notice", "section": "Ⅳ Q&A 問1", "page": 30,
        "quote": "１年間が経過した翌月からは、当該年度が終了するまで、新たに就労定着率を算出して報酬を算定する。"
                 "…2018年10月１日から新たに就労定着支援を始めた場合には、2019年10月１日から新たに算出した就労定着率で報酬を算定する",
    },
    "q2": {
        "doc": "notice", "section": "Ⅳ Q&A 問2", "page": 31,
        "quote": "利用期間が満了した利用者が、同年度内に退職した場合には、就労定着率を算出する際の計算から除外して差し支えない。"
                 "具体的には、就労定着支援を利用した総数、就労が継続している者の総数それぞれから除外して計算する。",
    },
    "q3": {
        "doc": "notice", "section": "Ⅳ Q&A 問3（表）", "page": 32,
        "quote": "指定から６月未満：過去３年間の６月定着者×70％／６月以上１年未満：直近６月の延べ利用者数÷６／"
                 "１年以上：直近１年間の延べ利用者数÷12",
    },
    "face_to_face": {
        "doc": "notice", "section": "Ⅲ 支援事例③ ※2", "page": 27,
        "quote": "支給要件となる「利用者との対面による支援」は隔月実施となるため、就労定着支援の基本報酬は、要件を満たした"
                 "該当月分のみ請求できる。",
    },
    "rounding": {
        "doc": "fee_notice", "section": "第二 1 通則 (1)① 算定上における端数処理",
        "quote": "単位数の算定については、基本となる単位数に加減算の計算（何らかの割合を乗ずる計算に限る。）を行う度に、"
                 "小数点以下の端数処理（四捨五入）を行っていくこととする。つまり、絶えず整数値に割合を乗じていく計算になる。",
        "confidence": "high",
        "checked_against": "留意事項通知を引用する解説ページ（sources/current-regime.md 3）",
    },
    "concurrent_use": {
        "doc": "notice", "section": "Ⅱ 就労定着支援の概要 主な加算（注）", "page": 14,
        "quote": "※ 自立生活援助、自立訓練（生活訓練）との併給調整あり。※ 職場適応援助者に係る助成金との併給調整あり。",
    },
}


def passage(key: str, parameters: ParameterSet | None = None) -> Citation:
    params = parameters or default_parameters()
    raw = _PASSAGES[key]
    page = raw.get("page")
    return Citation(
        document=params.documents[str(raw["doc"])],
        section=str(raw["section"]),
        quote=str(raw["quote"]),
        page=page if isinstance(page, int) else None,
        confidence=str(raw["confidence"]) if "confidence" in raw else None,
        checked_against=str(raw["checked_against"]) if "checked_against" in raw else None,
    )
