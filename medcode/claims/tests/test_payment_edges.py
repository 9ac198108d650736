"""Line prices at their edges: professional and technical components, a locality the GPCI file
does not list, no locality at all, and what the reduction note says.

Fixtures: medcode/fees/tests/fixtures/boundary_PPRRVU2026_Jan.csv (71046 with global, 26 and
TC rows; therapy codes with different facility and non-facility PE; CF 33.4009) and
boundary_GPCI2026.csv. Expected amounts are worked out here from the fixture's figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import ClaimError, parse_claim
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "fees" / "tests" / "fixtures"
CF = Decimal("33.4009")
#: work, non-facility PE, facility PE, MP of the fixture rows used here.
ROWS = {
    ("71046", ""): ("0.22", "0.60", "0.60", "0.02"),
    ("71046", "26"): ("0.22", "0.08", "0.08", "0.01"),
    ("71046", "TC"): ("0.00", "0.52", "0.52", "0.01"),
    ("97110", ""): ("0.45", "0.50", "0.20", "0.02"),
    ("97140", ""): ("0.43", "0.40", "0.18", "0.02"),
    ("97530", ""): ("0.44", "0.70", "0.21", "0.02"),
}
NATIONAL = ("1", "1", "1")
ALABAMA = ("1", "0.871", "0.577")


def dollars(
    code: str,
    modifier: str = "",
    units: int = 1,
    gpci: tuple[str, str, str] = NATIONAL,
    facility: bool = False,
    half: int = 0,
) -> float:
    work, nf, f, mp = (Decimal(v) for v in ROWS[(code, modifier)])
    work_g, pe_g, mp_g = (Decimal(v) for v in gpci)
    pe = f if facility else nf
    total = (
        (work * work_g + mp * mp_g) * units + pe * pe_g * (units - half + Decimal("0.5") * half)
    ) * CF
    return float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture
def fees(db: None) -> None:
    load_file(FIXTURES / "boundary_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "boundary_GPCI2026.csv", "pfs_gpci")


def priced(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "e1",
        "payer": "medicare",
        "date_of_service": "2026-02-10",
        "lines": list(lines),
        **fields,
    }
    return check_claim(parse_claim(data))


def test_26_and_tc_lines_are_priced_from_their_own_rows(fees: None) -> None:
    result = priced(
        {"code": "71046"},
        {"code": "71046", "modifiers": ["26"]},
        {"code": "71046", "modifiers": ["59", "TC"]},
        locality="10112-00",
    )

    assert [x["allowed_amount"] for x in result["lines"]] == [
        dollars("71046", gpci=ALABAMA),
        dollars("71046", "26", gpci=ALABAMA),
        dollars("71046", "TC", gpci=ALABAMA),
    ]
    assert len({x["allowed_amount"] for x in result["lines"]}) == 3


def test_without_a_locality_the_national_amount_is_used(fees: None) -> None:
    result = priced({"code": "97110", "modifiers": ["GP"], "units": 1})

    assert [x["allowed_amount"] for x in result["lines"]] == [dollars("97110")]


def test_a_locality_the_gpci_file_does_not_list_is_named(fees: None) -> None:
    with pytest.raises(ClaimError) as error:
        priced({"code": "97110", "modifiers": ["GP"]}, locality="99999-99")

    assert str(error.value) == (
        "claim e1, field 'locality': no Medicare locality 99999-99 in Medicare PFS GPCIs 2026"
    )


def test_the_reduction_note_names_the_line_paid_in_full_and_the_units(fees: None) -> None:
    result = priced(
        {"code": "97110", "modifiers": ["GP"], "units": 3},
        {"code": "97140", "modifiers": ["GP"], "units": 1},
        locality="10112-00",
        place_of_service="22",
    )

    first, second = result["lines"]
    assert first["allowed_amount"] == dollars("97110", units=3, gpci=ALABAMA, facility=True, half=2)
    assert second["allowed_amount"] == dollars("97140", gpci=ALABAMA, facility=True, half=1)
    [one] = first["adjustments"]
    [two] = second["adjustments"]
    assert (one["kind"], one["units_reduced"], two["units_reduced"]) == ("therapy-mppr", 2, 1)
    assert one["reduction"] == pytest.approx(
        dollars("97110", units=3, gpci=ALABAMA, facility=True) - first["allowed_amount"], abs=0.006
    )
    assert one["note"] == (
        "Therapy multiple procedure payment reduction on 2026-02-10: practice expense of 2 units "
        "paid at 50% (line 1 has the day's highest practice expense, paid in full once)."
    )
    assert two["note"] == (
        "Therapy multiple procedure payment reduction on 2026-02-10: practice expense of 1 unit "
        "paid at 50% (line 1 has the highest practice expense, paid in full once)."
    )
    assert result["total_allowed"] == pytest.approx(
        first["allowed_amount"] + second["allowed_amount"]
    )


def test_each_gpci_weighs_its_own_rvu(fees: None) -> None:
    # San Francisco (invented values): no GPCI is 1, so each RVU's weight shows.
    result = priced({"code": "97110", "modifiers": ["GP"]}, locality="01112-05")

    assert [x["allowed_amount"] for x in result["lines"]] == [
        dollars("97110", gpci=("1.091", "1.42", "0.444"))
    ]


def test_each_reduced_line_keeps_its_own_amount(fees: None) -> None:
    # 97530 has the highest non-facility PE: 97110 and 97140 each have one unit reduced.
    result = priced(
        {"code": "97110", "modifiers": ["GP"]},
        {"code": "97530", "modifiers": ["GP"]},
        {"code": "97140", "modifiers": ["GP"]},
    )

    assert [x["allowed_amount"] for x in result["lines"]] == [
        dollars("97110", half=1),
        dollars("97530"),
        dollars("97140", half=1),
    ]


def test_half_a_cent_is_rounded_up(fees: None) -> None:
    # 97033 in the fixture: work 0.01, PE and MP 0.00, CF 20.5000: $0.205 nationally.
    result = priced({"code": "97033", "modifiers": ["GP"]})

    assert [x["allowed_amount"] for x in result["lines"]] == [0.21]


def test_a_component_modifier_on_a_code_without_component_rows_prices_the_global_row(
    fees: None,
) -> None:
    # 97110 has only a global row in the fee schedule: a stray 26 does not leave it unpriced.
    result = priced({"code": "97110", "modifiers": ["GP", "26"]})

    assert [x["allowed_amount"] for x in result["lines"]] == [dollars("97110")]


def test_claims_checked_together_keep_their_own_locality(fees: None) -> None:
    from medcode.claims.checker import check_claims
    from medcode.claims.claim import parse_claims

    batch = [
        {
            "id": place,
            "payer": "medicare",
            "date_of_service": "2026-02-10",
            "locality": place,
            "lines": [{"code": "97110", "modifiers": ["GP"]}],
        }
        for place in ("10112-00", "01112-05")
    ]

    result = check_claims(parse_claims(batch))

    assert [c["lines"][0]["allowed_amount"] for c in result["claims"]] == [
        dollars("97110", gpci=ALABAMA),
        dollars("97110", gpci=("1.091", "1.42", "0.444")),
    ]
