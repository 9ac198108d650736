"""The JSON API (OpenAPI at /api/v1/docs). Each endpoint returns what the CLI prints with --json."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
from medcode.releases.models import Release

api = NinjaAPI(title="medcode", version="1", urls_namespace="api")


def _mount_routers() -> None:
    # Each domain app keeps its own endpoints; this file only mounts them.
    from medcode.search.api import router as search_router

    api.add_router("/search", search_router)


@api.exception_handler(CodeNotFound)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"ok": False, "error": str(exc)}, status=404)


@api.exception_handler(MalformedCode)
def _malformed(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"ok": False, "error": str(exc)}, status=400)


@api.get("/releases", summary="The loaded CMS releases")
def releases(request: HttpRequest) -> dict[str, Any]:
    return {"releases": [r.to_dict() for r in Release.objects.all()]}


@api.get("/codes/{code}", summary="What the store knows about a code on a date of service")
def code(
    request: HttpRequest, code: str, date: date | None = None, system: str | None = None
) -> dict[str, Any]:
    return lookup(code, date or _today(), system=system)


def _today() -> date:
    return date.today()


@api.post(
    "/claims/check", summary="Check claims for denials, each finding citing its rule and CMS source"
)
def claims_check(request: HttpRequest) -> Any:
    """Body: one claim or a list of claims in medcode's JSON claim form (see docs/claims.md)."""
    from medcode.claims.checker import check_claims
    from medcode.claims.claim import ClaimError, parse_claims

    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return api.create_response(
            request, {"ok": False, "error": f"not valid JSON: {exc}"}, status=400
        )
    try:
        return check_claims(parse_claims(data))
    except ClaimError as exc:
        return api.create_response(request, {"ok": False, "error": str(exc)}, status=400)


_mount_routers()
