"""Errors are logged with their traceback and request id; the access log keeps queries private."""

from __future__ import annotations

import io
import json
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from medcode.web.logconfig import logging_config

pytestmark = pytest.mark.django_db


def _capture(fmt: str) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    config = logging_config(fmt)
    config["handlers"]["stderr"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def text_log() -> Iterator[io.StringIO]:
    yield from _capture("text")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    yield from _capture("json")


def _failing_client() -> Client:
    return Client(raise_request_exception=False)


@override_settings(ROOT_URLCONF="medcode.web.tests.urls")
def test_a_view_that_raises_is_logged_with_traceback_and_request_id(text_log: io.StringIO) -> None:
    response = _failing_client().get("/test/fail?date=2026-01-02")

    assert response.status_code == 500
    rid = response["X-Request-ID"]
    log = text_log.getvalue()
    error = next(line for line in log.splitlines() if " ERROR django.request " in line)
    assert f"[{rid}]" in error
    assert "Internal Server Error: /test/fail" in error
    assert "Traceback (most recent call last)" in log
    assert "DeliberateFailure: the test view failed on purpose" in log
    assert f"[{rid}] GET /test/fail?date=2026-01-02 500" in log  # the access line


@override_settings(ROOT_URLCONF="medcode.web.tests.urls")
def test_json_lines_carry_the_traceback_and_request_id(json_log: io.StringIO) -> None:
    response = _failing_client().get("/test/fail", HTTP_X_REQUEST_ID="nginx-given-id-0001")

    assert response["X-Request-ID"] == "nginx-given-id-0001"
    records = [json.loads(line) for line in json_log.getvalue().splitlines()]
    error = next(r for r in records if r["level"] == "ERROR")
    assert error["logger"] == "django.request"
    assert error["request_id"] == "nginx-given-id-0001"
    assert "DeliberateFailure: the test view failed on purpose" in error["exc_info"]
    access = next(r for r in records if r["logger"] == "medcode.access")
    assert (access["method"], access["path"], access["status"]) == ("GET", "/test/fail", 500)


def test_a_request_id_of_an_unsafe_shape_is_replaced(text_log: io.StringIO) -> None:
    response = Client().get("/api/v1/releases", HTTP_X_REQUEST_ID="x\nFAKE ERROR line")

    assert response["X-Request-ID"] != "x\nFAKE ERROR line"
    assert "FAKE" not in text_log.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=PRIVATE+words",
        "/search/suggest?q=PRIVATE",
        "/api/v1/search?q=PRIVATE",
        "/claims/check?PRIVATE=1",
        "/api/v1/claims/check?locality=PRIVATE",
    ],
)
def test_the_access_log_leaves_out_what_users_typed(text_log: io.StringIO, url: str) -> None:
    client = Client(raise_request_exception=False)
    response: Any = client.get(url)

    path = url.split("?")[0]
    line = next(line for line in text_log.getvalue().splitlines() if "medcode.access" in line)
    assert f"GET {path} {response.status_code}" in line
    assert "PRIVATE" not in text_log.getvalue()


def test_the_access_log_keeps_the_query_of_a_code_page(text_log: io.StringIO) -> None:
    Client().get("/api/v1/codes/ZZZZZ?date=2026-01-02")

    assert "GET /api/v1/codes/ZZZZZ?date=2026-01-02 " in text_log.getvalue()
