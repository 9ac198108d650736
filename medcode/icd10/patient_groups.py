"""Which ICD-10-CM diagnoses belong only to some patients, read from a loaded Tabular List.

The claim rules PAT001-PAT004 ask this module, never a list written in the code, so the groups
follow the Tabular List release in force on the date of service and each finding cites the
tabular entry (chapter, section or category) and the words that put the code in its group:

- maternity: the chapter whose notes say its codes are for maternal records only (chapter 15,
  O00-O9A), and the categories that chapter's "use additional code" note names (Z3A, weeks of
  gestation);
- newborn-only: in the chapter whose notes say its codes are for newborn records only (chapter
  16, P00-P96), the entries the classification itself limits to the newborn period. The chapter
  includes conditions "even if morbidity occurs later", so a P code is newborn-only only where
  the classification says so: the entry's (or its section's) title calls the disorder transitory,
  or its excludes notes send the same condition in an older patient elsewhere ("feeding problems
  in child over 28 days old (R63.3-)", "omphalitis not of newborn (L08.82)"). Everything else in
  the chapter is left out (birth trauma, prematurity and birth weight, chronic respiratory
  disease…);
- female or male: the sections (blocks) whose titles name the genital or pelvic organs of one
  sex (C51-C58, C60-C63, N40-N53, N70-N77, N80-N98). Sections for both sexes (breast, C50 and
  N60-N65, whose codes split by sex only at the sixth character; congenital malformations of
  genital organs, Q50-Q56) are left out.

Everything is read with one query per release over the chapters, sections and categories
(about 2,300 rows) plus the newborn chapter's entries with notes, and kept per release.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

MATERNITY = "maternity"
NEWBORN = "newborn"
FEMALE = "female"
MALE = "male"

_MATERNAL_ONLY = re.compile(r"only on maternal records", re.IGNORECASE)
_NEWBORN_ONLY = re.compile(r"newborn records only", re.IGNORECASE)
_CATEGORY_IN_NOTE = re.compile(r"\bcategory ([A-Z][0-9A-Z]{2})\b")
_FEMALE_BLOCK = re.compile(r"\bfemale (?:genital|pelvic)", re.IGNORECASE)
_MALE_BLOCK = re.compile(r"\bmale genital", re.IGNORECASE)
_TRANSITORY = re.compile(r"\btransitory\b", re.IGNORECASE)
# An excludes note naming the same condition in a patient past the newborn period.
_OLDER_ELSEWHERE = re.compile(
    r"\b(?:over 28 days|not of newborn|after the (?:perinatal|neonatal) period)", re.IGNORECASE
)


@dataclass(frozen=True)
class Why:
    """Why a code is in a group: the tabular entry and the words of the classification."""

    group: str
    entry: str  # "chapter 15", "section N40-N53", "category Z3A", "P92"
    title: str
    evidence: str  # the note or title text that decides it

    def cite(self) -> str:
        return f"{self.entry} {self.title!r}: {self.evidence}"


@dataclass
class PatientGroups:
    """The groups of one Tabular List release. ``of(code)`` says which apply to a code."""

    release_id: int
    by_category: dict[str, list[Why]] = field(default_factory=dict)
    by_prefix: dict[str, Why] = field(default_factory=dict)  # newborn-only entries below categories
    maternity_chapter: str = ""
    newborn_chapter: str = ""

    def of(self, code: str) -> Iterator[Why]:
        """The groups of a diagnosis code (without the dot), most general entry first."""
        code = code.replace(".", "").upper()
        yield from self.by_category.get(code[:3], ())
        for length in range(4, len(code) + 1):
            found = self.by_prefix.get(code[:length])
            if found is not None:
                yield found


_ENTRIES = (
    "SELECT kind, code, code_nodot, depth, chapter, section, title, notes_json "
    "FROM icd10_icd10cmtabularentry WHERE release_id = %s AND depth <= 2"
)
_NEWBORN_ROWS = (
    "SELECT code, code_nodot, title, notes_json FROM icd10_icd10cmtabularentry "
    "WHERE release_id = %s AND chapter = %s AND kind = 'diag' AND depth > 2 "
    "AND notes_json <> '{}'"
)


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _notes(row: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(row["notes_json"] or "{}")
    return found


def _texts(notes: dict[str, Any], *kinds: str) -> Iterator[str]:
    for kind in kinds:
        for text in notes.get(kind) or ():
            if isinstance(text, str):
                yield text


def read_groups(release_id: int) -> PatientGroups:
    """The groups of the Tabular List release ``release_id``."""
    rows = _rows(_ENTRIES, [release_id])
    chapters = {str(r["chapter"]): r for r in rows if r["kind"] == "chapter"}
    sections = {r["code"]: r for r in rows if r["kind"] == "section"}
    categories = [r for r in rows if r["kind"] == "diag" and r["depth"] == 2]
    groups = PatientGroups(release_id)

    maternity: dict[str, Why] = {}  # chapter number -> why
    newborn_chapter = ""
    for number, chapter in chapters.items():
        notes = _notes(chapter)
        for text in _texts(notes, "notes"):
            if _MATERNAL_ONLY.search(text):
                maternity[number] = Why(MATERNITY, f"chapter {number}", chapter["title"], text)
                groups.maternity_chapter = number
            elif _NEWBORN_ONLY.search(text):
                newborn_chapter = groups.newborn_chapter = number
    # Categories the maternity chapter asks to add (Z3A, weeks of gestation) are maternity too.
    extra: dict[str, Why] = {}
    for number in maternity:
        for text in _texts(_notes(chapters[number]), "useAdditionalCode"):
            for named in _CATEGORY_IN_NOTE.findall(text):
                extra[named] = Why(
                    MATERNITY,
                    f"chapter {number}",
                    chapters[number]["title"],
                    f"use additional code: {text}",
                )

    sex_blocks: dict[str, Why] = {}
    for code, section in sections.items():
        title = section["title"]
        if _FEMALE_BLOCK.search(title):
            sex_blocks[code] = Why(FEMALE, f"section {code}", title, "the block's title")
        elif _MALE_BLOCK.search(title):
            sex_blocks[code] = Why(MALE, f"section {code}", title, "the block's title")

    for category in categories:
        code = category["code_nodot"]
        found: list[Why] = []
        number = str(category["chapter"])
        if number in maternity:
            found.append(maternity[number])
        if code in extra:
            found.append(extra[code])
        block = sex_blocks.get(category["section"])
        if block is not None:
            found.append(block)
        if number == newborn_chapter:
            newborn = _newborn_only(category, sections.get(category["section"]))
            if newborn is not None:
                found.append(newborn)
        if found:
            groups.by_category[code] = found
    if newborn_chapter:
        for entry in _rows(_NEWBORN_ROWS, [release_id, int(newborn_chapter)]):
            why = _newborn_only(entry, None)
            if why is not None:
                groups.by_prefix[entry["code_nodot"]] = why
    return groups


def _newborn_only(entry: dict[str, Any], section: dict[str, Any] | None) -> Why | None:
    """Why the classification limits the entry to the newborn period, or None when it does not."""
    for text in _texts(_notes(entry), "excludes1", "excludes2"):
        if _OLDER_ELSEWHERE.search(text):
            return Why(NEWBORN, entry["code"], entry["title"], f"excludes: {text}")
    if _TRANSITORY.search(entry["title"]):
        return Why(NEWBORN, entry["code"], entry["title"], "the title: transitory")
    if section is not None and _TRANSITORY.search(section["title"]):
        return Why(
            NEWBORN, f"section {section['code']}", section["title"], "the block's title: transitory"
        )
    return None
