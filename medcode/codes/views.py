"""The code page (``/codes/<code>``), its htmx partials, and the modifier page.

Every page is answered as of a date of service (``?date=``, default today) from the same
look-up the CLI and the API return (``medcode.codes.lookup``); the page adds what a reader
needs in full that the JSON only counts: the PTP edits page by page, every locality's
amount, the ICD-10 codes an NCD lists. Each list has a partial the page's forms fetch with
htmx, and every form also works as a plain GET of the page itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from medcode.accounts.metering import code_access
from medcode.codes import facts as hcpcs_facts
from medcode.codes import fragments
from medcode.codes.lookup import CodeNotFound, MalformedCode, candidate_systems, lookup
from medcode.codes.modifiers import main_fee_row
from medcode.codes.schemas import CodeAnswer
from medcode.content import description_for
from medcode.content.modifier_guidance import guidance
from medcode.coverage import facts as coverage_facts
from medcode.coverage import queries as coverage_queries
from medcode.edits import facts as edit_facts
from medcode.edits.indicators import NCCI_PTP_MODIFIERS, PTP_MODIFIER_INDICATORS
from medcode.fees import facts as fee_facts
from medcode.fees.indicators import STATUS_CODES
from medcode.guides.content import guides_for_code
from medcode.guides.modifiers import cpt_modifiers
from medcode.releases.budget import BudgetExceeded, time_budget
from medcode.releases.dates import BadDate, as_of_param
from medcode.releases.store import Snapshot
from medcode.web.answers import check_answer

_PREFIX = re.compile(r"^[A-Z0-9]{0,5}$")
_SETTINGS = {"practitioner": "Practitioner", "outpatient_hospital": "Outpatient hospital"}
_ROLES = {"column1": "as column 1", "column2": "as column 2"}
_NOTE_LABELS = {
    "inclusionTerm": "Inclusion terms",
    "includes": "Includes",
    "excludes1": "Excludes1 (never coded together)",
    "excludes2": "Excludes2 (not included here; may be coded together)",
    "codeFirst": "Code first",
    "useAdditionalCode": "Use additional code",
    "codeAlso": "Code also",
    "notes": "Notes",
    "sevenChrNote": "7th character",
    "sevenChrDefNotes": "7th character notes",
    "visualImpairment": "Visual impairment",
}


class BadRequest(ValueError):
    pass


# --- helpers -------------------------------------------------------------------------------


def _as_of(request: HttpRequest) -> date:
    try:
        return as_of_param(request.GET.get("date"))
    except BadDate as exc:
        raise BadRequest(str(exc)) from None


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "codes/problem.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


def _budgeted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a page within the look-up time budget; past it, a 503 page says what happened."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with time_budget(what="page"):
                return view(request, *args, **kwargs)
        except BudgetExceeded as exc:
            return _problem(request, 503, "Taking too long", str(exc))

    return wrapper


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@cache
def _markdown(code: str) -> SafeString | None:
    description = description_for(code)
    if description is None:
        return None
    # Our own files, but rendered without raw HTML all the same.
    html = MarkdownIt("commonmark", {"html": False}).render(description.body_markdown)
    return mark_safe(html)  # safe: markdown-it escapes text; raw HTML is disabled


def _labels(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The releases the answer cites, by dataset, for each section's source line."""
    return {s["dataset"]: s for s in info.get("sources", [])}


# --- the code page -------------------------------------------------------------------------


@_budgeted
def code_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        as_of = _as_of(request)
        stored, systems = candidate_systems(code)
    except BadRequest as exc:
        return _problem(request, 400, "Not a date", str(exc))
    except MalformedCode as exc:
        return _problem(request, 400, "Not a code", str(exc))
    system = request.GET.get("system") or None
    if systems == ["MODIFIER"] or system == "MODIFIER":
        query = _query(date=request.GET.get("date", ""))
        return redirect(f"/modifiers/{stored}" + (f"?{query}" if query else ""))
    snap = Snapshot(as_of)
    try:
        info = lookup(code, as_of, system=system, snap=snap)
    except MalformedCode as exc:
        return _problem(request, 400, "Not a code", str(exc))
    except CodeNotFound as exc:
        return _problem(request, 404, "Code not found", str(exc))
    if getattr(settings, "MEDCODE_CHECK_ANSWERS", False):
        # The page reads the API's answer; its declared shape (CodeAnswer) is enforced in tests.
        check_answer(CodeAnswer, info)
    if info["other_systems"] and system is None:
        return _choose(request, stored, as_of, info)
    context: dict[str, Any] = {
        "info": info,
        "code": info["code"],
        "stored": stored,
        "as_of": as_of,
        "date_param": request.GET.get("date", ""),
        "system_param": system or "",
        "labels": _labels(info),
        "plain_html": _markdown(stored),
        "badge": _badge(info),
    }
    # Metered access (medcode.accounts): a first view of the code counts against the
    # reader's plan; without one, the gated sections are not built at all.
    if info["system"] == "ICD-10-CM":
        context["notes_html"] = fragments.note_groups(_icd_notes(info), info["code"])
    if info["system"] in ("ICD-10-CM", "ICD-10-PCS"):
        labels = context["labels"]
        context["icd_source"] = labels.get("icd10cm") or labels.get("icd10pcs")
    access = context["access"] = code_access(request, stored)
    if not access.full:
        # The badge would tell the gated Medicare status; show the code's own status only.
        context["badge"] = _badge({**info, "fees": None, "crosswalks": []})
        return render(request, "codes/code.html", context)
    day = context["date_param"]
    history = info.get("history") or {}
    context["history_html"] = fragments.history_items(history.get("events", []))
    context["history_checked"] = fragments.labels(history.get("releases_checked", []))
    if info["system"] in ("HCPCS", "CPT"):
        chart = request.GET.get("chart") == "1"
        context.update(_fee_context(request, stored, snap, chart=chart))
        context.update(_ptp_context(request, stored, snap, info))
        add_on = edit_facts.add_on_relations(stored, snap, snap.in_force)
        context["add_on"] = add_on
        if add_on:
            context["primary_html"] = fragments.code_links(add_on["primary_codes"]["codes"], day)
            context["add_ons_html"] = fragments.code_links(add_on["add_on_codes"]["codes"], day)
        main = main_fee_row(info)
        context["fee_main"] = main
        context["indicators_html"] = fragments.indicator_items(main) if main else ""
        context["rvu_html"] = fragments.rvu_rows((info.get("fees") or {}).get("rows", []))
        context["modifiers_html"] = fragments.modifier_items(
            (info.get("modifiers") or {}).get("modifiers", []), day
        )
        context["mue_html"] = fragments.mue_rows(info.get("mue") or {}, stored)
    context["ncd_lists"] = _ncd_lists(info, snap, context["date_param"])
    # Our own index terms (issue 11), shown under CMS's short descriptor of a CPT code.
    context["also_known_as"] = info.get("also_known_as") or ()
    context["guides"] = guides_for_code(stored)  # issue 13: the guides that cover the code
    return render(request, "codes/code.html", context)


def _locked(request: HttpRequest, stored: str) -> HttpResponse:
    """A part of a code page the reader has no view of (the page itself counts views)."""
    return _problem(
        request,
        403,
        "Register to view content",
        f"Open the code page of {stored} first: this part of it counts as a code page view.",
    )


def _choose(request: HttpRequest, stored: str, as_of: date, info: dict[str, Any]) -> HttpResponse:
    options = [{"system": info["system"], "text": info.get("short_description")}]
    for other in info["other_systems"]:
        try:
            answer = lookup(stored, as_of, system=other)
        except (CodeNotFound, MalformedCode):
            continue
        options.append({"system": other, "text": answer.get("short_description")})
    return render(
        request,
        "codes/choose.html",
        {"code": stored, "options": options, "date_param": request.GET.get("date", "")},
    )


def _badge(info: dict[str, Any]) -> dict[str, str]:
    """The status shown beside the code: its own status, unless Medicare wants another code."""
    fees = info.get("fees") or {}
    status = (fees.get("status") or {}).get("code")
    replacement = next(
        (c["to"]["code"] for c in info.get("crosswalks", []) if c["direction"] == "from"), None
    )
    if status in ("I", "G") or (status and replacement and status not in fee_facts.PRICED_STATUS):
        text = "not valid for Medicare"
        if replacement:
            text += f": use {replacement}"
        return {"text": text, "tone": "error", "replacement": replacement or ""}
    tone = {"active": "ok", "terminated": "error", "not yet effective": "warning"}.get(
        info.get("status") or "", "info"
    )
    return {"text": info.get("status") or "listed", "tone": tone, "replacement": ""}


def _icd_notes(info: dict[str, Any]) -> list[dict[str, Any]]:
    """Instructional notes printed at the code and at each level above it, nearest first."""
    levels = [
        {
            "code": info["code"],
            "title": info.get("long_description"),
            "notes": (info.get("tabular") or {}).get("notes") or {},
        }
    ]
    levels += [
        {
            "code": f"Chapter {h['code']}" if h["kind"] == "chapter" else h["code"],
            "title": h["title"],
            "notes": h.get("notes") or {},
        }
        for h in reversed(info.get("hierarchy") or [])
    ]
    result = []
    for level in levels:
        notes = level["notes"]
        groups = [
            {"label": label, "items": notes[key]}
            for key, label in _NOTE_LABELS.items()
            if notes.get(key)
        ]
        seven = notes.get("sevenChrDef")
        if seven:
            groups.append(
                {
                    "label": "7th characters",
                    "items": [f"{k}: {v}" for k, v in seven.items()]
                    if isinstance(seven, dict)
                    else list(seven),
                }
            )
        if groups:
            result.append({"code": level["code"], "title": level["title"], "groups": groups})
    return result


def _ncd_lists(info: dict[str, Any], snap: Snapshot, date_param: str) -> list[dict[str, Any]]:
    ncds = (info.get("coverage") or {}).get("ncds") or []
    if info["system"] not in ("HCPCS", "CPT"):
        return []
    lists = []
    for ncd in ncds[:10]:
        found = coverage_facts.ncd_diagnoses(ncd["ncd"], snap, snap.in_force, limit=100)
        if found is not None:
            lists.append(
                {
                    **ncd,
                    "diagnoses": found,
                    "codes_html": fragments.code_links(found["codes"], date_param, "meaning"),
                }
            )
    return lists


# --- fees by locality ----------------------------------------------------------------------


def _fee_context(request: HttpRequest, code: str, snap: Snapshot, *, chart: bool) -> dict[str, Any]:
    """The locality form and amounts; the chart of every locality only with ``chart``.

    The chart (109 localities) is folded away on the page and costs as much as the rest of
    the fee part, so the page sends it only when asked (``?chart=1``, the link shown in the
    folded part without JavaScript) and htmx fetches it when the reader opens it.
    """
    locality = request.GET.get("locality", "").strip()[:12]
    error = None
    try:
        amounts = fee_facts.locality_amounts(
            code, snap, snap.in_force, locality or None, every_locality=chart
        )
    except fee_facts.UnknownLocality as exc:
        error = str(exc)
        amounts = fee_facts.locality_amounts(code, snap, snap.in_force, None, every_locality=chart)
    chosen = locality if error is None else ""
    choices = fee_facts.locality_choices(snap.in_force) if amounts else ()
    chart_html = ""
    if chart and amounts:
        chart_html = fragments.chart_rows(_chart(amounts["localities"], chosen))
    query = _query(
        date=request.GET.get("date", ""),
        system=request.GET.get("system", ""),
        locality=chosen,
        chart=1,
    )
    return {
        "amounts": amounts,
        "chart_count": len(choices),
        "chart_html": chart_html,
        "chart_open": chart,
        "chart_query": query,
        "locality": chosen,
        "locality_error": error,
        "locality_options_html": fragments.locality_options(choices, chosen),
    }


def _chart(localities: list[dict[str, Any]], chosen: str) -> list[dict[str, Any]]:
    top = max((p["non_facility_amount"] for p in localities), default=0) or 1
    chart = [
        {
            "locality": p["locality"],
            "label": f"{p['state']} {p['name']}",
            "non_facility": p["non_facility_amount"],
            "facility": p["facility_amount"],
            "width": 100 * p["non_facility_amount"] / top,
            "selected": p["locality"] == chosen,
        }
        for p in localities
    ]
    chart.sort(key=lambda c: (-c["non_facility"], c["label"]))
    return chart


@_budgeted
def fees_partial(request: HttpRequest, code: str) -> HttpResponse:
    """The fee part after a locality is chosen, or (``?chart=1``) the chart of every locality."""
    try:
        as_of = _as_of(request)
        stored, _ = candidate_systems(code)
    except (BadRequest, MalformedCode) as exc:
        return _problem(request, 400, "Not a code", str(exc))
    if not code_access(request, stored, count=False).full:
        return _locked(request, stored)
    snap = Snapshot(as_of)
    chart = request.GET.get("chart") == "1"
    context = _fee_context(request, stored, snap, chart=chart)
    if context["amounts"] is None:
        return _problem(
            request,
            404,
            "No fee schedule amounts",
            f"{stored} has no fee schedule row and GPCI release loaded for {as_of.isoformat()}.",
        )
    context.update({"stored": stored, "date_param": request.GET.get("date", "")})
    template = "codes/_chart.html" if chart else "codes/_locality.html"
    return render(request, template, context)


# --- PTP edits -----------------------------------------------------------------------------


def _ptp_request(request: HttpRequest, info: dict[str, Any] | None) -> dict[str, Any]:
    setting = request.GET.get("table", "")
    setting = {"outpatient": "outpatient_hospital"}.get(setting, setting)
    role = request.GET.get("role", "")
    counts = (info or {}).get("ptp") or {}
    if setting not in _SETTINGS:
        setting = "practitioner"
    if role not in _ROLES:
        mine = counts.get(setting) or {}
        role = "column1" if mine.get("as_column1") or not mine.get("as_column2") else "column2"
    prefix = request.GET.get("q", "").strip().upper().replace(".", "")
    indicator = request.GET.get("indicator", "").strip()
    errors = []
    if not _PREFIX.match(prefix):
        errors.append(f"the code filter {prefix[:10]!r} must be up to 5 letters or digits")
        prefix = ""
    if indicator not in ("", "0", "1"):
        errors.append(f"modifier indicator {indicator[:5]!r} must be 0 or 1")
        indicator = ""
    try:
        # Capped so a hostile page number cannot overflow the database's integer.
        page = min(max(1, int(request.GET.get("page", "1")[:12] or "1")), 1_000_000)
    except ValueError:
        page = 1
    return {
        "setting": setting,
        "role": role,
        "prefix": prefix,
        "indicator": indicator,
        "page": page,
        "errors": errors,
    }


def _ptp_context(
    request: HttpRequest, code: str, snap: Snapshot, info: dict[str, Any] | None
) -> dict[str, Any]:
    wanted = _ptp_request(request, info)
    size = edit_facts.PTP_PAGE_SIZE
    listing = edit_facts.ptp_page(
        code,
        wanted["setting"],
        wanted["role"],
        snap,
        snap.in_force,
        offset=(wanted["page"] - 1) * size,
        limit=size,
        other_prefix=wanted["prefix"],
        indicator=wanted["indicator"] or None,
    )
    pages = 0
    if listing:
        pages = max(1, -(-listing["total"] // size))
    base = {
        "date": request.GET.get("date", ""),
        "system": request.GET.get("system", ""),
        "table": wanted["setting"],
        "role": wanted["role"],
        "q": wanted["prefix"],
        "indicator": wanted["indicator"],
    }

    def link(page: int) -> dict[str, str]:
        query = _query(**base, page=page)
        return {"href": f"/codes/{code}?{query}#edits", "hx": f"/codes/{code}/edits?{query}"}

    return {
        "ptp": listing,
        "ptp_rows_html": fragments.ptp_rows(
            listing["edits"] if listing else [], code, request.GET.get("date", "")
        ),
        "ptp_req": wanted,
        "ptp_pages": pages,
        "ptp_prev": link(wanted["page"] - 1) if wanted["page"] > 1 else None,
        "ptp_next": link(wanted["page"] + 1) if wanted["page"] < pages else None,
        "ptp_settings_html": fragments.choices(_SETTINGS, wanted["setting"]),
        "ptp_roles_html": fragments.choices(_ROLES, wanted["role"]),
        "ptp_setting_label": _SETTINGS[wanted["setting"]],
        "ptp_role_label": _ROLES[wanted["role"]],
        "ptp_meanings_html": fragments.definitions(tuple(PTP_MODIFIER_INDICATORS.items())),
        "stored": code,
        "date_param": request.GET.get("date", ""),
        "system_param": request.GET.get("system", ""),
    }


@_budgeted
def edits_partial(request: HttpRequest, code: str) -> HttpResponse:
    try:
        as_of = _as_of(request)
        stored, _ = candidate_systems(code)
    except (BadRequest, MalformedCode) as exc:
        return _problem(request, 400, "Not a code", str(exc))
    if not code_access(request, stored, count=False).full:
        return _locked(request, stored)
    snap = Snapshot(as_of)
    context = _ptp_context(request, stored, snap, None)
    if context["ptp"] is None:
        return _problem(
            request,
            404,
            "No PTP edits loaded",
            f"No NCCI PTP table is loaded for {as_of.isoformat()}.",
        )
    return render(request, "codes/_ptp.html", context)


# --- modifier pages ------------------------------------------------------------------------


@_budgeted
def modifier_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        as_of = _as_of(request)
    except BadRequest as exc:
        return _problem(request, 400, "Not a date", str(exc))
    modifier = code.strip().upper()
    if not re.match(r"^[A-Z0-9]{2}$", modifier):
        shown = code if len(code) <= 20 else code[:20] + "…"
        return _problem(
            request,
            400,
            "Not a modifier",
            f"{shown!r} is not a modifier: a modifier is two letters or digits (GP, 59)",
        )
    snap = Snapshot(as_of)
    answer = snap.in_force("hcpcs")
    hcpcs = hcpcs_facts.modifier(modifier, snap, snap.in_force)
    table = guidance()
    entries = table.for_modifier(modifier)
    ncci = NCCI_PTP_MODIFIERS.get(modifier)
    cpt_meaning = cpt_modifiers().get(modifier)  # issue 13: CPT modifiers in our words
    if hcpcs is None and not entries and ncci is None and cpt_meaning is None:
        where = answer.release.label if answer else "no HCPCS release is loaded"
        return _problem(
            request,
            404,
            "Modifier not found",
            f"{modifier} is not a Level II modifier in {where}, "
            "and medcode has no guidance for it.",
        )
    return render(
        request,
        "codes/modifier.html",
        {
            "modifier": modifier,
            "hcpcs": hcpcs,
            "hcpcs_source": answer.release if answer else None,
            "hcpcs_note": answer.note if answer else None,
            "numeric": modifier.isdigit(),
            "cpt_meaning": cpt_meaning,
            "entries": [
                {"condition": e.condition, "when": table.conditions[e.condition], "why": e.why}
                for e in entries
            ],
            "ncci": ncci,
            "as_of": as_of,
            "date_param": request.GET.get("date", ""),
            "status_codes": STATUS_CODES,
        },
    )


# --- an NCD's ICD-10-CM list, paged ----------------------------------------------------------

NCD_PAGE_SIZE = 100


@_budgeted
def ncd_page(request: HttpRequest, number: str) -> HttpResponse:
    """Every ICD-10-CM code an NCD lists, 100 a page, filterable by code prefix."""
    try:
        as_of = _as_of(request)
    except BadRequest as exc:
        return _problem(request, 400, "Not a date", str(exc))
    ncd = number.strip()[:10]
    prefix = request.GET.get("q", "").strip().upper().replace(".", "")[:7]
    if prefix and not re.match(r"^[A-Z0-9]+$", prefix):
        return _problem(
            request, 400, "Not a code prefix", "Filter by the start of an ICD-10-CM code (E11)."
        )
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    snap = Snapshot(as_of)
    answer = snap.in_force("ncd_icd10")
    title = None
    if answer is not None:
        title = coverage_queries.ncd_title(answer.release.id, ncd)
    if answer is None or title is None:
        where = answer.release.label if answer else "no NCD spreadsheet is loaded"
        return _problem(request, 404, "NCD not found", f"No NCD {ncd!r} in {where}.")
    listed = coverage_facts.ncd_diagnoses(
        ncd,
        snap,
        snap.in_force,
        limit=NCD_PAGE_SIZE,
        offset=(page - 1) * NCD_PAGE_SIZE,
        prefix=prefix,
    )
    assert listed is not None  # the release is in force: checked above
    pages = max(1, -(-listed["total"] // NCD_PAGE_SIZE))
    date_param = request.GET.get("date", "")

    def link(to: int) -> str:
        return f"?{_query(date=date_param, q=prefix, page=to)}"

    return render(
        request,
        "codes/ncd.html",
        {
            "ncd": ncd,
            "title": title,
            "listed": listed,
            "codes_html": fragments.code_links(listed["codes"], date_param, "meaning"),
            "q": prefix,
            "page": min(page, pages),
            "pages": pages,
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "as_of": as_of,
            "date_param": date_param,
            "release": answer.release,
        },
    )
