"""`medcode code` and GET /api/v1/codes/<code> on the real CMS files: one answer both ways."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from medcode.cli import main
from medcode.codes.lookup import CodeNotFound, MalformedCode, candidate_systems, lookup
from medcode.releases.loader import Outcome
from tests.cms import icd10cm_codes, mue_value, pprrvu_description, ptp_edits, ptp_in_force

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

DAY = date(2026, 1, 15)


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    status = main(["code", *args, "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_g0283_answers_with_descriptors_fees_edits_and_sources(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    status, info = cli_json(capsys, "G0283", "--date", DAY.isoformat())

    assert status == 0
    assert (info["code"], info["system"], info["status"]) == ("G0283", "HCPCS", "active")
    assert info["short_description"] == "Elec stim other than wound"
    assert info["long_description"].endswith("as part of a therapy plan of care")
    assert (info["effective_date"], info["termination_date"]) == ("2003-01-01", None)
    assert info["fees"]["status"]["code"] == "A"
    [global_row] = [r for r in info["fees"]["rows"] if r["modifier"] is None]
    assert global_row["national_non_facility_amount"] == 12.29  # 0.38 RVU x 32.3465
    assert global_row["multiple_procedure"] == "5"
    practitioner = info["mue"]["practitioner"]
    assert (practitioner["value"], practitioner["adjudication_indicator"]) == (1, 3)
    in_table = list(ptp_edits("practitioner", lambda f: f[0] == "G0283" and ptp_in_force(f, DAY)))
    assert in_table  # G0283 is column 1 of edits in CMS's table, so the count below means something
    assert info["ptp"]["practitioner"]["as_column1"] == len(in_table)
    datasets = {s["dataset"] for s in info["sources"]}
    assert {"hcpcs", "pfs_rvu", "ncci_mue_practitioner", "ncci_ptp_practitioner"} <= datasets
    # The HCPCS release loaded is January 2025: a 2026 date is answered from it, with a note.
    assert any("hcpcs" in note and "2026-01-15" in note for note in info["notes"])


def test_the_api_gives_the_same_answer_as_the_cli(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    status, from_cli = cli_json(capsys, "E11.65", "--date", DAY.isoformat())

    response = Client().get("/api/v1/codes/E11.65", {"date": DAY.isoformat()})

    assert status == 0
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(from_cli))


def test_a_cpt_code_shows_the_descriptor_of_the_loaded_fee_schedule(
    full_load: list[Outcome],
) -> None:
    info = lookup("99213", DAY)

    assert info["system"] == "CPT"
    assert info["short_description"] == pprrvu_description("99213")
    assert "American Medical Association" in info["descriptor_notice"]
    assert info["long_description"] is None
    value, mai = mue_value("practitioner", "99213")
    practitioner = info["mue"]["practitioner"]
    assert (practitioner["value"], str(practitioner["adjudication_indicator"])) == (value, mai)


def test_97014_is_not_valid_for_medicare(full_load: list[Outcome]) -> None:
    info = lookup("97014", DAY)

    assert info["system"] == "CPT"
    assert info["fees"]["status"]["code"] == "I"
    assert "Not valid for Medicare" in info["fees"]["status"]["meaning"]


def test_icd10cm_codes_answer_with_or_without_the_dot(full_load: list[Outcome]) -> None:
    dotted, bare = lookup("E11.65", DAY), lookup("e1165", DAY)

    assert dotted == bare
    assert (dotted["code"], dotted["system"], dotted["billable"]) == ("E11.65", "ICD-10-CM", True)
    assert [h["code"] for h in dotted["hierarchy"]][-2:] == ["E11", "E11.6"]
    assert dotted["effective_date"] == "2024-10-01"  # the earliest loaded fiscal year
    assert lookup("E11", DAY)["billable"] is False


def test_an_icd10cm_code_added_in_fy2026_is_not_yet_valid_in_fy2025(
    full_load: list[Outcome],
) -> None:
    # A billable code of CMS's FY2026 order file that the FY2025 file lacks.
    new = min(icd10cm_codes(2026, billable_only=True) - icd10cm_codes(2025))

    before = lookup(new, date(2025, 6, 1))
    after = lookup(new, date(2025, 10, 1))

    assert before["status"] == "not yet effective" and before["effective_date"] == "2025-10-01"
    assert after["status"] == "active"


def test_an_icd10cm_code_deleted_in_fy2026_is_terminated(full_load: list[Outcome]) -> None:
    # A billable code of CMS's FY2025 order file that the FY2026 file dropped.
    gone = min(icd10cm_codes(2025, billable_only=True) - icd10cm_codes(2026))

    info = lookup(gone, date(2026, 1, 1))

    assert (info["status"], info["termination_date"]) == ("terminated", "2025-09-30")
    # The last day of FY2025 is the last day it applies; the first day of FY2026 is not.
    assert lookup(gone, date(2025, 9, 30))["status"] == "active"
    assert lookup(gone, date(2025, 10, 1))["status"] == "terminated"


def test_pcs_codes_and_modifiers_are_found(full_load: list[Outcome]) -> None:
    pcs = lookup("0016070", DAY)
    gp = lookup("GP", DAY)

    assert (pcs["system"], pcs["valid"]) == ("ICD-10-PCS", True)
    assert gp["system"] == "MODIFIER"
    assert "physical therapy" in gp["long_description"]


def test_an_unknown_code_is_a_clear_error_everywhere(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CodeNotFound, match="Z9999 is not in any loaded release"):
        lookup("Z9999", DAY)
    status, body = cli_json(capsys, "Z9999")
    assert status == 2 and body["ok"] is False
    response = Client().get("/api/v1/codes/Z9999")
    assert response.status_code == 404 and "not in any loaded release" in response.json()["error"]


@pytest.mark.parametrize(
    "text", ["", "hello world", "97014; DROP TABLE x", "E1.165", "ÄÖÜ12", "9" * 600]
)
def test_a_malformed_code_is_a_clear_error(text: str) -> None:
    with pytest.raises(MalformedCode, match="is not a code"):
        candidate_systems(text)


def test_a_malformed_code_through_the_api_is_a_400(full_load: list[Outcome]) -> None:
    response = Client().get("/api/v1/codes/hello%20world")

    assert response.status_code == 400
    assert "is not a code" in response.json()["error"]


def test_the_text_report_names_the_code_and_its_sources(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["code", "G0283", "--date", DAY.isoformat()]) == 0

    out = capsys.readouterr().out
    assert "G0283" in out and "Elec stim other than wound" in out
    assert "Medically unlikely edits" in out and "HCPCS Level II Jan 2025" in out


def test_data_status_lists_the_releases(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "status", "--json"]) == 0

    releases = json.loads(capsys.readouterr().out)["releases"]
    assert {r["dataset"] for r in releases} >= {"hcpcs", "icd10cm", "pfs_rvu", "ncci_aoc"}
    assert all(len(r["sha256"]) == 64 for r in releases)
