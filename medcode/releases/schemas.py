"""The typed answers of the releases every answer cites (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

from ninja import Schema


class ReleaseSource(Schema):
    """A loaded CMS release an answer used (``ReleaseRef.to_dict``, ``InForce.to_dict``)."""

    dataset: str
    version: str
    label: str
    period_start: str
    period_end: str | None
    source_name: str
    #: Only in an answer's ``sources``: why the release answers a date it does not cover.
    note: str | None = None


class ReleaseInfo(Schema):
    """A loaded release with its load record (``Release.to_dict``)."""

    dataset: str
    version: str
    label: str
    period_start: str
    period_end: str | None
    format: str
    source_name: str
    sha256: str
    size: int
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    notes: str
    loaded_at: str
    load_seconds: float


class ReleasesAnswer(Schema):
    releases: list[ReleaseInfo]
