"""The home page: what is loaded, and a code box that answers from the API."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from medcode.releases.models import Release


def home(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        target = f"/api/v1/codes/{quote(code[:40], safe='')}"
        if request.GET.get("date"):
            target += f"?{urlencode({'date': request.GET['date'][:10]})}"
        return redirect(target)
    return render(request, "releases/home.html", {"releases": Release.objects.all()})
