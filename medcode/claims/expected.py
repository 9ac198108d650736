"""What a payer is expected to pay for each line once the findings are taken into account.

``allowed_amount`` is the fee schedule amount after adjustments, as if every line were paid.
``expected_payment`` is what is left after the claim's error findings (docs/claims.md, "Expected
payment", has the reasoning per rule):

- an error finding that names lines denies those lines as billed: they expect nothing (PTP001,
  PTP002 until the line carries a modifier that bypasses the edit, MCS001, VAL001/VAL002/VAL004,
  AOC001, THR001-THR003, TIM001/TIM002, PAT001/PAT002);
- an error finding that names no line (VAL003, or a patient finding whose diagnosis no line
  points to) returns the whole claim: every line expects nothing;
- MUE001 denies only the units over the MUE: per line when the adjudication indicator is 1,
  over the day's lines of the code (in line order) when it is 2 or 3;
- warnings and notes change nothing.

The lines that remain are priced again with the units that remain, so the therapy multiple
procedure payment reduction is worked out among the lines that will be paid. ``at_risk`` is the
part of a line's allowed amount it is not expected to be paid, with the rules that put it at
risk (``at_risk_rules``); for payers medcode does not price, the amounts are null and the rules
are still listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from medcode.claims.claim import ClaimLine
from medcode.claims.context import ClaimContext
from medcode.claims.payment import LinePrice, price_lines, therapy_mppr_lines
from medcode.claims.rules.base import Finding

#: Rules that deny only some units of a line, not the line.
UNIT_RULES = frozenset({"MUE001"})


@dataclass(frozen=True)
class Expected:
    payment: float | None
    at_risk: float | None
    rules: tuple[str, ...] = ()


def expected_payments(
    ctx: ClaimContext, findings: list[Finding], prices: dict[int, LinePrice]
) -> dict[int, Expected]:
    """Each line's expected payment and the amount at risk, by line number."""
    claim = ctx.claim
    risky = [f for f in findings if f.severity == "error"]
    if not risky:
        return {
            number: Expected(price.amount, None if price.amount is None else 0.0)
            for number, price in prices.items()
        }
    every = tuple(line.number for line in claim.lines)
    rules: dict[int, list[str]] = {number: [] for number in every}
    denied: set[int] = set()
    capped: list[Finding] = []
    for finding in risky:
        if finding.rule in UNIT_RULES:
            capped.append(finding)
            continue
        for number in finding.lines or every:
            denied.add(number)
            if finding.rule not in rules[number]:
                rules[number].append(finding.rule)
    paid_units = {line.number: line.units for line in claim.lines if line.number not in denied}
    by_number = {line.number: line for line in claim.lines}
    for finding in capped:
        _cap_units(ctx, [by_number[n] for n in finding.lines], paid_units)
    for finding in capped:
        for number in finding.lines:
            short = number not in denied and paid_units.get(number) != by_number[number].units
            if short and finding.rule not in rules[number]:
                rules[number].append(finding.rule)
    kept: list[ClaimLine] = []
    changed: list[ClaimLine] = []  # lines paid for fewer units than billed
    for line in claim.lines:
        units = paid_units.get(line.number, 0)
        if units == line.units:
            kept.append(line)
        elif units > 0:
            changed.append(replace(line, units=units))
            kept.append(changed[-1])
    cut = [n for n in every if paid_units.get(n, 0) != by_number[n].units]
    repriced = dict(prices)
    for number in cut:
        if paid_units.get(number, 0) == 0:
            del repriced[number]
    mppr = therapy_mppr_lines(ctx)
    # Lines outside the therapy MPPR are priced on their own: only those paid for fewer units
    # change. A line cut from the MPPR changes how the others of the claim are reduced (the one
    # paid in full has no adjustment of its own), so those are priced again together.
    to_price = [line for line in changed if line.number not in mppr]
    if any(number in mppr for number in cut):
        to_price += [line for line in kept if line.number in mppr]
    if to_price:
        repriced.update(price_lines(ctx, to_price))
    result: dict[int, Expected] = {}
    for line in claim.lines:
        number = line.number
        allowed = prices[number].amount
        if allowed is None:
            result[number] = Expected(None, None, tuple(rules[number]))
            continue
        again = repriced.get(number)
        payment = 0.0 if again is None or again.amount is None else again.amount
        # Both are whole cents, so the difference rounded to the cent is exact.
        at_risk = round(allowed - payment, 2) if payment < allowed else 0.0
        result[number] = Expected(payment, at_risk, tuple(rules[number]))
    return result


def _cap_units(ctx: ClaimContext, lines: list[ClaimLine], paid_units: dict[int, int]) -> None:
    """Pay at most the MUE's units: per line for MAI 1, over the group (in line order) else."""
    if not lines:
        return
    edit = ctx.mue(lines[0].code)
    if edit is None:
        return
    value = int(edit["value"])
    if edit["adjudication_indicator"] == "1":
        for line in lines:
            if line.number in paid_units:
                paid_units[line.number] = min(paid_units[line.number], value)
        return
    left = value
    for line in sorted(lines, key=lambda x: x.number):
        if line.number not in paid_units:
            continue  # denied by another finding: it takes none of the day's units
        paid = min(paid_units[line.number], left)
        paid_units[line.number] = paid
        left -= paid


def total(amounts: list[float | None]) -> float | None:
    """The sum of the priced amounts (whole cents), None when no line is priced.

    ``fsum`` adds the floats exactly and rounding to the cent gives the float nearest the
    decimal total, as a sum in ``Decimal`` would, at a tenth of the cost.
    """
    priced = [a for a in amounts if a is not None]
    return round(math.fsum(priced), 2) if priced else None
