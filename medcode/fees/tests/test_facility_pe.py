"""Facility and non-facility practice expense kept apart on every face: facts, code page, API,
CLI and a priced claim.

The fixtures (written by hand in CMS's layouts) give 97110 a non-facility PE RVU of 0.50 and
a facility PE RVU of 0.20, so a swap changes every figure below. Expected amounts are worked
out here from the fixture's values, with the formula CMS publishes:
(work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from medcode import cli
from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.codes.lookup import lookup
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "fees" / "tests" / "fixtures"
DAY = date(2026, 2, 10)

# 97110 in boundary_PPRRVU2026_Jan.csv, and the Alabama locality in boundary_GPCI2026.csv.
WORK, PE_NF, PE_F, MP, CF = (Decimal(v) for v in ("0.45", "0.50", "0.20", "0.02", "33.4009"))
AL = (Decimal(1), Decimal("0.871"), Decimal("0.577"))


def dollars(work_g: Decimal, pe_rvu: Decimal, pe_g: Decimal, mp_g: Decimal) -> float:
    amount = (WORK * work_g + pe_rvu * pe_g + MP * mp_g) * CF
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


NATIONAL_NF = dollars(Decimal(1), PE_NF, Decimal(1), Decimal(1))
NATIONAL_F = dollars(Decimal(1), PE_F, Decimal(1), Decimal(1))
AL_NF = dollars(AL[0], PE_NF, AL[1], AL[2])
AL_F = dollars(AL[0], PE_F, AL[1], AL[2])


@pytest.fixture
def fees(db: None) -> None:
    load_file(FIXTURES / "boundary_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "boundary_GPCI2026.csv", "pfs_gpci")


def test_the_figures_differ_so_a_swap_would_show() -> None:
    assert NATIONAL_NF != NATIONAL_F and AL_NF != AL_F


def test_the_fee_facts_keep_facility_and_non_facility_apart(fees: None) -> None:
    [row] = lookup("97110", DAY)["fees"]["rows"]

    assert (row["non_facility_pe_rvu"], row["facility_pe_rvu"]) == (float(PE_NF), float(PE_F))
    assert (row["non_facility_total"], row["facility_total"]) == (
        float(WORK + PE_NF + MP),
        float(WORK + PE_F + MP),
    )
    assert (row["national_non_facility_amount"], row["national_facility_amount"]) == (
        NATIONAL_NF,
        NATIONAL_F,
    )


def test_the_locality_amounts_keep_facility_and_non_facility_apart(fees: None) -> None:
    answer = lookup("97110", DAY, locality="10112-00")["locality_fees"]

    [amount] = answer["selected"]["amounts"]
    assert (amount["non_facility_amount"], amount["facility_amount"]) == (AL_NF, AL_F)


def test_the_locality_chart_keeps_facility_and_non_facility_apart(
    fees: None, client: Client
) -> None:
    response = client.get("/codes/97110/fees", {"date": DAY.isoformat(), "locality": "10112-00"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"${AL_NF:,.2f}" in html and f"${AL_F:,.2f}" in html
    assert html.index(f"${AL_NF:,.2f}") < html.index(f"${AL_F:,.2f}")


def cells(html: str, heading: str) -> list[str]:
    """The cells of the fee table row whose first cell is ``heading``."""
    table = html[html.index("PE non-facility") :]
    match = re.search(r"<tr><th[^>]*>" + re.escape(heading) + r"</th>(.*?)</tr>", table, re.S)
    assert match, f"no fee row {heading!r} on the page"
    return [
        re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1], re.S)
    ]


def test_the_code_page_shows_each_pe_in_its_column(fees: None, client: Client) -> None:
    response = client.get("/codes/97110", {"date": DAY.isoformat()})

    assert response.status_code == 200
    work, pe_nf, pe_f, mp, total_nf, total_f, amount_nf, amount_f = cells(
        response.content.decode(), "(global)"
    )[:8]
    assert (work, mp) == ("0.45", "0.02")
    assert (pe_nf, pe_f) == ("0.5", "0.2")
    assert (total_nf, total_f) == ("0.97", "0.67")
    assert (amount_nf, amount_f) == (f"${NATIONAL_NF:,.2f}", f"${NATIONAL_F:,.2f}")


def test_the_api_gives_each_pe_under_its_name(fees: None, client: Client) -> None:
    response = client.get("/api/v1/codes/97110", {"date": DAY.isoformat(), "locality": "10112-00"})

    assert response.status_code == 200
    body = response.json()
    [row] = body["fees"]["rows"]
    assert (row["non_facility_pe_rvu"], row["facility_pe_rvu"]) == (float(PE_NF), float(PE_F))
    assert (row["national_non_facility_amount"], row["national_facility_amount"]) == (
        NATIONAL_NF,
        NATIONAL_F,
    )
    [amount] = body["locality_fees"]["selected"]["amounts"]
    assert (amount["non_facility_amount"], amount["facility_amount"]) == (AL_NF, AL_F)


def test_the_cli_json_and_text_give_each_pe_in_its_place(
    fees: None, capsys: pytest.CaptureFixture[str]
) -> None:
    day = DAY.isoformat()
    assert cli.main(["code", "97110", "--date", day, "--json", "--locality", "10112-00"]) == 0
    body = json.loads(capsys.readouterr().out)
    [row] = body["fees"]["rows"]
    assert (row["non_facility_pe_rvu"], row["facility_pe_rvu"]) == (float(PE_NF), float(PE_F))
    [amount] = body["locality_fees"]["selected"]["amounts"]
    assert (amount["non_facility_amount"], amount["facility_amount"]) == (AL_NF, AL_F)

    assert cli.main(["code", "97110", "--date", day, "--locality", "10112-00"]) == 0
    text = capsys.readouterr().out
    # The fee table row: mod, work, PE nf, PE f, MP, RVU nf, RVU f, $ nf, $ f, …
    [fee_row] = [ln for ln in text.splitlines() if "0.45" in ln]
    assert [c.strip() for c in fee_row.split("\u2502")][1:9] == [
        "0.45",
        "0.5",
        "0.2",
        "0.02",
        "0.97",
        "0.67",
        f"{NATIONAL_NF}",
        f"{NATIONAL_F}",
    ]
    assert f"non-facility ${AL_NF:,.2f}  facility ${AL_F:,.2f}" in text


@pytest.mark.parametrize(("place", "expected"), [("11", AL_NF), ("22", AL_F), ("21", AL_F)])
def test_a_claim_is_priced_with_the_pe_of_its_place_of_service(
    fees: None, place: str, expected: float
) -> None:
    data = {
        "id": "pe1",
        "payer": "medicare",
        "date_of_service": DAY.isoformat(),
        "place_of_service": place,
        "locality": "10112-00",
        "lines": [{"code": "97110", "modifiers": ["GP"], "units": 1, "minutes": 15}],
    }

    result = check_claim(parse_claim(data))

    assert [line["allowed_amount"] for line in result["lines"]] == [expected]
