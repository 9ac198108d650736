"""Code endpoint, mounted at /api/v1/codes by medcode/api.py: the answer ``medcode code`` prints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.accounts.metering import code_access, gate_answer
from medcode.codes.lookup import candidate_systems, lookup
from medcode.codes.schemas import CodeAnswer
from medcode.releases.dates import as_of_param
from medcode.web.answers import as_built
from medcode.web.errors import error_responses

router = Router(tags=["codes"])


@router.get(
    "/{code}",
    summary="What the store knows about a code on a date of service",
    response={200: CodeAnswer, **error_responses(400, 404, 503)},
    # The document names a crosswalk's ``from`` as the answer does, not as the field ``from_``.
    by_alias=True,
)
def code(
    request: HttpRequest,
    code: str,
    date: str | None = None,
    system: str | None = None,
    locality: str | None = None,
) -> HttpResponse:
    """``date``: the date of service as YYYY-MM-DD (default today). ``locality``
    (MAC-locality, e.g. 10112-00) adds the amounts there. 400: a malformed code, date, system
    or locality; 404: no loaded release lists the code; 503: past the look-up time budget."""
    answer = lookup(code, as_of_param(date), system=system, locality=locality)
    # Metered access (medcode.accounts): the same distinct-code views as the pages; gated
    # fields become a ``locked`` marker naming the plan that unlocks them.
    answer = gate_answer(answer, code_access(request, candidate_systems(code)[0]))
    # Sent as built: keys a system's answer does not have stay out, as in the CLI's JSON.
    return as_built(CodeAnswer, answer)
