"""Accounts and postings for the careers tests, made through the same form a person uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from medcode.accounts.operators import create_user
from medcode.careers import moderation
from medcode.careers.forms import JobForm
from medcode.careers.models import Job

PASSWORD = "a long careers passphrase 77"

POSTING: dict[str, Any] = {
    "title": "Remote outpatient coder",
    "organization": "Lakeside Orthopedics",
    "description": "Code **outpatient** orthopedic visits and injections (J1030, 20610) "
    "with M17.11 knee diagnoses. Training by our senior coders.",
    "credentials_required": ["CPC"],
    "credentials_preferred": ["COC"],
    "setting": "outpatient",
    "specialties": "orthopedics",
    "code_sets": ["ICD-10-CM", "CPT", "HCPCS"],
    "experience_years": "1",
    "apprentice_friendly": "on",
    "coding_test": "on",
    "productivity": "3 charts per hour",
    "employment_type": "full_time",
    "location_type": "remote",
    "location": "",
    "remote_states": "TX, FL",
    "pay_min": "24",
    "pay_max": "30",
    "pay_unit": "hour",
    "apply_url": "",
    "contact_email": "jobs@lakeside.example",
}


def person(email: str, *roles: str, staff: bool = False) -> User:
    user = create_user(email, password=PASSWORD, role_names=list(roles))
    if staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(employer: User, **changes: Any) -> Job:
    form = JobForm({**POSTING, **changes})
    assert form.is_valid(), form.errors
    job = form.apply_to(Job(employer=employer))
    job.save()
    return job


def live_job(employer: User, moderator: User | None = None, **changes: Any) -> Job:
    job = moderation.submit(draft(employer, **changes))
    if job.status == Job.PENDING:
        job = moderation.approve(job, moderator)
    return job


def age(job: Job, days: int) -> Job:
    """Move a posting's dates back, as if it had been posted ``days`` ago."""
    Job.objects.filter(pk=job.pk).update(
        published_at=timezone.now() - timedelta(days=days),
        expires=timezone.localdate() - timedelta(days=days - 30),
    )
    job.refresh_from_db()
    return job
