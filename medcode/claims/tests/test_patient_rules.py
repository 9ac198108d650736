"""The claim's patient (JSON, CSV, 837P DMG) and the diagnosis-patient rules PAT001-PAT004,
over a hand-written Tabular List in CDC's layout (fixtures/claims_icd10cm_tabular_2026.xml)
and, for payment, the hand-written fee schedule of test_payment.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode.claims.checker import check_claim
from medcode.claims.claim import ClaimError, parse_claim
from medcode.claims.formats import read_claims
from medcode.claims.formats.findings_csv import findings_csv
from medcode.claims.tests.test_payment import FIXTURES as FEE_FIXTURES
from medcode.claims.tests.test_payment import expected
from medcode.icd10.patient_groups import FEMALE, MALE, MATERNITY, NEWBORN, read_groups
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

TABULAR = REPO / "medcode" / "claims" / "tests" / "fixtures" / "claims_icd10cm_tabular_2026.xml"
DOS = "2026-02-10"


@pytest.fixture
def tabular(db: None) -> int:
    outcome = load_file(TABULAR, "icd10cm_tabular")
    assert outcome.release is not None
    return int(outcome.release.id)


def claim(diagnoses: list[str], sex: str | None = None, born: str | None = None) -> dict[str, Any]:
    patient = {k: v for k, v in (("sex", sex), ("birth_date", born)) if v}
    data: dict[str, Any] = {
        "id": "pt1",
        "payer": "medicare",
        "date_of_service": DOS,
        "diagnoses": diagnoses,
        "lines": [{"code": "99213", "diagnosis_pointers": [1]}],
    }
    if patient:
        data["patient"] = patient
    return data


def rules(data: dict[str, Any], prefix: str = "PAT") -> list[tuple[str, str]]:
    result = check_claim(parse_claim(data))
    return [(f["rule"], f["severity"]) for f in result["findings"] if f["rule"].startswith(prefix)]


def test_the_groups_come_from_the_tabular_titles_and_notes(tabular: int) -> None:
    groups = read_groups(tabular)

    def of(code: str) -> set[str]:
        return {why.group for why in groups.of(code)}

    assert of("O80") == {MATERNITY} and of("Z3A39") == {MATERNITY}
    assert of("N400") == {MALE} and of("C61") == {MALE}
    assert of("N920") == {FEMALE} and of("C539") == {FEMALE}
    assert of("P926") == {NEWBORN} and of("P704") == {NEWBORN}
    # Both sexes (breast) and conditions that may be reported for life (prematurity): left out.
    assert of("C50911") == set() and of("P0730") == set()
    [why] = groups.of("Z3A39")
    assert "category Z3A" in why.evidence and why.entry == "chapter 15"


def test_pat001_fires_for_a_maternity_code_on_a_male_patient(tabular: int) -> None:
    assert rules(claim(["O80"], "M", "1991-06-01")) == [("PAT001", "error")]
    assert rules(claim(["Z3A.39"], "M")) == [("PAT001", "error")]


def test_pat001_does_not_fire_for_a_woman_an_unknown_sex_or_no_sex(tabular: int) -> None:
    assert rules(claim(["O80"], "F", "1991-06-01")) == []
    assert rules(claim(["O80"], "U", "1991-06-01")) == []
    assert rules(claim(["O80"], None, "1991-06-01")) == []


def test_pat002_fires_outside_the_mce_maternity_ages(tabular: int) -> None:
    # 65 on the date of service, and 8 (a day short of 9).
    assert rules(claim(["O80"], "F", "1961-02-10")) == [("PAT002", "error")]
    assert rules(claim(["O80"], "F", "2017-02-11")) == [("PAT002", "error")]


def test_pat002_does_not_fire_at_9_or_64_or_without_a_birth_date(tabular: int) -> None:
    assert rules(claim(["O80"], "F", "2017-02-10")) == []  # 9 today
    assert rules(claim(["O80"], "F", "1961-02-11")) == []  # 64 until tomorrow
    assert rules(claim(["O80"], "F")) == []


def test_pat003_fires_for_a_newborn_only_code_after_28_days(tabular: int) -> None:
    findings = check_claim(parse_claim(claim(["P92.6"], "F", "2024-01-05")))["findings"]

    [finding] = [f for f in findings if f["rule"] == "PAT003"]
    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "over 28 days" in finding["source"]["detail"]
    assert rules(claim(["P70.4"], "M", "2025-06-01")) == [("PAT003", "warning")]


def test_pat003_does_not_fire_in_the_newborn_period_or_for_a_lifelong_code(tabular: int) -> None:
    assert rules(claim(["P92.6"], "F", "2026-01-13")) == []  # 28 days old
    assert rules(claim(["P07.30"], "F", "2020-01-05")) == []  # left out: may be reported later


def test_pat004_fires_for_a_block_of_the_other_sex(tabular: int) -> None:
    assert rules(claim(["N40.0"], "F")) == [("PAT004", "warning")]
    assert rules(claim(["N92.0"], "M")) == [("PAT004", "warning")]
    assert rules(claim(["C53.9"], "M")) == [("PAT004", "warning")]


def test_pat004_does_not_fire_for_the_same_sex_unknown_sex_or_both_sex_blocks(
    tabular: int,
) -> None:
    assert rules(claim(["N40.0"], "M")) == []
    assert rules(claim(["N40.0"], "U")) == []
    assert rules(claim(["C50.911"], "M")) == []


def test_no_tabular_list_loaded_means_no_patient_findings_and_a_note(db: None) -> None:
    result = check_claim(parse_claim(claim(["O80"], "M", "1991-06-01")))

    assert not [f for f in result["findings"] if f["rule"].startswith("PAT")]
    assert [n for n in result["notes"] if "did not run" in n] == [
        "No ICD-10-CM Tabular List is loaded: the diagnosis-patient checks PAT001, PAT002, "
        "PAT003, PAT004 did not run."
    ]


def test_a_claim_without_the_patient_says_once_which_checks_did_not_run(tabular: int) -> None:
    result = check_claim(parse_claim(claim(["O80", "N40.0"])))

    skipped = [note for note in result["notes"] if "did not run" in note]
    assert len(skipped) == 1
    assert "PAT001, PAT002, PAT003, PAT004" in skipped[0]
    only_sex = check_claim(parse_claim(claim(["O80"], "F")))["notes"]
    assert [n for n in only_sex if "did not run" in n] == [
        "Without birth date, the diagnosis-patient checks PAT002, PAT003 did not run."
    ]


def test_a_maternity_error_puts_the_lines_pointing_at_it_at_risk(tabular: int) -> None:
    load_file(FEE_FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    data = claim(["M17.11", "O80"], "M", "1991-06-01")
    data["lines"] = [
        {"code": "99213", "diagnosis_pointers": [1]},
        {"code": "99213", "modifiers": ["25"], "diagnosis_pointers": [2]},
    ]

    result = check_claim(parse_claim(data))

    knee, delivery = result["lines"]
    fee = expected("99213", 1)
    assert (knee["expected_payment"], knee["at_risk"], knee["at_risk_rules"]) == (fee, 0.0, [])
    assert (delivery["expected_payment"], delivery["at_risk"]) == (0.0, fee)
    assert delivery["at_risk_rules"] == ["PAT001"]
    assert result["total_expected_payment"] == fee and result["total_at_risk"] == fee
    rows = list(csv.DictReader(io.StringIO(findings_csv({"claims": [result]}))))
    [row] = [r for r in rows if r["rule"] == "PAT001"]
    assert row["at_risk"] == f"{fee:.2f}" and row["total_at_risk"] == f"{fee:.2f}"
    assert (row["patient_sex"], row["patient_birth_date"]) == ("M", "1991-06-01")


@pytest.mark.parametrize(
    ("patient", "field", "message"),
    [
        ({"sex": "X"}, "patient.sex", "expected F, M or U"),
        ({"birth_date": "1991-13-01"}, "patient.birth_date", "YYYY-MM-DD"),
        ({"birth_date": "2026-03-01"}, "patient.birth_date", "after the date of service"),
        ({"name": "Doe"}, "patient", "unknown field 'name'"),
        ("M", "patient", "expected an object"),
    ],
)
def test_a_bad_patient_is_an_error_naming_the_field(patient: Any, field: str, message: str) -> None:
    data = claim(["O80"])
    data["patient"] = patient

    with pytest.raises(ClaimError) as raised:
        parse_claim(data)

    assert raised.value.field == field and message in raised.value.message


def test_csv_patient_columns_are_read(tabular: int) -> None:
    text = (
        "claim_id,payer,date_of_service,diagnoses,patient_sex,patient_birth_date,code\n"
        "c1,medicare,2026-02-10,O80,m,06/01/1991,99213\n"
        "c1,,,,,,99214\n"
    )

    [parsed] = read_claims(text)

    assert (parsed.patient.sex, str(parsed.patient.birth_date)) == ("M", "1991-06-01")
    assert parsed.patient.age_on(parsed.date_of_service) == 34
    with pytest.raises(ClaimError) as raised:
        read_claims(text.replace(",m,", ",q,"))
    assert "row 2, column patient_sex" in str(raised.value)


def x12(*loops: str) -> str:
    head = [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       "
        "*260210*1200*^*00501*000000001*0*T*:",
        "GS*HC*SUBMITTER*RECEIVER*20260210*1200*1*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*1*20260210*1200*CH",
        "HL*1**20*1",
        "NM1*85*2*CLINIC*****XX*1234567893",
    ]
    segments = head + [s for loop in loops for s in loop.split("\n") if s]
    segments.append(f"SE*{len(segments) - 1}*0001")
    segments += ["GE*1*1", "IEA*1*000000001"]
    return "~".join(segments) + "~"


CLAIM_LOOP = (
    "CLM*C1*100***11:B:1*Y*A*Y*Y\nHI*ABK:O80\nLX*1\nSV1*HC:99213*100*UN*1***1\nDTP*472*D8*20260210"
)


def test_837p_reads_the_subscriber_dmg_when_the_subscriber_is_the_patient() -> None:
    text = x12(
        "HL*2*1*22*0\nSBR*P*18*******MB\nNM1*IL*1*DOE*JOHN****MI*1A\nDMG*D8*19910601*M\n"
        "NM1*PR*2*MEDICARE*****PI*1",
        CLAIM_LOOP,
    )

    [parsed] = read_claims(text)

    assert (parsed.patient.sex, str(parsed.patient.birth_date)) == ("M", "1991-06-01")


def test_837p_reads_the_patient_loop_dmg_over_the_subscriber() -> None:
    text = x12(
        "HL*2*1*22*1\nSBR*P*01*******CI\nNM1*IL*1*DOE*JANE****MI*1A\nDMG*D8*19700101*F",
        "HL*3*2*23*0\nPAT*19\nNM1*QC*1*DOE*JIM\nDMG*D8*20100315*M",
        CLAIM_LOOP,
    )

    [parsed] = read_claims(text)

    assert (parsed.patient.sex, str(parsed.patient.birth_date)) == ("M", "2010-03-15")
    assert parsed.payer == "commercial"


def test_837p_without_dmg_has_no_patient_and_a_bad_dmg_names_its_segment() -> None:
    no_dmg = x12("HL*2*1*22*0\nSBR*P*18*******MB\nNM1*IL*1*DOE*JOHN", CLAIM_LOOP)
    [parsed] = read_claims(no_dmg)
    assert parsed.patient.sex is None and parsed.patient.birth_date is None

    bad = x12("HL*2*1*22*0\nSBR*P*18*******MB\nNM1*IL*1*DOE*JOHN\nDMG*D8*19911301*M", CLAIM_LOOP)
    with pytest.raises(ClaimError) as raised:
        read_claims(bad)
    assert "segment 10 (DMG), field DMG-02" in str(raised.value)


def test_the_web_form_takes_the_patient_and_shows_the_payment_at_risk(tabular: int) -> None:
    load_file(FEE_FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    client = Client()
    fields = {
        "payer": "medicare",
        "setting": "practitioner",
        "date_of_service": DOS,
        "diagnoses": "O80",
        "patient_sex": "M",
        "patient_birth_date": "1991-06-01",
        "line-1-code": "99213",
        "line-1-pointers": "1",
        "output": "page",
    }

    html = client.post("/claims/check", fields).content.decode()
    bad = client.post("/claims/check", {**fields, "patient_birth_date": "2026-03-01"})

    fee = expected("99213", 1)
    assert "PAT001" in html and "Expected payment" in html
    assert f"${fee:.2f} (PAT001)" in html
    assert '<option value="M" selected>' in html
    assert bad.status_code == 400
    assert 'id="patient_birth_date-error"' in bad.content.decode()


def test_the_groups_follow_the_tabular_release_of_the_date_of_service(
    tabular: int, tmp_path: Path
) -> None:
    # An earlier fiscal year whose block N40-N53 has a title naming no sex: the same claim is
    # checked against the block title of its own year.
    earlier = TABULAR.read_text().replace("<version>2026</version>", "<version>2025</version>")
    earlier = earlier.replace(
        "<desc>Diseases of male genital organs (N40-N53)</desc>",
        "<desc>Diseases of genital organs (N40-N53)</desc>",
    )
    path = tmp_path / "icd10cm_tabular_2025.xml"
    path.write_text(earlier)
    load_file(path, "icd10cm_tabular")

    this_year = claim(["N40.0"], "F")
    last_year = {**this_year, "date_of_service": "2025-02-10"}

    assert rules(this_year) == [("PAT004", "warning")]
    assert rules(last_year) == []


def test_a_denied_therapy_line_hands_the_full_practice_expense_to_the_next(db: None) -> None:
    load_file(FEE_FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    data = {
        "id": "mppr",
        "payer": "medicare",
        "date_of_service": DOS,
        "lines": [
            {"code": "97110", "units": 1},  # no GP: THR001 denies it
            {"code": "97140", "modifiers": ["GP"], "units": 1},
        ],
    }

    result = check_claim(parse_claim(data))

    denied, paid = result["lines"]
    # Billed together, 97110 has the day's highest PE and 97140's PE is halved; once 97110 is
    # denied, 97140 is the only therapy unit of the day and is paid in full.
    assert paid["allowed_amount"] == expected("97140", 0, 1)
    assert paid["expected_payment"] == expected("97140", 1, 0)
    assert paid["at_risk"] == 0.0 and paid["at_risk_rules"] == []
    assert denied["expected_payment"] == 0.0 and denied["at_risk_rules"] == ["THR001"]
    assert denied["at_risk"] == expected("97110", 1, 0)
    assert result["total_expected_payment"] == expected("97140", 1, 0)
