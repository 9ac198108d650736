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
