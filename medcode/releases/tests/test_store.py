from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from medcode.releases.store import (
    InForce,
    ReleaseRef,
    Snapshot,
    all_releases,
    release_state,
    to_date,
)
from medcode.testing import REPO, load_file

FIXTURES = REPO / "medcode" / "importers" / "tests" / "fixtures"


def ref(
    rid: int, version: str, start: date, end: date | None, dataset: str = "icd10cm"
) -> ReleaseRef:
    return ReleaseRef(rid, dataset, version, f"ICD-10-CM {version}", start, end, f"{version}.zip")


FY2025 = ref(1, "FY2025", date(2024, 10, 1), date(2025, 9, 30))
FY2026 = ref(2, "FY2026", date(2025, 10, 1), date(2026, 9, 30))


def test_it_answers_from_the_fiscal_year_that_covers_the_date() -> None:
    assert Snapshot(date(2025, 9, 30), [FY2025, FY2026]).in_force("icd10cm").release == FY2025  # type: ignore[union-attr]
    assert Snapshot(date(2025, 10, 1), [FY2026, FY2025]).in_force("icd10cm").release == FY2026  # type: ignore[union-attr]
    assert Snapshot(date(2025, 10, 1), [FY2025, FY2026]).in_force("icd10cm").note is None  # type: ignore[union-attr]


def test_it_says_so_when_no_release_covers_the_date() -> None:
    answer = Snapshot(date(2026, 11, 23), [FY2025, FY2026]).in_force("icd10cm")

    assert answer is not None and answer.release == FY2026
    assert answer.note is not None
    assert "2026-11-23" in answer.note and "FY2026" in answer.note and "2026-09-30" in answer.note


def test_it_answers_a_date_before_every_release_from_the_earliest_with_a_note() -> None:
    answer = Snapshot(date(2020, 1, 1), [FY2026, FY2025]).in_force("icd10cm")

    assert answer is not None and answer.release == FY2025
    assert answer.note is not None and "before every loaded" in answer.note


def test_an_open_ended_release_covers_every_later_date() -> None:
    ncd = ref(3, "CR2026100", date(2026, 1, 1), None, dataset="ncd_icd10")

    answer = Snapshot(date(2031, 5, 5), [ncd]).in_force("ncd_icd10")

    assert answer is not None and answer.release == ncd and answer.note is None


def test_a_dataset_with_no_release_has_no_answer() -> None:
    assert Snapshot(date(2026, 1, 1), [FY2026]).in_force("hcpcs") is None


def test_the_last_day_of_a_period_is_covered_without_a_note() -> None:
    last_day = Snapshot(date(2025, 9, 30), [FY2025, FY2026]).in_force("icd10cm")
    first_day = Snapshot(date(2024, 10, 1), [FY2025, FY2026]).in_force("icd10cm")

    assert last_day == InForce(FY2025, None)
    assert first_day == InForce(FY2025, None)
    assert FY2025.covers(date(2025, 9, 30)) and not FY2025.covers(date(2025, 10, 1))
    assert FY2025.covers(date(2024, 10, 1)) and not FY2025.covers(date(2024, 9, 30))


def test_a_dataset_with_no_release_lists_none() -> None:
    snap = Snapshot(date(2026, 1, 1), [FY2026])

    assert snap.releases("hcpcs") == []
    assert snap.releases("icd10cm") == [FY2026]
    assert snap.datasets() == ["icd10cm"]


def test_an_answer_cites_every_part_of_its_release() -> None:
    assert InForce(FY2026, "a note").to_dict() == {
        "dataset": "icd10cm",
        "version": "FY2026",
        "label": "ICD-10-CM FY2026",
        "period_start": "2025-10-01",
        "period_end": "2026-09-30",
        "source_name": "FY2026.zip",
        "note": "a note",
    }
    assert ref(3, "CR1", date(2026, 1, 1), None, "ncd_icd10").to_dict()["period_end"] is None


def test_dates_read_from_either_database_become_dates() -> None:
    assert to_date("2026-02-10") == date(2026, 2, 10)
    assert to_date(date(2026, 2, 10)) == date(2026, 2, 10)
    assert to_date(None) is None


@pytest.mark.django_db
def test_the_releases_read_from_the_store_keep_their_periods_and_files() -> None:
    load_file(FIXTURES / "ncci_ptp_ccipra-v330r1-f2.txt", "ncci_ptp")

    [found] = all_releases()

    assert (found.dataset, found.version) == ("ncci_ptp_practitioner", "v330r1-f2")
    assert (found.period_start, found.period_end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert found.source_name == "ncci_ptp_ccipra-v330r1-f2.txt"
    # Read again while nothing was loaded: the same answer.
    assert all_releases() == [found]


@pytest.mark.django_db
def test_the_release_state_tells_databases_apart() -> None:
    # Two databases with the same number of releases, ids and load times must not share the
    # cached release list (a server and its tests, or SQLite and PostgreSQL in one process).
    state = release_state()

    assert state[0] == connection.vendor
    assert state[1] == str(connection.settings_dict["NAME"])
