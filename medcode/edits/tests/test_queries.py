"""edits/queries.py on hand-written NCCI fixtures: the single-code and batched forms agree,
and an edit applies from its effective date through its deletion date (the last day in effect).

The PTP fixture (fixtures/boundary_ccipra-v320r0.txt) holds, among others, 97110/97116 deleted
2026-02-15, 97750/97140 effective 2026-02-01 and 97112/97140 with modifier indicator 9.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from medcode.edits import queries
from medcode.importers.ncci_aoc import HEADINGS
from medcode.releases.models import Release
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "edits" / "tests" / "fixtures"
CODES = ["97110", "97112", "97116", "97124", "97140", "97150", "97161", "97530", "97535", "97750"]
DAYS = [date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 15), date(2026, 2, 16)]


@pytest.fixture
def ptp(db: None) -> list[int]:
    load_file(FIXTURES / "boundary_ccipra-v320r0.txt", "ncci_ptp")
    return [Release.objects.get(dataset="ncci_ptp_practitioner").pk]


@pytest.fixture
def mue(db: None) -> int:
    load_file(FIXTURES / "boundary_MCR_MUE_PractitionerServices_Eff_01-01-2026.csv", "ncci_mue")
    return Release.objects.get(dataset="ncci_mue_practitioner").pk


# Add-on edits in CMS's workbook layout (Julian dates); codes of real shape, the rest invented.
AOC_ROWS: list[tuple[object, ...]] = [
    ("1", "97546", None, "97545", None, "2013091", None, None),
    ("1", "99417", None, "99205", None, "2021001", None, None),
    ("1", "U0005", "2023181", "U0004", "2023365", "2021274", "2023181", None),
    ("3", "96376", None, "96374", None, "2014001", None, "Invented instruction"),
]


@pytest.fixture
def aoc(db: None, tmp_path: Path) -> int:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Placeholder notice written for a medcode test fixture."])
    sheet.append(list(HEADINGS))
    for values in AOC_ROWS:
        sheet.append(list(values))
    path = tmp_path / "AOC_V2023Q2-MCR.xlsx"
    book.save(path)
    assert load_file(path, "ncci_aoc").status == "loaded"
    return Release.objects.get(dataset="ncci_aoc").pk


@pytest.mark.parametrize("day", DAYS)
def test_one_pair_and_all_pairs_at_once_find_the_same_ptp_edits(ptp: list[int], day: date) -> None:
    batched = {
        (e["column1"], e["column2"]): e for e in queries.ptp_edits_among(ptp, CODES, CODES, day)
    }
    single = {
        (a, b): found
        for a in CODES
        for b in CODES
        if (found := queries.ptp_edit(ptp, a, b, day)) is not None
    }

    assert single == batched
    assert ("97161", "97140") in single  # an edit in force on every date


@pytest.mark.parametrize(
    ("day", "applies"),
    [(date(2026, 2, 14), True), (date(2026, 2, 15), True), (date(2026, 2, 16), False)],
)
def test_a_ptp_edit_applies_through_its_deletion_date(
    ptp: list[int], day: date, applies: bool
) -> None:
    assert (queries.ptp_edit(ptp, "97110", "97116", day) is not None) is applies
    assert ("97116" in _others(ptp, "97110", "column1", day)) is applies
    assert queries.ptp_lists(ptp, "97535", "column1", day) is applies


@pytest.mark.parametrize(("day", "applies"), [(date(2026, 1, 31), False), (date(2026, 2, 1), True)])
def test_a_ptp_edit_applies_from_its_effective_date(
    ptp: list[int], day: date, applies: bool
) -> None:
    assert (queries.ptp_edit(ptp, "97750", "97140", day) is not None) is applies
    assert ("97750" in _others(ptp, "97140", "column2", day)) is applies


def test_an_indicator_9_edit_never_applies_but_is_listed(ptp: list[int]) -> None:
    day = date(2026, 1, 15)

    assert queries.ptp_edit(ptp, "97112", "97140", day) is None
    assert not queries.ptp_lists(ptp, "97112", "column1", day)
    assert queries.ptp_lists(ptp, "97112", "column1")  # on no date: the file lists it


def _others(ids: list[int], code: str, role: str, day: date) -> list[str]:
    page = queries.ptp_page(ids, code, role, day, offset=0, limit=50)
    assert len(page) == queries.ptp_count(ids, code, role, day)
    other = "column2" if role == "column1" else "column1"
    return [e[other] for e in page]


def test_the_ptp_count_filters_agree_with_the_page(ptp: list[int]) -> None:
    day = date(2026, 1, 15)
    every = _others(ptp, "97140", "column2", day)

    assert every == sorted(every) and every
    with_1 = queries.ptp_page(ptp, "97140", "column2", day, offset=0, limit=50, indicator="1")
    assert [e["column1"] for e in with_1] == ["97530"]
    assert queries.ptp_count(ptp, "97140", "column2", day, indicator="1") == 1
    assert queries.ptp_count(ptp, "97140", "column2", day, other_prefix="9716") == 1
    assert queries.ptp_has_modifier_edit(ptp, "97530", "column1", day)
    assert not queries.ptp_has_modifier_edit(ptp, "97161", "column1", day)


def test_a_role_other_than_a_column_is_refused(ptp: list[int]) -> None:
    with pytest.raises(ValueError, match="column1 or column2"):
        queries.ptp_count(ptp, "97140", "column3", date(2026, 1, 15))


def test_one_mue_and_every_mue_at_once_agree(mue: int) -> None:
    codes = ["J1100", "97750", "97110", "G0283", "99999"]
    batched = {r["code"]: r for r in queries.mues(mue, codes)}

    assert {c: queries.mue(mue, c) for c in codes if queries.mue(mue, c)} == batched
    assert queries.mue(mue, "99999") is None
    assert batched["J1100"]["value"] == 2
    assert queries.mue_lists(mue, "G0283") and not queries.mue_lists(mue, "99999")


@pytest.mark.parametrize(
    ("day", "applies"),
    [
        (date(2021, 9, 30), False),
        (date(2021, 10, 1), True),
        (date(2023, 6, 30), True),  # the deletion date: the last day in effect
        (date(2023, 7, 1), False),
    ],
)
def test_an_add_on_edit_applies_from_its_effective_through_its_deletion_date(
    aoc: int, day: date, applies: bool
) -> None:
    single = queries.addon_edits(aoc, "U0005", day)
    batched = [
        e
        for e in queries.addon_edits_of(aoc, ["U0005", "99417"], day)
        if e["addon_code"] == "U0005"
    ]

    assert single == batched
    assert bool(single) is applies
    assert (queries.addon_count_for_primary(aoc, "U0004", day) == 1) is applies
    assert [r["code"] for r in queries.addon_relations(aoc, "U0005", "addon_code", day)] == (
        ["U0004"] if applies else []
    )


def test_the_add_on_file_lists_codes_whatever_the_date(aoc: int) -> None:
    codes = ["U0005", "97546", "97545", "99999"]

    assert queries.addon_listed(aoc, codes, "addon_code") == {"U0005", "97546"}
    assert queries.addon_listed(aoc, codes, "primary_code") == {"97545"}
    assert queries.addon_codes(aoc) == {"97546", "99417", "U0005", "96376"}
    counts = queries.addon_type_counts(aoc, "96376", date(2024, 1, 2))
    assert [(r["edit_type"], r["n"]) for r in counts] == [("3", 1)]
