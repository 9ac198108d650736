"""A HCPCS code on its add date, its termination date and the day after; an ICD-10-CM code on
the first and last day of a fiscal year. Termination dates are the last day a code applies.

Fixtures are written here in CMS's layouts: an ANWEB file (2026 Q1) with a code added on
2026-02-10 and one terminated on 2026-02-10, and two ICD-10-CM order files (FY2026, FY2027)
where one code is dropped and another added from FY2027.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode import cli
from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.codes.lookup import lookup
from medcode.importers.tests.test_hcpcs_anweb import record, write_anweb
from medcode.releases.store import status_on
from medcode.testing import load_file

pytestmark = pytest.mark.django_db

DAY = date(2026, 2, 10)
BEFORE, AFTER = date(2026, 2, 9), date(2026, 2, 11)


@pytest.fixture
def hcpcs(db: None, tmp_path: Path) -> None:
    records = [
        record(
            "G9901", "3", "Invented service added mid-quarter", "Invented added", add="20260210"
        ),
        record(
            "G9902",
            "3",
            "Invented service ended mid-quarter",
            "Invented ended",
            add="20200101",
            term="20260210",
            action="D",
        ),
    ]
    outcome = load_file(
        write_anweb(tmp_path, records, "HCPC2026_JAN_ANWEB_12012025.txt"), "hcpcs_anweb"
    )
    assert outcome.status == "loaded", outcome.message


def test_status_on_treats_start_and_end_as_days_the_row_applies() -> None:
    assert status_on(BEFORE, DAY, None) == "not yet effective"
    assert status_on(DAY, DAY, None) == "active"
    assert status_on(DAY, None, DAY) == "active"
    assert status_on(AFTER, None, DAY) == "terminated"
    assert status_on(DAY, DAY, DAY) == "active"
    assert status_on(DAY, None, None) == "active"


@pytest.mark.parametrize(
    ("code", "day", "status"),
    [
        ("G9901", BEFORE, "not yet effective"),
        ("G9901", DAY, "active"),  # its add date
        ("G9901", AFTER, "active"),
        ("G9902", BEFORE, "active"),
        ("G9902", DAY, "active"),  # its termination date: the last day it applies
        ("G9902", AFTER, "terminated"),
    ],
)
def test_a_hcpcs_code_status_on_each_side_of_its_dates(
    hcpcs: None, client: Client, code: str, day: date, status: str
) -> None:
    assert lookup(code, day)["status"] == status
    body = client.get(f"/api/v1/codes/{code}", {"date": day.isoformat()}).json()
    assert body["status"] == status


@pytest.mark.parametrize(
    ("code", "day", "flagged"),
    [
        ("G9901", BEFORE, True),
        ("G9901", DAY, False),
        ("G9902", DAY, False),
        ("G9902", AFTER, True),
    ],
)
def test_the_claim_checker_flags_a_hcpcs_code_outside_its_dates(
    hcpcs: None, code: str, day: date, flagged: bool
) -> None:
    data = {
        "id": "d1",
        "payer": "medicare",
        "date_of_service": day.isoformat(),
        "lines": [{"code": code, "units": 1}],
    }

    found = [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == "VAL002"]

    assert len(found) == int(flagged)


def test_the_cli_says_so_on_the_day_after_termination(
    hcpcs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["code", "G9902", "--date", DAY.isoformat()]) == 0
    on_the_day = capsys.readouterr().out
    assert cli.main(["code", "G9902", "--date", AFTER.isoformat()]) == 0
    after = capsys.readouterr().out

    assert "terminated" not in on_the_day.split("\n", 1)[0]
    assert "terminated" in after.split("\n", 1)[0]


# --- ICD-10-CM fiscal years ------------------------------------------------------------------


def order_line(number: int, code: str, billable: str, title: str) -> str:
    """One record of CMS's ICD-10-CM order file (fixed columns: 5, code 7, flag, 60, long)."""
    return f"{number:05d} {code:<7} {billable} {title[:60]:<60} {title}"


def write_order(folder: Path, year: int, codes: list[tuple[str, str, str]]) -> Path:
    path = folder / f"icd10cm_order_{year}.txt"
    lines = [order_line(n, c, b, t) for n, (c, b, t) in enumerate(codes, start=1)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return path


@pytest.fixture
def icd10(db: None, tmp_path: Path) -> None:
    shared = [("A00", "0", "Cholera"), ("A000", "1", "Cholera, invented fixture title")]
    fy2026 = [*shared, ("A001", "1", "Code dropped after FY2026")]
    fy2027 = [*shared, ("A009", "1", "Code added in FY2027")]
    for year, codes in ((2026, fy2026), (2027, fy2027)):
        folder = tmp_path / str(year)
        folder.mkdir()
        outcome = load_file(write_order(folder, year, codes), "icd10cm_order")
        assert outcome.status == "loaded", outcome.message


@pytest.mark.parametrize(
    ("code", "day", "status"),
    [
        ("A001", date(2025, 10, 1), "active"),  # first day of FY2026
        ("A001", date(2026, 9, 30), "active"),  # last day of FY2026
        ("A001", date(2026, 10, 1), "terminated"),  # first day of FY2027
        ("A009", date(2026, 9, 30), "not yet effective"),
        ("A009", date(2026, 10, 1), "active"),
        ("A000", date(2026, 9, 30), "active"),
        ("A000", date(2026, 10, 1), "active"),
    ],
)
def test_an_icd10cm_code_on_the_edges_of_a_fiscal_year(
    icd10: None, code: str, day: date, status: str
) -> None:
    answer = lookup(code, day)

    assert answer["status"] == status
    if status == "terminated":
        assert answer["termination_date"] == "2026-09-30"
    assert answer["sources"][0]["version"] == ("FY2027" if day >= date(2026, 10, 1) else "FY2026")


@pytest.mark.parametrize(
    ("code", "day", "flagged"),
    [
        ("A001", date(2026, 9, 30), False),
        ("A001", date(2026, 10, 1), True),
        ("A009", date(2026, 9, 30), True),
        ("A009", date(2026, 10, 1), False),
    ],
)
def test_the_claim_checker_reads_the_fiscal_year_of_the_date(
    icd10: None, code: str, day: date, flagged: bool
) -> None:
    data: dict[str, Any] = {
        "id": "fy",
        "payer": "medicare",
        "date_of_service": day.isoformat(),
        "diagnoses": [code],
        "lines": [{"code": "97110", "units": 1}],
    }

    found = [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == "VAL003"]

    assert len(found) == int(flagged)
