"""``GET /api/v1/jobs`` (the board's filters) and ``POST /api/v1/jobs`` (an employer's API key;
the posting form's validation; the same moderation as a form posting)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.accounts.roles import has_role
from medcode.careers import board, moderation
from medcode.careers.forms import JobForm, SearchForm, first_error
from medcode.careers.models import Job
from medcode.careers.schemas import JobList, JobPosted
from medcode.web.answers import as_built
from medcode.web.errors import BadRequest, Unauthorized, error_responses

router = Router(tags=["jobs"])

_POST_BODY = {
    "requestBody": {
        "required": True,
        "description": "A posting; field names as docs/jobs.md. pay_min, pay_max and pay_unit "
        "are required. Needs an employer's key (Authorization: Bearer).",
        "content": {
            "application/json": {
                "schema": {"type": "object"},
                "example": {
                    "title": "Remote outpatient coder",
                    "organization": "Example Health",
                    "description": "Code outpatient surgery and ED charts.",
                    "credentials_required": ["CPC"],
                    "credentials_preferred": ["COC"],
                    "setting": "outpatient",
                    "specialties": ["general surgery"],
                    "code_sets": ["ICD-10-CM", "CPT", "HCPCS"],
                    "experience_years": 1,
                    "apprentice_friendly": True,
                    "coding_test": True,
                    "productivity": "3 charts per hour",
                    "employment_type": "full_time",
                    "location_type": "remote",
                    "location": "",
                    "remote_states": ["TX", "FL"],
                    "pay_min": 22,
                    "pay_max": 28,
                    "pay_unit": "hour",
                    "apply_url": "",
                    "expires": "2030-01-31",
                },
            }
        },
    },
    "responses": {
        201: {"description": "the posting, with its status (pending or approved)"},
        400: {"description": "a field is missing or wrong: the error names it"},
        401: {"description": "no API key, or a key of an account without the employer role"},
    },
}


_FILTERS = {
    "parameters": [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": str(field.help_text or field.label or name),
        }
        for name, field in SearchForm.base_fields.items()
    ]
}


@router.get(
    "",
    summary="Jobs on the board, filtered as /careers/ filters them",
    response={200: JobList, **error_responses(400)},
    openapi_extra=_FILTERS,
)
def list_jobs(request: HttpRequest) -> HttpResponse:
    """Parameters as the search page: q, credential, setting, specialty, code_set, location_type,
    state, employment_type, pay_at_least + pay_unit, apprentice, max_experience, posted_within
    (days), sort (date or pay)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest(first_error(form))
    jobs = board.search(form.cleaned_data)[:200]
    return as_built(JobList, {"jobs": [job.to_dict() for job in jobs]})


@router.post(
    "",
    summary="Post a job (an employer's API key)",
    response={201: JobPosted, **error_responses(400, 401)},
    openapi_extra=_POST_BODY,
)
def post_job(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(request, "api_key", None) is None or not user.is_authenticated:
        raise Unauthorized("posting a job needs an employer's API key (Authorization: Bearer)")
    if not has_role(user, "employer"):
        raise Unauthorized("this API key's account does not have the employer role")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"body: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadRequest("body: expected a JSON object with the posting's fields")
    unknown = sorted(set(data) - set(JobForm.base_fields))
    if unknown:
        raise BadRequest(f"{unknown[0]}: not a field of a job posting")
    form = JobForm(_form_data(data))
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        raise BadRequest(first_error(form), fields=fields)
    job = form.apply_to(Job(employer=user))
    job.save()
    moderation.submit(job)
    return as_built(JobPosted, {"ok": True, "job": job.to_dict()}, status=201)


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    """JSON values as the form reads them: booleans present only when true, None as empty."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                out[name] = "on"
            continue
        out[name] = value
    return out
