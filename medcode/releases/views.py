"""The front door (search first, the tools, recent guides, how current the data is) and
/releases, the table of loaded CMS releases."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from medcode.releases.models import Release
from medcode.releases.store import Snapshot

#: The datasets most answers rest on, in the order a coder thinks of them.
CURRENCY = (
    ("hcpcs", "HCPCS"),
    ("icd10cm", "ICD-10-CM"),
    ("pfs_rvu", "PFS RVUs"),
    ("ncci_ptp_practitioner", "NCCI PTP"),
    ("ncci_mue_practitioner", "NCCI MUE"),
    ("lcd_index", "LCD index"),
)


def home(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        # Quoted with no safe characters, so whatever was typed stays one path segment.
        target = f"/codes/{quote(code[:40], safe='')}"
        if request.GET.get("date"):
            target += f"?{urlencode({'date': request.GET['date'][:10]})}"
        return redirect(target)
    from medcode.guides.content import guides

    recent = sorted(guides().values(), key=lambda g: g.updated, reverse=True)[:5]
    currency = data_currency(date.today())
    return render(
        request,
        "releases/home.html",
        {
            "currency": currency,
            "guides": recent,
            "any_loaded": Release.objects.exists(),
            "more_tools": [t for t in MORE_TOOLS if _routed(t["path"])],
        },
    )


#: Tools other apps add as they land: listed once their page is routed.
MORE_TOOLS = (
    {"path": "/assistant", "name": "Assistant", "about": "ask a coding question in your words."},
    {
        "path": "/consult/",
        "name": "Consultations",
        "about": "ask a credentialed coder; a sourced draft first.",
    },
    {"path": "/careers/", "name": "Jobs", "about": "coding jobs with pay, credential and setting."},
)


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def data_currency(day: date) -> list[dict[str, Any]]:
    """For each main dataset, the release answering for ``day`` and whether it covers the day."""
    snap = Snapshot(day)
    found = []
    for dataset, name in CURRENCY:
        answer = snap.in_force(dataset)
        if answer is None:
            found.append({"name": name, "label": None, "current": False})
            continue
        found.append(
            {
                "name": name,
                "label": answer.release.label,
                "current": answer.release.covers(day),
            }
        )
    return found


def releases(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/releases.html", {"releases": Release.objects.all()})
