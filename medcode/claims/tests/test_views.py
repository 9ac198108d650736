"""The claim checker's web form over a small store (fixture GPCI and RVU files)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medcode.testing import load_file

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(db: None) -> None:
    load_file(FIXTURES / "claims_GPCI2025.csv", "pfs_gpci")
    load_file(FIXTURES / "claims_PPRRVU2025_Oct.csv", "pfs_pprrvu")


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


def form(client: Client) -> dict[str, str]:
    """The fields a browser would send from a fresh form (CSRF token included)."""
    page = client.get("/claims/check").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    return {
        "csrfmiddlewaretoken": token.group(1),
        "payer": "medicare",
        "setting": "practitioner",
        "place_of_service": "11",
        "date_of_service": "2025-05-05",
        "locality": "10112-00",
        "diagnoses": "M17.11",
        "output": "page",
    }


def typed(**lines: str) -> dict[str, str]:
    return {f"line-{key.replace('_', '-')}": value for key, value in lines.items()}


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]+)<', html))


def test_the_form_starts_with_six_labelled_line_rows_and_the_localities(store: None) -> None:
    html = Client().get("/claims/check").content.decode()

    for n in range(1, 7):
        assert f'<label class="visually-hidden" for="line-{n}-code">Line {n} code</label>' in html
    assert "line-7-code" not in html
    assert '<option value="10112-00"' in html and "ALABAMA" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_typed_claim_shows_its_lines_and_amounts_as_the_api_prices_them(
    store: None, client: Client
) -> None:
    data = form(client) | typed(**{"1_code": "97110", "1_modifiers": "GP", "1_units": "2"})
    api = client.post(
        "/api/v1/claims/check",
        {
            "payer": "medicare",
            "place_of_service": "11",
            "date_of_service": "2025-05-05",
            "locality": "10112-00",
            "diagnoses": ["M17.11"],
            "lines": [{"code": "97110", "modifiers": ["GP"], "units": 2}],
        },
        content_type="application/json",
    ).json()["claims"][0]

    response = client.post("/claims/check", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="results-heading">Findings</h2>' in html
    amount = api["lines"][0]["allowed_amount"]
    assert amount is not None and amount > 0
    assert f"${amount:,.2f}" in html
    for finding in api["findings"]:
        assert finding["rule"] in html
    assert 'value="97110"' in html  # what was typed is kept


def test_negative_units_are_shown_next_to_the_line_with_values_kept(
    store: None, client: Client
) -> None:
    data = form(client) | typed(
        **{"1_code": "97110", "3_code": "97140", "3_modifiers": "GP", "3_units": "-1"}
    )

    response = client.post("/claims/check", data)

    html = response.content.decode()
    assert response.status_code == 400
    # The blank row 2 is skipped, so the form's row 3 is the claim's line 2.
    assert errors(html) == {"line-3-units": "line 2: expected at least 1 unit, got -1"}
    assert 'aria-describedby="line-3-units-error"' in html
    assert 'value="-1"' in html and 'value="97140"' in html
    assert 'role="alert"' in html and 'href="#line-3-units"' in html


def test_an_unknown_payer_and_a_form_without_lines_are_named(store: None, client: Client) -> None:
    no_lines = client.post("/claims/check", form(client))
    bad_payer = client.post(
        "/claims/check", form(client) | {"payer": "medicore"} | typed(**{"1_code": "97110"})
    )

    assert "line-1-code" in errors(no_lines.content.decode())
    assert errors(bad_payer.content.decode())["payer"].startswith("expected one of medicare")


def test_add_line_gives_a_seventh_row_and_keeps_what_was_typed(store: None, client: Client) -> None:
    data = form(client) | typed(**{"1_code": "97110"}) | {"add_line": "1"}

    html = client.post("/claims/check", data).content.decode()

    assert 'id="line-7-code"' in html and "autofocus" in html
    assert 'value="97110"' in html
    assert "results-heading" not in html  # adding a line does not check the claim


def test_an_uploaded_csv_and_837_are_checked_claim_by_claim(store: None, client: Client) -> None:
    for name in ("claims.csv", "claims_837p.x12"):
        upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes())

        html = client.post("/claims/check", form(client) | {"file": upload}).content.decode()

        assert re.findall(r'<h3 id="claim-\d+-heading">Claim (\w+)', html) == ["c1", "c2", "c3"]


def test_a_truncated_upload_is_named_at_the_file_field(store: None, client: Client) -> None:
    cut = (FIXTURES / "claims_837p.x12").read_bytes()[:-40]

    response = client.post(
        "/claims/check", form(client) | {"file": SimpleUploadedFile("cut.x12", cut)}
    )

    assert response.status_code == 400
    assert "truncated" in errors(response.content.decode())["file"]


def test_an_upload_over_20_mb_is_refused_with_the_limit(store: None, client: Client) -> None:
    big = SimpleUploadedFile("big.csv", b"x" * (20 * 1024 * 1024 + 1))

    response = client.post("/claims/check", form(client) | {"file": big})

    assert "the limit is 20 MB" in errors(response.content.decode())["file"]


def test_findings_download_as_csv(store: None, client: Client) -> None:
    upload = SimpleUploadedFile("claims.json", (FIXTURES / "claims.json").read_bytes())

    response = client.post("/claims/check", form(client) | {"file": upload, "output": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("claim_id,rule,severity,lines,message")
    assert {line.split(",")[0] for line in lines[1:]} == {"c1", "c2", "c3"}


def test_the_form_needs_its_csrf_token_but_the_api_does_not(store: None, client: Client) -> None:
    data: dict[str, Any] = form(client) | typed(**{"1_code": "97110"})
    del data["csrfmiddlewaretoken"]
    fresh = Client(enforce_csrf_checks=True)

    assert fresh.post("/claims/check", data).status_code == 403
    api = fresh.post(
        "/api/v1/claims/check", (FIXTURES / "claims.csv").read_bytes(), content_type="text/csv"
    )
    assert api.status_code == 200
    assert [c["id"] for c in api.json()["claims"]] == ["c1", "c2", "c3"]


def test_the_api_reads_837_bodies_and_answers_csv_when_asked(store: None, client: Client) -> None:
    body = (FIXTURES / "claims_837p.x12").read_bytes()

    as_csv = client.post(
        "/api/v1/claims/check?locality=10112-00",
        body,
        content_type="application/edi-x12",
        headers={"Accept": "text/csv"},
    )
    truncated = client.post("/api/v1/claims/check", body[:-40], content_type="text/plain")

    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv.content.decode().startswith("claim_id,rule,severity")
    assert truncated.status_code == 400
    assert "truncated" in truncated.json()["error"]


def test_the_openapi_document_shows_the_three_body_types(store: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    body = schema["paths"]["/api/v1/claims/check"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "text/csv", "application/edi-x12"}
    assert body["application/json"]["example"]["lines"][0]["code"] == "97014"


# Prefilled from a guide's scenario (issue 13): /claims/check?claim=<medcode's JSON claim form>


def test_a_json_claim_in_the_query_prefills_the_form(store: None, client: Client) -> None:
    claim = (
        '{"id": "s-1", "payer": "medicare", "date_of_service": "2026-03-02", "diagnoses":'
        ' ["M25.561"], "therapy_amounts": {"pt_slp": 2600}, "lines": [{"code": "97110",'
        ' "modifiers": ["GP", "KX"], "units": 2, "minutes": 30}]}'
    )

    html = client.get("/claims/check", {"claim": claim}).content.decode()

    assert re.search(r'id="line-1-code"[^>]*value="97110"', html)
    assert re.search(r'id="line-1-modifiers"[^>]*value="GP KX"', html)
    assert re.search(r'id="line-1-minutes"[^>]*value="30"', html)
    assert re.search(r'id="date_of_service"[^>]*value="2026-03-02"', html)
    assert re.search(r'id="therapy_pt_slp"[^>]*value="2600"', html)
    assert re.search(r'id="diagnoses"[^>]*value="M25.561"', html)


@pytest.mark.parametrize("claim", ["not json", "[1, 2]", '{"lines": "97110"}'])
def test_what_is_not_a_claim_leaves_the_form_empty(store: None, client: Client, claim: str) -> None:
    response = client.get("/claims/check", {"claim": claim})

    assert response.status_code == 200
    assert re.search(r'id="line-1-code"[^>]*value=""', response.content.decode())
