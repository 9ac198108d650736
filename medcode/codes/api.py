"""Code endpoint, mounted at /api/v1/codes by medcode/api.py: the answer ``medcode code`` prints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from medcode.accounts.metering import code_access, gate_answer
from medcode.codes.lookup import candidate_systems, lookup
from medcode.releases.dates import as_of_param

router = Router(tags=["codes"])


@router.get("/{code}", summary="What the store knows about a code on a date of service")
def code(
    request: HttpRequest,
    code: str,
    date: str | None = None,
    system: str | None = None,
    locality: str | None = None,
) -> dict[str, Any]:
    """``date``: the date of service as YYYY-MM-DD (default today)."""
    answer = lookup(code, as_of_param(date), system=system, locality=locality)
    # Metered access (medcode.accounts): the same distinct-code views as the pages; gated
    # fields become a ``locked`` marker naming the plan that unlocks them.
    return gate_answer(answer, code_access(request, candidate_systems(code)[0]))
