from __future__ import annotations

from datetime import date

from medcode.releases.store import ReleaseRef, Snapshot


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
