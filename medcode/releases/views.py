"""The home page: what is loaded, and a code box that opens the code page."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from medcode.releases.models import Release


def home(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        # Quoted with no safe characters, so whatever was typed stays one path segment.
        target = f"/codes/{quote(code[:40], safe='')}"
        if request.GET.get("date"):
            target += f"?{urlencode({'date': request.GET['date'][:10]})}"
        return redirect(target)
    return render(request, "releases/home.html", {"releases": Release.objects.all()})
