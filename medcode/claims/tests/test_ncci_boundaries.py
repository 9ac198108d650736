"""PTP001, PTP002 and MUE001 on every indicator, both settings and each side of a date.

Fixtures (medcode/edits/tests/fixtures, written by hand in CMS's layouts, 2026 Q1):

practitioner PTP            outpatient PTP              deletion / effective
97161/97140  indicator 0    97161/97140  indicator 1
97530/97140  indicator 1    97530/97110  indicator 0
97112/97140  indicator 9    97112/97140  indicator 9
97110/97116  indicator 0    97110/97116  indicator 0    deleted 2026-02-15 (last day it applies)
97535/97116  indicator 1    97535/97116  indicator 1    deleted 2026-02-15
97750/97140  indicator 0                                effective 2026-02-01
97150/97124  indicator 1                                no rationale given

MUE (practitioner / outpatient): J1100 2/5 MAI 1, 97750 2/5 MAI 2, 97110 2/5 MAI 3, G0283 0 MAI 3.
"""

from __future__ import annotations

from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "edits" / "tests" / "fixtures"
SETTINGS = ("practitioner", "outpatient_hospital")


@pytest.fixture
def ncci(db: None) -> None:
    load_file(FIXTURES / "boundary_ccipra-v320r0.txt", "ncci_ptp")
    load_file(FIXTURES / "boundary_ccioph-v320r0.txt", "ncci_ptp")
    load_file(FIXTURES / "boundary_MCR_MUE_PractitionerServices_Eff_01-01-2026.csv", "ncci_mue")
    load_file(
        FIXTURES / "boundary_MCR_MUE_OutpatientHospitalServices_Eff_01-01-2026.csv", "ncci_mue"
    )


def findings(
    *lines: dict[str, Any],
    setting: str = "practitioner",
    day: str = "2026-02-10",
    payer: str = "medicare",
) -> list[dict[str, Any]]:
    data = {
        "id": "b1",
        "payer": payer,
        "setting": setting,
        "date_of_service": day,
        "lines": list(lines),
    }
    return list(check_claim(parse_claim(data))["findings"])


def line(code: str, *modifiers: str, units: int = 1) -> dict[str, Any]:
    return {"code": code, "modifiers": list(modifiers), "units": units}


def ptp(found: list[dict[str, Any]]) -> list[tuple[str, list[int]]]:
    """(rule, lines) of every PTP finding, so a test sees what fired and what did not."""
    return [(f["rule"], f["lines"]) for f in found if f["rule"].startswith("PTP")]


def mue(found: list[dict[str, Any]]) -> list[list[int]]:
    return [f["lines"] for f in found if f["rule"] == "MUE001"]


# --- PTP indicator 0, 1, 9 in each setting --------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "column1", "column2"),
    [("practitioner", "97161", "97140"), ("outpatient_hospital", "97530", "97110")],
)
def test_an_indicator_0_pair_is_denied_whatever_the_modifier(
    ncci: None, setting: str, column1: str, column2: str
) -> None:
    plain = findings(line(column1), line(column2), setting=setting)
    modified = findings(line(column1), line(column2, "XU"), setting=setting)

    assert ptp(plain) == [("PTP001", [2])]
    assert ptp(modified) == [("PTP001", [2])]
    [finding] = [f for f in plain if f["rule"] == "PTP001"]
    assert finding["severity"] == "error"
    assert finding["source"]["dataset"] == f"ncci_ptp_{setting.split('_')[0]}"
    assert f"{column1} / {column2}: modifier indicator 0" in finding["source"]["detail"]


@pytest.mark.parametrize(
    ("setting", "column1", "column2"),
    [("practitioner", "97530", "97140"), ("outpatient_hospital", "97161", "97140")],
)
def test_an_indicator_1_pair_needs_a_modifier_on_column_2(
    ncci: None, setting: str, column1: str, column2: str
) -> None:
    assert ptp(findings(line(column1), line(column2), setting=setting)) == [("PTP002", [2])]
    assert ptp(findings(line(column1), line(column2, "XU"), setting=setting)) == []
    # The modifier on the column 1 line does not bypass the edit.
    assert ptp(findings(line(column1, "59"), line(column2), setting=setting)) == [("PTP002", [2])]


@pytest.mark.parametrize("setting", SETTINGS)
def test_an_indicator_9_pair_never_applies(ncci: None, setting: str) -> None:
    assert ptp(findings(line("97112"), line("97140"), setting=setting)) == []


def test_each_setting_reads_its_own_table(ncci: None) -> None:
    # 97530/97110 is an outpatient edit only; 97530/97140 a practitioner edit only.
    assert ptp(findings(line("97530"), line("97110"), setting="practitioner")) == []
    assert ptp(findings(line("97530"), line("97140"), setting="outpatient_hospital")) == []
    # 97161/97140 has indicator 0 for practitioners but 1 for outpatient hospitals.
    assert ptp(findings(line("97161"), line("97140", "XU"), setting="practitioner")) == [
        ("PTP001", [2])
    ]
    assert ptp(findings(line("97161"), line("97140", "XU"), setting="outpatient_hospital")) == []


def test_no_ptp_edit_applies_to_a_dme_claim(ncci: None) -> None:
    assert ptp(findings(line("97161"), line("97140"), setting="dme")) == []


# --- PTP deletion and effective dates --------------------------------------------------------


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-14", [("PTP001", [2])]),  # the day before the deletion date
        ("2026-02-15", [("PTP001", [2])]),  # the deletion date: the last day the edit applies
        ("2026-02-16", []),  # the day after
    ],
)
def test_a_deleted_indicator_0_edit_applies_through_its_deletion_date(
    ncci: None, setting: str, day: str, expected: list[tuple[str, list[int]]]
) -> None:
    assert ptp(findings(line("97110"), line("97116"), setting=setting, day=day)) == expected


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-02-14", [("PTP002", [2])]), ("2026-02-15", [("PTP002", [2])]), ("2026-02-16", [])],
)
def test_a_deleted_indicator_1_edit_applies_through_its_deletion_date(
    ncci: None, setting: str, day: str, expected: list[tuple[str, list[int]]]
) -> None:
    assert ptp(findings(line("97535"), line("97116"), setting=setting, day=day)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-01-31", []), ("2026-02-01", [("PTP001", [2])]), ("2026-02-02", [("PTP001", [2])])],
)
def test_an_edit_applies_from_its_effective_date(
    ncci: None, day: str, expected: list[tuple[str, list[int]]]
) -> None:
    assert ptp(findings(line("97750"), line("97140"), day=day)) == expected


def test_lines_on_different_dates_form_no_pair(ncci: None) -> None:
    first = {**line("97161"), "date_of_service": "2026-02-10"}
    second = {**line("97140"), "date_of_service": "2026-02-11"}

    assert ptp(findings(first, second)) == []


# --- MUE adjudication indicators 1, 2 and 3, at and one over the value ---------------------


@pytest.mark.parametrize(("setting", "value"), [("practitioner", 2), ("outpatient_hospital", 5)])
@pytest.mark.parametrize("code", ["J1100", "97750", "97110"])
def test_one_line_at_the_mue_passes_and_one_over_is_denied(
    ncci: None, setting: str, value: int, code: str
) -> None:
    assert mue(findings(line(code, units=value), setting=setting)) == []
    over = findings(line(code, units=value + 1), setting=setting)
    assert mue(over) == [[1]]
    [finding] = [f for f in over if f["rule"] == "MUE001"]
    assert f"exceed its MUE of {value}" in finding["message"]
    assert finding["severity"] == "error"


@pytest.mark.parametrize("setting", SETTINGS)
def test_mai_1_counts_units_line_by_line(ncci: None, setting: str) -> None:
    value = 2 if setting == "practitioner" else 5
    # Two lines each at the MUE: over it for the date, but MAI 1 is a line edit.
    assert (
        mue(findings(line("J1100", units=value), line("J1100", units=value), setting=setting)) == []
    )
    # Only the line over it is denied.
    found = findings(line("J1100", units=value), line("J1100", units=value + 1), setting=setting)
    assert mue(found) == [[2]]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("code", ["97750", "97110"])
def test_mai_2_and_3_sum_the_units_of_the_date(ncci: None, setting: str, code: str) -> None:
    value = 2 if setting == "practitioner" else 5
    at = findings(line(code, units=value - 1), line(code, units=1), setting=setting)
    over = findings(line(code, units=value), line(code, units=1), setting=setting)

    assert mue(at) == []
    assert mue(over) == [[1, 2]]


def test_mai_2_and_3_count_each_date_on_its_own(ncci: None) -> None:
    first = {**line("97110", units=2), "date_of_service": "2026-02-10"}
    second = {**line("97110", units=2), "date_of_service": "2026-02-11"}

    assert mue(findings(first, second)) == []


def test_over_the_mue_is_a_warning_for_other_payers_and_an_mue_of_0_is_left_alone(
    ncci: None,
) -> None:
    [finding] = [
        f for f in findings(line("97110", units=3), payer="medicaid") if f["rule"] == "MUE001"
    ]
    assert finding["severity"] == "warning"
    assert mue(findings(line("G0283"), payer="commercial")) == []
    assert mue(findings(line("G0283"))) == [[1]]


# --- what the coder reads ------------------------------------------------------------------


def test_a_ptp001_finding_names_both_lines_the_fix_and_the_deleted_edit(ncci: None) -> None:
    [finding] = [
        f for f in findings(line("97110"), line("97116"), day="2026-02-15") if f["rule"] == "PTP001"
    ]

    assert finding["message"] == (
        "97116 (line 2) is denied with 97110 (line 1): NCCI edit with modifier indicator 0"
    )
    assert finding["fix"] == "Remove 97116; no modifier bypasses this edit."
    assert finding["source"] == {
        "dataset": "ncci_ptp_practitioner",
        "release": "NCCI PTP practitioner edits 2026 Q1 (v320r0)",
        "detail": "97110 / 97116: modifier indicator 0, deletion date 2026-02-15; "
        "Rationale invented for this fixture",
    }


def test_a_ptp002_finding_names_the_modifiers_that_would_bypass_it(ncci: None) -> None:
    [finding] = [
        f for f in findings(line("97530"), line("97140"), line("97110")) if f["rule"] == "PTP002"
    ]

    assert finding["severity"] == "error" and finding["lines"] == [2]
    assert finding["message"].startswith("97140 (line 2) is denied with 97530 (line 1) unless")
    assert "XU, XS, XE, XP or 59 to line 2" in finding["fix"]
    assert "otherwise remove 97140" in finding["fix"]
    assert finding["source"]["detail"] == (
        "97530 / 97140: modifier indicator 1, deletion date *; Rationale invented for this fixture"
    )


def test_an_mue001_finding_says_how_the_units_were_counted(ncci: None) -> None:
    per_line = next(f for f in findings(line("J1100", units=3)) if f["rule"] == "MUE001")
    per_day = next(
        f for f in findings(line("97110", units=2), line("97110", units=1)) if f["rule"] == "MUE001"
    )

    assert (
        per_line["message"] == "3 units of J1100 on the line exceed its MUE of 2 (MAI 1: Line Edit)"
    )
    assert per_day["message"] == (
        "3 units of 97110 on 2026-02-10 exceed its MUE of 2 (MAI 3: Date of Service Edit: Clinical)"
    )
    assert per_day["fix"] == (
        "Bill at most 2 units of 97110 for the date, or keep the documentation for an appeal "
        "where the MAI allows one."
    )
    assert per_day["source"] == {
        "dataset": "ncci_mue_practitioner",
        "release": "NCCI MUE practitioner services, effective 2026-01-01",
        "detail": "97110: MUE 2, 3 Date of Service Edit: Clinical; Clinical: Data",
    }


def test_an_edit_without_a_rationale_is_cited_without_one(ncci: None) -> None:
    [finding] = [f for f in findings(line("97150"), line("97124")) if f["rule"] == "PTP002"]

    assert finding["source"]["detail"] == "97150 / 97124: modifier indicator 1, deletion date *"


def test_a_repeated_code_or_another_date_does_not_hide_a_later_pair(ncci: None) -> None:
    # Pairs of one code, or of lines on other dates, are skipped, and the search goes on.
    repeated = findings(line("97161"), line("97161"), line("97140"))
    other_day = findings(
        {**line("97140"), "date_of_service": "2026-02-11"}, line("97161"), line("97140")
    )

    assert ptp(repeated) == [("PTP001", [3]), ("PTP001", [3])]
    assert ptp(other_day) == [("PTP001", [3])]


def test_a_code_without_an_mue_does_not_hide_a_later_code_over_its_mue(ncci: None) -> None:
    # 97116 has no MUE in the fixture; 97110's is 2.
    assert mue(findings(line("97116", units=9), line("97110", units=3))) == [[2]]
