"""The claim checker over the real CMS files: therapy-clinic scenarios and one test per rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode.claims.checker import check_claim, check_claims
from medcode.claims.claim import ClaimError, parse_claim, parse_claims
from medcode.cli import main
from medcode.edits.models import AddOnCodeEdit
from medcode.releases.loader import Outcome
from tests.claims import claim
from tests.cms import allowed, ptp_edits

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    return check_claim(parse_claim(data))["findings"]


def rules(data: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in findings(data)]


def test_97014_under_medicare_is_not_payable_and_names_g0283(full_load: list[Outcome]) -> None:
    [found] = [
        f for f in findings(claim({"code": "97014", "modifiers": ["GP"]})) if f["rule"] == "MCS001"
    ]

    assert found["severity"] == "error" and found["lines"] == [1]
    assert "status I" in found["message"]
    assert "G0283" in found["fix"]
    assert found["source"]["dataset"] == "pfs_rvu" and "RVU25D" in found["source"]["release"]


def test_g0283_with_97032_needs_a_modifier_on_the_column_2_line(full_load: list[Outcome]) -> None:
    bare = claim(
        {"code": "G0283", "modifiers": ["GP"]},
        {"code": "97032", "modifiers": ["GP"], "minutes": 15},
    )

    [found] = [f for f in findings(bare) if f["rule"] == "PTP002"]

    assert found["lines"] == [2] and "97032" in found["message"]
    assert "G0283 / 97032: modifier indicator 1" in found["source"]["detail"]
    with_xu = claim(
        {"code": "G0283", "modifiers": ["GP"]}, {"code": "97032", "modifiers": ["GP", "XU"]}
    )
    assert "PTP002" not in rules(with_xu)


def test_the_ptp_edit_applies_in_the_outpatient_table_by_setting(full_load: list[Outcome]) -> None:
    lines = ({"code": "G0283", "modifiers": ["GP"]}, {"code": "97032", "modifiers": ["GP"]})
    # The edit and its indicator as CMS's outpatient hospital table gives them.
    [edit] = ptp_edits("outpatient_hospital", lambda f: f[:2] == ["G0283", "97032"])
    expected_rule = {"0": "PTP001", "1": "PTP002"}[edit[5]]

    outpatient = findings(claim(*lines, setting="outpatient_hospital", place_of_service="22"))

    ptp = [(f["rule"], f["lines"], f["source"]["dataset"]) for f in outpatient]
    ptp = [p for p in ptp if p[0].startswith("PTP")]
    assert ptp == [(expected_rule, [2], "ncci_ptp_outpatient")]


def test_units_over_the_mue_are_flagged_with_the_indicator(full_load: list[Outcome]) -> None:
    [found] = [
        f
        for f in findings(claim({"code": "G0283", "modifiers": ["GP"], "units": 2}))
        if f["rule"] == "MUE001"
    ]

    assert "exceed its MUE of 1" in found["message"] and "MAI 3" in found["message"]
    assert "2 units" in found["message"]
    assert "MUE001" not in rules(claim({"code": "G0283", "modifiers": ["GP"], "units": 1}))


def test_mue_units_add_up_over_the_date_for_indicator_3(full_load: list[Outcome]) -> None:
    split = claim(
        {"code": "G0283", "modifiers": ["GP"]}, {"code": "G0283", "modifiers": ["GP", "59"]}
    )

    [found] = [f for f in findings(split) if f["rule"] == "MUE001"]

    assert found["lines"] == [1, 2]


def test_a_header_diagnosis_is_not_billable(full_load: list[Outcome]) -> None:
    found = [
        f
        for f in findings(claim({"code": "97110", "modifiers": ["GP"]}, diagnoses=["M17.1"]))
        if f["rule"] == "VAL003"
    ]

    assert [f["message"] for f in found] == ["M17.1 is a header, not a billable ICD-10-CM code"]
    assert "VAL003" not in rules(
        claim({"code": "97110", "modifiers": ["GP"]}, diagnoses=["M17.11"])
    )


def test_an_unknown_code_and_modifier_are_named(full_load: list[Outcome]) -> None:
    result = findings(claim({"code": "9701X"}, {"code": "97110", "modifiers": ["9Z"]}))

    assert {(f["rule"], tuple(f["lines"])) for f in result} >= {("VAL001", (1,)), ("VAL004", (2,))}


def test_an_add_on_code_without_its_primary_is_an_error(full_load: list[Outcome]) -> None:
    edit = (
        AddOnCodeEdit.objects.filter(edit_type="1", deletion_date__isnull=True)
        .exclude(primary_code="CCCCC")
        .first()
    )
    assert edit is not None

    alone = findings(claim({"code": edit.addon_code}))
    with_primary = rules(claim({"code": edit.primary_code}, {"code": edit.addon_code}))

    assert [f["severity"] for f in alone if f["rule"] == "AOC001"] == ["error"]
    assert "AOC001" not in with_primary


def expected_amount(code: str, locality: tuple[str, str], facility: bool, units: int) -> float:
    """From PPRRVU2025_Oct.csv and GPCI2025.csv as CMS wrote them (tests/cms.py)."""
    return float(allowed(code, *locality, facility=facility, units=units))


def test_each_line_is_priced_by_locality_and_place_of_service(full_load: list[Outcome]) -> None:
    # 71046 is outside every multiple procedure reduction; therapy lines (97110…) are paid
    # less for units after the first: tests/test_claim_payment.py.
    office = check_claim(parse_claim(claim({"code": "99213"}, {"code": "71046", "units": 2})))
    hospital = check_claim(
        parse_claim(claim({"code": "99213"}, place_of_service="22", locality="13202-01"))
    )

    assert office["lines"][0]["allowed_amount"] == expected_amount(
        "99213", ("10112", "00"), False, 1
    )
    assert office["lines"][1]["allowed_amount"] == expected_amount(
        "71046", ("10112", "00"), False, 2
    )
    assert office["total_allowed"] == pytest.approx(
        sum(line["allowed_amount"] for line in office["lines"])
    )
    assert hospital["lines"][0]["allowed_amount"] == expected_amount(
        "99213", ("13202", "01"), True, 1
    )
    assert hospital["lines"][0]["allowed_amount"] < office["lines"][0]["allowed_amount"] * 1.2


def test_a_status_i_line_is_expected_to_pay_nothing(full_load: list[Outcome]) -> None:
    result = check_claim(parse_claim(claim({"code": "97014", "modifiers": ["GP"]})))

    assert result["lines"][0]["allowed_amount"] == 0.0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"payer": None}, "claim c1, field 'payer': is missing"),
        (
            {"lines": [{"code": "97110", "units": -1}]},
            "claim c1, line 1, field 'units': expected at least 1",
        ),
        (
            {"lines": [{"code": "97110", "units": 1.5}]},
            "claim c1, line 1, field 'units': expected a whole",
        ),
        ({"lines": [{"units": 1}]}, "claim c1, line 1, field 'code': is missing"),
        ({"date_of_service": "05/04/2026"}, "claim c1, field 'date_of_service': expected a date"),
        (
            {"lines": [{"code": "97110", "diagnosis_pointers": [3]}]},
            "claim c1, line 1, field 'diagnosis_pointers': pointer 3 names",
        ),
    ],
)
def test_malformed_claims_name_claim_line_and_field(change: dict[str, Any], expected: str) -> None:
    data = claim({"code": "97110"})
    data.update({k: v for k, v in change.items()})
    if data.get("payer") is None:
        data.pop("payer")

    with pytest.raises(ClaimError) as error:
        parse_claims(data)

    assert str(error.value).startswith(expected)


def test_an_unknown_locality_is_an_error_naming_it(full_load: list[Outcome]) -> None:
    with pytest.raises(
        ClaimError, match="claim c1, field 'locality': no Medicare locality 99999-99"
    ):
        check_claims(parse_claims(claim({"code": "97110"}, locality="99999-99")))


def test_cli_api_give_the_same_findings(
    full_load: list[Outcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = [
        claim(
            {"code": "G0283", "modifiers": ["GP"], "units": 2},
            {"code": "97032", "modifiers": ["GP"]},
        ),
        claim({"code": "97110", "modifiers": ["GP"]}, id="c2"),
    ]
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(data))

    status = main(["check", str(path), "--json"])
    from_cli = json.loads(capsys.readouterr().out)
    response = Client().post(
        "/api/v1/claims/check", json.dumps(data), content_type="application/json"
    )

    assert status == 1  # errors found
    assert response.status_code == 200
    assert response.json() == from_cli
    assert [c["id"] for c in from_cli["claims"]] == ["c1", "c2"]


def test_bad_input_through_cli_and_api_is_a_clear_error(
    full_load: list[Outcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "c1",\n "lines": [')

    assert main(["check", str(path)]) == 2
    assert "broken.json, line 2: not valid JSON" in capsys.readouterr().err
    response = Client().post("/api/v1/claims/check", "{", content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    response = Client().post(
        "/api/v1/claims/check", json.dumps({"id": "x"}), content_type="application/json"
    )
    assert (
        response.status_code == 400
        and response.json()["error"] == "claim x, field 'payer': is missing"
    )


def test_the_text_report_shows_findings_fixes_and_amounts(
    full_load: list[Outcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim({"code": "97014", "modifiers": ["GP"]})))

    assert main(["check", str(path)]) == 1  # MCS001 is an error

    out = capsys.readouterr().out
    assert "MCS001 line 1" in out and "fix: Bill G0283" in out and "total allowed" in out
    assert "total expected payment: $0.00" in out


def test_notes_speak_only_of_releases_the_claim_used(full_load: list[Outcome]) -> None:
    result = check_claim(parse_claim(claim({"code": "97110", "modifiers": ["GP"]}, locality=None)))

    notes = " ".join(result["notes"])
    assert "pfs_rvu" in notes  # priced from RVU25D, which ended before 2026-05-04
    assert "anesthesia" not in notes and "ncci_ptp_outpatient" not in notes
    assert "pfs_gpci" not in notes  # no locality, so no GPCI was read


def test_the_text_report_explains_the_therapy_payment_reduction(
    full_load: list[Outcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claim.json"
    path.write_text(
        json.dumps(
            claim(
                {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30},
                {"code": "97140", "modifiers": ["GP"], "units": 1, "minutes": 15},
            )
        )
    )

    status = main(["check", str(path)])

    out = capsys.readouterr().out
    assert status == 0, out  # a clean claim: nothing to deny, only the reduction to explain
    assert "Claim c1: 0 finding(s)" in out
    assert "Therapy multiple procedure payment reduction" in out and "paid at 50%" in out
