"""Job board pages: search, job page, posting (employers), moderation (staff), applying,
saved searches. Plain views; the logic lives in board, moderation, alerts and resumes."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from medcode.accounts.roles import has_role
from medcode.careers import board, moderation, resumes
from medcode.careers import render as rendering
from medcode.careers.alerts import atom
from medcode.careers.forms import JobForm, SearchForm, initial_from
from medcode.careers.models import Application, Job, SavedSearch

PER_PAGE = 50


def _me(request: HttpRequest) -> User:
    """The logged-in user (the views that call this are behind login_required)."""
    return cast(User, request.user)


def _employer(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied("log in with an employer account to post jobs")
    if not has_role(request.user, "employer"):
        raise PermissionDenied("posting jobs needs the employer role")


def _staff(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied("moderation is for staff")


def _own_job(request: HttpRequest, pk: int) -> Job:
    _employer(request)
    return get_object_or_404(Job, pk=pk, employer=_me(request))


def board_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = list(board.search(filters)[:PER_PAGE]) if form.is_bound and filters else []
    if not form.is_bound:
        jobs = list(board.search({})[:PER_PAGE])
    query = urlencode([(k, v) for k, v in request.GET.items() if v])
    return render(
        request,
        "careers/board.html",
        {"form": form, "jobs": jobs, "query": query, "searched": bool(query)},
    )


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    mine = request.user.is_authenticated and job.employer_id == request.user.pk
    staff = request.user.is_authenticated and request.user.is_staff
    if not job.is_live and not (mine or staff):
        # Expired, closed or not yet approved: gone from the board for everyone else.
        raise Http404("this job is not on the board")
    applied = None
    if request.user.is_authenticated:
        applied = Application.objects.filter(job=job, applicant=_me(request)).first()
    return render(request, "careers/job.html", _job_context(request, job, mine, applied))


def _job_context(
    request: HttpRequest, job: Job, mine: bool, applied: Application | None = None
) -> dict[str, Any]:
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "job": job,
        "mine": mine,
        "applied": applied,
        "description": rendering.description_html(job.description),
        "codes": rendering.codes_mentioned(job),
        "guides": rendering.guides_mentioned(job),
        "json_ld": rendering.json_ld_text(job, base),
        "lists": {
            name: job.listed(name)
            for name in (
                "credentials_required",
                "credentials_preferred",
                "specialties",
                "code_sets",
                "remote_states",
            )
        },
    }


# --- employers ---------------------------------------------------------------------------------


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    _employer(request)
    jobs = Job.objects.filter(employer=_me(request)).order_by("-created")
    return render(request, "careers/mine.html", {"jobs": jobs})


@login_required
def edit_job(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _employer(request)
    job = _own_job(request, pk) if pk else Job(employer=_me(request))
    if job.pk and job.status in (Job.CLOSED, Job.ARCHIVED, Job.REJECTED):
        messages.error(request, "A closed, expired or rejected posting cannot be edited.")
        return redirect("careers-mine")
    if request.method == "POST":
        form = JobForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                form.apply_to(job)
                if job.status in (Job.APPROVED, Job.PENDING):
                    # An edited posting is submitted and checked again like a new one, so a
                    # moderator never approves text the flags did not see.
                    job.status = Job.DRAFT
                job.save()
            return redirect("careers-preview", pk=job.pk)
    else:
        form = JobForm(initial=initial_from(job) if job.pk else None)
    return render(request, "careers/edit.html", {"form": form, "job": job})


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    context = _job_context(request, job, True)
    context["preview"] = True
    return render(request, "careers/job.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        moderation.submit(job)
    except moderation.NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("careers-mine")
    if job.status == Job.APPROVED:
        messages.success(request, "Your posting is on the board.")
    else:
        messages.success(request, "Your posting waits for a moderator; you will see it here.")
    return redirect("careers-mine")


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        moderation.close(job)
        messages.success(request, f"“{job.title}” is closed.")
    except moderation.NotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("careers-mine")


@login_required
def applications(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if request.method == "POST":
        row = get_object_or_404(Application, pk=request.POST.get("application"), job=job)
        status = request.POST.get("status", "")
        allowed = {
            Application.NEW,
            Application.REVIEWED,
            Application.INTERVIEW,
            Application.DECLINED,
        }
        if row.status != Application.WITHDRAWN and status in allowed:
            row.status = status
            row.save(update_fields=["status"])
        return redirect("careers-applications", pk=job.pk)
    rows = job.applications.select_related("applicant")
    return render(
        request,
        "careers/applications.html",
        {"job": job, "rows": rows, "statuses": Application.STATUSES[:4]},
    )


# --- moderators --------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    pending = Job.objects.filter(status=Job.PENDING).select_related("employer")
    pending = pending.order_by("submitted_at")
    return render(request, "careers/queue.html", {"jobs": pending})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    job = get_object_or_404(Job, pk=pk)
    action, note = request.POST.get("action"), request.POST.get("note", "")
    try:
        if action == "approve":
            moderation.approve(job, request.user)
        elif action == "reject":
            moderation.reject(job, request.user, note)
        elif action == "changes":
            moderation.ask_changes(job, request.user, note)
        else:
            raise moderation.NotAllowed("action: approve, reject or changes")
        messages.success(request, f"“{job.title}”: {job.get_status_display().lower()}.")
    except moderation.NotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("careers-queue")


# --- applicants --------------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    if not job.is_live or job.apply_url:
        raise Http404("this job does not take applications on medcode")
    error = None
    if request.method == "POST":
        message = request.POST.get("message", "").strip()
        try:
            if not message:
                raise resumes.BadResume("message: say a few words to the employer")
            if Application.objects.filter(job=job, applicant=_me(request)).exists():
                raise resumes.BadResume("you have already applied to this job")
            data, kind = resumes.check(request.FILES.get("resume"))
        except resumes.BadResume as exc:
            error = str(exc)
        else:
            upload = request.FILES["resume"]
            row = Application(
                job=job,
                applicant=_me(request),
                message=message[:5000],
                resume_name=(getattr(upload, "name", "") or f"resume.{kind}")[-200:],
                resume_kind=kind,
                resume_size=len(data),
            )
            resumes.store(row.token, data)
            try:
                row.save()
            except Exception:
                resumes.delete(row.token)
                raise
            messages.success(request, "Your application was sent.")
            return redirect("careers-my-applications")
    return render(
        request, "careers/apply.html", {"job": job, "error": error}, status=400 if error else 200
    )


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = Application.objects.filter(applicant=_me(request)).select_related("job")
    return render(request, "careers/my_applications.html", {"rows": rows})


@login_required
@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    row = get_object_or_404(Application, token=token, applicant=_me(request))
    row.status = Application.WITHDRAWN
    row.save(update_fields=["status"])
    messages.success(request, "Application withdrawn.")
    return redirect("careers-my-applications")


@login_required
@require_POST
def delete_application(request: HttpRequest, token: str) -> HttpResponse:
    row = get_object_or_404(Application, token=token, applicant=_me(request))
    resumes.delete(row.token)
    row.delete()
    messages.success(request, "Your application and résumé are deleted.")
    return redirect("careers-my-applications")


@login_required
def resume(request: HttpRequest, token: str) -> HttpResponse:
    row = Application.objects.filter(token=token).select_related("job").first()
    # The same 404 for a wrong token and for someone else's résumé: nothing to learn by guessing.
    if row is None or request.user.pk not in (row.applicant_id, row.job.employer_id):
        raise Http404("no such résumé")
    try:
        data = resumes.read(row.token)
    except FileNotFoundError:
        raise Http404("no such résumé") from None
    answer = HttpResponse(data, content_type=resumes.KINDS[row.resume_kind])
    answer["Content-Disposition"] = f'attachment; filename="resume-{row.pk}.{row.resume_kind}"'
    answer["Cache-Control"] = "private, no-store"
    return answer


# --- saved searches ----------------------------------------------------------------------------


@login_required
def searches(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        query = request.POST.get("query", "")[:1000]
        frequency = request.POST.get("frequency", SavedSearch.DAILY)
        if frequency not in dict(SavedSearch.FREQUENCIES):
            frequency = SavedSearch.DAILY
        name = request.POST.get("name", "").strip()[:200] or "Coding jobs"
        SavedSearch.objects.create(user=_me(request), name=name, query=query, frequency=frequency)
        messages.success(request, f"Saved “{name}”.")
        return redirect("careers-searches")
    rows = SavedSearch.objects.filter(user=_me(request))
    return render(request, "careers/searches.html", {"rows": rows})


@login_required
@require_POST
def delete_search(request: HttpRequest, pk: int) -> HttpResponse:
    SavedSearch.objects.filter(pk=pk, user=_me(request)).delete()
    return redirect("careers-searches")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, feed_token=token)
    return HttpResponse(atom(saved), content_type="application/atom+xml; charset=utf-8")
