"""Every error the API gives has one shape, ``{"ok": false, "error": ...}``, with its status."""

from __future__ import annotations

import pytest
from django.test import Client

from medcode.guides.content import guides
from medcode.web.errors import ApiError, NotFound

pytestmark = pytest.mark.django_db


def client() -> Client:
    return Client(HTTP_HOST="localhost")


def test_a_body_that_is_not_json_is_a_400_naming_the_body() -> None:
    response = client().post("/api/v1/assistant/ask", "{bad", content_type="application/json")

    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False
    assert answer["error"].startswith("body: not JSON (")
    assert "detail" not in answer


def test_a_body_missing_a_field_is_a_400_naming_the_field() -> None:
    response = client().post("/api/v1/assistant/ask", "{}", content_type="application/json")

    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False
    assert answer["error"].startswith("body.question: ")
    assert answer["detail"][0]["loc"] == ["body", "body", "question"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/codes/97014?date=2026-02-30",
        "/api/v1/search?q=knee&date=05/04/2026",
        "/api/v1/guides/{guide}?date=20260504",
    ],
)
def test_a_bad_date_is_one_message_on_every_endpoint(url: str) -> None:
    response = client().get(url.format(guide=sorted(guides())[0]))

    answer = response.json()
    assert response.status_code == 400
    assert answer["ok"] is False
    assert "is not a date: write it as YYYY-MM-DD (e.g. 2026-05-04)" in answer["error"]


def test_a_bad_limit_and_an_unknown_code_answer_in_the_same_shape() -> None:
    limit = client().get("/api/v1/search", {"q": "knee", "limit": "many"})
    unknown = client().get("/api/v1/codes/Z9999")

    assert limit.status_code == 400
    assert limit.json() == {"ok": False, "error": "limit must be a whole number, got 'many'"}
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"ok", "error"} and unknown.json()["ok"] is False


def test_an_api_error_carries_its_status_and_extra_fields() -> None:
    error = NotFound("no such thing", where="here")

    assert (error.status, error.body()) == (
        404,
        {"ok": False, "error": "no such thing", "where": "here"},
    )
    assert ApiError("x", status=418).status == 418
