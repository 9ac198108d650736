"""A release is one loaded CMS file: every stored row points at the release it came from."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class Release(models.Model):
    dataset = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=40)
    source_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    rows_read = models.IntegerField(default=0)
    rows_loaded = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(default=0)
    notes = models.TextField(blank=True, default="")
    loaded_at = models.DateTimeField()
    load_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="release_dataset_version")
        ]
        ordering = ["dataset", "period_start"]

    def __str__(self) -> str:
        return f"{self.label} ({self.source_name})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "version": self.version,
            "label": self.label,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "format": self.format,
            "source_name": self.source_name,
            "sha256": self.sha256,
            "size": self.size,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "notes": self.notes,
            "loaded_at": self.loaded_at.isoformat(),
            "load_seconds": round(self.load_seconds, 3),
        }


class ReleaseRow(models.Model):
    """Base of every table filled from a release.

    ``LOAD_FIELDS`` lists, in order, the columns an importer yields values for; the loader
    adds ``release_id`` in front. Rows are written and deleted with plain SQL in bulk, never
    one by one through the ORM.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, db_index=False)

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True
