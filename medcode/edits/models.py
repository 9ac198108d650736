"""NCCI edits: procedure-to-procedure (PTP) pairs, medically unlikely edits (MUE), add-on codes.

Indicator codes are stored as CMS writes them (``"0"``, ``"1"``, ``"9"``…); their meanings, in
our own words, are in ``medcode.edits.indicators``.

A PTP table is big (2.5 M practitioner rows in one quarter), so its rows are kept narrow: the
rationale, one of about a dozen sentences, is stored once per release in ``PtpRationale`` and
each edit carries its number.

CMS splits each quarter's PTP table into files by Column 1 range (``ccipra-v322r0-f1.txt`` …
``-f4``). Each file loads as its own release of the same dataset with the same period and a
version naming the part (``v322r0-f1``); ``ptp_releases_in_force`` gathers the parts back into
the one table a date of service is answered from.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from medcode.releases.models import Release, ReleaseRow
from medcode.releases.store import InForce, ReleaseRef, Snapshot, all_releases


class RowId(models.BigAutoField):
    """An id SQLite hands out as its plain rowid, without AUTOINCREMENT.

    AUTOINCREMENT makes SQLite update its sequence table for every row inserted: a fifth of
    the time of loading a PTP table. Nothing refers to these rows by id, so an id reused after
    a release is deleted does no harm. PostgreSQL is unaffected.
    """

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)  # type: ignore[no-any-return]


class PtpRationale(ReleaseRow):
    """A rationale sentence of a PTP release, numbered for ``PtpEdit.rationale_number``."""

    number = models.SmallIntegerField()
    text = models.CharField(max_length=200)

    LOAD_FIELDS = ("number", "text")

    class Meta:
        indexes = [models.Index(fields=["release", "number"], name="ptp_rationale_release_number")]


class PtpEdit(ReleaseRow):
    """A Column 1 / Column 2 pair: Column 2 is not paid with Column 1 unless a modifier is allowed.

    ``effective_date`` is None when the file leaves it blank (the staged 2024 Q3 rebuild does;
    CMS's own files always fill it). ``pre_1996`` is None when that is unknown for the same reason.
    ``deletion_date`` None means the edit is still active (CMS writes ``*``).
    """

    id = RowId(primary_key=True)
    # Without a database constraint: checking it costs a look-up per inserted row, and the
    # loader already deletes a release's rows before the release itself.
    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    column1 = models.CharField(max_length=5)
    column2 = models.CharField(max_length=5)
    pre_1996 = models.BooleanField(null=True)
    effective_date = models.DateField(null=True)
    deletion_date = models.DateField(null=True)
    modifier_indicator = models.CharField(max_length=1)  # 0, 1 or 9
    # PtpRationale.number of the same release; None: the file gives no rationale.
    rationale_number = models.SmallIntegerField(null=True)

    LOAD_FIELDS = (
        "column1",
        "column2",
        "pre_1996",
        "effective_date",
        "deletion_date",
        "modifier_indicator",
        "rationale_number",
    )

    class Meta:
        # Both indexes lead with one column and carry the other, the dates and the indicator:
        # "edits in force on a date" for a code, and the edit between two codes, are then
        # answered from the index alone (99213 is column 2 of thousands of edits).
        indexes = [
            models.Index(
                fields=[
                    "release",
                    "column1",
                    "column2",
                    "deletion_date",
                    "effective_date",
                    "modifier_indicator",
                ],
                name="ptp_release_column1",
            ),
            models.Index(
                fields=[
                    "release",
                    "column2",
                    "column1",
                    "deletion_date",
                    "effective_date",
                    "modifier_indicator",
                ],
                name="ptp_release_column2",
            ),
        ]


class MueEdit(ReleaseRow):
    """The most units of a code Medicare expects for one patient, on one line or one day."""

    code = models.CharField(max_length=5)
    value = models.IntegerField()
    adjudication_indicator = models.CharField(max_length=1)  # 1, 2 or 3
    adjudication_text = models.CharField(max_length=80)  # CMS's words after the digit
    rationale = models.CharField(max_length=100)

    LOAD_FIELDS = ("code", "value", "adjudication_indicator", "adjudication_text", "rationale")

    class Meta:
        indexes = [models.Index(fields=["release", "code"], name="mue_release_code")]


class AddOnCodeEdit(ReleaseRow):
    """An add-on code and a primary code it may be paid with (``CCCCC``: the contractor decides)."""

    edit_type = models.CharField(max_length=1)  # 1, 2 or 3
    addon_code = models.CharField(max_length=5)
    addon_deletion_date = models.DateField(null=True)
    primary_code = models.CharField(max_length=5)
    primary_deletion_date = models.DateField(null=True)
    effective_date = models.DateField()
    deletion_date = models.DateField(null=True)
    special_instructions = models.TextField(blank=True)

    LOAD_FIELDS = (
        "edit_type",
        "addon_code",
        "addon_deletion_date",
        "primary_code",
        "primary_deletion_date",
        "effective_date",
        "deletion_date",
        "special_instructions",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "addon_code"], name="aoc_release_addon"),
            models.Index(fields=["release", "primary_code"], name="aoc_release_primary"),
        ]


# When an edit applies on a date of service (PTP_IN_FORCE, AOC_IN_FORCE) is written once, in
# ``medcode.edits.queries``, with every other SQL read of these tables.

#: Contractor-defined primary codes (edit type 2) stand in the primary column as this.
CONTRACTOR_DEFINED_PRIMARY = "CCCCC"

_PTP_VERSION = re.compile(r"^v(?P<number>\d{3})r(?P<revision>\d+)(?:-f(?P<part>\d+))?$")


def ptp_table_version(version: str) -> tuple[str, int | None]:
    """``"v322r0-f2"`` -> ``("v322r0", 2)``; an unsplit ``"v302r0"`` -> ``("v302r0", None)``."""
    match = _PTP_VERSION.match(version)
    if match is None:
        return version, None
    return f"v{match['number']}r{match['revision']}", int(match["part"]) if match["part"] else None


def ptp_releases_in_force(
    dataset: str, as_of: date, releases: list[ReleaseRef] | None = None
) -> tuple[list[ReleaseRef], str | None]:
    """Every release (one, or each part f1…fN) that together make the PTP table for ``as_of``.

    The store picks the release whose period covers the date; the parts of one CMS table share
    that period, so they are gathered by their common table version. When a revision (``r1``)
    of the same quarter is loaded beside ``r0``, the highest revision answers. The note says
    when the date is not covered or when a part between two loaded parts is missing.
    """
    refs = [
        r for r in (releases if releases is not None else all_releases()) if r.dataset == dataset
    ]
    chosen: InForce | None = Snapshot(as_of, refs).in_force(dataset)
    if chosen is None:
        return [], None
    same_period = [r for r in refs if r.period_start == chosen.release.period_start]

    def revision(ref: ReleaseRef) -> tuple[int, int]:
        match = _PTP_VERSION.match(ref.version)
        return (int(match["number"]), int(match["revision"])) if match else (0, 0)

    newest = max(revision(r) for r in same_period)
    parts = [r for r in same_period if revision(r) == newest]
    table = ptp_table_version(parts[0].version)[0]
    parts = [r for r in parts if ptp_table_version(r.version)[0] == table]
    parts.sort(key=lambda r: ptp_table_version(r.version)[1] or 0)
    note = chosen.note
    numbers = [ptp_table_version(r.version)[1] for r in parts]
    if all(n is not None for n in numbers):
        present = {n for n in numbers if n is not None}
        missing = [n for n in range(1, max(present) + 1) if n not in present]
        if missing:
            gap = ", ".join(f"f{n}" for n in missing)
            warning = (
                f"PTP table {table} is loaded without part(s) {gap}: edits in them are missing."
            )
            note = f"{note} {warning}" if note else warning
    return parts, note
