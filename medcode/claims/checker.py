"""Check claims: run every rule, price every line, as of each claim's date of service."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from medcode.claims.claim import Claim, ClaimError, ClaimLine
from medcode.claims.context import ClaimContext
from medcode.claims.registry import RULES
from medcode.claims.rules.base import Finding
from medcode.claims.rules.status import UNPAID
from medcode.releases.sql import row
from medcode.releases.store import ReleaseRef, Snapshot, all_releases

CENT = Decimal("0.01")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
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


def check_claim(claim: Claim, releases: list[ReleaseRef] | None = None) -> dict[str, Any]:
    ctx = ClaimContext(claim, Snapshot(claim.date_of_service, releases))
    findings: list[Finding] = []
    for rule in RULES.values():
        if rule.applies(ctx):
            findings.extend(rule.check(ctx))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.lines, f.rule))
    lines = [
        {"line": line.number, "code": line.code, "allowed_amount": allowed(ctx, line)}
        for line in claim.lines
    ]
    priced = [line["allowed_amount"] for line in lines if line["allowed_amount"] is not None]
    return {
        "id": claim.id,
        "findings": [f.to_dict() for f in findings],
        "lines": lines,
        "total_allowed": float(sum(Decimal(str(a)) for a in priced)) if priced else None,
        "notes": [answer.note for answer in ctx.consulted.values() if answer.note],
    }


def check_claims(claims: list[Claim]) -> dict[str, Any]:
    releases = all_releases()  # one read for the whole batch
    return {"claims": [check_claim(claim, releases) for claim in claims]}


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
