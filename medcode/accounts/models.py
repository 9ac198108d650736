"""Plans, readers (who is metered), the code pages they opened, guest caps and API keys.

A *reader* is whoever the meter counts for: an account (one reader per user) or a guest (a row
named by a signed cookie). Counting distinct code pages per reader in the database, not in the
cookie, is what keeps clearing cookies from handing out new views without limit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Plan(models.Model):
    """What a reader may open: distinct full code pages per rolling period, API calls per day."""

    name = models.SlugField(max_length=30, unique=True, help_text="guest, free, member...")
    label = models.CharField(max_length=60)
    code_pages = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="distinct code pages opened in full per period; empty for unlimited",
    )
    period_days = models.PositiveIntegerField(default=30, help_text="rolling period, in days")
    api_requests_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="API requests per day with a key; empty for unlimited"
    )
    rank = models.PositiveSmallIntegerField(
        default=0, help_text="order from least to most access; the next plan up unlocks more"
    )

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def unlimited(self) -> bool:
        return self.code_pages is None


class Reader(models.Model):
    """One metered identity: an account's, or a guest's (``user`` empty)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reader",
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="readers")
    created = models.DateTimeField(auto_now_add=True)
    # API requests counted today (UTC); reset on the first request of a new day.
    api_day = models.DateField(null=True, blank=True)
    api_used = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user}" if self.user_id else f"guest {self.key}"


class CodeView(models.Model):
    """A code page a reader opened in full, and when it last counted against the period."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="views")
    code = models.CharField(max_length=16)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "code"], name="accounts_one_view_per_code")
        ]
        indexes = [models.Index(fields=["reader", "counted_at"])]


class GuestAddressDay(models.Model):
    """How many guest identities one client address created on one day.

    The address is kept only as a keyed hash that changes every day, so the table cannot be
    read back into addresses nor link one day's visitor to the next; rows older than a day
    are deleted as new ones are written.
    """

    day = models.DateField()
    address_hash = models.CharField(max_length=64)
    created_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "address_hash"], name="accounts_guest_day")
        ]


class ApiKey(models.Model):
    """An API key: shown once, stored as a SHA-256 hash, found by its public prefix."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    hashed = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
