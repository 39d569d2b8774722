"""計算機の登録簿（teichaku.interfaces.calculators）：パラメータ集合から作ること、加算・減算はキーで送り名も受け付けること
（以前の共有リンク・README と golden のコマンド）、ヒントの数字がパラメータから来ること。"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

from teichaku.interfaces import cli, web
from teichaku.interfaces.calculators import CALCULATORS, calculators, compute
from teichaku.rules.params import default_parameters, load_parameters


def _fee(argv: list[str]) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main([*argv, "--json"]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


README_FEE = ["fee", "--users", "18", "--retained", "16", "--month", "2026-11", "--regional-meeting-1-times", "1",
              "--track-record-ended", "10", "--track-record-retained", "8"]


def test_the_readme_command_with_names_and_the_same_command_with_keys_give_the_same_claim() -> None:
    by_name = _fee([*README_FEE, "--addition", "地域連携会議実施加算（Ⅰ）", "--addition", "就労定着実績体制加算",
                    "--reduction", "情報公表未報告減算"])
    by_key = _fee([*README_FEE, "--addition", "regional_meeting_1", "--addition", "track_record",
                   "--reduction", "info_unreported"])
    assert by_name == by_key
    assert [a["key"] for a in by_key["additions"]] == ["regional_meeting_1", "track_record"]
    assert [(r["key"], r["name"]) for r in by_key["reductions"]] == [("info_unreported", "情報公表未報告減算")]


@pytest.mark.parametrize("names", [["初期加算", "特別地域加算"], ["初期", "特別地域"], ["ｲﾆｼｬﾙ"]])
def test_an_old_share_link_with_names_gives_what_the_keys_give(names: list[str]) -> None:
    link = {"month": "2019-04", "users": "20", "retained": "18", "scale_users": "12", "from_other_office": "on",
            "special_area": "on"}
    old = web.run("claim", {**link, "additions": names})
    if names == ["ｲﾆｼｬﾙ"]:  # 知らない名は、項目を名指しした誤り
        assert not old["ok"] and old["errors"][0]["field"] == "additions"
        return
    new = web.run("claim", {**link, "additions": ["initial", "special_area"]})
    assert old["ok"] and old["data"] == new["data"]
    assert [a["key"] for a in new["data"]["additions"]] == ["initial", "special_area"]


def test_json_keeps_the_old_keys_and_adds_key_and_code_beside_them() -> None:
    result, _ = compute("claim", {"month": "2021-04", "users": "20", "retained": "18", "scale_users": "12",
                                  "additions": ["企業連携等調整特別加算"]})
    data = result.to_dict()
    assert data["rejected"] == [{"key": "company_coordination", "name": "企業連携等調整特別加算",
                                 "reason": data["rejected"][0]["reason"], "code": "ended"}]
    assert data["tier"] == "9割以上9割5分未満" and data["tier_key"] == "r90_95"
    assert data["billing_condition_key"] == "support_report"


def test_the_claim_form_offers_keys_with_their_names_and_dates() -> None:
    field = CALCULATORS["claim"].field("additions")
    assert field is not None
    choices = dict(zip(field.choices, field.choice_labels, strict=True))
    assert choices["initial"] == "初期加算" and choices["regional_meeting_1"] == "地域連携会議実施加算（Ⅰ）"
    names = dict(zip(field.choices, field.choice_names, strict=True))
    assert "地域連携会議加算(I)" in names["regional_meeting_1"]
    dates = {key: (since, until) for key, since, until in field.choice_dates}
    assert dates["company_coordination"] == ("2018-04-01", "2021-03-31")


def test_billing_fields_take_their_periods_from_the_dated_billing_condition() -> None:
    claim = CALCULATORS["claim"]
    face, report = claim.field("face_to_face"), claim.field("support_report")
    assert face is not None and report is not None
    assert (face.since, face.until, face.flag) == ("2018-04-01", "2021-03-31", "--no-face-to-face")
    assert (report.since, report.until, report.flag) == ("2021-04-01", "", "--no-support-report")


def test_income_class_hint_shows_the_caps_of_the_parameters() -> None:
    field = CALCULATORS["claim"].field("income_class")
    params = default_parameters()
    assert field is not None
    for name in ("fees.user_charge_cap_general1", "fees.user_charge_cap_general2"):
        assert f"{params.get(name).values[-1].value:,}円" in field.hint


def test_a_parameter_set_read_from_disk_builds_its_own_calculators() -> None:
    params = load_parameters()
    built = calculators(params)
    assert built is not CALCULATORS and built is calculators(params)
    assert [f.key for f in built["claim"].fields] == [f.key for f in CALCULATORS["claim"].fields]
    result, _ = compute("retention", {"users": "20", "retained": "19", "month": "2024-04"}, parameters=params)
    assert result.tier.key == "r95_up"


@pytest.mark.parametrize("given", ["general1", "一般1"])
def test_income_class_is_sent_as_its_key_and_the_old_name_still_works(given: str) -> None:
    result, values = compute("claim", {"month": "2024-06", "users": "18", "retained": "16", "unit_price": "10.7",
                                       "income_class": given})
    data = result.to_dict()
    assert values["income_class"] == "general1"
    assert (data["income_class"], data["income_class_key"], data["user_charge"]) == ("一般1", "general1", 2961)
    with pytest.raises(Exception, match="一般1"):
        compute("claim", {"month": "2024-06", "users": "18", "retained": "16", "income_class": "一般3"})


@pytest.mark.parametrize(("service", "employer"), [("iko", "type_a_office"), ("就労移行支援", "就労継続支援A型事業所"),
                                                   ("移行", "A型")])
def test_prior_service_and_employer_kind_are_sent_as_keys_and_names_and_short_names_still_work(service: str, employer: str) -> None:
    result, _ = compute("eligibility", {"prior_service": service, "employed": "2019-04-01", "employer_kind": employer})
    data = result.to_dict()
    assert data["prior_service"] == "就労移行支援" and not data["eligible"]  # A型事業所への雇用は通常の事業所への就職ではない
    field = CALCULATORS["eligibility"].field("prior_service")
    assert field is not None and field.choices[0] == "iko" and field.choice_labels[0] == "就労移行支援"


def test_claim_api_takes_keys_and_also_names_and_names_an_unknown_item() -> None:
    from teichaku import ClaimFacts, claim
    from teichaku.rules.dates import Month
    from teichaku.rules.errors import InputError

    by_key = claim(ClaimFacts(users=20, retained=18, month=Month(2024, 4), requested=("special_area",),
                              facts={"special_area": True}))
    by_name = claim(ClaimFacts(users=20, retained=18, month=Month(2024, 4), requested=("特別地域加算",),
                               facts={"special_area": True}))
    assert by_key.to_dict()["additions"] == by_name.to_dict()["additions"] == [{"key": "special_area", "name": "特別地域加算",
                                                                              "units": 240}]
    with pytest.raises(InputError) as error:
        claim(ClaimFacts(users=20, retained=18, month=Month(2024, 4), requested=("no_such_item",)))
    assert error.value.field == "additions"
