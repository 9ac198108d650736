"""What Medicare is expected to allow for each line of a claim, from the Physician Fee Schedule.

A line's amount is (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion
factor x units (``medcode.fees.pricing``, the arithmetic of the code pages too), with the
facility PE RVU where the place of service is a facility, less the therapy multiple procedure
payment reduction (MPPR): of the services whose PFS multiple procedure indicator is 5 (the
"always therapy" codes and the other MPI-5 services) furnished to the patient on one date, the
unit with the highest practice-expense payment is paid in full and the practice expense of
every other unit is paid at 50%; work and malpractice are not reduced (Medicare Claims
Processing Manual, ch. 5, §10.7; PFS final rules, CY2011 on, 50% since April 2013).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from medcode.claims.claim import ClaimError, ClaimLine
from medcode.claims.context import ClaimContext
from medcode.fees import pricing
from medcode.fees.pricing import FACILITY_POS, THERAPY_MPPR_INDICATOR, UNPAID

THERAPY_MPPR = "therapy-mppr"


class LinePrice(NamedTuple):
    """A line's expected allowed amount, and the reductions that made it."""

    amount: float | None
    adjustments: tuple[dict[str, Any], ...] = ()


class _Priced(NamedTuple):
    """A payable line's per-unit parts (billionths of a dollar, before rounding)."""

    line: ClaimLine
    parts: pricing.UnitParts
    key: tuple[object, ...]  # the row, place and GPCIs these parts were worked out for


def line_amounts(ctx: ClaimContext) -> dict[int, float | None]:
    """Each line's expected allowed amount by line number (None where the PFS has no price)."""
    return {number: price.amount for number, price in line_prices(ctx).items()}


def line_prices(ctx: ClaimContext) -> dict[int, LinePrice]:
    """Each line's price by line number, worked out once per claim."""
    prices: dict[int, LinePrice] | None = ctx.memo.get("line_prices")
    if prices is None:
        prices = ctx.memo["line_prices"] = _price_claim(ctx)
    return prices


def therapy_mppr_lines(ctx: ClaimContext) -> frozenset[int]:
    """The numbers of the claim's lines under the therapy MPPR (priced with the claim)."""
    line_prices(ctx)
    found: frozenset[int] = ctx.memo.get("therapy_mppr_lines", frozenset())
    return found


def price_lines(ctx: ClaimContext, lines: Sequence[ClaimLine]) -> dict[int, LinePrice]:
    """The prices of ``lines`` as if the claim held only them (the lines a payer would pay,
    with the units it would pay): the therapy MPPR is worked out among them alone."""
    return _price_claim(ctx, lines)


def _price_claim(
    ctx: ClaimContext, lines: Sequence[ClaimLine] | None = None
) -> dict[int, LinePrice]:
    claim = ctx.claim
    if lines is None:
        lines = claim.lines
    if claim.payer != "medicare":
        return {line.number: LinePrice(None) for line in lines}
    prices: dict[int, LinePrice] = {}
    therapy: dict[date, list[_Priced]] = {}
    facility = (claim.place_of_service or "").zfill(2) in FACILITY_POS
    gpci: tuple[object, pricing.Gpcis] | None = None
    memo = ctx.store.memo
    for line in lines:
        component = ""
        for modifier in line.modifiers:
            if modifier == "26" or modifier == "TC":
                component = modifier
                break
        rvu = ctx.rvu(line.code, component) or ctx.rvu(line.code, "")
        if rvu is None:
            prices[line.number] = LinePrice(None)
            continue
        if rvu["status_code"] in UNPAID:
            prices[line.number] = LinePrice(0.0)
            continue
        if gpci is None:
            gpci = _gpci(ctx)
        # Claims of a batch share codes, places and localities: each row's per-unit parts and
        # its amount for a number of units are worked out once per batch.
        key = ("pfs-unit", rvu["id"], facility, gpci[0])
        parts = memo.get(key)
        if parts is None:
            parts = memo[key] = _unit_parts(rvu, facility, gpci[1])
        unit, therapy_mppr = parts
        prices[line.number] = LinePrice(_amount(memo, key, unit, line.units, 0))
        if therapy_mppr:
            therapy.setdefault(claim.line_date(line), []).append(_Priced(line, unit, key))
    for day, group in therapy.items():
        _reduce_therapy_pe(day, group, prices, memo)
    if lines is claim.lines:
        ctx.memo["therapy_mppr_lines"] = frozenset(
            p.line.number for group in therapy.values() for p in group
        )
    return prices


def _amount(
    memo: dict[Any, Any],
    key: tuple[object, ...],
    unit: pricing.UnitParts,
    units: int,
    reduced: int,
) -> float:
    """``units`` of a row in dollars, ``reduced`` of them with half their PE; once per batch."""
    amount_key = (key, units, reduced)
    amount: float | None = memo.get(amount_key)
    if amount is None:
        amount = memo[amount_key] = pricing.dollars(pricing.cents(unit, units, reduced))
    return amount


def _unit_parts(
    rvu: dict[str, Any], facility: bool, gpci: pricing.Gpcis
) -> tuple[pricing.UnitParts, bool]:
    """One unit's priced parts, and whether the therapy MPPR applies to it."""
    return (
        pricing.unit_parts(pricing.rvus(rvu), gpci, facility),
        rvu["multiple_procedure"] == THERAPY_MPPR_INDICATOR,
    )


def _reduce_therapy_pe(
    day: date, group: list[_Priced], prices: dict[int, LinePrice], memo: dict[Any, Any]
) -> None:
    """Pay the one unit with the highest PE in full and every other unit's PE at half."""
    if sum(p.line.units for p in group) < 2:
        return
    # The first line wins a tie, so the answer does not depend on anything but the claim.
    first = max(group, key=lambda p: (p.parts.pe, -p.line.number))
    for priced in group:
        line = priced.line
        reduced = line.units - 1 if priced is first else line.units
        if reduced == 0:
            continue
        amount = _amount(memo, priced.key, priced.parts, line.units, reduced)
        unreduced = prices[line.number].amount or 0.0
        where = (
            f"line {line.number} has the day's highest"
            if priced is first
            else f"line {first.line.number} has the highest"
        )
        prices[line.number] = LinePrice(
            amount,
            (
                {
                    "kind": THERAPY_MPPR,
                    "units_reduced": reduced,
                    "reduction": round(unreduced - amount, 2),
                    "note": f"Therapy multiple procedure payment reduction on {day}: practice "
                    f"expense of {reduced} unit{'s' if reduced > 1 else ''} paid at 50% "
                    f"({where} practice expense, paid in full once).",
                },
            ),
        )


def _gpci(ctx: ClaimContext) -> tuple[object, pricing.Gpcis]:
    """The claim locality's GPCIs, national (1.0) when it names none or no GPCI file is loaded,
    with a key that tells them apart from other releases' and localities'."""
    found = ctx.gpci()
    if found is None:
        return None, pricing.NATIONAL
    answer, gpci = found
    key = ("gpci", answer.release.id, ctx.claim.locality)
    known: pricing.Gpcis | None = ctx.store.memo.get(key)
    if known is not None:
        return key, known
    if gpci is None:
        raise ClaimError(
            f"no Medicare locality {ctx.claim.locality} in {answer.release.label}",
            ctx.claim.id,
            field="locality",
        )
    known = ctx.store.memo[key] = pricing.gpcis(gpci["work_gpci"], gpci["pe_gpci"], gpci["mp_gpci"])
    return key, known
