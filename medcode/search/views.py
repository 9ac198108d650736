"""The search page (``/search``) and the type-ahead partial (``/search/suggest``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medcode.releases.systems import SYSTEMS
from medcode.search.api import TRUE, parse_params
from medcode.search.engine import Answer, Result, SearchError, search

SUGGESTIONS = 8


def _links(answer: Answer) -> list[dict[str, Any]]:
    """Each result with the address of its code page (naming the system when it is ambiguous)."""
    systems_per_code: dict[str, int] = {}
    for r in answer.results:
        systems_per_code[r.code] = systems_per_code.get(r.code, 0) + 1
    return [_link(r, systems_per_code[r.code] > 1) for r in answer.results]


def _link(result: Result, ambiguous: bool) -> dict[str, Any]:
    if result.system == "MODIFIER":
        url = f"/modifiers/{result.code}"
    else:
        url = f"/codes/{result.display_code}"
        if ambiguous:
            url += f"?system={result.system}"
    return {**result.to_dict(), "url": url}


def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    system = request.GET.get("system", "")
    context: dict[str, Any] = {
        "q": q,
        "system": system,
        "date": request.GET.get("date", ""),
        "billable": request.GET.get("billable", "").strip().lower() in TRUE,
        "systems": SYSTEMS,
    }
    status = 200
    if q.strip() or "q" in request.GET:
        try:
            as_of, limit, billable = parse_params(
                request.GET.get("date"), request.GET.get("limit"), request.GET.get("billable")
            )
            answer = search(q, as_of, system=system or None, billable_only=billable, limit=limit)
        except SearchError as exc:
            context["error"] = str(exc)
            status = 400
        else:
            context["answer"] = answer
            context["results"] = _links(answer)
            context["as_of"] = as_of
    return render(request, "search/search.html", context, status=status)


def suggest(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    results: list[dict[str, Any]] = []
    message = ""
    if q.strip():
        try:
            as_of, _, _ = parse_params(request.GET.get("date"), None, None)
            answer = search(q, as_of, limit=SUGGESTIONS)
        except SearchError as exc:
            message = str(exc)
        else:
            results = _links(answer)
            message = answer.message or ""
    return render(request, "search/suggest.html", {"q": q, "results": results, "message": message})
