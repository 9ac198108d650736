"""Guide pages: the list (filter by code and topic), one guide for a date, the Atom feed."""

from __future__ import annotations

import json
from datetime import UTC, date
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe

from medcode.guides.content import Guide, guides
from medcode.guides.models import GuideReview
from medcode.guides.render import render_guide
from medcode.releases.dates import BadDate, as_of_param


def guide_list(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()[:10]
    topic = request.GET.get("topic", "").strip()[:40]
    shown = sorted(guides().values(), key=lambda g: g.title)
    if code:
        shown = [g for g in shown if code in g.codes]
    if topic:
        shown = [g for g in shown if topic in g.topics]
    topics = sorted({t for g in guides().values() for t in g.topics})
    return render(
        request,
        "guides/list.html",
        {"guides": shown, "code": code, "topic": topic, "topics": topics},
    )


def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    guide = guides().get(slug)
    if guide is None:
        raise Http404(f"no guide {slug!r}")
    day_text = request.GET.get("date", "").strip()
    error = None
    day = guide.default_date(date.today())
    try:
        day = as_of_param(day_text, day)
    except BadDate as exc:
        error = str(exc)
    rendered = render_guide(guide, day)
    changed = _changed_since_review(guide, rendered.facts_map(), rendered.fingerprint(), day)
    context: dict[str, Any] = {
        "guide": guide,
        "r": rendered,
        "day": day,
        "date_error": error,
        "outside_window": not guide.start <= day <= guide.end,
        "changed": changed,
        "jsonld": _jsonld(request, guide),
    }
    return render(request, "guides/guide.html", context, status=400 if error else 200)


def _changed_since_review(
    guide: Guide, facts: dict[str, str], print_: str, day: date
) -> list[str] | None:
    """The facts that differ from the reviewed ones (on the default date only), else None."""
    if day != guide.default_date(date.today()):
        return None
    review = GuideReview.objects.filter(slug=guide.slug).first()
    if review is None or review.fingerprint == print_:
        return None
    before: dict[str, str] = review.facts or {}
    return sorted(
        f"{tag}: was {before.get(tag, '(not in the guide)')}, now {facts.get(tag, '(removed)')}"
        for tag in set(before) | set(facts)
        if before.get(tag) != facts.get(tag)
    )


def _jsonld(request: HttpRequest, guide: Guide) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": guide.title,
        "description": guide.summary,
        "url": request.build_absolute_uri(f"/guides/{guide.slug}"),
        "datePublished": guide.published.isoformat(),
        "dateModified": guide.updated.isoformat(),
        "lastReviewed": guide.last_reviewed.isoformat(),
        "author": [
            {"@type": "Person", "name": a.name, "honorificSuffix": a.credentials}
            for a in guide.authors
        ],
        "reviewedBy": {
            "@type": "Person",
            "name": guide.reviewer.name,
            "honorificSuffix": guide.reviewer.credentials,
        },
        "about": list(guide.codes),
        "citation": [
            {"@type": "CreativeWork", "name": s.title, "url": s.url} for s in guide.sources
        ],
    }
    # JSON inside <script type="application/ld+json">: "<" escaped so no "</script>" can end it.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return mark_safe(text)  # safe: JSON data with "<" escaped, read by no script


class GuideFeed(Feed):
    feed_type = Atom1Feed
    title = "medcode guides"
    link = "/guides/"
    subtitle = "New and changed coding guides, with facts read live from the CMS releases."

    def items(self) -> list[Guide]:
        return sorted(guides().values(), key=lambda g: g.updated, reverse=True)

    def item_title(self, item: Guide) -> str:
        return item.title

    def item_description(self, item: Guide) -> str:
        latest = item.changes[0].note if item.changes else ""
        return f"{item.summary} Latest change: {latest}"

    def item_link(self, item: Guide) -> str:
        return f"/guides/{item.slug}"

    def item_updateddate(self, item: Guide) -> Any:
        from datetime import datetime

        return datetime.combine(item.updated, datetime.min.time(), tzinfo=UTC)

    def item_pubdate(self, item: Guide) -> Any:
        from datetime import datetime

        return datetime.combine(item.published, datetime.min.time(), tzinfo=UTC)
