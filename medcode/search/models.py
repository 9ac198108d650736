"""The search index: derived data of the loaded releases, one entry per searchable code.

Entries are written in the transaction that loads their release and deleted with it (see
``medcode.search.index``), so the index never describes a release that is not in the store.
The full-text structures beside the table are database-specific and made by the migration:
an FTS5 table on SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from medcode.releases.models import ReleaseRow


class SearchEntry(ReleaseRow):
    """A code as search sees it: its words and what a result row shows."""

    system = models.CharField(max_length=10)  # HCPCS, CPT, ICD-10-CM, ICD-10-PCS, MODIFIER
    code = models.CharField(max_length=8)  # as stored: upper case, no dot
    # False for rows that only add words to a code described elsewhere (Tabular inclusion terms).
    is_primary = models.BooleanField(default=True)
    billable = models.BooleanField()
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)  # last day the code may be reported
    title = models.TextField()
    terms = models.TextField(blank=True)

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = (
        "system",
        "code",
        "is_primary",
        "billable",
        "start_date",
        "end_date",
        "title",
        "terms",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "code"], name="search_entry_release_code"),
            models.Index(fields=["code"], name="search_entry_code"),
        ]


class SearchWord(ReleaseRow):
    """A word of a release's index and how many entries use it: the spelling vocabulary."""

    word = models.CharField(max_length=60)
    entries = models.IntegerField()

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = ("word", "entries")

    class Meta:
        indexes = [models.Index(fields=["release"], name="search_word_release")]
