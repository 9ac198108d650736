"""Line prices and the therapy multiple procedure payment reduction, over hand-written fixtures.

The fee schedule is claims_PPRRVU2026_Jan.csv (CF 33.1234); expected amounts are worked out
here by hand from the fixture's RVUs, never by the code under test.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from medcode.claims.checker import check_claim, check_claims
from medcode.claims.claim import parse_claim, parse_claims
from medcode.claims.context import ClaimContext
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"
CF = Decimal("33.1234")
#: RVUs of the fixture rows: work, non-facility PE, facility PE, MP (all MPI 5 but 99213).
RVUS = {
    "97110": ("0.45", "0.50", "0.20", "0.02"),
    "97530": ("0.44", "0.70", "0.21", "0.02"),
    "97140": ("0.43", "0.40", "0.18", "0.02"),
    "G0283": ("0.18", "0.19", "0.10", "0.01"),
    "99213": ("1.11", "1.22", "0.44", "0.09"),
}
NATIONAL = ("1", "1", "1")
ALABAMA = ("1", "0.871", "0.577")  # 10112-00 in claims_GPCI2025.csv: work, PE, MP


def expected(
    code: str,
    full: int,
    half: int = 0,
    gpci: tuple[str, str, str] = NATIONAL,
    facility: bool = False,
) -> float:
    """``full`` units paid in full and ``half`` units with their PE at 50%, in dollars."""
    work, nonfacility_pe, facility_pe, mp = (Decimal(v) for v in RVUS[code])
    pe = facility_pe if facility else nonfacility_pe
    work_g, pe_g, mp_g = (Decimal(v) for v in gpci)
    units = full + half
    total = (work * work_g + mp * mp_g) * units + pe * pe_g * (full + Decimal("0.5") * half)
    return float((total * CF).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture
def fee_schedule(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "p1",
        "payer": "medicare",
        "date_of_service": "2026-02-10",
        "lines": list(lines),
    }
    data.update(fields)
    return data


def line(code: str, units: int = 1, **fields: Any) -> dict[str, Any]:
    return {"code": code, "modifiers": ["GP"], "units": units, **fields}


def priced(data: dict[str, Any]) -> dict[str, Any]:
    return check_claim(parse_claim(data))


def test_one_therapy_unit_is_paid_in_full(fee_schedule: None) -> None:
    result = priced(claim(line("97110")))

    [only] = result["lines"]
    assert only["allowed_amount"] == expected("97110", 1)
    assert only["adjustments"] == []


def test_the_unit_with_the_highest_pe_is_paid_in_full_and_the_others_pe_at_half(
    fee_schedule: None,
) -> None:
    result = priced(claim(line("97110", 2), line("97530"), line("G0283")))

    amounts = [x["allowed_amount"] for x in result["lines"]]
    # 97530 has the highest non-facility PE (0.70): its unit is the one paid in full.
    assert amounts == [
        expected("97110", 0, 2),
        expected("97530", 1),
        expected("G0283", 0, 1),
    ]
    assert result["lines"][1]["adjustments"] == []
    [mppr] = result["lines"][0]["adjustments"]
    assert mppr["kind"] == "therapy-mppr" and mppr["units_reduced"] == 2
    assert mppr["reduction"] == pytest.approx(expected("97110", 2) - amounts[0], abs=0.005)
    assert "line 2 has the highest practice expense" in mppr["note"]
    assert result["total_allowed"] == pytest.approx(sum(amounts), abs=0.001)


def test_a_line_of_several_units_has_one_unit_in_full(fee_schedule: None) -> None:
    result = priced(claim(line("97110", 3)))

    [only] = result["lines"]
    assert only["allowed_amount"] == expected("97110", 1, 2)
    assert only["adjustments"][0]["units_reduced"] == 2
    assert only["allowed_amount"] < expected("97110", 3)


def test_a_facility_claim_reduces_the_facility_pe_weighted_by_the_locality(
    fee_schedule: None,
) -> None:
    load_file(FIXTURES / "claims_GPCI2025.csv", "pfs_gpci")

    result = priced(claim(line("97110"), line("97530"), place_of_service="22", locality="10112-00"))

    # Facility PE: 97530 0.21 beats 97110 0.20, so 97110's unit is the reduced one.
    assert [x["allowed_amount"] for x in result["lines"]] == [
        expected("97110", 0, 1, ALABAMA, facility=True),
        expected("97530", 1, 0, ALABAMA, facility=True),
    ]


def test_services_outside_the_therapy_reduction_are_paid_in_full(fee_schedule: None) -> None:
    result = priced(claim({"code": "99213"}, line("97140"), {"code": "99213", "units": 2}))

    assert [x["allowed_amount"] for x in result["lines"]] == [
        expected("99213", 1),
        expected("97140", 1),
        expected("99213", 2),
    ]
    assert all(x["adjustments"] == [] for x in result["lines"])


def test_each_date_of_service_has_its_own_full_unit(fee_schedule: None) -> None:
    result = priced(
        claim(
            line("97110", date_of_service="2026-02-10"),
            line("97140", date_of_service="2026-02-12"),
            line("97530", date_of_service="2026-02-12"),
        )
    )

    assert [x["allowed_amount"] for x in result["lines"]] == [
        expected("97110", 1),
        expected("97140", 0, 1),
        expected("97530", 1),
    ]


def test_on_a_tie_the_first_line_keeps_the_full_unit(fee_schedule: None) -> None:
    result = priced(claim(line("97110"), line("97110", modifiers=["GP", "59"])))

    assert [x["allowed_amount"] for x in result["lines"]] == [
        expected("97110", 1),
        expected("97110", 0, 1),
    ]


def test_unpaid_and_unpriced_lines_take_no_part(fee_schedule: None) -> None:
    # 97014 has status I (not paid); 0001U is not in the fixture fee schedule.
    result = priced(claim(line("97014"), {"code": "0001U"}, line("97110")))

    assert [x["allowed_amount"] for x in result["lines"]] == [0.0, None, expected("97110", 1)]


def test_other_payers_get_no_medicare_amount(fee_schedule: None) -> None:
    result = priced(claim(line("97110", 2), payer="commercial"))

    assert result["lines"][0]["allowed_amount"] is None
    assert result["lines"][0]["adjustments"] == []
    assert result["total_allowed"] is None


def test_claims_checked_together_price_as_when_checked_alone(fee_schedule: None) -> None:
    data = [
        claim(line("97110", 2), line("97530"), id="a"),
        claim(line("97140"), {"code": "99213"}, id="b", place_of_service="22"),
        claim(line("G0283"), id="c", payer="medicaid"),
    ]

    together = check_claims(parse_claims(data))["claims"]

    assert together == [priced(one) for one in data]


def test_a_release_loaded_between_two_checks_is_seen_by_the_second(db: None) -> None:
    before = priced(claim(line("97110")))
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    after = priced(claim(line("97110")))

    assert before["lines"][0]["allowed_amount"] is None
    assert after["lines"][0]["allowed_amount"] == expected("97110", 1)


def test_rules_may_ask_about_codes_and_pairs_not_on_the_claim(fee_schedule: None) -> None:
    load_file(FIXTURES / "claims_ccipra-v320r0.txt", "ncci_ptp")
    ctx = ClaimContext(parse_claim(claim(line("97110"), line("97140"))))

    rvu = ctx.rvu("97530", "")
    edit = ctx.ptp_edit("97530", "97140")

    assert rvu is not None and Decimal(str(rvu["work_rvu"])) == Decimal("0.44")
    assert edit is not None and edit["modifier_indicator"] == "1"
    assert ctx.ptp_edit("97110", "97140") is None
    assert ctx.rvu("97999", "") is None
