"""Releases endpoint, mounted at /api/v1/releases by medcode/api.py: the loaded CMS releases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from medcode.releases.models import Release
from medcode.releases.schemas import ReleasesAnswer

router = Router(tags=["releases"])


@router.get("", summary="The loaded CMS releases", response=ReleasesAnswer)
def releases(request: HttpRequest) -> dict[str, Any]:
    return {"releases": [r.to_dict() for r in Release.objects.all()]}
