"""Search endpoints, mounted at /api/v1/search by medcode/api.py."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.releases.dates import BadDate, as_of_param
from medcode.search.engine import SearchError, search
from medcode.search.schemas import SearchAnswer
from medcode.web.answers import as_built
from medcode.web.errors import error_responses

router = Router(tags=["search"])

TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def parse_params(
    date: str | None, limit: str | None, billable: str | None
) -> tuple[datetime.date, int, bool]:
    """Date, limit and billable flag from query-string text; SearchError names a bad one.

    Parsed here rather than by type hints so that every bad value gets the same 400 answer.
    """
    try:
        as_of = as_of_param(date)
    except BadDate as exc:
        raise SearchError(str(exc)) from None
    count = 20
    if limit not in (None, ""):
        try:
            count = int(limit)
        except ValueError:
            raise SearchError(f"limit must be a whole number, got {limit[:40]!r}") from None
    flag = (billable or "").strip().lower()
    if flag not in TRUE | _FALSE:
        raise SearchError(f"billable must be true or false, got {billable!r:.40}")
    return as_of, count, flag in TRUE


@router.get(
    "",
    summary="Find codes by code, fragment, words, abbreviation or brand name",
    response={200: SearchAnswer, **error_responses(400)},
)
def search_codes(
    request: HttpRequest,
    q: str = "",
    system: str | None = None,
    date: str | None = None,
    limit: str | None = None,
    billable: str | None = None,
) -> HttpResponse:
    """``{"results": [{"code", "system", "description", "billable", "score", "matched"}]}``.

    Results come best first; ``matched`` lists the words or terms that matched.

    ``system``: HCPCS, CPT, ICD-10-CM, ICD-10-PCS or MODIFIER; ``billable=true`` keeps only codes
    that may be reported on the date; ``limit`` 1-100 (default 20); ``date`` YYYY-MM-DD (default
    today).
    """
    # A SearchError (bad date, limit, flag or system) is answered by medcode/api.py.
    as_of, count, billable_only = parse_params(date, limit, billable)
    answer = search(q, as_of, system=system, billable_only=billable_only, limit=count)
    return as_built(SearchAnswer, answer.to_dict())
