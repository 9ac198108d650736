"""What a biller is told will be paid, over the real CMS files, and a claim's patient.

Expected payments are worked out here from PPRRVU2025_Oct.csv and GPCI2025.csv (as in
test_claim_payment.py); the edits and MUEs that deny them are read from the NCCI files with the
csv and gzip modules, never from the database or the code under test.
"""

from __future__ import annotations

import csv
import gzip
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from medcode.claims.checker import check_claims
from medcode.claims.claim import parse_claims
from medcode.claims.formats import read_claims
from medcode.claims.formats.findings_csv import findings_csv
from medcode.releases.loader import Outcome
from medcode.testing import shared_file
from tests.claims import claim as office_claim
from tests.test_claim_payment import cents, gpcis, rvus

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def fee(code: str, units: int = 1) -> float:
    """Alabama (10112-00) non-facility amount of ``units`` of ``code``, from the CMS files."""
    work_g, pe_g, mp_g = gpcis("10112", "00")
    r = rvus(code)
    one = (r["work"] * work_g + r["nonfacility_pe"] * pe_g + r["mp"] * mp_g) * r["cf"]  # type: ignore[operator]
    return cents(one * units)


def ptp_indicator(column1: str, column2: str) -> str:
    """The modifier indicator of the practitioner PTP edit, from the 2024 Q3 file."""
    path = shared_file("ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz")
    with gzip.open(path, "rt", encoding="latin-1") as f:
        for row in csv.reader(f, delimiter="\t"):
            if row[:2] == [column1, column2] and row[4].strip() in ("", "*"):
                return row[5].strip()
    raise AssertionError(f"no active edit {column1}/{column2}")


def mue(code: str) -> tuple[int, str]:
    """Practitioner MUE value and adjudication indicator (its first character)."""
    path = shared_file("ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv")
    with path.open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row and row[0] == code:
                return int(row[1]), row[2][0]
    raise AssertionError(f"{code} not in the MUE file")


def status(code: str) -> str:
    with shared_file("pfs_rvu/rvu25d/PPRRVU2025_Oct.csv").open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row[0] == code and row[1] == "":
                return row[3]
    raise AssertionError(code)


def check(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    [result] = check_claims(parse_claims(office_claim(*lines, **fields)))["claims"]
    return result


def test_93307_with_93306_on_one_day_expects_nothing_and_its_fee_is_at_risk(
    full_load: list[Outcome],
) -> None:
    assert ptp_indicator("93306", "93307") == "0"

    result = check({"code": "93306"}, {"code": "93307"}, diagnoses=["I50.9"])

    echo, limited = result["lines"]
    assert [f["rule"] for f in result["findings"]] == ["PTP001"]  # the findings are unchanged
    assert limited["allowed_amount"] == fee("93307")
    assert limited["expected_payment"] == 0.0
    assert limited["at_risk"] == fee("93307")
    assert limited["at_risk_rules"] == ["PTP001"]
    assert echo["expected_payment"] == fee("93306") and echo["at_risk"] == 0.0
    assert result["total_allowed"] == pytest.approx(fee("93306") + fee("93307"))
    assert result["total_expected_payment"] == fee("93306")
    assert result["total_at_risk"] == fee("93307")


def test_99213_with_99214_is_at_risk_until_it_carries_a_modifier(
    full_load: list[Outcome],
) -> None:
    assert ptp_indicator("99214", "99213") == "1"

    bare = check({"code": "99214"}, {"code": "99213"})
    distinct = check({"code": "99214"}, {"code": "99213", "modifiers": ["XU"]})

    line = bare["lines"][1]
    assert (line["expected_payment"], line["at_risk"]) == (0.0, fee("99213"))
    assert line["at_risk_rules"] == ["PTP002"]
    assert bare["total_expected_payment"] == fee("99214")
    assert distinct["lines"][1]["expected_payment"] == fee("99213")
    assert distinct["lines"][1]["at_risk_rules"] == []
    assert distinct["total_at_risk"] == 0.0


def test_units_over_the_mue_expect_payment_for_the_allowed_units_only(
    full_load: list[Outcome],
) -> None:
    value, mai = mue("93306")
    billed = value + 2

    result = check({"code": "93306", "units": billed}, diagnoses=["I50.9"])

    [line] = result["lines"]
    assert line["allowed_amount"] == fee("93306", billed)
    assert line["expected_payment"] == fee("93306", value)
    assert line["at_risk"] == pytest.approx(fee("93306", billed) - fee("93306", value))
    assert line["at_risk_rules"] == ["MUE001"]
    if mai in ("2", "3"):
        # A per-day MUE counts every line of the day: split over two lines, the second is cut.
        split = check(
            {"code": "93306", "units": value}, {"code": "93306", "units": 2}, diagnoses=["I50.9"]
        )
        first, second = split["lines"]
        assert first["expected_payment"] == fee("93306", value)
        assert second["expected_payment"] == 0.0 and second["at_risk_rules"] == ["MUE001"]


def test_a_code_medicare_does_not_pay_adds_nothing_to_the_expected_total(
    full_load: list[Outcome],
) -> None:
    assert status("99385") == "N"

    result = check({"code": "99213"}, {"code": "99385"}, diagnoses=["Z00.00"])

    office, preventive = result["lines"]
    assert preventive["expected_payment"] == 0.0
    assert "MCS001" in preventive["at_risk_rules"]
    assert result["total_expected_payment"] == office["expected_payment"] == fee("99213")


def test_a_34_year_old_man_with_o80_gets_a_finding_and_his_visit_is_at_risk(
    full_load: list[Outcome],
) -> None:
    born = "1991-06-01"  # 34 on 2026-05-04
    result = check(
        {"code": "99213", "diagnosis_pointers": [1]},
        diagnoses=["O80"],
        patient={"sex": "M", "birth_date": born},
    )

    [finding] = [f for f in result["findings"] if f["rule"].startswith("PAT")]
    assert finding["rule"] == "PAT001" and finding["severity"] == "error"
    assert finding["lines"] == [1]
    assert finding["source"]["dataset"] == "icd10cm_tabular"
    assert "chapter 15" in finding["source"]["detail"]
    assert "maternal records" in finding["source"]["detail"].lower()
    assert result["lines"][0]["at_risk"] == fee("99213")
    assert result["total_expected_payment"] == 0.0
    assert result["patient"] == {"sex": "M", "birth_date": born}
    # The same claim for a 34-year-old woman passes the patient checks.
    woman = check(
        {"code": "99213", "diagnosis_pointers": [1]},
        diagnoses=["O80"],
        patient={"sex": "F", "birth_date": born},
    )
    assert not [f for f in woman["findings"] if f["rule"].startswith("PAT")]
    assert woman["total_expected_payment"] == fee("99213")


def test_without_the_patient_the_report_says_once_which_checks_did_not_run(
    full_load: list[Outcome],
) -> None:
    result = check({"code": "99213"}, diagnoses=["O80"])

    skipped = [n for n in result["notes"] if "did not run" in n]
    assert len(skipped) == 1
    assert "PAT001" in skipped[0] and "PAT002" in skipped[0]
    assert not [f for f in result["findings"] if f["rule"].startswith("PAT")]


def test_the_api_text_and_csv_show_the_expected_payment(full_load: list[Outcome]) -> None:
    body = json.dumps(office_claim({"code": "93306"}, {"code": "93307"}, diagnoses=["I50.9"]))

    response = Client().post("/api/v1/claims/check", body, content_type="application/json")
    as_csv = Client().post("/api/v1/claims/check?output=csv", body, content_type="application/json")

    [api] = response.json()["claims"]
    assert api["total_at_risk"] == fee("93307")
    header, *rows = list(csv.reader(as_csv.content.decode().splitlines()))
    row = dict(zip(header, rows[0], strict=True))
    assert Decimal(row["total_expected_payment"]) == Decimal(str(fee("93306")))
    assert Decimal(row["total_at_risk"]) == Decimal(str(fee("93307")))
    assert row["rule"] == "PTP001" and Decimal(row["at_risk"]) == Decimal(str(fee("93307")))
    assert findings_csv({"claims": [api]}) == as_csv.content.decode()


def test_an_837p_with_dmg_in_the_subscriber_loop_is_checked_for_the_patient(
    full_load: list[Outcome],
) -> None:
    segments = [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       "
        "*260504*1200*^*00501*000000001*0*T*:",
        "GS*HC*SUBMITTER*RECEIVER*20260504*1200*1*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*1*20260504*1200*CH",
        "HL*1**20*1",
        "NM1*85*2*CLINIC*****XX*1234567893",
        "HL*2*1*22*0",
        "SBR*P*18*******MB",
        "NM1*IL*1*DOE*JOHN****MI*123456789A",
        "DMG*D8*19910601*M",
        "NM1*PR*2*MEDICARE*****PI*10112",
        "CLM*DMG1*100***11:B:1*Y*A*Y*Y",
        "HI*ABK:O80",
        "LX*1",
        "SV1*HC:99213*100*UN*1***1",
        "DTP*472*D8*20260504",
    ]
    segments.append(f"SE*{len(segments) - 1}*0001")  # ST to SE
    segments += ["GE*1*1", "IEA*1*000000001"]
    text = "~".join(segments) + "~"

    [claim] = read_claims(text, locality="10112-00")
    [result] = check_claims([claim])["claims"]

    assert result["patient"] == {"sex": "M", "birth_date": "1991-06-01"}
    assert [f["rule"] for f in result["findings"] if f["rule"].startswith("PAT")] == ["PAT001"]
    assert result["lines"][0]["expected_payment"] == 0.0
    assert result["lines"][0]["at_risk"] == fee("99213")
