"""Claim checking endpoint, mounted at /api/v1/claims by medcode/api.py (docs/claims.md)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.claims.checker import check_claims
from medcode.claims.formats import FORMATS, MAX_UPLOAD_BYTES, read_claims
from medcode.claims.formats.findings_csv import findings_csv
from medcode.claims.limits import claims_per_request
from medcode.claims.schemas import ClaimReport
from medcode.web.answers import as_built
from medcode.web.errors import BadRequest, TooLarge, error_responses

router = Router(tags=["claims"])

_CLAIM_EXAMPLE = {
    "id": "c1",
    "payer": "medicare",
    "setting": "practitioner",
    "place_of_service": "11",
    "date_of_service": "2026-05-04",
    "locality": "10112-00",
    "diagnoses": ["M17.11"],
    "lines": [
        {"code": "97014", "modifiers": ["GP"], "units": 1},
        {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30},
    ],
}
# The body is read by the claim readers (JSON, CSV or X12, recognized from the content), not
# by a ninja Schema, so its three forms are described here; the answers are typed schemas.
_CLAIMS_BODY = {
    "requestBody": {
        "required": True,
        "description": "Claims as JSON (one claim or a list), CSV (one line per row, grouped by "
        "claim_id) or X12 837P; the format is recognized from the content unless ?format= says. "
        "See docs/claims.md.",
        "content": {
            "application/json": {
                "schema": {"oneOf": [{"type": "object"}, {"type": "array"}]},
                "example": _CLAIM_EXAMPLE,
            },
            "text/csv": {
                "schema": {"type": "string"},
                "example": "claim_id,payer,date_of_service,locality,diagnoses,code,modifiers,"
                "units,minutes\r\nc1,medicare,2026-05-04,10112-00,M17.11,97014,GP,1,\r\n"
                "c1,,,,,97110,GP,2,30\r\n",
            },
            "application/edi-x12": {
                "schema": {"type": "string"},
                "example": "ISA*00*...~GS*HC*...~ST*837*0001*005010X222A1~...~SE*..~GE*1*1~"
                "IEA*1*000000001~",
            },
        },
    },
    "parameters": [
        {
            "name": "format",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["json", "csv", "x12"]},
            "description": "read the body as this format instead of recognizing it",
        },
        {
            "name": "output",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["json", "csv"]},
            "description": "csv: findings as CSV, one row per finding (as Accept: text/csv)",
        },
        {
            "name": "locality",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "Medicare locality (MAC-locality) for 837 claims, which carry none",
        },
        {
            "name": "payer",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["medicare", "medicaid", "commercial"]},
            "description": "payer of 837 claims whose SBR-09 filing indicator is blank",
        },
    ],
    # Beside the typed JSON report (ClaimReport), the findings CSV (docs/claims.md).
    "responses": {
        200: {
            "description": "findings per claim, or (output=csv, Accept: text/csv) findings CSV",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
}


@router.post(
    "/check",
    summary="Check claims for denials, each finding citing its rule and CMS source",
    response={200: ClaimReport, **error_responses(400, 413)},
    openapi_extra=_CLAIMS_BODY,
)
def claims_check(request: HttpRequest) -> HttpResponse:
    """Body: claims as JSON, CSV or X12 837P (docs/claims.md). ``Accept: text/csv`` or
    ``?output=csv`` answers with findings CSV (text/csv, one row per finding). 400: a claim
    that cannot be read (the error names claim, line and field); 413: over 20 MB."""
    try:
        # Django refuses a declared or actual size over DATA_UPLOAD_MAX_MEMORY_SIZE before
        # reading it all; the settings keep that equal to the claim checker's upload limit.
        body = request.body
    except RequestDataTooBig:
        raise TooLarge(
            f"the body is larger than {MAX_UPLOAD_BYTES >> 20} MB; split the batch"
        ) from None
    fmt = request.GET.get("format") or _body_format(request.content_type or "")
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    # A ClaimError (a claim, line and field that cannot be read) is answered by medcode/api.py.
    claims = read_claims(
        body,
        fmt,
        locality=request.GET.get("locality") or None,
        payer=request.GET.get("payer") or None,
        max_claims=claims_per_request(),
    )
    result = check_claims(claims)
    wants_csv = request.GET.get("output") == "csv" or (
        "text/csv" in request.headers.get("Accept", "") and request.GET.get("output") != "json"
    )
    if wants_csv:
        return HttpResponse(findings_csv(result), content_type="text/csv; charset=utf-8")
    # Sent as built: a grouped finding's ``count`` stays out of the other findings.
    return as_built(ClaimReport, result)


def _body_format(content_type: str) -> str | None:
    """The format a Content-Type names; None (recognize by content) for text/plain and others."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        return "json"
    if kind in ("text/csv", "application/csv"):
        return "csv"
    if kind in ("application/edi-x12", "application/x12"):
        return "x12"
    return None
