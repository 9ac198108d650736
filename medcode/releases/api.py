"""Releases endpoint, mounted at /api/v1/releases by medcode/api.py: the loaded CMS releases."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.releases.models import Release
from medcode.releases.schemas import ReleasesAnswer
from medcode.web.answers import as_built

router = Router(tags=["releases"])


@router.get("", summary="The loaded CMS releases", response=ReleasesAnswer)
def releases(request: HttpRequest) -> HttpResponse:
    return as_built(ReleasesAnswer, {"releases": [r.to_dict() for r in Release.objects.all()]})
