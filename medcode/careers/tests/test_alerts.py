"""Saved searches: the alert when a matching job is approved, digests, the Atom feed, the CLI."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.utils import timezone

from medcode.careers import moderation
from medcode.careers.alerts import send_digests
from medcode.careers.models import SavedSearch
from medcode.careers.tests.factories import draft, live_job, logged_in, person
from medcode.cli import main

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def save(user: Any, query: str, frequency: str) -> SavedSearch:
    logged_in(user).post(
        "/careers/searches/", {"query": query, "name": "Remote TX", "frequency": frequency}
    )
    return SavedSearch.objects.get(user=user, query=query)


def test_instant_alert_when_a_matching_job_is_approved(
    django_capture_on_commit_callbacks: Any,
) -> None:
    coder = person("coder@example.org")
    save(coder, "credential=CPC&state=TX", SavedSearch.INSTANT)
    save(person("inpatient@example.org"), "setting=inpatient", SavedSearch.INSTANT)
    boss = person("boss@lakeside.example", "employer")
    job = moderation.submit(draft(boss))
    assert mail.outbox == []  # waiting for a moderator is not news
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(job, person("mod@example.org", staff=True))
    assert [m.to for m in mail.outbox] == [["coder@example.org"]]
    assert f"/careers/jobs/{job.pk}/" in mail.outbox[0].body


def test_digests_send_new_jobs_when_due(django_capture_on_commit_callbacks: Any) -> None:
    coder = person("coder@example.org")
    daily = save(coder, "credential=CPC", SavedSearch.DAILY)
    weekly = save(coder, "location_type=remote", SavedSearch.WEEKLY)
    SavedSearch.objects.update(last_sent=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        job = live_job(person("boss@lakeside.example", "employer"), None)
    assert send_digests() == (1, 1)  # the weekly one is not due yet
    assert mail.outbox[0].to == ["coder@example.org"] and job.title in mail.outbox[0].body
    assert send_digests() == (0, 0)  # sent: not due again for a day
    later = timezone.now() + timedelta(days=8)
    assert send_digests(later) == (2, 1)  # the weekly one mails; the daily one has nothing new
    daily.refresh_from_db()
    weekly.refresh_from_db()
    assert daily.last_sent == weekly.last_sent == later


def test_atom_feed_per_search() -> None:
    coder = person("coder@example.org")
    saved = save(coder, "credential=CPC", SavedSearch.DAILY)
    job = live_job(person("boss@lakeside.example", "employer"), None)
    live_job(
        person("other@elsewhere.example", "employer"),
        None,
        title="DRG auditor",
        description="Audit inpatient DRGs.",
        credentials_required=["CCS"],
        credentials_preferred=[],
    )
    answer = logged_in(person("reader@example.org")).get(
        f"/careers/searches/{saved.feed_token}/feed.atom"
    )
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(answer.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [f"{job.title} — {job.organization}"]
    page = logged_in(coder).get("/careers/searches/").content.decode()
    assert saved.feed_token in page


def test_cli_jobs_alerts_and_archive(capsys: Any) -> None:
    assert main(["jobs", "alerts"]) == 0
    assert "0 saved search(es) due" in capsys.readouterr().out
    assert main(["jobs", "archive"]) == 0
    assert "0 expired posting(s) archived" in capsys.readouterr().out
