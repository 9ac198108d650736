from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from medcode.edits.indicators import AOC_EDIT_TYPES
from medcode.edits.models import CONTRACTOR_DEFINED_PRIMARY, AddOnCodeEdit
from medcode.importers.base import Source
from medcode.importers.ncci_aoc import HEADINGS
from medcode.releases.loader import recognize
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

NOTICE = (
    "Placeholder notice written for a medcode test fixture.\nCPT\u00ae is a trademark of the AMA."
)
NAME = "AOC_V2030Q3-MCR.xlsx"

# Codes are real add-on/primary pairs' shapes; dates and notes are invented.
ROWS: list[tuple[object, ...]] = [
    ("2", "0054T", None, "CCCCC", None, "2013091", None, "Contractor Defined Primary Codes"),
    ("1", "97546", None, "97545", None, "2013091", None, None),
    ("1", "99417", None, "99205", None, "2021001", None, None),
    ("1", "U0005", "2023181", "U0004", "2023365", "2021274", "2023181", None),
    ("3", "96376", None, "96374", None, "2014001", "2024366", "Invented special instruction"),
]


def write_workbook(folder: Path, rows: list[tuple[object, ...]], name: str = NAME) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "AOC_V2030Q3-MCR_xlsx"
    sheet.append([NOTICE])
    sheet.append(list(HEADINGS))
    for row in rows:
        sheet.append(list(row))
    path = folder / name
    book.save(path)
    return path


@pytest.mark.django_db
def test_it_loads_add_on_edits_with_their_julian_dates(tmp_path: Path) -> None:
    outcome = load_file(write_workbook(tmp_path, ROWS), "ncci_aoc")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version, release.label) == (
        "ncci_aoc",
        "2030Q3",
        "NCCI add-on code edits 2030 Q3",
    )
    assert (release.period_start, release.period_end) == (date(2030, 7, 1), date(2030, 9, 30))
    assert (release.rows_read, AddOnCodeEdit.objects.count()) == (5, 5)
    u0005 = AddOnCodeEdit.objects.get(addon_code="U0005")
    assert (u0005.edit_type, u0005.primary_code) == ("1", "U0004")
    assert (u0005.addon_deletion_date, u0005.primary_deletion_date) == (
        date(2023, 6, 30),
        date(2023, 12, 31),
    )
    assert (u0005.effective_date, u0005.deletion_date) == (date(2021, 10, 1), date(2023, 6, 30))
    assert u0005.special_instructions == ""
    contractor = AddOnCodeEdit.objects.get(addon_code="0054T")
    assert (contractor.edit_type, contractor.primary_code) == ("2", CONTRACTOR_DEFINED_PRIMARY)
    assert contractor.special_instructions == "Contractor Defined Primary Codes"
    assert contractor.effective_date == date(2013, 4, 1)
    # 2024 is a leap year: day 366 is December 31.
    assert AddOnCodeEdit.objects.get(addon_code="96376").deletion_date == date(2024, 12, 31)


def test_it_reads_dates_and_codes_typed_as_numbers_or_real_dates(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [
        (1, 1996, None, "00100", None, 2013091, date(2020, 6, 30), None)
    ]

    parsed, _ = parse_all(Source(write_workbook(tmp_path, rows)), "ncci_aoc")

    assert [values for _, values in parsed] == [
        ("1", "01996", None, "00100", None, date(2013, 4, 1), date(2020, 6, 30), "")
    ]


def test_it_recognizes_the_workbook_by_its_headings(tmp_path: Path) -> None:
    renamed = write_workbook(tmp_path, ROWS, name="addons.xlsx")

    assert getattr(recognize(Source(renamed)), "format", None) == "ncci_aoc"


def test_every_edit_type_has_a_meaning() -> None:
    assert set(AOC_EDIT_TYPES) == {"1", "2", "3"}


@pytest.mark.django_db
def test_it_names_the_row_and_field_of_a_bad_julian_date(tmp_path: Path) -> None:
    rows = [*ROWS]
    rows[2] = ("1", "99417", None, "99205", None, "2021400", None, None)

    outcome = load_file(write_workbook(tmp_path, rows), "ncci_aoc")

    assert outcome.status == "failed"
    assert f"{NAME}, line 5, field 'AOC_Edit_EffDT'" in outcome.message
    assert "2021400" in outcome.message
    assert not Release.objects.exists() and not AddOnCodeEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_unknown_edit_type(tmp_path: Path) -> None:
    rows = [*ROWS, ("4", "99417", None, "99215", None, "2021001", None, None)]

    outcome = load_file(write_workbook(tmp_path, rows), "ncci_aoc")

    assert outcome.status == "failed"
    assert "line 8, field 'AOC_Edit_Type'" in outcome.message
    assert not AddOnCodeEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_truncated_workbook(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, ROWS)
    path.write_bytes(path.read_bytes()[:-500])

    outcome = load_file(path, "ncci_aoc")

    assert outcome.status == "failed"
    assert "truncated or corrupt" in outcome.message
    assert not Release.objects.exists() and not AddOnCodeEdit.objects.exists()


@pytest.mark.django_db
def test_it_refuses_the_medicaid_table(tmp_path: Path) -> None:
    outcome = load_file(write_workbook(tmp_path, ROWS, name="AOC_V2030Q3-MCD.xlsx"), "ncci_aoc")

    assert outcome.status == "failed" and "Medicaid" in outcome.message


@pytest.mark.realdata
def test_it_reads_every_edit_of_the_real_2026_q2_workbook() -> None:
    source = Source(shared_file("ncci_aoc/AOC_V2026Q2-MCR.xlsx"))
    importer = recognize(source)
    info = importer.release(source, source.head())  # type: ignore[union-attr]
    assert (info.dataset, info.version, info.period_start, info.period_end) == (
        "ncci_aoc",
        "2026Q2",
        date(2026, 4, 1),
        date(2026, 6, 30),
    )

    rows, stats = parse_all(source, "ncci_aoc")

    edits = [values for _, values in rows]
    assert (len(edits), stats.rows_read) == (9_000, 9_000)
    assert Counter(e[0] for e in edits) == {"1": 8_293, "2": 47, "3": 660}
    assert len({e[1] for e in edits}) == 830
    assert sum(1 for e in edits if e[6] is None) == 7_740
    assert sum(1 for e in edits if e[3] == CONTRACTOR_DEFINED_PRIMARY) == 55
    assert edits[0] == (
        "2",
        "0054T",
        None,
        "CCCCC",
        None,
        date(2013, 4, 1),
        None,
        "Contractor Defined Primary Codes",
    )
    assert edits[-1] == (
        "1",
        "U0005",
        date(2023, 6, 30),
        "U0004",
        date(2023, 12, 31),
        date(2021, 10, 1),
        date(2023, 6, 30),
        "",
    )
    pairs = {(e[1], e[3]): e for e in edits}
    assert pairs["99417", "99205"][5] == date(2021, 1, 1)
    assert pairs["99417", "98003"][5] == date(2025, 4, 1)
    assert pairs["97546", "97545"][5:7] == (date(2013, 4, 1), None)
    effective = sorted(e[5] for e in edits if isinstance(e[5], date))
    assert len(effective) == 9_000
    assert (effective[0], effective[-1]) == (date(2013, 4, 1), date(2026, 1, 1))
