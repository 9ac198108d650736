"""Consultations: a question, its thread of messages, the assistant's draft, the signed answer.

Nothing here holds a patient identifier: every text is screened (medcode.assistant.privacy)
before a row is written. The desk's promise and monthly allowance per plan live in a table of
ours keyed by the accounts plan, so accounts' own tables stay as they are.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class DeskPlan(models.Model):
    """What the consultation desk promises one plan: a response time and a monthly allowance."""

    plan = models.OneToOneField("accounts.Plan", on_delete=models.CASCADE, related_name="desk")
    response_hours = models.PositiveIntegerField(
        default=24,
        help_text="hours to a signed answer, weekends not counted (24 = 1 business day)",
    )
    per_month = models.PositiveIntegerField(
        null=True, blank=True, help_text="consultations per calendar month; empty for unlimited"
    )

    def __str__(self) -> str:
        return f"{self.plan}: {self.response_hours} h, {self.per_month or 'unlimited'}/month"


class Status(models.TextChoices):
    NEW = "new", "new"
    DRAFTED = "drafted", "draft ready"
    CLAIMED = "claimed", "with a consultant"
    WAITING = "waiting", "waiting for the asker"
    ANSWERED = "answered", "answered"


class Consultation(models.Model):
    tracking = models.CharField(max_length=20, unique=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultations"
    )
    subject = models.CharField(max_length=200)
    topic = models.CharField(max_length=40, blank=True, default="")
    payer = models.CharField(max_length=60, blank=True, default="")
    setting = models.CharField(max_length=60, blank=True, default="")
    date_of_service = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    created = models.DateTimeField(default=timezone.now)
    promised = models.DateTimeField()
    answered = models.DateTimeField(null=True, blank=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_consultations",
    )
    # The assistant's draft (consultants only) and its citations, JSON from answer_question.
    draft = models.TextField(blank=True, default="")
    draft_citations = models.JSONField(default=list, blank=True)
    drafted = models.DateTimeField(null=True, blank=True)
    # Message-ID of the first mail of the thread, so every mail of ours threads under it.
    root_message_id = models.CharField(max_length=250, blank=True, default="")
    # Message-IDs of every mail we sent in this thread, space-separated: a reply names one.
    mail_ids = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["promised"]
        indexes = [models.Index(fields=["status", "promised"])]

    def __str__(self) -> str:
        return self.tracking

    @property
    def time_left(self) -> timedelta:
        return self.promised - timezone.now()

    @property
    def question(self) -> str:
        first = self.messages.order_by("created", "id").first()
        return first.body if first else ""


def next_tracking(year: int) -> str:
    """``CC-2026-000123``: numbered per year, from the highest number issued so far."""
    prefix = f"CC-{year}-"
    last = (
        Consultation.objects.select_for_update()
        .filter(tracking__startswith=prefix)
        .order_by("-tracking")
        .values_list("tracking", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def create_consultation(**fields: object) -> Consultation:
    """A consultation with the next tracking id; retried when another request took it."""
    from django.db import IntegrityError

    for _ in range(5):
        try:
            with transaction.atomic():
                now = timezone.now()
                return Consultation.objects.create(tracking=next_tracking(now.year), **fields)
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a tracking id")


class Message(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question"
        REPLY = "reply"  # from the asker, after the question
        FOLLOW_UP = "follow_up"  # the consultant asks the asker
        ANSWER = "answer"  # the signed answer

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    html = models.TextField(blank=True, default="")
    # What screening removed, told to the asker ("1 name, 1 date of birth").
    removed = models.CharField(max_length=200, blank=True, default="")
    message_id = models.CharField(max_length=250, blank=True, default="", db_index=True)
    via = models.CharField(max_length=8, default="web")  # web or mail
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]


class Attachment(models.Model):
    """An attachment's screened text (PDF text, plain text); images keep only their name."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    text = models.TextField(blank=True, default="")


class Answer(models.Model):
    """The signed answer: who signed it, with what credentials, on which releases and dates."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="answer"
    )
    body = models.TextField()
    signed_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=120)
    releases = models.JSONField(default=list)
    dates_of_service = models.CharField(max_length=120, blank=True, default="")
    citations = models.JSONField(default=list)
    sent = models.DateTimeField(default=timezone.now)


class LibraryEntry(models.Model):
    """A published, de-identified answer; ``fingerprint`` is of the facts it cited then."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="library_entry"
    )
    title = models.CharField(max_length=200)
    question = models.TextField()
    answer = models.TextField()
    topic = models.CharField(max_length=40, blank=True, default="")
    date_of_service = models.DateField(null=True, blank=True)
    citations = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    published = models.DateTimeField(default=timezone.now)
    checked = models.DateTimeField(default=timezone.now)
    facts_changed = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published"]


class SenderDay(models.Model):
    """Consultations one sender opened in one hour window (the per-sender rate limit)."""

    sender = models.CharField(max_length=254)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "window"], name="consult_sender_window")
        ]
