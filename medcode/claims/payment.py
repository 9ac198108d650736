"""What Medicare is expected to allow for each line of a claim, from the Physician Fee Schedule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from medcode.claims.claim import ClaimError, ClaimLine
from medcode.claims.context import ClaimContext
from medcode.claims.rules.status import UNPAID
from medcode.releases.sql import row

CENT = Decimal("0.01")
# Places of service where Medicare pays the facility practice-expense RVUs (hospital, SNF…).
FACILITY_POS = {
    "02",
    "19",
    "21",
    "22",
    "23",
    "24",
    "26",
    "31",
    "34",
    "41",
    "42",
    "51",
    "52",
    "53",
    "56",
    "61",
}


def line_amounts(ctx: ClaimContext) -> dict[int, float | None]:
    """Each line's expected allowed amount by line number (None where the PFS has no price)."""
    return {line.number: allowed(ctx, line) for line in ctx.claim.lines}


def allowed(ctx: ClaimContext, line: ClaimLine) -> float | None:
    """Medicare's expected allowed amount: GPCI-weighted RVUs times the conversion factor.

    (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF x units, with the
    facility PE RVU where the place of service is a facility. National GPCIs (1.0) when the
    claim names no locality. None when the fee schedule has no price for the code.
    """
    if ctx.claim.payer != "medicare":
        return None
    component = next((m for m in line.modifiers if m in ("26", "TC")), "")
    rvu = ctx.rvu(line.code, component) or ctx.rvu(line.code, "")
    if rvu is None:
        return None
    if rvu["status_code"] in UNPAID:
        return 0.0
    facility = (ctx.claim.place_of_service or "").zfill(2) in FACILITY_POS
    pe = rvu["facility_pe_rvu"] if facility else rvu["nonfacility_pe_rvu"]
    work_g, pe_g, mp_g = _gpci(ctx)
    total = _d(rvu["work_rvu"]) * work_g + _d(pe) * pe_g + _d(rvu["mp_rvu"]) * mp_g
    amount = total * _d(rvu["conversion_factor"]) * line.units
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _gpci(ctx: ClaimContext) -> tuple[Decimal, Decimal, Decimal]:
    if ctx.claim.locality is None:
        return Decimal(1), Decimal(1), Decimal(1)
    answer = ctx.in_force("pfs_gpci")
    if answer is None:
        return Decimal(1), Decimal(1), Decimal(1)
    mac, _, locality = ctx.claim.locality.partition("-")
    found = row(
        "SELECT work_gpci, pe_gpci, mp_gpci FROM fees_pfsgpciindex "
        "WHERE release_id = %s AND mac = %s AND locality = %s",
        [answer.release.id, mac, locality],
    )
    if found is None:
        raise ClaimError(
            f"no Medicare locality {ctx.claim.locality} in {answer.release.label}",
            ctx.claim.id,
            field="locality",
        )
    return _d(found["work_gpci"]), _d(found["pe_gpci"]), _d(found["mp_gpci"])


def _d(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)
