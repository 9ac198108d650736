"""coverage/queries.py on a hand-written NCD spreadsheet (CMS's layout, invented NCDs): the
single-code and batched forms agree, and a row applies through its termination date."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from medcode.coverage import queries
from medcode.coverage.indicators import ALL_OTHER_CODES
from medcode.releases.models import Release
from medcode.testing import load_file

pytestmark = pytest.mark.django_db

NAME = "2031200-Initial-ICD10-NCD-Spreadsheet-20310115.xlsx"
_ = (None, None, None, None)
# Rows 1-7 as CMS lays them out: title, legend, and the header split over two rows.
HEADER: list[tuple[Any, ...]] = [
    (None, None, None, "MEDICARE NATIONAL COVERAGE DETERMINATIONS", None, *_),
    (None, None, "Legend", None, None, None, "Resolution Code Definitions ", None, None),
    ("Red in this spreadsheet indicates an April 2031 change.", *_, "     1 - covered", *_[1:]),
    (*_, None, "     2 - denied", *_[1:]),
    (*_, None, "     3 - no medical necessity", *_[1:]),
    (
        *("NCD ", "NCD", "CPT/HCPCS ", "CPT/HCPCS", "CPT/HCPCS"),
        *("ICD-10", "ICD-10 EFF", "ICD-10 TERM", "RESOLUTION"),
    ),
    ("Number", "DESCRIPTION", "CODES", "EFF DATE", "TERM DATE", "CODE", " DATE", "DATE", "CODE 1/"),
]
START = datetime(2015, 10, 1)
# D500 ends on 2016-09-30 (its last day); 85027 starts 2017-01-01.
ROWS: list[tuple[Any, ...]] = [
    (190.98, "Invented Blood Count NCD", 85025, None, None, "D509", START, None, 1),
    (190.98, None, 85027, datetime(2017, 1, 1), None, "D500", START, datetime(2016, 9, 30), 1),
    (190.98, None, None, None, None, "Z0000", START, None, 2),
    (190.98, None, None, None, None, ALL_OTHER_CODES, START, None, 3),
    ("190.90A", "Invented Screening NCD", "G0103", None, None, "D509", START, None, 1),
    ("190.90A", None, None, None, None, ALL_OTHER_CODES, START, None, 2),
]


@pytest.fixture
def ncd(db: None, tmp_path: Path) -> int:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*HEADER, *ROWS]:
        sheet.append(row)
    path = tmp_path / NAME
    book.save(path)
    assert load_file(path, "ncd_icd10").status == "loaded"
    return Release.objects.get(dataset="ncd_icd10").pk


@pytest.mark.parametrize(
    ("day", "listed"),
    [(date(2016, 9, 30), ["190.98"]), (date(2016, 10, 1), [])],  # the last day, the day after
)
def test_a_diagnosis_row_applies_through_its_termination_date(
    ncd: int, day: date, listed: list[str]
) -> None:
    assert [r["number"] for r in queries.ncds_for_diagnosis(ncd, "D500", day)] == listed


@pytest.mark.parametrize("day", [date(2016, 12, 31), date(2017, 1, 1)])
def test_one_code_and_many_codes_at_once_agree(ncd: int, day: date) -> None:
    codes = ["85025", "85027", "G0103", "99999"]
    batched = queries.ncds_for_procedures(ncd, codes, day)

    for code in codes:
        assert queries.ncds_for_procedure(ncd, code, day) == [
            r for r in batched if r["hcpcs_code"] == code
        ]
    diagnoses = queries.ncds_for_diagnoses(ncd, ["D509", "D500", "Z0000"], day)
    assert sorted((r["icd10_code"], r["number"]) for r in diagnoses) == [
        ("D509", "190.90A"),
        ("D509", "190.98"),
        ("Z0000", "190.98"),
    ]
    started = [r["number"] for r in queries.ncds_for_procedure(ncd, "85027", day)]
    assert started == (["190.98"] if day >= date(2017, 1, 1) else [])


def test_an_ncd_page_counts_lists_and_gives_the_rule_for_other_codes(ncd: int) -> None:
    counts, listed, others = queries.ncd_diagnosis_page(
        ncd, "190.98", date(2016, 1, 15), limit=2, offset=0
    )

    assert [(r["resolution"], r["n"]) for r in counts] == [(1, 2), (2, 1)]
    assert [r["icd10_code"] for r in listed] == ["D500", "D509"]
    assert [r["resolution"] for r in others] == [3]
    _, only_z, _ = queries.ncd_diagnosis_page(
        ncd, "190.98", date(2016, 1, 15), limit=10, offset=0, prefix="Z"
    )
    assert [r["icd10_code"] for r in only_z] == ["Z0000"]
    assert queries.ncd_title(ncd, "190.98") == "Invented Blood Count NCD"
    assert queries.ncd_title(ncd, "999.9") is None
