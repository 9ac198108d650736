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

Read as codes are asked about, with indexed point queries (the chapters once, then a
category's row and its section's), and kept per release.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from medcode.icd10 import queries

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


class PatientGroups:
    """The groups of one Tabular List release. ``of(code)`` says which apply to a code.

    Read as needed, with indexed queries: the chapters once (22 rows), then per category of a
    diagnosis asked about its row and its section's, and for a code of the newborn chapter the
    entries between its category and itself. Answers are kept on the object, which the claim
    checker keeps per release for the process.
    """

    def __init__(self, release_id: int) -> None:
        self.release_id = release_id
        self.maternity_chapter = ""
        self.newborn_chapter = ""
        self._maternity: Why | None = None
        self._extra: dict[str, Why] = {}  # categories the maternity chapter's notes name
        self._chapters_read = False
        # category -> (its groups, whether it is in the newborn chapter)
        self._categories: dict[str, tuple[list[Why], bool]] = {}
        self._sections: dict[str, Why | None] = {}
        self._prefixes: dict[str, Why | None] = {}

    def of(self, code: str) -> list[Why]:
        """The groups of a diagnosis code (with or without the dot), most general entry first."""
        code = code.replace(".", "").upper()
        if not self._chapters_read:
            self._read_chapters()
        category = code[:3]
        known = self._categories.get(category)
        if known is None:
            known = self._categories[category] = self._read_category(category)
        found, newborn_chapter = known
        if newborn_chapter and len(code) > 3:
            # Entries below the category may confine a code to the newborn on their own.
            return [*found, *self._newborn_below(code)]
        return found

    def _read_chapters(self) -> None:
        self._chapters_read = True
        for chapter in queries.group_chapters(self.release_id, "%records%"):
            number = chapter["code"]
            notes = _notes(chapter)
            for text in _texts(notes, "notes"):
                if _MATERNAL_ONLY.search(text):
                    self.maternity_chapter = number
                    self._maternity = Why(MATERNITY, f"chapter {number}", chapter["title"], text)
                    # Categories the chapter asks to add (Z3A, weeks of gestation) count too.
                    for note in _texts(notes, "useAdditionalCode"):
                        for named in _CATEGORY_IN_NOTE.findall(note):
                            self._extra[named] = Why(
                                MATERNITY,
                                f"chapter {number}",
                                chapter["title"],
                                f"use additional code: {note}",
                            )
                elif _NEWBORN_ONLY.search(text):
                    self.newborn_chapter = number

    def _read_category(self, category: str) -> tuple[list[Why], bool]:
        row = queries.group_category(self.release_id, category)
        found: list[Why] = []
        if category in self._extra:
            found.append(self._extra[category])
        if row is None:
            return found, False
        number = str(row["chapter"])
        if number == self.maternity_chapter and self._maternity is not None:
            found.append(self._maternity)
        block = self._section(row["section"])
        if block is not None and block.group in (FEMALE, MALE):
            found.append(block)
        if number == self.newborn_chapter:
            why = _newborn_only(row) or (
                block if block is not None and block.group == NEWBORN else None
            )
            if why is not None:
                found.append(why)
        return found, number == self.newborn_chapter

    def _section(self, section: str) -> Why | None:
        if section not in self._sections:
            row = queries.group_section(self.release_id, section)
            why = None
            if row is not None:
                title = row["title"]
                if _FEMALE_BLOCK.search(title):
                    why = Why(FEMALE, f"section {section}", title, "the block's title")
                elif _MALE_BLOCK.search(title):
                    why = Why(MALE, f"section {section}", title, "the block's title")
                elif _TRANSITORY.search(title):
                    why = Why(NEWBORN, f"section {section}", title, "the block's title: transitory")
            self._sections[section] = why
        return self._sections[section]

    def _newborn_below(self, code: str) -> list[Why]:
        """Entries between the category and the code that confine it to the newborn."""
        wanted = [code[:length] for length in range(4, len(code) + 1)]
        missing = [p for p in wanted if p not in self._prefixes]
        if missing:
            found: dict[str, Why | None] = {p: None for p in missing}
            for row in queries.group_below(self.release_id, missing):
                found[row["code_nodot"]] = _newborn_only(row)
            self._prefixes.update(found)
        return [why for p in wanted if (why := self._prefixes[p]) is not None]


def _notes(row: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(row["notes_json"] or "{}")
    return found


def _texts(notes: dict[str, Any], *kinds: str) -> Iterator[str]:
    for kind in kinds:
        for text in notes.get(kind) or ():
            if isinstance(text, str):
                yield text


def read_groups(release_id: int) -> PatientGroups:
    """The groups of the Tabular List release ``release_id`` (read as codes are asked about)."""
    return PatientGroups(release_id)


def _newborn_only(entry: dict[str, Any]) -> Why | None:
    """Why the classification limits the entry to the newborn period, or None when it does not.

    (A block whose title says transitory is read in ``PatientGroups._section``.)
    """
    for text in _texts(_notes(entry), "excludes1", "excludes2"):
        if _OLDER_ELSEWHERE.search(text):
            return Why(NEWBORN, entry["code"], entry["title"], f"excludes: {text}")
    if _TRANSITORY.search(entry["title"]):
        return Why(NEWBORN, entry["code"], entry["title"], "the title: transitory")
    return None
