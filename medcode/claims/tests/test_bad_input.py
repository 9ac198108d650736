"""Input that once crashed the checker (issue 8) is a ClaimError naming claim, line and field:
400 from the API and the web form, exit 2 from `medcode check`, never a 500 or a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medcode.claims.claim import ClaimError
from medcode.claims.formats import read_claims
from medcode.claims.tests.x12 import interchange
from medcode.cli import main

pytestmark = pytest.mark.django_db


def claim_json(**changes: Any) -> str:
    """A good claim as JSON text, with ``changes`` applied (``line_<field>`` to its line)."""
    line: dict[str, Any] = {"code": "97110", "modifiers": ["GP"], "units": 1}
    data: dict[str, Any] = {
        "id": "c1",
        "payer": "medicare",
        "date_of_service": "2026-05-04",
        "locality": "10112-00",
        "diagnoses": ["M17.11"],
        "lines": [line],
    }
    for name, value in changes.items():
        if name.startswith("line_"):
            line[name[5:]] = value
        else:
            data[name] = value
    return json.dumps(data)


# (name, body, what the error must say). JSON escapes keep lone surrogates in the text.
CASES = [
    ("nested 2,000 deep", "[" * 2000 + "]" * 2000, "nested more than 10 deep"),
    (
        "units of 5,000 digits",
        claim_json(line_units=0).replace('"units": 0', '"units": ' + "9" * 5000),
        "claim c1, line 1, field 'units': expected a whole number, got a number of 5,000 digits",
    ),
    (
        "a lone surrogate in a code",
        claim_json(line_code="97\udfff"),
        "claim c1, line 1, field 'code': '97\\udfff'",
    ),
    (
        "a lone surrogate in a diagnosis",
        claim_json(diagnoses=["\udfff"]),
        "claim c1, field 'diagnoses'",
    ),
    (
        "a lone surrogate in a modifier",
        claim_json(line_modifiers=["G\udfff"]),
        "claim c1, line 1, field 'modifiers'",
    ),
    (
        "a lone surrogate in a locality",
        claim_json(locality="10112-\udfff"),
        "claim c1, field 'locality'",
    ),
    (
        "a lone surrogate in a claim id",
        claim_json(id="\udfff"),
        "claim 1, field 'id': '\\udfff'",
    ),
    (
        "an escape sequence in a claim id",
        claim_json(id="\x1b]8;;http://x\x07c1"),
        "claim 1, field 'id': '\\x1b]8;;http://x\\x07c1': U+001B at character 1 is a control",
    ),
    ("infinite units", claim_json(line_units=float("inf")), "got inf"),
    ("a date that is a list", claim_json(date_of_service=[1]), "got a list"),
    ("a payer that is an object", claim_json(payer={"a": 1}), "got an object"),
    ("a code of a megabyte", claim_json(line_code="9" * 1_000_000), "expected at most 20"),
]
for quantity in ("inf", "nan", "1e400", "-", "1_0"):
    CASES.append(
        (
            f"SV1-04 of {quantity}",
            interchange([f"SV1*HC:97110:GP*50*UN*{quantity}"]),
            f"segment 11 (SV1), field SV1-04, claim c1, line 1, field 'units': expected a quantity "
            f"(a decimal number), got '{quantity}'",
        )
    )
CASES.append(
    (
        "a CSV unit of 1e400",
        "claim_id,payer,date_of_service,code,units\nc1,medicare,2026-05-04,97110,1e400\n",
        "row 2, column units, claim c1, line 1, field 'units': expected a whole number, got inf",
    )
)
IDS = [name for name, _, _ in CASES]


def body_bytes(body: str) -> bytes:
    # JSON bodies escape their surrogates, so they encode; the rest is plain text.
    return body.encode("utf-8")


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=IDS)
def test_the_readers_name_what_is_wrong(name: str, body: str, expected: str) -> None:
    with pytest.raises(ClaimError) as caught:
        read_claims(body_bytes(body))

    assert expected in str(caught.value)
    str(caught.value).encode("utf-8")  # the message itself can be sent and printed


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=IDS)
def test_the_api_answers_400_naming_what_is_wrong(name: str, body: str, expected: str) -> None:
    response = Client().post("/api/v1/claims/check", body_bytes(body), content_type="text/plain")

    assert response.status_code == 400
    assert expected in response.json()["error"]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=IDS)
def test_the_web_form_answers_400_at_the_file_field(name: str, body: str, expected: str) -> None:
    upload = SimpleUploadedFile("claims.txt", body_bytes(body), "text/plain")

    response = Client().post("/claims/check", {"payer": "medicare", "file": upload})

    assert response.status_code == 400
    assert 'id="file-error"' in response.content.decode()


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=IDS)
def test_the_cli_exits_2_naming_what_is_wrong(
    name: str, body: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.txt"
    path.write_bytes(body_bytes(body))

    status = main(["check", str(path)])

    captured = capsys.readouterr()
    assert status == 2
    assert expected in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_an_escape_sequence_typed_as_the_claim_id_is_shown_at_that_field() -> None:
    data = {
        "payer": "medicare",
        "date_of_service": "2026-05-04",
        "claim_id": "\x1b[2Jc1",
        "line-1-code": "97110",
    }

    response = Client().post("/claims/check", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="claim_id-error"' in html and "U+001B at character 1 is a control" in html
    assert "\x1b" not in html.split('id="claim_id-error"')[1].split("<")[0]
