"""What is on the board, and the search over it (the same filters for pages, API, feeds, alerts)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from medcode.careers.models import Job, yearly


def live() -> QuerySet[Job]:
    """Approved postings not past their expiry: an expired one leaves the board at once, before
    ``medcode jobs archive`` marks it archived."""
    return Job.objects.filter(status=Job.APPROVED, expires__gte=timezone.localdate())


def search(filters: dict[str, Any], jobs: QuerySet[Job] | None = None) -> QuerySet[Job]:
    """Filter by a SearchForm's cleaned data (empty values are ignored)."""
    jobs = live() if jobs is None else jobs
    for word in str(filters.get("q") or "").split()[:10]:
        jobs = jobs.filter(
            Q(title__icontains=word)
            | Q(organization__icontains=word)
            | Q(description__icontains=word)
            | Q(specialties__icontains=word)
        )
    if filters.get("credential"):
        item = f",{filters['credential']},"
        jobs = jobs.filter(
            Q(credentials_required__icontains=item) | Q(credentials_preferred__icontains=item)
        )
    if filters.get("setting"):
        jobs = jobs.filter(setting=filters["setting"])
    if filters.get("specialty"):
        jobs = jobs.filter(specialties__icontains=str(filters["specialty"]).strip().lower())
    if filters.get("code_set"):
        jobs = jobs.filter(code_sets__icontains=f",{filters['code_set']},")
    if filters.get("employment_type"):
        jobs = jobs.filter(employment_type=filters["employment_type"])
    if filters.get("location_type"):
        jobs = jobs.filter(location_type=filters["location_type"])
    if filters.get("state"):
        state = str(filters["state"]).upper()
        # A remote job open to the state, or an on-site/hybrid one located there ("…, TX").
        jobs = jobs.filter(
            Q(remote_states__icontains=f",{state},")
            | (~Q(location_type="remote") & Q(location__iendswith=f" {state}"))
        )
    if filters.get("pay_at_least") not in (None, ""):
        floor = yearly(Decimal(str(filters["pay_at_least"])), filters.get("pay_unit") or "year")
        jobs = jobs.filter(pay_yearly_max__gte=floor)
    if filters.get("apprentice"):
        jobs = jobs.filter(apprentice_friendly=True)
    if filters.get("max_experience") not in (None, ""):
        jobs = jobs.filter(experience_years__lte=int(filters["max_experience"]))
    if filters.get("posted_within"):
        since = timezone.now() - timedelta(days=int(filters["posted_within"]))
        jobs = jobs.filter(published_at__gte=since)
    if filters.get("sort") == "pay":
        return jobs.order_by("-pay_yearly_max", "-published_at")
    return jobs.order_by("-published_at", "-pk")


def matches(job: Job, filters: dict[str, Any]) -> bool:
    return search(filters, Job.objects.filter(pk=job.pk, status=Job.APPROVED)).exists()


def archive_expired() -> int:
    """Mark approved postings past their expiry as archived; returns how many."""
    return Job.objects.filter(status=Job.APPROVED, expires__lt=timezone.localdate()).update(
        status=Job.ARCHIVED
    )
