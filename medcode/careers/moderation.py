"""A posting's life: submitted, held for a moderator or published, decided, closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from medcode.careers import flags
from medcode.careers.models import Job


class NotAllowed(ValueError):
    pass


def is_established(employer: Any) -> bool:
    """An employer with an approved posting and none rejected skips the queue when unflagged."""
    mine = Job.objects.filter(employer=employer)
    return (
        mine.filter(
            status__in=[Job.APPROVED, Job.CLOSED, Job.ARCHIVED], moderated_by__isnull=False
        ).exists()
        and not mine.filter(status=Job.REJECTED).exists()
    )


def submit(job: Job) -> Job:
    """Send a draft (or a posting a moderator sent back) to the board or the queue."""
    if job.status not in (Job.DRAFT, Job.CHANGES, Job.APPROVED):
        raise NotAllowed(
            f"a posting that is {job.get_status_display().lower()} cannot be submitted"
        )
    job.flags = flags.trouble(job)
    job.submitted_at = timezone.now()
    if not job.flags and is_established(job.employer):
        return publish(job, None)
    job.status = Job.PENDING
    job.save()
    return job


@transaction.atomic
def publish(job: Job, moderator: Any) -> Job:
    first = job.published_at is None
    job.status = Job.APPROVED
    job.moderated_by = moderator or job.moderated_by
    job.moderation_note = ""
    if first:
        job.published_at = timezone.now()
    job.save()
    if first:
        from medcode.careers.alerts import alert_on_publish

        transaction.on_commit(lambda: alert_on_publish(job))
    return job


def approve(job: Job, moderator: Any) -> Job:
    if job.status != Job.PENDING:
        raise NotAllowed("only a pending posting can be approved")
    return publish(job, moderator)


def reject(job: Job, moderator: Any, reason: str) -> Job:
    return _send_back(job, moderator, reason, Job.REJECTED)


def ask_changes(job: Job, moderator: Any, note: str) -> Job:
    return _send_back(job, moderator, note, Job.CHANGES)


def _send_back(job: Job, moderator: Any, note: str, status: str) -> Job:
    if job.status != Job.PENDING:
        raise NotAllowed("only a pending posting can be decided")
    if not note.strip():
        raise NotAllowed("reason: say why, so the employer can act on it")
    job.status = status
    job.moderation_note = note.strip()
    job.moderated_by = moderator
    job.save()
    transaction.on_commit(lambda: _tell_employer(job))
    return job


def _tell_employer(job: Job) -> None:
    from django.core.mail import send_mail

    from medcode.careers.alerts import site_url

    what = "was rejected" if job.status == Job.REJECTED else "needs changes before it is posted"
    send_mail(
        f"[medcode] Your job posting “{job.title}” {what}",
        f"A moderator wrote:\n\n{job.moderation_note}\n\nYour postings: {site_url()}/careers/mine/",
        None,
        [job.employer.email],
    )


def close(job: Job) -> Job:
    if job.status in (Job.CLOSED, Job.ARCHIVED, Job.REJECTED):
        raise NotAllowed(f"the posting is already {job.get_status_display().lower()}")
    job.status = Job.CLOSED
    job.save()
    return job
