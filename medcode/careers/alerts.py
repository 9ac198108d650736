"""Saved searches: an alert when a matching job is approved, daily or weekly digests
(``medcode jobs alerts``), and an Atom feed per search."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import feedgenerator, timezone

from medcode.careers.board import search
from medcode.careers.forms import SearchForm
from medcode.careers.models import Job, SavedSearch


def filters_of(query: str) -> dict[str, Any]:
    data = {k: v[0] for k, v in parse_qs(query).items() if v}
    form = SearchForm(data)
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}


def site_url() -> str:
    return str(getattr(settings, "MEDCODE_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _job_lines(jobs: list[Job]) -> str:
    base = site_url()
    return "\n".join(
        f"- {job.title}, {job.organization}: {job.pay_label}\n  {base}/careers/jobs/{job.pk}/"
        for job in jobs
    )


def _footer(saved: SavedSearch) -> str:
    return (
        f"\n\nYour saved search: {site_url()}/careers/?{saved.query}\n"
        f"Stop these mails: {site_url()}/careers/searches/"
    )


def alert_on_publish(job: Job) -> int:
    """Mail each instant saved search the job matches; returns the mails sent."""
    sent = 0
    for saved in SavedSearch.objects.filter(frequency=SavedSearch.INSTANT).select_related("user"):
        if saved.user_id == job.employer_id:
            continue
        if not search(filters_of(saved.query), Job.objects.filter(pk=job.pk)).exists():
            continue
        send_mail(
            f"[medcode] New job for “{saved.name}”: {job.title}",
            f"A job matching your saved search was posted:\n\n{_job_lines([job])}{_footer(saved)}",
            None,
            [saved.user.email],
        )
        sent += 1
    return sent


def due(now: Any = None) -> QuerySet[SavedSearch]:
    now = now or timezone.now()
    return SavedSearch.objects.filter(
        frequency=SavedSearch.DAILY, last_sent__lte=now - timedelta(days=1)
    ) | SavedSearch.objects.filter(
        frequency=SavedSearch.WEEKLY, last_sent__lte=now - timedelta(days=7)
    )


def send_digests(now: Any = None) -> tuple[int, int]:
    """Send each due digest with the jobs published since it last went; (searches, mails)."""
    now = now or timezone.now()
    checked = mailed = 0
    for saved in due(now).select_related("user"):
        checked += 1
        jobs = list(search(filters_of(saved.query)).filter(published_at__gt=saved.last_sent)[:50])
        if jobs:
            send_mail(
                f"[medcode] {len(jobs)} new job(s) for “{saved.name}”",
                f"Jobs posted since {saved.last_sent:%Y-%m-%d}:\n\n{_job_lines(jobs)}"
                f"{_footer(saved)}",
                None,
                [saved.user.email],
            )
            mailed += 1
        saved.last_sent = now
        saved.save(update_fields=["last_sent"])
    return checked, mailed


def atom(saved: SavedSearch) -> str:
    base = site_url()
    feed = feedgenerator.Atom1Feed(
        title=f"medcode jobs: {saved.name}",
        link=f"{base}/careers/?{saved.query}",
        description="Coding jobs matching a saved search",
        feed_url=f"{base}/careers/searches/{saved.feed_token}/feed.atom",
        language="en",
    )
    for job in search(filters_of(saved.query))[:50]:
        feed.add_item(
            title=f"{job.title} — {job.organization}",
            link=f"{base}/careers/jobs/{job.pk}/",
            description=f"{job.pay_label}; {job.location_label}; {job.setting_label}",
            unique_id=f"{base}/careers/jobs/{job.pk}/",
            pubdate=job.published_at,
            updateddate=job.updated,
        )
    return feed.writeString("utf-8")
