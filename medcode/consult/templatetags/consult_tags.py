"""``{% answered_questions q %}``: published consultation answers matching a search, for the
site search page (so the search app needs no import of ours)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("consult/_answered.html")
def answered_questions(query: str, limit: int = 5) -> dict[str, Any]:
    from medcode.consult.library import search

    query = (query or "").strip()
    return {"entries": list(search(query)[:limit]) if query else [], "q": query}


@register.inclusion_tag("consult/_answered.html")
def answered_for_codes(codes: list[dict[str, Any]], limit: int = 3) -> dict[str, Any]:
    """Published answers naming any of the codes an assistant answer is about."""
    from django.db.models import Q

    from medcode.consult.models import LibraryEntry

    names = [str(c.get("code", "")) for c in codes or [] if c.get("code")][:5]
    if not names:
        return {"entries": [], "q": ""}
    match = Q()
    for name in names:
        match |= Q(question__icontains=name) | Q(answer__icontains=name)
    return {"entries": list(LibraryEntry.objects.filter(match)[:limit]), "q": " ".join(names[:1])}
