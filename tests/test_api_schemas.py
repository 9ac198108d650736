"""Real answers against the OpenAPI document: each validates against its declared schema, and
the typed answer drops nothing the look-up and the claim checker return (issue 9)."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import jsonschema
import pytest
from django.test import Client

from medcode.claims.checker import check_claims
from medcode.claims.formats import read_claims
from medcode.codes.lookup import lookup
from medcode.releases.loader import Outcome
from medcode.search.engine import search
from tests.cms import icd10cm_codes

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

DAY = date(2026, 1, 15)
# HCPCS, CPT with fees and edits (27447 has PTP edits both ways, 97110 a therapy MPPR), an
# add-on code, a modifier, ICD-10-CM with a 7th character and with H54's acuity table, PCS.
CODES = ["G0283", "97014", "97110", "99213", "27447", "99292", "J3490", "GP", "S72.001A", "H54.7"]
CODES += ["O80", "E11.65", "0016070", "0583U"]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    doc: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return doc


def validate(answer: Any, schema: str, document: dict[str, Any]) -> None:
    """``answer`` against ``schema`` of the OpenAPI document (its refs resolved in the doc)."""
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    jsonschema.Draft202012Validator(root).validate(answer)


def sample_icd10cm() -> list[str]:
    codes = sorted(icd10cm_codes(2026, billable_only=True))
    return random.Random(9).sample(codes, 25)


@pytest.mark.parametrize("locality", [None, "10112-00"])
def test_real_code_answers_validate_and_keep_every_field(
    full_load: list[Outcome], document: dict[str, Any], locality: str | None
) -> None:
    client = Client()
    for code in CODES + sample_icd10cm():
        params = {"date": DAY.isoformat(), **({"locality": locality} if locality else {})}
        response = client.get(f"/api/v1/codes/{code}", params)
        assert response.status_code == 200, code
        answer = response.json()

        validate(answer, "CodeAnswer", document)
        # Compared as JSON text with sorted keys, so 1 and 1.0 or a dropped null differ.
        direct = lookup(code, DAY, locality=locality)
        assert json.dumps(answer, sort_keys=True) == json.dumps(direct, sort_keys=True), code


def test_a_cpt_answer_shows_fees_edits_and_locality_amounts(full_load: list[Outcome]) -> None:
    answer = Client().get("/api/v1/codes/27447", {"date": DAY.isoformat(), "locality": "10112-00"})

    info = answer.json()
    assert info["fees"]["rows"] and info["ptp"]["practitioner"]["as_column1"] > 0
    assert info["locality_fees"]["selected"]["amounts"][0]["non_facility_amount"] > 0
    assert "hcpcs" not in info and "tabular" not in info  # absent, not null


def test_a_claim_report_validates_and_keeps_every_field(
    full_load: list[Outcome], document: dict[str, Any]
) -> None:
    claim = {
        "id": "c1",
        "payer": "medicare",
        "date_of_service": DAY.isoformat(),
        "locality": "10112-00",
        "patient": {"sex": "M", "birth_date": "1950-02-01"},
        "diagnoses": ["M17.11", "O80"],
        "lines": [
            {"code": "97014", "modifiers": ["GP"], "units": 1},
            {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30},
            {"code": "97140", "modifiers": ["GP"], "units": 2, "minutes": 30},
            {"code": "27447", "units": 3},
            {"code": "20610"},
        ],
    }
    body = json.dumps(claim)

    response = Client().post("/api/v1/claims/check", body, content_type="application/json")

    assert response.status_code == 200
    report = response.json()
    validate(report, "ClaimReport", document)
    [result] = report["claims"]
    assert result["findings"] and any(line["adjustments"] for line in result["lines"])
    direct = check_claims(read_claims(body.encode(), "json"))
    assert json.dumps(report, sort_keys=True) == json.dumps(direct, sort_keys=True)


def test_errors_validate_against_the_error_schema(
    full_load: list[Outcome], document: dict[str, Any]
) -> None:
    client = Client()
    answers = [
        client.get("/api/v1/codes/Z9999"),
        client.get("/api/v1/codes/97014", {"date": "2026-02-30"}),
        client.get("/api/v1/search", {"q": "knee", "limit": "x"}),
        client.post("/api/v1/claims/check", "{", content_type="application/json"),
        client.post("/api/v1/assistant/ask", "{", content_type="application/json"),
    ]

    assert [a.status_code for a in answers] == [404, 400, 400, 400, 400]
    for answer in answers:
        validate(answer.json(), "ErrorAnswer", document)
        assert answer.json()["ok"] is False


def test_a_search_answer_validates_and_keeps_every_field(
    full_load: list[Outcome], document: dict[str, Any]
) -> None:
    response = Client().get("/api/v1/search", {"q": "knee replacment", "date": DAY.isoformat()})

    answer = response.json()
    validate(answer, "SearchAnswer", document)
    assert answer["results"]
    direct = search("knee replacment", DAY).to_dict()
    assert json.dumps(answer, sort_keys=True) == json.dumps(direct, sort_keys=True)
