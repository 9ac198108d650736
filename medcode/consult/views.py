"""Pages of the desk: asking, the asker's thread, the consultants' queue, the library, status."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medcode.accounts.roles import has_role
from medcode.consult import attachments, desk, library
from medcode.consult.models import Answer, Consultation, LibraryEntry, Status
from medcode.releases.dates import BadDate, parse_as_of

MAX_FILES = 5


def _consultant(request: HttpRequest) -> None:
    if not has_role(request.user, "consultant"):
        raise PermissionDenied("consultants only")


def _date(raw: str, field: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return parse_as_of(raw, name=field)
    except BadDate as exc:
        raise desk.Refused(str(exc)) from None


def _own(request: HttpRequest, tracking: str) -> Consultation:
    consultation = get_object_or_404(Consultation, tracking=tracking)
    if consultation.asker_id != request.user.pk and not has_role(request.user, "consultant"):
        raise Http404("no such consultation")
    return consultation


@login_required
def new(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "topics": desk.TOPICS,
        "settings": desk.SETTINGS,
        "values": request.POST,
        "plan": desk.desk_plan(request.user),
        "used": desk.used_this_month(request.user),
    }
    if request.method != "POST":
        return render(request, "consult/new.html", context)
    try:
        files = request.FILES.getlist("attachments")
        if len(files) > MAX_FILES:
            raise desk.Refused(f"attachments: {len(files)} files; at most {MAX_FILES}")
        read = [attachments.read(f.name or "attachment", f.read()) for f in files]
        topic = request.POST.get("topic", "")
        incoming = desk.Incoming(
            sender=request.user,
            body=request.POST.get("question", ""),
            subject=request.POST.get("subject", ""),
            topic=topic if topic in desk.TOPICS else "",
            payer=request.POST.get("payer", "").strip(),
            setting=request.POST.get("setting", "").strip(),
            date_of_service=_date(request.POST.get("date_of_service", ""), "date of service"),
            excerpt=request.POST.get("excerpt", ""),
            attachments=read,
        )
        consultation, removed = desk.ask(incoming)
    except desk.Refused as exc:
        context["error"] = str(exc)
        return render(request, "consult/new.html", context, status=400)
    if removed:
        messages.warning(request, f"Removed before anything was stored: {removed}.")
    messages.success(
        request, f"Received as {consultation.tracking}; an acknowledgment is in your mail."
    )
    return redirect("consult-detail", tracking=consultation.tracking)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = Consultation.objects.filter(asker_id=request.user.pk).order_by("-created")
    return render(
        request,
        "consult/mine.html",
        {"rows": rows, "consultant": has_role(request.user, "consultant")},
    )


@login_required
def detail(request: HttpRequest, tracking: str) -> HttpResponse:
    consultation = _own(request, tracking)
    if request.method == "POST":
        if consultation.asker_id != request.user.pk:
            raise PermissionDenied("only the asker replies here")
        try:
            desk.reply(
                consultation, desk.Incoming(sender=request.user, body=request.POST.get("body", ""))
            )
            messages.success(request, "Your reply was added.")
        except desk.Refused as exc:
            messages.error(request, str(exc))
        return redirect("consult-detail", tracking=tracking)
    thread = consultation.messages.select_related("author").prefetch_related("attachments")
    return render(
        request,
        "consult/detail.html",
        {
            "c": consultation,
            "thread": thread,
            "answer": Answer.objects.filter(consultation=consultation).first(),
            "consultant": has_role(request.user, "consultant"),
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _consultant(request)
    rows = Consultation.objects.exclude(status=Status.ANSWERED).select_related("consultant")
    topic = request.GET.get("topic", "")
    payer = request.GET.get("payer", "").strip()
    waiting = request.GET.get("waiting", "")
    if topic:
        rows = rows.filter(topic=topic)
    if payer:
        rows = rows.filter(payer__icontains=payer)
    if waiting.isdigit():
        rows = rows.filter(created__lte=timezone.now() - timedelta(hours=int(waiting)))
    return render(
        request,
        "consult/queue.html",
        {
            "rows": rows.order_by("promised"),
            "topics": desk.TOPICS,
            "topic": topic,
            "payer": payer,
            "waiting": waiting,
            "review": LibraryEntry.objects.filter(needs_review=True),
        },
    )


@login_required
def work(request: HttpRequest, tracking: str) -> HttpResponse:
    _consultant(request)
    consultation = get_object_or_404(Consultation, tracking=tracking)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "claim":
                desk.claim(consultation, request.user)
                messages.success(request, f"You claimed {tracking}.")
            elif action == "save":
                consultation.draft = request.POST.get("body", "")
                consultation.save(update_fields=["draft"])
                messages.success(request, "Draft saved.")
            elif action == "follow_up":
                desk.follow_up(consultation, request.user, request.POST.get("follow_up", ""))
                messages.success(request, "Follow-up sent to the asker.")
            elif action == "send":
                desk.send_answer(
                    consultation,
                    request.user,
                    request.POST.get("body", ""),
                    request.POST.get("credentials", ""),
                )
                messages.success(request, "Answer signed and sent.")
            elif action == "publish":
                library.publish(
                    consultation,
                    request.POST.get("title", ""),
                    request.POST.get("question", ""),
                    request.POST.get("answer", ""),
                )
                messages.success(request, "Published to the library.")
            else:
                messages.error(
                    request,
                    f"action: {action!r} is not one of claim, save, follow_up, send, publish",
                )
        except desk.Refused as exc:
            messages.error(request, str(exc))
        return redirect("consult-work", tracking=tracking)
    last = (
        Answer.objects.filter(consultation__consultant_id=request.user.pk).order_by("-sent").first()
    )
    answer = Answer.objects.filter(consultation=consultation).first()
    return render(
        request,
        "consult/work.html",
        {
            "c": consultation,
            "thread": consultation.messages.select_related("author").prefetch_related(
                "attachments"
            ),
            "answer": answer,
            "credentials": last.credentials if last else "",
            "entry": LibraryEntry.objects.filter(consultation=consultation).first(),
        },
    )


def library_page(request: HttpRequest) -> HttpResponse:
    library.recheck_all()
    query = request.GET.get("q", "").strip()
    entries = library.search(query) if query else LibraryEntry.objects.all()
    return render(request, "consult/library.html", {"entries": entries[:50], "q": query})


def library_entry(request: HttpRequest, pk: int) -> HttpResponse:
    library.recheck_all()
    entry = get_object_or_404(LibraryEntry.objects.select_related("consultation__answer"), pk=pk)
    return render(
        request,
        "consult/entry.html",
        {"e": entry, "consultant": has_role(request.user, "consultant")},
    )


@login_required
@require_POST
def reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    _consultant(request)
    entry = get_object_or_404(LibraryEntry, pk=pk)
    entry.needs_review = False
    entry.save(update_fields=["needs_review"])
    return redirect("consult-library-entry", pk=pk)


def status(request: HttpRequest) -> HttpResponse:
    from medcode.accounts.models import Reader

    median = desk.median_hours_to_answer(30)
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    plan_of_user = dict(
        Reader.objects.filter(user__isnull=False).values_list("user_id", "plan__label")
    )
    per_plan: dict[str, int] = {}
    for row in (
        Consultation.objects.filter(created__gte=start).values("asker_id").annotate(n=Count("id"))
    ):
        label = plan_of_user.get(row["asker_id"], "Free account")
        per_plan[label] = per_plan.get(label, 0) + row["n"]
    return render(
        request,
        "consult/status.html",
        {
            "median": median,
            "open": Consultation.objects.exclude(status=Status.ANSWERED).count(),
            "answered": Consultation.objects.filter(
                answered__gte=timezone.now() - timedelta(days=30)
            ).count(),
            "per_plan": sorted(per_plan.items()),
        },
    )
