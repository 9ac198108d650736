"""A NUL in a query string is a clear 400 everywhere, on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=knee%00pain",
        "/careers/?q=coder%00",
        "/consult/library?q=%00",
        "/guides/?code=9%00",
    ],
)
def test_a_nul_in_a_page_query_is_refused_with_a_message(url: str) -> None:
    answer = Client().get(url)
    assert answer.status_code == 400
    assert b"NUL character" in answer.content


def test_a_nul_in_an_api_query_gets_the_one_error_shape() -> None:
    answer = Client().get("/api/v1/jobs?q=coder%00")
    assert answer.status_code == 400
    assert answer.json()["ok"] is False and "NUL" in answer.json()["error"]


def test_an_ordinary_query_passes() -> None:
    assert Client().get("/careers/?q=coder").status_code == 200
