"""The OpenAPI document declares the answer of every operation, for every status it gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def document() -> dict[str, Any]:
    response = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def test_every_operation_declares_a_json_schema_for_its_answer_and_each_error() -> None:
    doc = document()
    operations = [
        (method, path, op) for path, ops in doc["paths"].items() for method, op in ops.items()
    ]

    assert (
        len(operations) >= 11
    )  # releases, codes, search, claims, guides x2, assistant x3, jobs x2
    for method, path, op in operations:
        statuses = set(op["responses"])
        assert statuses & {"200", "201"}, (method, path)
        for status, response in op["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            assert schema and "$ref" in schema, (method, path, status)
            if int(status) >= 400:
                assert schema["$ref"].endswith("/ErrorAnswer"), (method, path, status)


def test_the_code_search_claim_and_error_answers_show_every_field() -> None:
    schemas = document()["components"]["schemas"]

    code = schemas["CodeAnswer"]["properties"]
    for name in ("code", "system", "fees", "mue", "ptp", "add_on", "coverage", "modifiers"):
        assert name in code
    assert {"rows", "status", "conversion_factor"} <= set(schemas["Fees"]["properties"])
    assert "national_non_facility_amount" in schemas["FeeRow"]["properties"]
    assert {"from", "to"} <= set(schemas["Crosswalk"]["required"])  # as the JSON names them
    assert {"results", "corrections", "sources"} <= set(schemas["SearchAnswer"]["properties"])
    assert {"findings", "lines", "total_at_risk"} <= set(schemas["ClaimResult"]["properties"])
    assert set(schemas["ErrorAnswer"]["required"]) == {"ok", "error"}


def test_the_claim_check_documents_its_three_body_formats_and_the_findings_csv() -> None:
    op = document()["paths"]["/api/v1/claims/check"]["post"]

    assert set(op["requestBody"]["content"]) == {
        "application/json",
        "text/csv",
        "application/edi-x12",
    }
    assert set(op["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ClaimReport"
    )


def test_an_answer_its_schema_does_not_describe_exactly_is_caught() -> None:
    from medcode.search.schemas import SearchAnswer
    from medcode.web.answers import AnswerMismatch, check_answer

    answer: dict[str, Any] = {
        "query": "knee",
        "date": "2026-05-04",
        "results": [
            {
                "code": "27447",
                "system": "CPT",
                "description": "Total knee arthroplasty",
                "billable": True,
                "score": 1.0,
                "matched": ["knee"],
            }
        ],
        "corrections": {},
        "message": None,
        "sources": [],
    }
    check_answer(SearchAnswer, answer)

    with pytest.raises(AnswerMismatch):
        check_answer(SearchAnswer, {**answer, "undeclared": 1})
    with pytest.raises(AnswerMismatch):  # 1 would come back as 1.0
        check_answer(SearchAnswer, {**answer, "results": [{**answer["results"][0], "score": 1}]})
