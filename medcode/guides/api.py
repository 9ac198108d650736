"""Guide endpoints, mounted at /api/v1/guides by medcode/api.py: the same facts as the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.guides.content import Guide, guides
from medcode.guides.render import render_guide
from medcode.guides.schemas import GuideFacts, GuideList
from medcode.releases.dates import as_of_param
from medcode.web.answers import as_built
from medcode.web.errors import NotFound, error_responses

router = Router(tags=["guides"])


def _summary(guide: Guide) -> dict[str, Any]:
    return {
        "slug": guide.slug,
        "title": guide.title,
        "summary": guide.summary,
        "topics": list(guide.topics),
        "codes": list(guide.codes),
        "window": {"start": guide.start.isoformat(), "end": guide.end.isoformat()},
        "last_reviewed": guide.last_reviewed.isoformat(),
        "next_review": guide.next_review.isoformat(),
        "reviewer": {"name": guide.reviewer.name, "credentials": guide.reviewer.credentials},
        "url": f"/guides/{guide.slug}",
    }


@router.get("", summary="The guides, optionally only those covering a code", response=GuideList)
def guide_list(request: HttpRequest, code: str = "") -> HttpResponse:
    wanted = code.strip().upper()
    shown = [
        _summary(g)
        for g in sorted(guides().values(), key=lambda g: g.slug)
        if not wanted or wanted in g.codes
    ]
    return as_built(GuideList, {"guides": shown})


@router.get(
    "/{slug}",
    summary="A guide's live facts and scenario results for a date of service",
    response={200: GuideFacts, **error_responses(400, 404)},
)
def guide_facts(request: HttpRequest, slug: str, date: str = "") -> HttpResponse:
    guide = guides().get(slug)
    if guide is None:
        raise NotFound(f"no guide {slug!r}")
    # A bad date is a BadDate, answered by medcode/api.py.
    day = as_of_param(date, guide.default_date(_today()))
    rendered = render_guide(guide, day)
    answer = {
        **_summary(guide),
        "as_of": day.isoformat(),
        "facts": [
            {"tag": f.tag, "value": f.text, "source": f.cite, "problem": f.problem}
            for f in rendered.facts
            if not f.tag.startswith(("[[code", "[[modifier"))
        ],
        "scenarios": [
            {
                "title": s.title,
                "expect": s.expect,
                "found": s.found,
                "agrees": s.agrees,
                "problem": s.problem,
                "result": s.result,
                "claim": s.claim,
            }
            for s in rendered.scenarios
        ],
    }
    return as_built(GuideFacts, answer)


def _today() -> date:
    return date.today()
