"""Dates of service are YYYY-MM-DD, the one documented form, in the CLI, the API and the pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from medcode.cli import main
from medcode.releases.dates import BadDate, as_of_param, parse_as_of

# Each of these Python's date.fromisoformat accepts (or nearly), and medcode does not document.
UNDOCUMENTED = [
    "2026-W01-1",
    "20260504",
    "2026-05-04T00:00",
    "2026-5-4",
    "\uff12\uff10\uff12\uff16-05-04",
]
MESSAGE = "is not a date: write it as YYYY-MM-DD (e.g. 2026-05-04)"


def test_the_documented_form_is_read() -> None:
    assert parse_as_of("2026-05-04") == date(2026, 5, 4)
    assert parse_as_of(" 2024-02-29 ") == date(2024, 2, 29)


@pytest.mark.parametrize("text", [*UNDOCUMENTED, "2026-02-30", "2026-13-01", "", "today"])
def test_other_forms_are_refused_with_one_message(text: str) -> None:
    with pytest.raises(BadDate) as refused:
        parse_as_of(text)

    assert str(refused.value) == f"date {text.strip()!r} {MESSAGE}"


@pytest.mark.parametrize("text", UNDOCUMENTED)
def test_the_cli_refuses_them_with_exit_2(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["code", "G0283", "--date", text])

    assert stopped.value.code == 2
    assert MESSAGE in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize("text", UNDOCUMENTED)
def test_the_api_and_the_pages_refuse_them_with_400(text: str) -> None:
    client = Client()
    answers = {
        "code API": client.get("/api/v1/codes/G0283", {"date": text}),
        "search API": client.get("/api/v1/search", {"q": "stim", "date": text}),
        "code page": client.get("/codes/G0283", {"date": text}),
        "search page": client.get("/search", {"q": "stim", "date": text}),
    }

    for where, response in answers.items():
        assert response.status_code == 400, where
        body = response.content.decode()
        assert MESSAGE in body or MESSAGE.replace("'", "&#x27;") in body, where


@pytest.mark.parametrize("text", ["20260504", "2026-W01-1"])
def test_a_claims_date_of_service_is_read_the_same_way(text: str) -> None:
    from medcode.claims.claim import ClaimError, parse_claim

    claim = {
        "id": "c1",
        "payer": "medicare",
        "setting": "practitioner",
        "place_of_service": "11",
        "date_of_service": text,
        "locality": "10112-00",
        "diagnoses": ["M17.11"],
        "lines": [{"code": "97110", "units": 1}],
    }
    with pytest.raises(ClaimError, match="expected a date as YYYY-MM-DD"):
        parse_claim(claim)


def test_a_blank_date_of_service_is_today_or_the_default_given() -> None:
    assert as_of_param(None) == date.today() == as_of_param("  ")
    assert as_of_param("", date(2026, 1, 1)) == date(2026, 1, 1)
    assert as_of_param(" 2026-05-04 ", date(2026, 1, 1)) == date(2026, 5, 4)
    with pytest.raises(BadDate, match=re.escape(MESSAGE)):
        as_of_param("2026-5-4")


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["20260504", "2026-02-30"])
def test_every_other_endpoint_and_page_gives_the_one_message(text: str) -> None:
    from medcode.guides.content import guides

    client = Client()
    guide = sorted(guides())[0]
    answers = {
        "guide API": client.get(f"/api/v1/guides/{guide}", {"date": text}),
        "assistant API": client.post(
            "/api/v1/assistant/ask",
            {"question": "What is G0283?", "date": text},
            content_type="application/json",
        ),
        "guide page": client.get(f"/guides/{guide}", {"date": text}),
        "assistant page": client.get("/assistant", {"q": "What is G0283?", "date": text}),
    }

    for where, response in answers.items():
        body = response.content.decode()
        assert MESSAGE in body or MESSAGE.replace("'", "&#x27;") in body, where
    assert answers["guide API"].status_code == answers["assistant API"].status_code == 400
