"""What the desk does with a question, a reply, a follow-up and an answer, whatever it came by.

The web form and the mail server both end here, so screening, limits, tracking ids,
acknowledgments and the queued draft behave the same for both.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from medcode.assistant.privacy import screen
from medcode.consult import mail
from medcode.consult.models import (
    Answer,
    Attachment,
    Consultation,
    DeskPlan,
    Message,
    SenderDay,
    Status,
    create_consultation,
)

log = logging.getLogger(__name__)

MAX_QUESTION = 8000
TOPICS = ["coding", "modifiers", "edits", "payment", "coverage", "therapy", "other"]
SETTINGS = ["office", "facility", "hospital outpatient", "home", "telehealth", "other"]


class Refused(ValueError):
    """The question cannot be taken; the message says why, for the asker."""


@dataclass
class Incoming:
    """A question or reply before it is screened; attachments as (name, type, bytes, text)."""

    sender: Any  # the asker's User
    body: str
    subject: str = ""
    topic: str = ""
    payer: str = ""
    setting: str = ""
    date_of_service: date | None = None
    excerpt: str = ""
    attachments: list[tuple[str, str, int, str]] = field(default_factory=list)
    message_id: str = ""
    via: str = "web"


def promise(start: Any, hours: int) -> Any:
    """``hours`` of desk time from ``start``: weekends do not count (24 h is a business day)."""
    moment, left = start, hours
    while left > 0:
        step = min(left, 24)
        moment += timedelta(hours=step)
        left -= step
        while moment.weekday() >= 5:  # Saturday, Sunday: the desk is closed
            moment += timedelta(days=1)
    return moment


def desk_plan(user: Any) -> DeskPlan | None:
    from medcode.accounts.metering import account_reader

    return DeskPlan.objects.filter(plan_id=account_reader(user).plan_id).first()


def used_this_month(user: Any) -> int:
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Consultation.objects.filter(asker=user, created__gte=start).count()


def check_limits(user: Any) -> DeskPlan | None:
    plan = desk_plan(user)
    if plan is not None and plan.per_month is not None and used_this_month(user) >= plan.per_month:
        raise Refused(
            f"your plan allows {plan.per_month} consultations a month and they are used; "
            "upgrade on your profile page or ask again next month"
        )
    window = timezone.now().replace(minute=0, second=0, microsecond=0)
    key = hashlib.sha256(str(user.email).lower().encode()).hexdigest()
    with transaction.atomic():
        row, _ = SenderDay.objects.get_or_create(sender=key, window=window)
        if row.count >= settings.MEDCODE_CONSULT_PER_HOUR:
            raise Refused(
                f"{settings.MEDCODE_CONSULT_PER_HOUR} questions an hour from one address at most; "
                "please wait before sending more"
            )
        SenderDay.objects.filter(pk=row.pk).update(count=F("count") + 1)
        SenderDay.objects.filter(window__lt=window - timedelta(days=1)).delete()
    return plan


def _screen_all(incoming: Incoming) -> tuple[str, str, str, list[tuple[str, str, int, str]]]:
    """Screened question, excerpt, subject and attachments, and what was removed."""
    sender = str(incoming.sender.email)
    parts = [screen(incoming.body, sender=sender), screen(incoming.excerpt, sender=sender)]
    subject = screen(incoming.subject, sender=sender)
    texts = [screen(text, sender=sender) for *_, text in incoming.attachments]
    for part in [*parts, subject, *texts]:
        if part.refused:
            raise Refused(part.refused)
    removed: dict[str, int] = {}
    for part in [*parts, subject, *texts]:
        for label, count in part.removed.items():
            removed[label] = removed.get(label, 0) + count
    summary = ", ".join(
        f"{n} {label}{'s' if n > 1 else ''}" for label, n in sorted(removed.items())
    )
    body = parts[0].text
    if parts[1].text.strip():
        body += "\n\nDocumentation excerpt:\n" + parts[1].text
    attachments = [
        (name, kind, size, screened.text)
        for (name, kind, size, _), screened in zip(incoming.attachments, texts, strict=True)
    ]
    return body, subject.text, summary, attachments


def ask(incoming: Incoming) -> tuple[Consultation, str]:
    """Open a consultation; returns it and what screening removed. Raises Refused."""
    if not incoming.body.strip():
        raise Refused("the question is empty")
    if len(incoming.body) > MAX_QUESTION:
        raise Refused(f"the question is {len(incoming.body)} characters; at most {MAX_QUESTION}")
    body, subject, removed, attachments = _screen_all(incoming)
    if incoming.date_of_service is None:
        # A mailed question names its date in the text, as the assistant reads it.
        from medcode.assistant.understand import find_date

        incoming.date_of_service = find_date(body, timezone.localdate())[0]
    plan = check_limits(incoming.sender)
    hours = plan.response_hours if plan is not None else 24
    now = timezone.now()
    with transaction.atomic():
        consultation = create_consultation(
            asker=incoming.sender,
            subject=(subject.strip() or body.strip().splitlines()[0])[:200],
            topic=incoming.topic,
            payer=incoming.payer[:60],
            setting=incoming.setting[:60],
            date_of_service=incoming.date_of_service,
            created=now,
            promised=promise(now, hours),
            root_message_id=incoming.message_id,
        )
        _store_message(consultation, Message.Kind.QUESTION, incoming, body, removed, attachments)
    from medcode.consult.tasks import queue_draft

    transaction.on_commit(lambda: queue_draft(consultation.pk))
    try:
        ack_id = mail.acknowledge(consultation, removed, in_reply_to=incoming.message_id)
    except Exception:
        # The question is kept and drafted; a mail server that is down must not lose it (and
        # the SMTP client must not be told to retry, which would ask it twice).
        log.exception("acknowledgment of %s not sent", consultation.tracking)
        return consultation, removed
    if not consultation.root_message_id:
        # Asked on the web: the acknowledgment starts the mail thread.
        consultation.root_message_id = ack_id
        consultation.save(update_fields=["root_message_id"])
    return consultation, removed


def _store_message(
    consultation: Consultation,
    kind: str,
    incoming: Incoming,
    body: str,
    removed: str,
    attachments: list[tuple[str, str, int, str]],
) -> Message:
    """One screened message of a thread, with its screened attachments' text."""
    message = Message.objects.create(
        consultation=consultation,
        kind=kind,
        author=incoming.sender,
        body=body,
        removed=removed,
        message_id=incoming.message_id,
        via=incoming.via,
    )
    for name, content_type, size, text in attachments:
        Attachment.objects.create(
            message=message, name=name[:200], content_type=content_type, size=size, text=text
        )
    return message


def reply(consultation: Consultation, incoming: Incoming) -> Message:
    """The asker adds to their consultation (answering a follow-up, or more detail)."""
    if not incoming.body.strip():
        raise Refused("the reply is empty")
    body, _, removed, attachments = _screen_all(incoming)
    with transaction.atomic():
        message = _store_message(
            consultation, Message.Kind.REPLY, incoming, body, removed, attachments
        )
        if consultation.status in (Status.WAITING, Status.ANSWERED):
            # Back in the queue: an answer to a follow-up, or a question after the answer.
            if consultation.status == Status.ANSWERED:
                plan = desk_plan(incoming.sender)
                hours = plan.response_hours if plan is not None else 24
                consultation.promised = promise(timezone.now(), hours)
            consultation.status = Status.CLAIMED if consultation.consultant_id else Status.NEW
            consultation.save(update_fields=["status", "promised"])
    return message


def claim(consultation: Consultation, consultant: Any) -> None:
    with transaction.atomic():
        updated = Consultation.objects.filter(pk=consultation.pk, consultant__isnull=True).update(
            consultant=consultant, status=Status.CLAIMED
        )
    if not updated and consultation.consultant_id != consultant.pk:
        raise Refused("another consultant has claimed this consultation")
    consultation.refresh_from_db()


def follow_up(consultation: Consultation, consultant: Any, text: str) -> Message:
    screened = screen(text)
    if screened.refused:
        raise Refused(screened.refused)
    message_id = mail.send(
        consultation.asker.email,
        f"A question about: {consultation.subject}",
        screened.text
        + f"\n\nReply to this mail, or on {mail.site_url('/consult/' + consultation.tracking)}\n",
        consultation=consultation,
        automatic=False,
    )
    with transaction.atomic():
        message = Message.objects.create(
            consultation=consultation,
            kind=Message.Kind.FOLLOW_UP,
            author=consultant,
            body=screened.text,
            message_id=message_id,
        )
        consultation.status = Status.WAITING
        consultation.save(update_fields=["status"])
    return message


def releases_of(citations: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(c["release"] for c in citations if c.get("dataset") != "content"))


def send_answer(consultation: Consultation, consultant: Any, body: str, credentials: str) -> Answer:
    """Sign, mail (HTML + text, threaded) and record the answer."""
    from django.template.loader import render_to_string

    from medcode.assistant.views import answer_html as markdown_html

    if not body.strip():
        raise Refused("the answer is empty")
    if not credentials.strip():
        raise Refused("credentials: say which (CPC, CCS, ...) so the answer can be signed")
    screened = screen(body)
    if screened.refused:
        raise Refused(screened.refused)
    name = consultant.get_full_name() or consultant.email
    citations = consultation.draft_citations or []
    releases = releases_of(citations)
    dos = (
        consultation.date_of_service.isoformat()
        if consultation.date_of_service
        else "not given (the answer is as of the day it was written)"
    )
    context = {
        "c": consultation,
        "body": screened.text,
        "html_body": markdown_html(screened.text),
        "name": name,
        "credentials": credentials,
        "releases": releases,
        "dos": dos,
        "url": mail.site_url(f"/consult/{consultation.tracking}"),
    }
    text = render_to_string("consult/mail/answer.txt", context)
    html = render_to_string("consult/mail/answer.html", context)
    last = consultation.messages.exclude(message_id="").order_by("-created", "-id").first()
    message_id = mail.send(
        consultation.asker.email,
        f"Answer: {consultation.subject}",
        text,
        html=html,
        consultation=consultation,
        in_reply_to=last.message_id if last else "",
        automatic=False,
    )
    with transaction.atomic():
        answer, _ = Answer.objects.update_or_create(
            consultation=consultation,
            defaults={
                "body": screened.text,
                "signed_name": name,
                "credentials": credentials,
                "releases": releases,
                "dates_of_service": dos,
                "citations": citations,
                "sent": timezone.now(),
            },
        )
        Message.objects.create(
            consultation=consultation,
            kind=Message.Kind.ANSWER,
            author=consultant,
            body=text,
            html=html,
            message_id=message_id,
        )
        consultation.status = Status.ANSWERED
        # The first answer is the one the promise and the median are about.
        consultation.answered = consultation.answered or answer.sent
        if consultation.consultant_id is None:
            consultation.consultant = consultant
        consultation.save(update_fields=["status", "answered", "consultant"])
    return answer


def median_hours_to_answer(days: int = 30) -> float | None:
    since = timezone.now() - timedelta(days=days)
    spans = [
        (answered - created).total_seconds() / 3600  # type: ignore[operator]
        for created, answered in Consultation.objects.filter(
            answered__isnull=False, answered__gte=since
        ).values_list("created", "answered")
    ]
    return statistics.median(spans) if spans else None
