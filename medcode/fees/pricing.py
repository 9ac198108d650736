"""The one Physician Fee Schedule arithmetic: what Medicare allows for a code in a locality.

Every face that shows a PFS amount prices it here — the code page's locality amounts and
chart, the API and CLI answers built from them (``medcode.fees.facts``) and the claim checker's
allowed amounts (``medcode.claims.payment``) — so a code page and a one-line claim of the same
code, locality and setting cannot disagree by a cent.

CMS's formula (PFS final rule, Addendum; Medicare Claims Processing Manual, ch. 12, §20)::

    amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor

with the facility PE RVU where the service is furnished in a facility, rounded to the cent
once, at the end (half up). Nothing else is applied: not the OPPS cap on imaging (its capped
prices are shown as CMS publishes them, not recomputed) nor anesthesia base units and time
(anesthesia codes are priced by their RVU row like any other, as before).

The arithmetic is exact and in whole numbers: CMS publishes RVUs with 2 decimals, GPCIs with 3
and the conversion factor with 4 (the columns medcode stores them in have those scales), so an
amount is a whole number of billionths of a dollar (10^-2 x 10^-3 x 10^-4) and the result a
whole number of cents. Integers give the same cents as exact decimals do, and are several times
cheaper for a chart of a hundred localities.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

#: Decimal places CMS publishes (and medcode stores): RVUs, GPCIs, the conversion factor.
RVU_PLACES = 2
GPCI_PLACES = 3
CF_PLACES = 4
#: Billionths of a dollar in a cent: an RVU x GPCI x CF product has 2 + 3 + 4 = 9 decimals.
_PER_CENT = 10 ** (RVU_PLACES + GPCI_PLACES + CF_PLACES - 2)

#: Status codes whose RVUs Medicare pays from (A: active; T: paid unless another service is
#: billed the same day). Under any other status the amounts are arithmetic, not payment.
PRICED_STATUS = frozenset({"A", "T"})

#: Status codes under which Medicare does not pay a line as billed (allowed amount 0), with how
#: firmly: "error" never paid as billed, "warning" paid only in some other way (bundled into
#: another service, excluded unless…), "info" a measurement code carrying no payment.
UNPAID = {
    "I": "error",
    "B": "warning",
    "N": "error",
    "E": "warning",
    "X": "error",
    "P": "warning",
    "D": "error",
    "F": "error",
    "G": "error",
    "H": "error",
    "M": "info",
}

#: The PFS multiple procedure indicator of services under the therapy multiple procedure
#: payment reduction (always-therapy codes and the other MPI-5 services).
THERAPY_MPPR_INDICATOR = "5"

#: Places of service where Medicare pays the facility practice-expense RVUs (hospital, SNF…).
FACILITY_POS = frozenset(
    {"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)


class Rvus(NamedTuple):
    """One RVU row's figures as whole numbers: RVUs in hundredths, the CF in ten-thousandths."""

    work: int
    pe_nonfacility: int
    pe_facility: int
    mp: int
    cf: int


class Gpcis(NamedTuple):
    """A locality's geographic practice cost indices, in thousandths."""

    work: int
    pe: int
    mp: int


#: No locality: every GPCI 1.000 (the national amount).
NATIONAL = Gpcis(1000, 1000, 1000)


class UnitParts(NamedTuple):
    """One unit of a service in billionths of a dollar: the part the therapy MPPR never
    reduces (work and malpractice) and the practice expense."""

    work_mp: int
    pe: int


def scaled(value: Any, places: int) -> int:
    """A value as read from the store (Decimal, float, int, text; None or "" for 0) as a whole
    number of 10^-places. A value finer than CMS's scale is refused rather than rounded."""
    if value is None or value == "":
        return 0
    exact = Decimal(str(value)).scaleb(places)
    whole = exact.to_integral_value(rounding=ROUND_HALF_UP)
    if whole != exact:
        raise ValueError(f"{value!r} has more than {places} decimal places")
    return int(whole)


def rvus(row: dict[str, Any]) -> Rvus:
    """The figures of a ``fees_pfsrvu`` row (a dict of its columns) for pricing."""
    return Rvus(
        work=scaled(row["work_rvu"], RVU_PLACES),
        pe_nonfacility=scaled(row["nonfacility_pe_rvu"], RVU_PLACES),
        pe_facility=scaled(row["facility_pe_rvu"], RVU_PLACES),
        mp=scaled(row["mp_rvu"], RVU_PLACES),
        cf=scaled(row["conversion_factor"], CF_PLACES),
    )


def gpcis(work: Any, pe: Any, mp: Any) -> Gpcis:
    """A locality's work, PE and MP GPCIs (as read from ``fees_pfsgpciindex``) for pricing."""
    return Gpcis(scaled(work, GPCI_PLACES), scaled(pe, GPCI_PLACES), scaled(mp, GPCI_PLACES))


def unit_parts(r: Rvus, g: Gpcis, facility: bool) -> UnitParts:
    """One unit's work + MP and PE amounts in billionths of a dollar."""
    pe = r.pe_facility if facility else r.pe_nonfacility
    return UnitParts((r.work * g.work + r.mp * g.mp) * r.cf, pe * g.pe * r.cf)


def cents(parts: UnitParts, units: int = 1, reduced: int = 0) -> int:
    """``units`` of a service in cents, ``reduced`` of them with half their practice expense
    (the therapy MPPR), rounded half up once for the whole line."""
    # In half-billionths, so half a PE stays a whole number.
    half_billionths = 2 * parts.work_mp * units + parts.pe * (2 * (units - reduced) + reduced)
    return _round_half_up(half_billionths, 2 * _PER_CENT)


def price(r: Rvus, g: Gpcis, facility: bool) -> int:
    """One unit of the service in the locality, facility or non-facility, in cents."""
    return cents(unit_parts(r, g, facility))


def prices(r: Rvus, g: Gpcis) -> tuple[int, int]:
    """One unit's (non-facility, facility) amounts in the locality, in cents: ``price`` for
    both settings at once, for a chart of every locality (work and MP worked out once)."""
    base = r.work * g.work + r.mp * g.mp
    return (
        _to_cents((base + r.pe_nonfacility * g.pe) * r.cf),
        _to_cents((base + r.pe_facility * g.pe) * r.cf),
    )


def national(total_rvu: Any, conversion_factor: Any) -> int:
    """The national amount CMS lists beside a row (its published total RVUs x CF, no GPCI), in
    cents: the total is CMS's own sum of the rounded RVUs, so this is the file's figure."""
    millionths = scaled(total_rvu, RVU_PLACES) * scaled(conversion_factor, CF_PLACES)
    return _round_half_up(millionths, 10 ** (RVU_PLACES + CF_PLACES - 2))


def dollars(amount_cents: int) -> float:
    """Cents as the float dollars the answers carry (123.45)."""
    return amount_cents / 100


def _to_cents(billionths: int) -> int:
    if billionths >= 0:  # always, from CMS's figures: half up is floor(x + half)
        return (billionths + _PER_CENT // 2) // _PER_CENT
    return _round_half_up(billionths, _PER_CENT)


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to a whole number, halves away from zero (as
    Decimal's ROUND_HALF_UP, which CMS's published amounts follow)."""
    quotient = (abs(numerator) * 2 + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient
