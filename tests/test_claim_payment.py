"""Claim prices over the real PFS files, with the therapy multiple procedure payment reduction.

Expected amounts are worked out here from the rows of PPRRVU2025_Oct.csv and GPCI2025.csv,
read with the csv module (layouts in ../shared/cms/SOURCES.md), not from the database.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client

from medcode.claims.checker import check_claims
from medcode.claims.claim import parse_claims
from medcode.releases.loader import Outcome
from medcode.testing import shared_file
from tests.claims import claim as office_claim

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

HALF = Decimal("0.5")


def rvus(code: str) -> dict[str, Decimal | str]:
    """The global row of ``code`` in PPRRVU2025_Oct.csv (10 header lines, then data rows)."""
    with shared_file("pfs_rvu/rvu25d/PPRRVU2025_Oct.csv").open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row[0] == code and row[1] == "":
                return {
                    "work": Decimal(row[5]),
                    "nonfacility_pe": Decimal(row[6]),
                    "facility_pe": Decimal(row[8]),
                    "mp": Decimal(row[10]),
                    "mult_proc": row[18],
                    "cf": Decimal(row[24]),
                }
    raise AssertionError(f"{code} not in the PPRRVU file")


def gpcis(mac: str, locality: str) -> tuple[Decimal, Decimal, Decimal]:
    """Work, PE and MP GPCI of a locality in GPCI2025.csv (3 header lines, then localities)."""
    with shared_file("pfs_rvu/rvu25d/GPCI2025.csv").open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row[0] == mac and row[2] == locality:
                return Decimal(row[4]), Decimal(row[5]), Decimal(row[6])
    raise AssertionError(f"{mac}-{locality} not in the GPCI file")


def cents(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return office_claim(*lines, **{"id": "mppr", **fields})


THERAPY_VISIT = (
    {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30},
    {"code": "97140", "modifiers": ["GP"], "units": 1, "minutes": 15},
    {"code": "G0283", "modifiers": ["GP"], "units": 1},
)


def test_a_therapy_visit_pays_one_unit_in_full_and_the_rest_at_half_pe(
    full_load: list[Outcome],
) -> None:
    work_g, pe_g, mp_g = gpcis("10112", "00")
    rows = {code: rvus(code) for code in ("97110", "97140", "G0283")}
    assert {r["mult_proc"] for r in rows.values()} == {"5"}  # all under the therapy MPPR

    def amount(code: str, full: int, half: int) -> float:
        r = rows[code]
        work_mp = r["work"] * work_g + r["mp"] * mp_g  # type: ignore[operator]
        pe = r["nonfacility_pe"] * pe_g  # type: ignore[operator]
        return cents((work_mp * (full + half) + pe * (full + HALF * half)) * r["cf"])  # type: ignore[operator]

    # 97110 has the highest non-facility PE of the three: one of its units is paid in full.
    highest = max(rows, key=lambda c: rows[c]["nonfacility_pe"])  # type: ignore[arg-type,return-value]
    assert highest == "97110"

    [result] = check_claims(parse_claims(claim(*THERAPY_VISIT)))["claims"]

    lines = result["lines"]
    assert [x["allowed_amount"] for x in lines] == [
        amount("97110", 1, 1),
        amount("97140", 0, 1),
        amount("G0283", 0, 1),
    ]
    assert [x["adjustments"][0]["units_reduced"] for x in lines] == [1, 1, 1]
    assert all(x["adjustments"][0]["kind"] == "therapy-mppr" for x in lines)
    assert result["total_allowed"] == pytest.approx(sum(x["allowed_amount"] for x in lines))
    # Without the reduction the visit would cost more by half the PE of three units.
    unreduced = amount("97110", 2, 0) + amount("97140", 1, 0) + amount("G0283", 1, 0)
    assert result["total_allowed"] < unreduced


def test_the_api_returns_the_reduction_with_each_line(full_load: list[Outcome]) -> None:
    body = json.dumps([claim(*THERAPY_VISIT), claim({"code": "99213"}, id="office")])

    response = Client().post("/api/v1/claims/check", body, content_type="application/json")

    assert response.status_code == 200
    assert response.headers["Server-Timing"].startswith("app;dur=")
    therapy, office = response.json()["claims"]
    assert (
        "Therapy multiple procedure payment reduction"
        in therapy["lines"][1]["adjustments"][0]["note"]
    )
    assert office["lines"][0]["adjustments"] == []
    work_g, pe_g, mp_g = gpcis("10112", "00")
    r = rvus("99213")
    assert office["lines"][0]["allowed_amount"] == cents(
        (r["work"] * work_g + r["nonfacility_pe"] * pe_g + r["mp"] * mp_g) * r["cf"]  # type: ignore[operator]
    )
