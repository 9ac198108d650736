"""The JSON API (OpenAPI at /api/v1/docs). Each endpoint returns what the CLI prints with --json."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError

from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
from medcode.releases.budget import BudgetExceeded
from medcode.releases.dates import BadDate, parse_as_of
from medcode.releases.models import Release

api = NinjaAPI(title="medcode", version="1", urls_namespace="api")


def _mount_routers() -> None:
    # Each domain app keeps its own endpoints; this file only mounts them.
    from medcode.search.api import router as search_router

    api.add_router("/search", search_router)
    # Guides (issue 13): a guide's live facts and scenario results as JSON.
    from medcode.guides.api import router as guides_router

    api.add_router("/guides", guides_router)

    from medcode.assistant.api import router as assistant_router

    api.add_router("/assistant", assistant_router)

    # careers (issue 15): GET/POST /api/v1/jobs.
    from medcode.careers.api import router as careers_router

    api.add_router("/jobs", careers_router)


@api.exception_handler(CodeNotFound)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"ok": False, "error": str(exc)}, status=404)


@api.exception_handler(BudgetExceeded)
def _over_budget(request: HttpRequest, exc: Exception) -> Any:
    # A look-up that ran past its time budget was stopped (medcode/releases/budget.py).
    return api.create_response(request, {"ok": False, "error": str(exc)}, status=503)


@api.exception_handler(MalformedCode)
def _malformed(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"ok": False, "error": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    # A parameter of the wrong form (``?date=2026-13-45``) is a 400 with the one error shape
    # (``ok``, ``error``), like every other bad input; ``detail`` keeps django-ninja's list.
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    message = f"{where}: {first.get('msg', 'invalid')}"
    detail = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in exc.errors]
    return api.create_response(
        request, {"ok": False, "error": message, "detail": detail}, status=400
    )


@api.get("/releases", summary="The loaded CMS releases")
def releases(request: HttpRequest) -> dict[str, Any]:
    return {"releases": [r.to_dict() for r in Release.objects.all()]}


@api.get("/codes/{code}", summary="What the store knows about a code on a date of service")
def code(
    request: HttpRequest,
    code: str,
    date: str | None = None,
    system: str | None = None,
    locality: str | None = None,
) -> dict[str, Any]:
    """``date``: the date of service as YYYY-MM-DD (default today)."""
    try:
        as_of = parse_as_of(date) if date and date.strip() else _today()
    except BadDate as exc:
        raise MalformedCode(str(exc)) from None
    answer = lookup(code, as_of, system=system, locality=locality)
    # Metered access (medcode.accounts): the same distinct-code views as the pages; gated
    # fields become a ``locked`` marker naming the plan that unlocks them.
    from medcode.accounts.metering import code_access, gate_answer
    from medcode.codes.lookup import candidate_systems

    return gate_answer(answer, code_access(request, candidate_systems(code)[0]))


def _today() -> date:
    return date.today()


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
    # Integer status keys, as django-ninja's own: string ones ("200") were emitted beside its
    # 200, a duplicated key that made Swagger UI refuse the whole schema.
    "responses": {
        200: {
            "description": "findings per claim (docs/claims.md), or findings CSV",
            "content": {"application/json": {}, "text/csv": {}},
        },
        400: {"description": "malformed claims: the error names claim, line and field"},
        413: {"description": "the body is larger than 20 MB"},
    },
}


@api.post(
    "/claims/check",
    summary="Check claims for denials, each finding citing its rule and CMS source",
    openapi_extra=_CLAIMS_BODY,
)
def claims_check(request: HttpRequest) -> Any:
    """Body: claims as JSON, CSV or X12 837P (docs/claims.md). ``Accept: text/csv`` or
    ``?output=csv`` answers with findings CSV."""
    from django.core.exceptions import RequestDataTooBig
    from django.http import HttpResponse

    from medcode.claims.checker import check_claims
    from medcode.claims.claim import ClaimError
    from medcode.claims.formats import FORMATS, MAX_UPLOAD_BYTES, read_claims
    from medcode.claims.formats.findings_csv import findings_csv
    from medcode.claims.limits import claims_per_request

    def bad(message: str, status: int = 400) -> Any:
        return api.create_response(request, {"ok": False, "error": message}, status=status)

    try:
        # Django refuses a declared or actual size over DATA_UPLOAD_MAX_MEMORY_SIZE before
        # reading it all; the settings keep that equal to the claim checker's upload limit.
        body = request.body
    except RequestDataTooBig:
        return bad(f"the body is larger than {MAX_UPLOAD_BYTES >> 20} MB; split the batch", 413)
    fmt = request.GET.get("format") or _body_format(request.content_type or "")
    if fmt is not None and fmt not in FORMATS:
        return bad(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    try:
        claims = read_claims(
            body,
            fmt,
            locality=request.GET.get("locality") or None,
            payer=request.GET.get("payer") or None,
            max_claims=claims_per_request(),
        )
        result = check_claims(claims)
    except ClaimError as exc:
        return bad(str(exc))
    wants_csv = request.GET.get("output") == "csv" or (
        "text/csv" in request.headers.get("Accept", "") and request.GET.get("output") != "json"
    )
    if wants_csv:
        return HttpResponse(findings_csv(result), content_type="text/csv; charset=utf-8")
    return result


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


_mount_routers()
