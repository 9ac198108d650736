"""fees/queries.py on hand-written fee schedule fixtures (CMS's PPRRVU and GPCI layouts): the
single-code and batched forms agree, and each answer is the fixture's row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medcode.fees import queries
from medcode.releases.models import Release
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "fees" / "tests" / "fixtures"


@pytest.fixture
def rvu(db: None) -> int:
    load_file(FIXTURES / "boundary_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    return Release.objects.get(dataset="pfs_rvu").pk


@pytest.fixture
def gpci(db: None) -> int:
    load_file(FIXTURES / "boundary_GPCI2026.csv", "pfs_gpci")
    return Release.objects.get(dataset="pfs_gpci").pk


def test_one_code_and_many_codes_at_once_read_the_same_rvu_rows(rvu: int) -> None:
    codes = ["71046", "97110", "97140", "99999"]
    batched = queries.rvus_of(rvu, codes)

    for code in codes:
        mine = sorted((r for r in batched if r["hcpcs"] == code), key=lambda r: r["modifier"])
        assert queries.rvus(rvu, code) == mine
    assert [r["modifier"] for r in queries.rvus(rvu, "71046")] == ["", "26", "TC"]
    assert queries.rvus(rvu, "99999") == []


def test_an_rvu_row_holds_the_fixture_values(rvu: int) -> None:
    (row,) = queries.rvus(rvu, "97110")

    # 97110 in the fixture: work 0.45, PE 0.50 non-facility and 0.20 facility, MP 0.02.
    assert Decimal(str(row["work_rvu"])) == Decimal("0.45")
    assert Decimal(str(row["nonfacility_pe_rvu"])) == Decimal("0.50")
    assert Decimal(str(row["facility_pe_rvu"])) == Decimal("0.20")
    assert row["status_code"] == "A"


def test_history_reads_the_global_row_of_each_release(rvu: int) -> None:
    found = queries.rvu_history([rvu], "71046")

    assert [(r["release_id"], r["modifier"]) for r in found] == [(rvu, "")]


def test_the_gpci_table_and_one_locality_agree(gpci: int) -> None:
    table = queries.gpci_table(gpci)

    assert [(r["state"], r["mac"], r["locality"]) for r in table] == [
        ("AL", "10112", "00"),
        ("CA", "01112", "05"),
        ("WY", "03602", "21"),
    ]
    for r in table:
        one = queries.gpci_of_locality(gpci, r["mac"], r["locality"])
        assert one == {k: r[k] for k in ("work_gpci", "pe_gpci", "mp_gpci")}
    assert Decimal(str(table[0]["pe_gpci"])) == Decimal("0.871")
    assert queries.gpci_of_locality(gpci, "10112", "99") is None
    assert len(queries.gpci_localities(gpci)) == 3


def test_codes_listed_by_a_release_are_found_by_its_listing_test(rvu: int) -> None:
    from medcode.releases.sql import rows

    (test,) = queries.PROCEDURE_LISTINGS["pfs_rvu"]

    assert rows(test, [rvu, "97110"]) and not rows(test, [rvu, "99999"])


def test_search_is_given_every_rvu_row_by_code_and_modifier(rvu: int) -> None:
    entries = list(queries.index_entries(rvu))

    assert entries[:3] == [("71046", entries[0][1])] * 3
    assert [code for code, _ in entries] == sorted(code for code, _ in entries)
    assert {code for code, _ in entries} >= {"97110", "97140", "99213"}
