"""The JSON API (OpenAPI at /api/v1/docs): each app's router, mounted, and the one error shape.

Endpoints live beside their apps (``<app>/api.py``, typed by ``<app>/schemas.py``); this file
only mounts them and turns every error into ``{"ok": false, "error": ...}`` with its status.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from medcode.assistant.api import router as assistant_router
from medcode.assistant.service import AssistantError
from medcode.careers.api import router as careers_router
from medcode.claims.api import router as claims_router
from medcode.claims.claim import ClaimError
from medcode.codes.api import router as codes_router
from medcode.codes.lookup import CodeNotFound, MalformedCode
from medcode.guides.api import router as guides_router
from medcode.releases.api import router as releases_router
from medcode.releases.budget import BudgetExceeded
from medcode.releases.dates import BadDate
from medcode.search.api import router as search_router
from medcode.search.engine import SearchError
from medcode.web.errors import ApiError

api = NinjaAPI(title="medcode", version="1", urls_namespace="api")

api.add_router("/releases", releases_router)
api.add_router("/codes", codes_router)
api.add_router("/search", search_router)
api.add_router("/claims", claims_router)
# Guides (issue 13): a guide's live facts and scenario results as JSON.
api.add_router("/guides", guides_router)
api.add_router("/assistant", assistant_router)
# careers (issue 15): GET/POST /api/v1/jobs.
api.add_router("/jobs", careers_router)


#: The domain's own errors (raised below the endpoints, which know no HTTP) and their status.
DOMAIN_ERRORS: dict[type[Exception], int] = {
    BadDate: 400,
    MalformedCode: 400,
    SearchError: 400,
    ClaimError: 400,
    AssistantError: 400,
    CodeNotFound: 404,
    Http404: 404,
    # A look-up that ran past its time budget was stopped (medcode/releases/budget.py).
    BudgetExceeded: 503,
}


def error_answer(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The status and the one error shape for an error an endpoint raised."""
    if isinstance(exc, ApiError):
        return exc.status, exc.body()
    if isinstance(exc, ValidationError):
        # A parameter of the wrong form (``?date=2026-13-45``) names where it is wrong;
        # ``detail`` keeps django-ninja's list.
        first = exc.errors[0] if exc.errors else {}
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        detail = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in exc.errors]
        message = f"{where}: {first.get('msg', 'invalid')}"
        return 400, {"ok": False, "error": message, "detail": detail}
    if isinstance(exc, HttpError):
        # django-ninja's own: a body it could not parse as JSON, mostly.
        message = str(exc)
        if isinstance(exc.__cause__, ValueError):
            message = f"body: not JSON ({exc.__cause__})"
        return exc.status_code, {"ok": False, "error": message}
    status = next(s for kind, s in DOMAIN_ERRORS.items() if isinstance(exc, kind))
    return status, {"ok": False, "error": str(exc) or "not found"}


def _error(request: HttpRequest, exc: Any) -> HttpResponse:
    status, body = error_answer(exc)
    return api.create_response(request, body, status=status)


for _kind in (ApiError, ValidationError, HttpError, *DOMAIN_ERRORS):
    api.add_exception_handler(_kind, _error)
