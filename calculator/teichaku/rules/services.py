"""就労定着支援の対象となる前サービス（法第5条第15項、施行規則第6条の10の2、別添 p.11・p.14）。

「就労に向けた支援として厚生労働省令で定めるもの」は生活介護、自立訓練、就労移行支援及び就労継続支援
（パラメータ periods.prior_services）。それ以外のサービス（障害者就業・生活支援センターなど福祉サービスでない
支援を含む）を経た就職は対象にならない。名称は正式名と一般的な略称を受け付け、知らない名称は入力エラーにする
（打ち間違いを「対象外」と答えないため）。
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Service:
    """前サービス。category は施行規則第6条の10の2の区分名（対象外のものは自身の名称）。"""

    key: str
    name: str
    category: str


SERVICES = (
    Service("seikatsu_kaigo", "生活介護", "生活介護"),
    Service("jiritsu_kunren", "自立訓練", "自立訓練"),
    Service("jiritsu_kunren_kino", "自立訓練（機能訓練）", "自立訓練"),
    Service("jiritsu_kunren_seikatsu", "自立訓練（生活訓練）", "自立訓練"),
    Service("iko", "就労移行支援", "就労移行支援"),
    Service("keizoku", "就労継続支援", "就労継続支援"),
    Service("keizoku_a", "就労継続支援A型", "就労継続支援"),
    Service("keizoku_b", "就労継続支援B型", "就労継続支援"),
    # 法第5条第1項の他の障害福祉サービスと、福祉サービスでない支援機関等（いずれも対象外）
    Service("kyotaku_kaigo", "居宅介護", "居宅介護"),
    Service("judo_homon", "重度訪問介護", "重度訪問介護"),
    Service("doko_engo", "同行援護", "同行援護"),
    Service("kodo_engo", "行動援護", "行動援護"),
    Service("ryoyo_kaigo", "療養介護", "療養介護"),
    Service("tanki_nyusho", "短期入所", "短期入所"),
    Service("judo_hokatsu", "重度障害者等包括支援", "重度障害者等包括支援"),
    Service("shisetsu_nyusho", "施設入所支援", "施設入所支援"),
    Service("teichaku", "就労定着支援", "就労定着支援"),
    Service("jiritsu_seikatsu", "自立生活援助", "自立生活援助"),
    # 令和7年10月施行（法第5条第13項）。報酬告示 別表第14の2 注1 の「生活介護等」に含まれない（periods.prior_services の
    # 令和7年10月1日の値とその出典。以後の改正で加えられたかは未確認）
    Service("sentaku", "就労選択支援", "就労選択支援"),
    Service("kyodo_seikatsu", "共同生活援助", "共同生活援助"),
    Service("nakapotsu", "障害者就業・生活支援センター", "障害者就業・生活支援センター"),
    Service("shokugyo_center", "地域障害者職業センター", "地域障害者職業センター"),
    Service("hello_work", "ハローワーク", "ハローワーク"),
    Service("tokubetsu_shien_gakko", "特別支援学校", "特別支援学校"),
    Service("none", "なし", "なし"),
)

_ALIASES = {
    "移行": "iko", "就労移行": "iko", "移行支援": "iko",
    "継続": "keizoku", "就労継続": "keizoku",
    "A型": "keizoku_a", "継続A": "keizoku_a", "継続A型": "keizoku_a", "就労継続A型": "keizoku_a", "就労継続支援A": "keizoku_a",
    "B型": "keizoku_b", "継続B": "keizoku_b", "継続B型": "keizoku_b", "就労継続B型": "keizoku_b", "就労継続支援B": "keizoku_b",
    "機能訓練": "jiritsu_kunren_kino", "生活訓練": "jiritsu_kunren_seikatsu",
    "グループホーム": "kyodo_seikatsu", "GH": "kyodo_seikatsu", "ナカポツ": "nakapotsu",
    "就業・生活支援センター": "nakapotsu",
    "選択支援": "sentaku", "就労選択": "sentaku", "障害者職業センター": "shokugyo_center", "無し": "none", "-": "none",
}


def _key(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    for char in " ()「」・":
        value = value.replace(char, "")
    return value


_BY_KEY: dict[str, Service] = {}
for _service in SERVICES:
    _BY_KEY[_key(_service.name)] = _service
    _BY_KEY[_service.key] = _service
for _alias, _target in _ALIASES.items():
    _BY_KEY[_key(_alias)] = next(s for s in SERVICES if s.key == _target)


def parse_service(text: str, field: str = "prior_service") -> Service:
    """サービス名（正式名・略称・全角も可）を Service にする。知らない名称は InputError（field は項目キー）。"""
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, "就職前に利用していたサービスを入力してください（なかった場合は「なし」）。")
    found = _BY_KEY.get(_key(text))
    if found is None:
        raise InputError(
            field,
            f"「{text.strip()}」はサービス名として認識できません。対象となるのは生活介護、自立訓練（機能訓練・生活訓練）、"
            "就労移行支援、就労継続支援A型・B型です（略称：移行、A型、B型、生活訓練など）。"
            "対象外のサービスや支援機関の場合はその正式名（例：共同生活援助、ハローワーク、なし）を入力してください。",
        )
    return found


# 就職先の種類（計算機の選択肢の順）。既定は通常の事業所。キーはフォーム・共有リンクが送る値（名も受け付ける）。
EMPLOYER_KINDS = ("通常の事業所", "就労継続支援A型事業所")
EMPLOYER_KIND_KEYS = {"通常の事業所": "ordinary", "就労継続支援A型事業所": "type_a_office"}
_EMPLOYER_ALIASES = {
    "通常": "通常の事業所", "一般企業": "通常の事業所", "企業": "通常の事業所", "一般就労": "通常の事業所",
    "A型": "就労継続支援A型事業所", "A型事業所": "就労継続支援A型事業所", "就労継続支援A型": "就労継続支援A型事業所",
    "継続A型": "就労継続支援A型事業所", "就労継続A型": "就労継続支援A型事業所",
}
_EMPLOYER_BY_KEY = {_key(name): name for name in EMPLOYER_KINDS} | {_key(a): n for a, n in _EMPLOYER_ALIASES.items()} \
    | {key: name for name, key in EMPLOYER_KIND_KEYS.items()}


def parse_employer_kind(text: str | None, field: str = "employer_kind") -> str:
    """就職先の種類（通常の事業所／就労継続支援A型事業所）。空欄は通常の事業所。知らない名称は InputError。"""
    if text is None or (isinstance(text, str) and not text.strip()):
        return EMPLOYER_KINDS[0]
    if not isinstance(text, str):
        raise InputError(field, "就職先の種類を入力してください。")
    found = _EMPLOYER_BY_KEY.get(_key(text))
    if found is None:
        raise InputError(field, f"「{text.strip()}」は就職先の種類として認識できません。{'・'.join(EMPLOYER_KINDS)}のいずれかです。")
    return found
