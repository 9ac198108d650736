"""A code's fee on the code page and API equals the claim checker's allowed amount, to the cent.

For 500 seeded-random (payable code, locality, facility or not) triples drawn from the PFS
release in force, the API's locality amount (the figure the code page and its locality chart
show) must equal the allowed amount of a one-line Medicare claim of that code, in that locality,
at a place of service of that setting. Both faces price with ``medcode.fees.pricing``; this
test holds them to it over the real files, on both databases.
"""

from __future__ import annotations

import random
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from medcode.claims.checker import check_claims
from medcode.claims.claim import parse_claims
from medcode.fees.models import PfsGpciIndex, PfsRvu
from medcode.fees.pricing import PRICED_STATUS
from medcode.releases.loader import Outcome
from medcode.releases.store import Snapshot
from tests.claims import claim

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

# A date the loaded PFS release (RVU25D, October to December 2025) and GPCI file cover.
DAY = date(2025, 11, 17)
TRIPLES = 500
SEED = 9
OFFICE, OUTPATIENT_HOSPITAL = "11", "22"  # a non-facility and a facility place of service
PAGE_CHECKS = 25  # of the triples, also read off the code page's locality fees


def triples() -> list[tuple[str, str, bool]]:
    """(code, MAC-locality, facility) drawn with a fixed seed from the releases in force."""
    snap = Snapshot(DAY)
    rvu = snap.in_force("pfs_rvu")
    gpci = snap.in_force("pfs_gpci")
    assert rvu is not None and gpci is not None
    codes = sorted(
        PfsRvu.objects.filter(
            release_id=rvu.release.id, modifier="", status_code__in=PRICED_STATUS
        ).values_list("hcpcs", flat=True)
    )
    places = sorted(
        f"{mac}-{locality}"
        for mac, locality in PfsGpciIndex.objects.filter(release_id=gpci.release.id).values_list(
            "mac", "locality"
        )
    )
    assert len(codes) > 1000 and len(places) > 100
    pick = random.Random(SEED)
    return [(pick.choice(codes), pick.choice(places), pick.random() < 0.5) for _ in range(TRIPLES)]


def page_amount(code: str, locality: str, facility: bool) -> str:
    """The amount the code page's locality fees show for the global row, as written there."""
    response = Client().get(f"/codes/{code}/fees", {"date": DAY.isoformat(), "locality": locality})
    assert response.status_code == 200
    kind = "facility" if facility else "non-facility"
    found = re.search(rf'data-amount="{kind}">\s*\$([\d,]+\.\d\d)<', response.content.decode())
    assert found is not None, (code, locality)
    return found.group(1).replace(",", "")


def test_the_code_page_and_the_claim_checker_price_alike(full_load: list[Outcome]) -> None:
    drawn = triples()
    assert {facility for _, _, facility in drawn} == {True, False}

    api = Client()
    shown: list[float] = []
    for code, locality, facility in drawn:
        answer: dict[str, Any] = api.get(
            f"/api/v1/codes/{code}", {"date": DAY.isoformat(), "locality": locality}
        ).json()
        selected = answer["locality_fees"]["selected"]
        assert selected["locality"] == locality
        [main] = [a for a in selected["amounts"] if a["modifier"] is None]
        shown.append(main["facility_amount" if facility else "non_facility_amount"])

    claims = [
        claim(
            {"code": code, "units": 1},
            id=f"t{n}",
            date_of_service=DAY.isoformat(),
            locality=locality,
            place_of_service=OUTPATIENT_HOSPITAL if facility else OFFICE,
        )
        for n, (code, locality, facility) in enumerate(drawn)
    ]
    report = check_claims(parse_claims(claims))["claims"]
    allowed = [result["lines"][0]["allowed_amount"] for result in report]

    differ = [
        (triple, api_amount, claim_amount)
        for triple, api_amount, claim_amount in zip(drawn, shown, allowed, strict=True)
        if api_amount != claim_amount
    ]
    assert differ == []
    assert len(allowed) == TRIPLES and sum(1 for a in allowed if a) > TRIPLES // 2
    # The page writes the same figure as the API, to the cent.
    for (code, locality, facility), claim_amount in list(zip(drawn, allowed, strict=True))[
        :PAGE_CHECKS
    ]:
        assert page_amount(code, locality, facility) == f"{claim_amount:.2f}"
