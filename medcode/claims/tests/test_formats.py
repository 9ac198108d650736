"""Claim input formats: JSON, CSV and X12 837P give the same claims, and bad input is located."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from medcode.claims.claim import ClaimError
from medcode.claims.formats import detect_format, read_claims
from medcode.claims.formats.findings_csv import COLUMNS, findings_csv

FIXTURES = Path(__file__).parent / "fixtures"
JSON = (FIXTURES / "claims.json").read_text()
CSV = (FIXTURES / "claims.csv").read_text()
X12 = (FIXTURES / "claims_837p.x12").read_text()

HEADER = "claim_id,payer,date_of_service,diagnoses,code,modifiers,units,minutes\n"


def error(data: str, fmt: str | None = None, **options: Any) -> str:
    with pytest.raises(ClaimError) as caught:
        read_claims(data, fmt, **options)
    return str(caught.value)


def segment_number(text: str, starts: str) -> int:
    """The 1-based segment number of the first segment starting with ``starts`` (one a line)."""
    return next(n for n, seg in enumerate(text.splitlines(), start=1) if seg.startswith(starts))


def test_the_same_claims_come_from_json_csv_and_837() -> None:
    from_json = read_claims(JSON)

    assert read_claims(CSV) == from_json
    assert read_claims(X12, locality="10112-00") == from_json
    assert [c.id for c in from_json] == ["c1", "c2", "c3"]
    assert [c.payer for c in from_json] == ["medicare", "commercial", "medicaid"]


def test_the_format_is_recognized_from_the_content() -> None:
    assert detect_format(JSON.encode()) == "json"
    assert detect_format("\ufeff  {}") == "json"
    assert detect_format(X12.encode()) == "x12"
    assert detect_format(CSV) == "csv"


def test_a_forced_format_is_used_and_an_unknown_one_is_named() -> None:
    assert "not valid JSON" in error(CSV, "json")
    assert "unknown claim format 'xml'" in error(JSON, "xml")


def test_bad_json_names_the_line_and_column_of_the_text() -> None:
    message = error('[{"id": "c1",\n  "payer": }]')

    assert message == "line 2: not valid JSON (Expecting value, column 12)"


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_of_one_claim_need_not_be_adjacent_and_keep_row_order() -> None:
    claims = read_claims(
        HEADER + "a,medicare,2026-05-04,M17.11,97110,GP,1,\n"
        "b,medicaid,2026-05-04,M17.11,97116,GP,1,\n"
        "a,,,,97140,GP;59,2,\n"
    )

    assert [c.id for c in claims] == ["a", "b"]
    assert [line.code for line in claims[0].lines] == ["97110", "97140"]
    assert claims[0].lines[1].modifiers == ("GP", "59")


def test_a_csv_without_a_required_column_says_which() -> None:
    message = error("claim_id,payer,code\nc1,medicare,97110\n")

    assert message == "row 1: the header row has no date_of_service column"


def test_an_unknown_csv_column_is_named_with_a_suggestion() -> None:
    message = error("claim_id,payer,date_of_service,code,modifers\n")

    assert message.startswith(
        "row 1, column 5: unknown column 'modifers' (did you mean modifiers?)"
    )


def test_bad_and_negative_units_name_the_row_claim_line_and_column() -> None:
    good = "c1,medicare,2026-05-04,M17.11,97110,GP,1,\n"

    negative = error(HEADER + good + "c1,,,,97140,GP,-2,\n")
    wordy = error(HEADER + good + "c1,,,,97140,GP,two,\n")

    assert negative == (
        "row 3, column units, claim c1, line 2, field 'units': expected at least 1 unit, got -2"
    )
    assert wordy.startswith("row 3, column units, claim c1, line 2, field 'units':")
    assert "'two'" in wordy


def test_an_unknown_payer_and_a_bad_date_are_named() -> None:
    payer = error(HEADER + "c1,medicore,2026-05-04,,97110,GP,1,\n")
    day = error(HEADER + "c1,medicare,2026-13-04,,97110,GP,1,\n")

    assert payer.startswith("row 2, column payer, claim c1, field 'payer': expected one of")
    assert "'medicore'" in payer
    assert day.startswith("row 2, column date_of_service, claim c1, field 'date_of_service'")


def test_a_claim_value_that_changes_between_rows_names_both_rows() -> None:
    message = error(
        HEADER + "c1,medicare,2026-05-04,,97110,GP,1,\nc1,medicaid,2026-05-04,,97140,GP,1,\n"
    )

    assert message == (
        "row 3, claim c1, field 'payer': 'medicaid' differs from 'medicare' given for this "
        "claim on row 2"
    )


def test_a_pointer_past_the_diagnoses_names_its_row() -> None:
    message = error(
        "claim_id,payer,date_of_service,diagnoses,code,diagnosis_pointers\n"
        "c1,medicare,2026-05-04,M17.11,97110,1;2\n"
    )

    assert message.startswith("row 2, column diagnosis_pointers, claim c1, line 1")
    assert "pointer 2 names no diagnosis (the claim has 1)" in message


def test_a_row_without_a_claim_id_and_a_ragged_row_are_named() -> None:
    assert error(HEADER + ",medicare,2026-05-04,,97110,GP,1,\n") == (
        "row 2, field 'claim_id': is blank"
    )
    assert error(HEADER + "c1,medicare,2026-05-04,,97110,GP,1,,extra\n").startswith(
        "row 2: has 9 cells but the header names 8 columns"
    )


def test_a_negative_therapy_amount_is_refused() -> None:
    message = error(
        "claim_id,payer,date_of_service,code,therapy_pt_slp\nc1,medicare,2026-05-04,97110,-5\n"
    )

    assert message.startswith("row 2, column therapy_pt_slp, claim c1, field 'therapy_pt_slp'")


def test_an_empty_csv_and_a_header_alone_are_errors() -> None:
    assert "empty" in error("", "csv")
    assert "no claim lines" in error(HEADER)


def test_thousands_of_claims_in_one_csv_are_read() -> None:
    out = io.StringIO()
    out.write(HEADER)
    for n in range(5000):
        out.write(f"c{n},medicare,2026-05-04,M17.11,97110,GP,2,30\n")
        out.write(f"c{n},,,,97140,GP 59,1,\n")

    claims = read_claims(out.getvalue().encode())

    assert len(claims) == 5000
    assert claims[-1].id == "c4999"
    assert [(line.code, line.units) for line in claims[-1].lines] == [("97110", 2), ("97140", 1)]


# --- X12 837P --------------------------------------------------------------------------------


def test_837_minutes_become_minutes_and_the_units_they_make() -> None:
    [c1, *_] = read_claims(X12)

    line = c1.lines[1]
    assert (line.code, line.minutes, line.units, line.diagnosis_pointers) == (
        "97110",
        30,
        2,
        (1, 2),
    )
    assert c1.locality is None  # an 837 carries none unless one is given


def test_837_delimiters_come_from_the_isa_segment() -> None:
    other = X12.replace("*", "|").replace(":", ">").replace("~\n", "\n")

    assert read_claims(other, locality="10112-00") == read_claims(JSON)


def test_negative_units_in_an_837_name_the_segment_and_element() -> None:
    bad = X12.replace("SV1*HC:97110:GP*100*MJ*30***1:2", "SV1*HC:97110:GP*100*UN*-1***1:2")
    number = segment_number(bad, "SV1*HC:97110:GP*100")

    message = error(bad)

    assert message.startswith(f"segment {number} (SV1), field SV1-04, claim c1, line 2")
    assert "expected at least 1 unit, got -1" in message


def test_a_bad_service_date_names_the_dtp_segment() -> None:
    bad = X12.replace("DTP*472*D8*20260506", "DTP*472*D8*20261306")
    number = segment_number(bad, "DTP*472*D8*20261306")

    assert error(bad).startswith(f"segment {number} (DTP), field DTP-03, claim c2")


def test_a_file_cut_mid_segment_is_truncated() -> None:
    cut = X12[: X12.index("SV1*HC:97140") + 12]
    number = segment_number(cut, "SV1*HC:97140")

    message = error(cut)

    assert message.startswith(f"segment {number} (SV1): the file ends in the middle of a segment")
    assert "truncated" in message


def test_a_file_without_its_trailers_is_truncated() -> None:
    cut = X12[: X12.index("\nSE*") + 1]
    last = len(cut.splitlines())

    message = error(cut)

    assert message.startswith(f"segment {last} (DTP): the file ends without SE")


def test_a_wrong_segment_count_in_se_is_an_error() -> None:
    bad = X12.replace("DTP*472*D8*20260507~\nSE*", "SE*", 1)  # drop a segment, keep SE01
    number = segment_number(bad, "SE*")

    message = error(bad)

    assert message.startswith(f"segment {number} (SE), field SE-01")
    assert "segments are missing or extra" in message


def test_a_missing_filing_indicator_takes_the_given_payer_or_is_named() -> None:
    bad = X12.replace("SBR*P*18*******MB", "SBR*P*18*******")
    number = segment_number(bad, "SBR")

    assert error(bad).startswith(f"segment {number} (SBR), field SBR-09, claim c1")
    assert read_claims(bad, payer="medicare")[0].payer == "medicare"


def test_icd9_diagnoses_are_refused() -> None:
    bad = X12.replace("HI*ABK:M1711*ABF:M25561", "HI*BK:7159")

    assert "marks an ICD-9 code" in error(bad)


def test_a_non_837_transaction_is_named() -> None:
    bad = X12.replace("ST*837*0001", "ST*835*0001")

    assert error(bad).startswith("segment 3 (ST), field ST-01: this is a 835 transaction")


def test_garbage_after_isa_and_a_short_isa_are_errors_not_crashes() -> None:
    assert "cut short" in error("ISA*00*", "x12")
    assert "starts with an ISA" in error("hello", "x12")
    assert error(X12.replace("HI*ABK", "H!*ABK")).startswith(
        f"segment {segment_number(X12, 'HI*ABK')}: 'H!'"
    )


# --- findings CSV ----------------------------------------------------------------------------


def test_findings_csv_has_a_row_per_finding_and_one_per_clean_claim() -> None:
    source = {"dataset": "pfs_rvu", "release": "PFS 2026A", "detail": "97014: status I"}
    result = {
        "claims": [
            {
                "id": "=c1",
                "findings": [
                    {
                        "rule": "MCS001",
                        "severity": "error",
                        "lines": [1, 2],
                        "message": "not payable",
                        "fix": "bill G0283",
                        "source": source,
                    }
                ],
                "total_allowed": 12.5,
            },
            {"id": "c2", "findings": [], "total_allowed": None},
        ]
    }

    rows = list(csv.DictReader(io.StringIO(findings_csv(result))))

    assert tuple(rows[0]) == COLUMNS
    assert [(r["claim_id"], r["rule"], r["severity"], r["lines"]) for r in rows] == [
        ("'=c1", "MCS001", "error", "1;2"),  # a formula-looking id is defused for spreadsheets
        ("c2", "", "none", ""),
    ]
    assert rows[0]["release"] == "PFS 2026A" and rows[0]["total_allowed"] == "12.50"
