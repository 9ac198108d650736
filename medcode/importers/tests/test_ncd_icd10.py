from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from medcode.coverage.indicators import ALL_OTHER_CODES, NCD_RESOLUTIONS
from medcode.coverage.models import Ncd, NcdDiagnosis, NcdProcedure, NcdRule, ncd_rules
from medcode.importers.base import Source
from medcode.importers.ncd_icd10 import NcdIcd10
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

NAME = "2031200-Initial-ICD10-NCD-Spreadsheet-20310115.xlsx"
REAL = "mcd/2026100-Initial-ICD10-NCD-Spreadsheet-20250721.xlsx"
BLANK4 = (None, None, None, None)

# Rows 1-7 as CMS lays them out: title, legend, and the header split over two rows.
LEGEND: list[tuple[Any, ...]] = [
    (None, None, None, "MEDICARE NATIONAL COVERAGE DETERMINATIONS", None, *BLANK4),
    (None, None, "Legend", None, None, None, "Resolution Code Definitions ", None, None),
    (
        "Red in this spreadsheet indicates an April 2031 change.",
        *BLANK4,
        "     1 - covered",
        *BLANK4[1:],
    ),
    (*BLANK4, None, "     2 - denied", *BLANK4[1:]),
    (*BLANK4, None, "     3 - no medical necessity", *BLANK4[1:]),
    (
        "NCD ",
        "NCD",
        "CPT/HCPCS ",
        "CPT/HCPCS",
        "CPT/HCPCS",
        "ICD-10",
        "ICD-10 EFF",
        "ICD-10 TERM",
        "RESOLUTION",
    ),
    ("Number", "DESCRIPTION", "CODES", "EFF DATE", "TERM DATE", "CODE", " DATE", "DATE", "CODE 1/"),
]
OCT_2015 = datetime(2015, 10, 1)
# Sheet rows 8-13. The CPT/HCPCS column is the NCD's own list, unrelated to the ICD-10 code
# beside it; the description is only on an NCD's first row.
DATA: list[tuple[Any, ...]] = [
    (190.98, "Example Blood Count Test", 85025, None, None, "D509", OCT_2015, None, 1),
    (190.98, None, 85027, datetime(2003, 7, 1), None, "D500", OCT_2015, datetime(2016, 9, 30), 1),
    (190.98, None, None, None, None, "Z0000", OCT_2015, None, 2),
    (190.98, None, None, None, None, ALL_OTHER_CODES, OCT_2015, None, 3),
    ("190.90A", "Example Screening Panel", "G0103", None, None, "Z1211", OCT_2015, None, 1),
    ("190.90A", None, None, None, None, ALL_OTHER_CODES, OCT_2015, None, 2),
]


def write_sheet(
    folder: Path,
    data: list[tuple[Any, ...]] = DATA,
    legend: list[tuple[Any, ...]] = LEGEND,
    name: str = NAME,
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "sheet1"
    for row in [*legend, *data]:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def with_cell(row: int, column: int, value: object) -> list[tuple[Any, ...]]:
    """DATA with one cell changed; ``row`` is the sheet row (8 is the first data row)."""
    data = [list(r) for r in DATA]
    data[row - 8][column - 1] = value
    return [tuple(r) for r in data]


def assert_nothing_stored() -> None:
    assert not Release.objects.exists()
    assert not (
        Ncd.objects.exists() or NcdProcedure.objects.exists() or NcdDiagnosis.objects.exists()
    )


@pytest.mark.django_db
def test_it_loads_each_ncds_procedures_and_diagnoses_as_separate_lists(tmp_path: Path) -> None:
    outcome = load_file(write_sheet(tmp_path), "ncd_icd10")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="ncd_icd10")
    # The version comes from the name, the quarter from the legend's "April 2031 change".
    assert (release.version, release.period_start, release.period_end) == (
        "CR2031200",
        date(2031, 4, 1),
        None,
    )
    assert (release.rows_read, release.rows_loaded) == (6, 2 + 3 + 6)
    assert sorted(Ncd.objects.values_list("number", "title")) == [
        ("190.90A", "Example Screening Panel"),
        ("190.98", "Example Blood Count Test"),
    ]
    assert sorted(
        NcdProcedure.objects.values_list("ncd_number", "hcpcs_code", "effective_date")
    ) == [
        ("190.90A", "G0103", None),
        ("190.98", "85025", None),
        ("190.98", "85027", date(2003, 7, 1)),
    ]
    diagnoses = {
        (d.ncd_number, d.icd10_code): (d.effective_date, d.termination_date, d.resolution)
        for d in NcdDiagnosis.objects.all()
    }
    assert diagnoses == {
        ("190.98", "D509"): (date(2015, 10, 1), None, 1),
        ("190.98", "D500"): (date(2015, 10, 1), date(2016, 9, 30), 1),
        ("190.98", "Z0000"): (date(2015, 10, 1), None, 2),
        ("190.98", "@@@@@@@"): (date(2015, 10, 1), None, 3),
        ("190.90A", "Z1211"): (date(2015, 10, 1), None, 1),
        ("190.90A", "@@@@@@@"): (date(2015, 10, 1), None, 2),
    }


@pytest.mark.django_db
def test_it_answers_a_procedure_and_diagnosis_pair_from_the_ncd_lists(tmp_path: Path) -> None:
    load_file(write_sheet(tmp_path), "ncd_icd10")
    rid = Release.objects.get(dataset="ncd_icd10").pk
    may_2031 = date(2031, 5, 1)

    # Both procedures of 190.98 share its whole diagnosis list, not just their own row's code.
    assert ncd_rules(rid, "85027", "D50.9", may_2031) == [
        NcdRule("190.98", "85027", "D509", True, 1)
    ]
    assert ncd_rules(rid, "85025", "Z0000", may_2031) == [
        NcdRule("190.98", "85025", "Z0000", True, 2)
    ]
    # D500 left the list after 2016-09-30: later it falls under "all other codes".
    assert ncd_rules(rid, "85025", "D500", date(2016, 1, 1))[0].resolution == 1
    assert ncd_rules(rid, "85025", "D500", may_2031) == [
        NcdRule("190.98", "85025", "D500", False, 3)
    ]
    assert ncd_rules(rid, "G0103", "J45909", may_2031) == [
        NcdRule("190.90A", "G0103", "J45909", False, 2)
    ]
    # 85027 joined the NCD on 2003-07-01; 99213 is in no NCD.
    assert ncd_rules(rid, "85027", "D509", date(2003, 6, 30)) == []
    assert ncd_rules(rid, "99213", "D509", may_2031) == []


def test_every_resolution_code_has_a_meaning() -> None:
    assert sorted(NCD_RESOLUTIONS) == [1, 2, 3]
    assert NCD_RESOLUTIONS[1].startswith("Covered")
    assert NCD_RESOLUTIONS[2].startswith("Denied")


def test_it_recognizes_the_sheet_by_its_header_not_its_name(tmp_path: Path) -> None:
    renamed = write_sheet(tmp_path, name="whatever.xlsx")
    other = tmp_path / "2031200-ICD10-NCD-other.xlsx"
    book = Workbook()
    assert book.active is not None
    book.active.append(("HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION"))
    book.save(other)

    # Its legend still speaks of resolution codes and ICD-10, but the header is not the NCD's.
    changed = write_sheet(tmp_path, legend=[*LEGEND[:5], (*LEGEND[5][:8], "STATUS"), LEGEND[6]])

    assert NcdIcd10().recognize(Source(renamed), Source(renamed).head())
    assert not NcdIcd10().recognize(Source(other), Source(other).head())
    assert not NcdIcd10().recognize(Source(changed), Source(changed).head())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "value", "field", "shown"),
    [
        (10, 9, 4, "RESOLUTION CODE", "4"),
        (9, 6, "D5-00", "ICD-10 CODE", "D5-00"),
        (11, 7, "2015-13-01", "ICD-10 EFF DATE", "2015-13-01"),
        (12, 3, "G01", "CPT/HCPCS CODES", "G01"),
        (12, 2, None, "NCD DESCRIPTION", "190.90A"),
    ],
)
def test_it_names_the_sheet_row_and_column_of_a_bad_value(
    tmp_path: Path, row: int, column: int, value: object, field: str, shown: str
) -> None:
    outcome = load_file(write_sheet(tmp_path, with_cell(row, column, value)), "ncd_icd10")

    assert outcome.status == "failed"
    assert f"{NAME}, line {row}, field '{field}'" in outcome.message
    assert shown in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_truncated_workbook(tmp_path: Path) -> None:
    path = write_sheet(tmp_path)
    path.write_bytes(path.read_bytes()[:-300])

    outcome = load_file(path, "ncd_icd10")

    assert outcome.status == "failed"
    assert "truncated or corrupt" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_header_with_a_column_it_does_not_expect(tmp_path: Path) -> None:
    legend = [*LEGEND[:5], (*LEGEND[5][:8], "STATUS"), LEGEND[6]]

    outcome = load_file(write_sheet(tmp_path, legend=legend), "ncd_icd10")

    assert outcome.status == "failed"
    assert "line 6" in outcome.message and "'RESOLUTION CODE'" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_needs_the_legend_to_know_the_quarter(tmp_path: Path) -> None:
    legend = [LEGEND[0], LEGEND[1], (None, *LEGEND[2][1:]), *LEGEND[3:]]

    outcome = load_file(write_sheet(tmp_path, legend=legend), "ncd_icd10")

    assert outcome.status == "failed"
    assert "field '(legend)'" in outcome.message and "<Month> <Year>" in outcome.message
    assert_nothing_stored()


@pytest.mark.realdata
def test_it_reads_every_ncd_list_of_the_real_january_2026_sheet() -> None:
    path = shared_file(REAL)
    # Counted without the importer: every non-empty ICD-10 cell (column F) below the header.
    book = load_workbook(path, read_only=True, data_only=True)
    icd_cells = sum(
        1
        for (value,) in book.worksheets[0].iter_rows(
            min_row=8, min_col=6, max_col=6, values_only=True
        )
        if value is not None
    )
    book.close()
    assert icd_cells == 66278

    source = Source(path)
    info = NcdIcd10().release(source, source.head())
    rows, stats = parse_all(source, "ncd_icd10")

    assert (info.version, info.period_start, info.period_end) == (
        "CR2026100",
        date(2026, 1, 1),
        None,
    )
    by_model: dict[type, list[dict[str, Any]]] = {}
    for model, values in rows:
        by_model.setdefault(model, []).append(
            dict(zip(model.LOAD_FIELDS, values, strict=True))  # type: ignore[attr-defined]
        )
    ncds, procedures, diagnoses = by_model[Ncd], by_model[NcdProcedure], by_model[NcdDiagnosis]
    assert (len(ncds), len(procedures), len(diagnoses)) == (26, 60, 66278)
    assert (stats.rows_read, stats.line) == (66278, 66285)

    titles = {n["number"]: n["title"] for n in ncds}
    assert titles["190.12"] == "Urine Culture, Bacterial"
    # 190.20A and 190.30 are text in the sheet; the others numbers.
    assert titles["190.20A"] == "Blood Glucose Testing"
    assert titles["190.30"] == "Tumor Antigen by Immunoassay CA 19-9"
    assert [p["hcpcs_code"] for p in procedures if p["ncd_number"] == "190.12"] == [
        "87086",
        "87088",
    ]
    fobt = [p for p in procedures if p["ncd_number"] == "190.34"]
    assert [(p["hcpcs_code"], p["effective_date"]) for p in fobt] == [("82272", date(2006, 4, 1))]

    first = diagnoses[0]
    assert first == {
        "ncd_number": "190.12",
        "icd10_code": "A021",
        "effective_date": date(2015, 10, 1),
        "termination_date": None,
        "resolution": 1,
    }
    keyed = {(d["ncd_number"], d["icd10_code"]): d for d in diagnoses}
    assert len(keyed) == 66278  # no code twice in one NCD
    assert keyed[("190.22", "M358")]["termination_date"] == date(2020, 12, 31)
    assert keyed[("190.28", "C531")]["effective_date"] == date(2026, 1, 1)
    assert keyed[("190.20A", "E1165")]["resolution"] == 1
    # Each NCD ends with its "all other codes" line; Blood Counts lists what is not
    # necessary, so all other codes are covered there.
    others = {
        d["ncd_number"]: d["resolution"] for d in diagnoses if d["icd10_code"] == ALL_OTHER_CODES
    }
    assert len(others) == 26
    assert others["190.15"] == 1 and others["190.12"] == 3
    assert Counter(d["resolution"] for d in diagnoses if d["ncd_number"] == "190.15") == {
        3: 22672,
        2: 245,
        1: 1,
    }
