"""The one fee arithmetic (medcode.fees.pricing) against amounts worked by hand.

The figures are 97110's row of boundary_PPRRVU2026_Jan.csv (work 0.45, non-facility PE 0.50,
facility PE 0.20, MP 0.02, CF 33.4009) and the Alabama and invented San Francisco localities
of boundary_GPCI2026.csv, priced with the formula CMS publishes:
(work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF, rounded half up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode.fees import pricing

ROW = {
    "work_rvu": "0.45",
    "nonfacility_pe_rvu": "0.50",
    "facility_pe_rvu": "0.20",
    "mp_rvu": "0.02",
    "conversion_factor": "33.4009",
}
ALABAMA = pricing.gpcis("1", "0.871", "0.577")
SAN_FRANCISCO = pricing.gpcis("1.091", "1.42", "0.444")


def test_a_non_facility_service_in_alabama() -> None:
    # 0.45 x 1.000 + 0.50 x 0.871 + 0.02 x 0.577 = 0.45 + 0.4355 + 0.01154 = 0.89704;
    # 0.89704 x 33.4009 = 29.961943336 -> $29.96.
    assert pricing.price(pricing.rvus(ROW), ALABAMA, facility=False) == 2996


def test_a_facility_service_takes_the_facility_pe() -> None:
    # 0.45 + 0.20 x 0.871 + 0.01154 = 0.63574; x 33.4009 = 21.234288166 -> $21.23.
    assert pricing.price(pricing.rvus(ROW), ALABAMA, facility=True) == 2123


def test_every_gpci_weighs_its_own_rvu() -> None:
    # 0.45 x 1.091 + 0.50 x 1.42 + 0.02 x 0.444 = 0.49095 + 0.71 + 0.00888 = 1.20983;
    # x 33.4009 = 40.409410847 -> $40.41.
    assert pricing.price(pricing.rvus(ROW), SAN_FRANCISCO, facility=False) == 4041


def test_without_a_locality_every_gpci_is_one() -> None:
    # 0.45 + 0.50 + 0.02 = 0.97; x 33.4009 = 32.398873 -> $32.40.
    assert pricing.price(pricing.rvus(ROW), pricing.NATIONAL, facility=False) == 3240
    assert pricing.national("0.97", "33.4009") == 3240


def test_half_the_pe_of_reduced_units_and_one_rounding_per_line() -> None:
    # Two units, one with half its PE (the therapy MPPR):
    # 2 x (0.45 + 0.01154) + 0.4355 x (1 + 0.5) = 0.92308 + 0.65325 = 1.57633;
    # x 33.4009 = 52.650840697 -> $52.65.
    parts = pricing.unit_parts(pricing.rvus(ROW), ALABAMA, facility=False)
    assert pricing.cents(parts, units=2, reduced=1) == 5265
    assert pricing.cents(parts, units=2) == 5992  # 2 x 29.961943336 = 59.923886672


@pytest.mark.parametrize(
    ("cf", "expected"),
    [("0.0050", 1), ("0.0250", 3), ("0.0049", 0), ("0.0150", 2)],
)
def test_halves_round_up_as_cms_rounds(cf: str, expected: int) -> None:
    # 1.00 work RVU x 1.000 x CF: exactly half a cent rounds up (not to even: 0.025 -> 0.03).
    row = {**ROW, "work_rvu": "1.00", "nonfacility_pe_rvu": "0", "mp_rvu": "0"}
    figures = pricing.rvus({**row, "conversion_factor": cf})
    assert pricing.price(figures, pricing.NATIONAL, facility=False) == expected


def test_every_locality_of_a_chart_prices_both_settings_alike() -> None:
    figures = pricing.rvus(ROW)
    for place in (ALABAMA, SAN_FRANCISCO, pricing.NATIONAL):
        assert pricing.prices(figures, place) == (
            pricing.price(figures, place, facility=False),
            pricing.price(figures, place, facility=True),
        )
    assert pricing.prices(figures, ALABAMA) == (2996, 2123)


def test_figures_read_from_either_database_price_alike() -> None:
    # SQLite hands back floats and ints, PostgreSQL Decimals, a csv text.
    as_floats = {k: float(v) for k, v in ROW.items()}
    as_decimals = {k: Decimal(v) for k, v in ROW.items()}
    assert pricing.rvus(as_floats) == pricing.rvus(as_decimals) == pricing.rvus(ROW)
    assert pricing.rvus({**ROW, "mp_rvu": None}).mp == 0


def test_a_figure_finer_than_cms_publishes_is_refused() -> None:
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        pricing.rvus({**ROW, "work_rvu": "0.455"})


def test_status_and_places_are_fee_facts() -> None:
    assert "A" in pricing.PRICED_STATUS and "A" not in pricing.UNPAID
    assert pricing.UNPAID["I"] == "error" and pricing.UNPAID["B"] == "warning"
    assert "11" not in pricing.FACILITY_POS and "22" in pricing.FACILITY_POS


hundredths = st.integers(min_value=0, max_value=99_999)


@given(
    work=hundredths,
    pe=hundredths,
    mp=hundredths,
    gpci=st.tuples(*(st.integers(min_value=0, max_value=3_000),) * 3),
    cf=st.integers(min_value=0, max_value=999_999),
    units=st.integers(min_value=1, max_value=99),
    data=st.data(),
)
def test_whole_numbers_give_the_cents_exact_decimals_give(
    work: int,
    pe: int,
    mp: int,
    gpci: tuple[int, int, int],
    cf: int,
    units: int,
    data: st.DataObject,
) -> None:
    reduced = data.draw(st.integers(min_value=0, max_value=units))
    r = pricing.Rvus(work, pe, pe, mp, cf)
    g = pricing.Gpcis(*gpci)

    def d(value: int, places: int) -> Decimal:
        return Decimal(value).scaleb(-places)

    work_mp = (d(work, 2) * d(g.work, 3) + d(mp, 2) * d(g.mp, 3)) * d(cf, 4)
    pe_dollars = d(pe, 2) * d(g.pe, 3) * d(cf, 4)
    exact = work_mp * units + pe_dollars * (units - reduced + Decimal("0.5") * reduced)
    expected = int(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).scaleb(2))

    assert pricing.cents(pricing.unit_parts(r, g, False), units, reduced) == expected
    # The chart's both-settings form gives each setting's one-unit price.
    assert pricing.prices(r, g) == (pricing.price(r, g, False), pricing.price(r, g, True))


@pytest.mark.parametrize("billionths", [-15_000_000, -14_999_999, -5_000_000, 0, 25_000_000])
def test_rounding_matches_decimal_half_up_on_either_side_of_zero(billionths: int) -> None:
    # CMS publishes no negative RVU, but the arithmetic would not round one the wrong way.
    exact = Decimal(billionths).scaleb(-9).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert pricing._to_cents(billionths) == int(exact.scaleb(2))
