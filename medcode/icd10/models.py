"""ICD-10-CM diagnoses and ICD-10-PCS procedures, from CMS's order files and CDC's Tabular List.

The order files (``icd10cm_order_2026.txt``, ``icd10pcs_order_2026.txt``) list every code
and every header above it, in tabular order, with the flag that says whether the code may be
reported. The Tabular List XML adds what the order files lack: the hierarchy (chapter,
section, category…) and the instructional notes (excludes, code first, 7th characters).

Codes are stored as CMS publishes them, without the dot (``E1165``); ``medcode.icd10.codes``
formats them for people (``E11.65``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.db import models

from medcode.icd10.codes import format_icd10cm
from medcode.releases.models import ReleaseRow


class Icd10CmCode(ReleaseRow):
    """One line of the ICD-10-CM order file: a billable code or a header (category, subcategory)."""

    order_number = models.IntegerField()  # position in tabular order, 1..n
    code = models.CharField(max_length=7)  # without the dot, as CMS publishes it
    # A header (E11, E116) is never reported on a claim; only its billable descendants are.
    billable = models.BooleanField()
    short_title = models.CharField(max_length=60)
    long_title = models.TextField()

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = (
        "order_number",
        "code",
        "billable",
        "short_title",
        "long_title",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "code"], name="icd10cm_release_code"),
            models.Index(fields=["release", "order_number"], name="icd10cm_release_order"),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.long_title}"

    @property
    def display_code(self) -> str:
        return format_icd10cm(self.code)


class Icd10PcsCode(ReleaseRow):
    """One line of the ICD-10-PCS order file: a valid 7-character code or a 3-character header."""

    order_number = models.IntegerField()
    code = models.CharField(max_length=7)
    # CMS's "valid for submission" flag; only the table headers (001, 0W3…) are not.
    valid = models.BooleanField()
    short_title = models.CharField(max_length=60)
    long_title = models.TextField()

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = (
        "order_number",
        "code",
        "valid",
        "short_title",
        "long_title",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "code"], name="icd10pcs_release_code"),
            models.Index(fields=["release", "order_number"], name="icd10pcs_release_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.long_title}"


class Icd10CmTabularEntry(ReleaseRow):
    """A chapter, section or ``<diag>`` of the ICD-10-CM Tabular List, with its own notes.

    Nothing is inherited: a note printed at category E11 is stored on E11 only, as in the
    book, and the code page walks ``parent_code`` up to collect what applies.
    """

    KIND_CHAPTER = "chapter"
    KIND_SECTION = "section"
    KIND_DIAG = "diag"

    sequence = models.IntegerField()  # document order, so children list as in the book
    kind = models.CharField(max_length=7)
    # Chapter: its number ("4"); section: its range ("E08-E13"); diag: the code ("E11.65").
    code = models.CharField(max_length=16)
    code_nodot = models.CharField(max_length=16)  # joins with the order files' codes
    parent_code = models.CharField(max_length=16, blank=True)  # blank for a chapter
    depth = models.SmallIntegerField()  # 0 chapter, 1 section, 2 category, 3 …
    chapter = models.SmallIntegerField()
    section = models.CharField(max_length=16, blank=True)  # blank for a chapter
    title = models.TextField()
    # The placeholder-X levels (H21.1X) that exist only to carry a 7th character.
    placeholder = models.BooleanField(default=False)
    #: JSON object; keys as the XML names them (inclusionTerm, excludes1, sevenChrDef …),
    #: only those the element has. See ``notes``.
    notes_json = models.TextField(default="{}")

    LOAD_FIELDS: ClassVar[tuple[str, ...]] = (
        "sequence",
        "kind",
        "code",
        "code_nodot",
        "parent_code",
        "depth",
        "chapter",
        "section",
        "title",
        "placeholder",
        "notes_json",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "code_nodot"], name="icd10tab_release_code"),
            models.Index(fields=["release", "parent_code"], name="icd10tab_release_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def notes(self) -> dict[str, Any]:
        """The notes: lists of strings per kind; ``sevenChrDef`` maps a character to its meaning."""
        result: dict[str, Any] = json.loads(self.notes_json or "{}")
        return result
