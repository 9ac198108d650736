"""Job postings, applications and saved searches (issue 15; docs/jobs.md).

List fields (credentials, specialties, code sets, remote states) are stored as text with a comma
before and after every item (",CPC,CCS,"), so that one ``icontains`` filter finds an item on
SQLite and PostgreSQL alike without JSON operators that differ between them.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

CREDENTIALS = ["CPC", "CPC-A", "COC", "CIC", "CRC", "CCS", "CCS-P", "CCA", "RHIT", "RHIA"]
SETTINGS = {
    "professional_fee": "Professional fee",
    "inpatient": "Inpatient facility",
    "outpatient": "Outpatient facility",
    "emergency_department": "Emergency department",
    "ambulatory_surgery": "Ambulatory surgery",
}
CODE_SETS = ["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS"]
EMPLOYMENT_TYPES = {
    "full_time": "Full time",
    "part_time": "Part time",
    "contract": "Contract",
    "per_diem": "Per diem",
}
LOCATION_TYPES = {"onsite": "On site", "hybrid": "Hybrid", "remote": "Remote"}
PAY_UNITS = {"hour": "per hour", "year": "per year"}
US_STATES = """
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME
MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI
SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP
""".split()  # noqa: SIM905 (a block reads better than a line per item)
DEFAULT_DAYS = 30
MAX_DAYS = 90


def pack(items: list[str]) -> str:
    return "," + ",".join(items) + "," if items else ""


def unpack(text: str) -> list[str]:
    return [item for item in text.split(",") if item]


class Job(models.Model):
    DRAFT, PENDING, CHANGES, APPROVED, REJECTED, CLOSED, ARCHIVED = (
        "draft",
        "pending",
        "changes_requested",
        "approved",
        "rejected",
        "closed",
        "archived",
    )
    STATUSES = [
        (DRAFT, "Draft"),
        (PENDING, "Waiting for a moderator"),
        (CHANGES, "Changes asked by a moderator"),
        (APPROVED, "On the board"),
        (REJECTED, "Rejected"),
        (CLOSED, "Closed"),
        (ARCHIVED, "Expired (archived)"),
    ]

    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_postings"
    )
    title = models.CharField(max_length=200)
    organization = models.CharField(max_length=200)
    description = models.TextField()
    credentials_required = models.CharField(max_length=200, blank=True)
    credentials_preferred = models.CharField(max_length=200, blank=True)
    setting = models.CharField(max_length=30, choices=list(SETTINGS.items()))
    specialties = models.CharField(max_length=500, blank=True)
    code_sets = models.CharField(max_length=100, blank=True)
    experience_years = models.PositiveSmallIntegerField(default=0)
    apprentice_friendly = models.BooleanField(default=False)
    coding_test = models.BooleanField(default=False)
    productivity = models.CharField(max_length=200, blank=True)
    employment_type = models.CharField(max_length=20, choices=list(EMPLOYMENT_TYPES.items()))
    location_type = models.CharField(max_length=10, choices=list(LOCATION_TYPES.items()))
    location = models.CharField(max_length=200, blank=True)
    remote_states = models.CharField(max_length=300, blank=True)
    pay_min = models.DecimalField(max_digits=10, decimal_places=2)
    pay_max = models.DecimalField(max_digits=10, decimal_places=2)
    pay_unit = models.CharField(max_length=10, choices=list(PAY_UNITS.items()))
    apply_url = models.URLField(max_length=500, blank=True)
    contact_email = models.EmailField(blank=True)
    expires = models.DateField()

    status = models.CharField(max_length=20, choices=STATUSES, default=DRAFT, db_index=True)
    # Signs of trouble found when the posting was last submitted (medcode/careers/flags.py).
    flags = models.JSONField(default=list, blank=True)
    moderation_note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Pay per year, for sorting and "pay at least" across units (2,080 hours a year).
    pay_yearly_max = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["-published_at", "-created"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organization})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pay_yearly_max = yearly(self.pay_max, self.pay_unit)
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return self.status == self.APPROVED and self.expires >= timezone.localdate()

    def listed(self, name: str) -> list[str]:
        return unpack(getattr(self, name))

    @property
    def states_label(self) -> str:
        return ", ".join(self.listed("remote_states"))

    @property
    def setting_label(self) -> str:
        return SETTINGS.get(self.setting, self.setting)

    @property
    def employment_label(self) -> str:
        return EMPLOYMENT_TYPES.get(self.employment_type, self.employment_type)

    @property
    def location_label(self) -> str:
        return LOCATION_TYPES.get(self.location_type, self.location_type)

    @property
    def pay_label(self) -> str:
        if self.pay_unit == "hour":
            return f"${self.pay_min:,.2f}-${self.pay_max:,.2f} {PAY_UNITS['hour']}"
        return f"${self.pay_min:,.0f}-${self.pay_max:,.0f} {PAY_UNITS.get(self.pay_unit, '')}"

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON form, field names as issue 15 fixes them."""
        return {
            "id": self.pk,
            "url": f"/careers/jobs/{self.pk}/",
            "title": self.title,
            "organization": self.organization,
            "description": self.description,
            "credentials_required": self.listed("credentials_required"),
            "credentials_preferred": self.listed("credentials_preferred"),
            "setting": self.setting,
            "specialties": self.listed("specialties"),
            "code_sets": self.listed("code_sets"),
            "experience_years": self.experience_years,
            "apprentice_friendly": self.apprentice_friendly,
            "coding_test": self.coding_test,
            "productivity": self.productivity,
            "employment_type": self.employment_type,
            "location_type": self.location_type,
            "location": self.location,
            "remote_states": self.listed("remote_states"),
            "pay_min": float(self.pay_min),
            "pay_max": float(self.pay_max),
            "pay_unit": self.pay_unit,
            "apply_url": self.apply_url,
            "expires": self.expires.isoformat(),
            "status": self.status,
            "date_posted": self.published_at.date().isoformat() if self.published_at else None,
        }


def yearly(amount: Any, unit: str) -> Any:
    from decimal import Decimal

    value = Decimal(str(amount or 0))
    return value * 2080 if unit == "hour" else value


def default_expiry() -> date:
    return timezone.localdate() + timedelta(days=DEFAULT_DAYS)


def _token() -> str:
    return secrets.token_urlsafe(32)


class Application(models.Model):
    NEW, REVIEWED, INTERVIEW, DECLINED, WITHDRAWN = (
        "new",
        "reviewed",
        "interview",
        "declined",
        "withdrawn",
    )
    STATUSES = [
        (NEW, "New"),
        (REVIEWED, "Reviewed"),
        (INTERVIEW, "Interview"),
        (DECLINED, "Declined"),
        (WITHDRAWN, "Withdrawn"),
    ]
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_applications"
    )
    message = models.TextField()
    # The résumé lives in MEDCODE_HOME (never under a served folder), named by this token:
    # 256 random bits, so no one finds it by guessing, and only the two parties are served it.
    token = models.CharField(max_length=64, unique=True, default=_token)
    resume_name = models.CharField(max_length=200)
    resume_kind = models.CharField(max_length=4)  # pdf or docx
    resume_size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=STATUSES, default=NEW)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["job", "applicant"], name="careers_one_application")
        ]


class SavedSearch(models.Model):
    INSTANT, DAILY, WEEKLY = "instant", "daily", "weekly"
    FREQUENCIES = [
        (INSTANT, "At once, when a matching job is approved"),
        (DAILY, "Daily digest"),
        (WEEKLY, "Weekly digest"),
    ]
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_searches"
    )
    name = models.CharField(max_length=200)
    query = models.CharField(max_length=1000)  # the search page's query string
    frequency = models.CharField(max_length=10, choices=FREQUENCIES, default=DAILY)
    # Names the Atom feed, which a feed reader fetches without logging in.
    feed_token = models.CharField(max_length=64, unique=True, default=_token)
    last_sent = models.DateTimeField(default=timezone.now)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
