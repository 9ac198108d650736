"""What an editor confirmed when marking a guide reviewed: a fingerprint of its live facts."""

from __future__ import annotations

from django.db import models


class GuideReview(models.Model):
    """One row per guide: the facts fingerprint at the last review (``medcode guides reviewed``).

    The guide text lives in the repository; only the review state lives in the database, since it
    depends on which releases are loaded here.
    """

    slug = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64)
    #: The facts as they were reviewed (tag -> shown value), so the banner can say what changed.
    facts = models.JSONField(default=dict)
    reviewed_at = models.DateTimeField(auto_now=True)
    reviewer = models.CharField(max_length=200, blank=True)
