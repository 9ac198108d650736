"""CDC's ICD-10-CM Tabular List XML (``icd10cm_tabular_2026.xml``, ``…-tabular-April-1-2026.xml``).

The root ``<ICD10CM.tabular>`` holds ``<chapter>``s (``<name>`` is the number), each with
``<section id="E08-E13">``s, each with nested ``<diag>``s (``<name>E11.65</name>``). Any of
them may carry instructional notes as child elements (``<excludes1><note>…</note>…``) and a
``<diag>`` may define 7th characters (``<sevenChrDef><extension char="A">initial encounter…``).

One row per chapter, section and diag, each with only the notes printed at that level: the
book's rule that a note applies to everything below it is left to the code page, which walks
``parent_code`` up. Rows come out children-first (a parent is complete only at its end tag);
``sequence`` keeps the book's order.

The file is fed to the parser a line at a time so an error can name its line.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from medcode.icd10.models import Icd10CmTabularEntry
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    fiscal_year_period,
)
from medcode.releases.dates import MONTHS

ROOT = "ICD10CM.tabular"
# CDC names the mid-year updates by date (icd10cm-tabular-April-1-2026.xml) and the
# October release by fiscal year (icd10cm_tabular_2026.xml).
_UPDATE_NAME = re.compile(
    r"tabular[-_ ]?(?P<month>[A-Za-z]{3,9})[-_ ]?(?:(?P<day>\d{1,2})[-_ ])?(?P<year>\d{4})",
    re.IGNORECASE,
)
_FY_NAME = re.compile(r"tabular[-_ ]?(?:FY[-_ ]?)?(?P<year>\d{4})", re.IGNORECASE)
_VERSION = re.compile(rb"<version>\s*(\d{4})\s*</version>")
# A category (E11), optionally a dot and up to four more characters (E11.65, H21.1X).
_DIAG_NAME = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?")

#: Child elements that hold a list of ``<note>``s, stored under the element's own name.
NOTE_LISTS = frozenset(
    {
        "inclusionTerm",
        "includes",
        "excludes1",
        "excludes2",
        "codeFirst",
        "codeAlso",
        "useAdditionalCode",
        "notes",
        "sevenChrNote",
    }
)
#: Child elements that are structure, not notes.
_STRUCTURE = frozenset({"name", "desc", "diag", "section", "sectionIndex"})
_KINDS = frozenset({"chapter", "section", "diag"})


@dataclass
class _Frame:
    """A chapter, section or diag whose end tag has not been read yet."""

    kind: str
    sequence: int
    line: int
    depth: int
    element: ET.Element
    code: str = ""  # known once its <name> (or id) has been read


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _first_tag(head: bytes) -> bytes:
    """The start of the root element's tag, past the XML declaration, comments and DOCTYPE."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    at = 0
    while True:
        at = text.find(b"<", at)
        if at < 0:
            return b""
        if text.startswith(b"<?", at):
            close = text.find(b"?>", at)
        elif text.startswith(b"<!--", at):
            close = text.find(b"-->", at)
        elif text.startswith(b"<!", at):
            close = text.find(b">", at)
        else:
            return text[at + 1 : at + 1 + len(ROOT) + 1]
        if close < 0:
            return b""
        at = close + 1


def _visual_impairment(element: ET.Element) -> list[dict[str, Any]]:
    """H54's table of visual acuity per category, as rows: the first row holds the headings."""
    table = []
    for category in element.iter("visCategory"):
        ranges = [
            {
                "heading": _text(vis_range.find("heading")),
                "max": _text(vis_range.find("visMax/value"))
                or _text(vis_range.find("visMax/heading")),
                "min": _text(vis_range.find("visMin/value"))
                or _text(vis_range.find("visMin/heading")),
            }
            for vis_range in category.iter("visRange")
        ]
        table.append(
            {
                "category": _text(category.find("value")) or _text(category.find("heading")),
                "ranges": [{k: v for k, v in r.items() if v} for r in ranges],
            }
        )
    return table


class Icd10CmTabular(Importer):
    format = "icd10cm_tabular"
    description = "ICD-10-CM Tabular List XML (chapters, sections, codes and their notes)."
    models = (Icd10CmTabularEntry,)
    filename_pattern = re.compile(r"icd10cm?[-_]tabular", re.IGNORECASE)

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "xml":
            return False
        tag = _first_tag(head)
        return tag[: len(ROOT)] == ROOT.encode() and tag[len(ROOT) :] in (
            b">",
            b" ",
            b"\t",
            b"\r",
            b"\n",
        )

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        found = _VERSION.search(head)
        stated = int(found[1]) if found else None
        update = _UPDATE_NAME.search(source.filename)
        month = MONTHS.get(update["month"].lower()) if update else None
        if update is not None and month is not None:
            year, day = int(update["year"]), int(update["day"] or 1)
            try:
                start = date(year, month, day)
            except ValueError:
                raise FieldError("(file name)", f"not a calendar date: {update[0]!r}") from None
            fiscal_year = year + 1 if month >= 10 else year
            self._check_version(stated, fiscal_year, update[0])
            return ReleaseInfo(
                dataset="icd10cm_tabular",
                version=f"{year}-{month:02d}",
                label=f"ICD-10-CM Tabular List, {start:%B} {day}, {year} update",
                period_start=start,
                period_end=date(fiscal_year, 9, 30),
            )
        named = _FY_NAME.search(source.filename)
        if named is not None:
            fiscal_year = int(named["year"])
            self._check_version(stated, fiscal_year, named[0])
        elif stated is not None:
            fiscal_year = stated
        else:
            raise FieldError(
                "(file name)",
                "cannot tell the release: the file has no <version> and its name is not like "
                "icd10cm_tabular_2026.xml or icd10cm-tabular-April-1-2026.xml",
            )
        start, end = fiscal_year_period(fiscal_year)
        return ReleaseInfo(
            dataset="icd10cm_tabular",
            version=f"FY{fiscal_year}",
            label=f"ICD-10-CM Tabular List FY{fiscal_year}",
            period_start=start,
            period_end=end,
        )

    @staticmethod
    def _check_version(stated: int | None, fiscal_year: int, named: str) -> None:
        # A renamed file would otherwise be filed under the wrong fiscal year.
        if stated is not None and stated != fiscal_year:
            raise FieldError(
                "version",
                f"the file says <version>{stated}</version> but its name ({named!r}) is in "
                f"fiscal year {fiscal_year}",
            )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        walker = _Walker(stats)
        line_no = 0
        try:
            with source.open() as f:
                for raw in f:
                    line_no += 1
                    stats.line = line_no
                    parser.feed(raw)
                    yield from walker.drain(parser)
                stats.line = line_no
                parser.close()
                yield from walker.drain(parser)
        except ET.ParseError as exc:
            error_line, column = exc.position
            reason = str(exc).split(":", 1)[0]
            raise LoadError(
                source.name,
                f"malformed or truncated XML: {reason} (column {column + 1})",
                error_line,
            ) from None
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as exc:
            raise LoadError(
                source.name, f"file is truncated or corrupt after this line ({exc})", line_no
            ) from None
        if not walker.chapters:
            raise LoadError(source.name, f"no <chapter> found: not a complete {self.description}")


class _Walker:
    """Turns parser events into rows, keeping the chain of open chapter/section/diag elements."""

    def __init__(self, stats: LoadStats) -> None:
        self.stats = stats
        self.stack: list[_Frame] = []
        self.sequence = 0
        self.chapter = 0
        self.chapters = 0
        self.section = ""
        self.seen: dict[str, int] = {}
        self.root_seen = False

    def drain(self, parser: ET.XMLPullParser[ET.Element]) -> Iterator[Row]:
        """The rows completed by the events the parser has ready."""
        for item in parser.read_events():
            event, element = cast(tuple[str, ET.Element], item)
            yield from self.event(event, element)

    def event(self, event: str, element: ET.Element) -> Iterator[Row]:
        tag = element.tag
        if event == "start":
            if not self.root_seen:
                self.root_seen = True
                if tag != ROOT:
                    raise FieldError("(root)", f"expected <{ROOT}>, found <{tag}>")
            if tag in _KINDS:
                self._open(tag, element)
        elif tag in _KINDS:
            frame = self.stack.pop()
            line = self.stats.line
            self.stats.line = frame.line  # errors name the line of the start tag
            yield self._row(frame)
            self.stats.line = line
            # Keep memory flat: the parent needs nothing of a finished child.
            element.clear()

    def _open(self, tag: str, element: ET.Element) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and not parent.code:
            self._name_parent(parent)
        self.sequence += 1
        depth = parent.depth + 1 if parent is not None else 0
        frame = _Frame(tag, self.sequence, self.stats.line, depth, element)
        if tag == "chapter":
            if parent is not None:
                raise FieldError("(chapter)", "a <chapter> inside another element")
            self.chapters += 1
            self.section = ""
        elif tag == "section":
            if parent is None or parent.kind != "chapter":
                raise FieldError("(section)", "a <section> outside a <chapter>")
            section = element.get("id", "").strip()
            if not section:
                raise FieldError("section id", "a <section> without an id attribute")
            self.section = frame.code = section
        elif parent is None:
            raise FieldError("(diag)", "a <diag> outside a <chapter>")
        self.stack.append(frame)

    def _name_parent(self, parent: _Frame) -> None:
        """A parent's <name> has been read by the time its first child opens."""
        if parent.kind == "chapter":
            number = _text(parent.element.find("name"))
            if not number.isdigit():
                self.stats.line = parent.line
                raise FieldError("chapter name", f"expected the chapter number, got {number!r}")
            self.chapter = int(number)
            parent.code = number
        elif parent.kind == "diag":
            parent.code = self._diag_name(parent)

    def _diag_name(self, frame: _Frame) -> str:
        name = _text(frame.element.find("name"))
        if not name or not _DIAG_NAME.fullmatch(name):
            self.stats.line = frame.line  # the <diag>, not the child being opened
            if not name:
                raise FieldError("name", "a <diag> without a <name>")
            raise FieldError("name", f"{name!r} is not an ICD-10-CM code")
        return name

    def _row(self, frame: _Frame) -> Row:
        element = frame.element
        parent = self.stack[-1] if self.stack else None
        parent_code = parent.code if parent is not None else ""
        if frame.kind == "chapter":
            if not frame.code:
                self._name_parent(frame)
            code = frame.code
            section = ""
        elif frame.kind == "section":
            code = section = frame.code
        else:
            code = frame.code or self._diag_name(frame)
            section = self.section
            if parent is not None and parent.kind == "diag" and not code.startswith(parent_code):
                raise FieldError("name", f"{code} is filed under {parent_code}")
        title = _text(element.find("desc"))
        if not title:
            raise FieldError("desc", f"{frame.kind} {code} has no <desc>")
        key = f"{frame.kind}:{code}"
        seen = self.seen.get(key)
        if seen is not None:
            raise FieldError("name", f"{frame.kind} {code} appears twice (first on line {seen})")
        self.seen[key] = frame.line
        notes = self._notes(element, code)
        self.stats.rows_read += 1
        return Icd10CmTabularEntry, (
            frame.sequence,
            frame.kind,
            code,
            code.replace(".", ""),
            parent_code,
            frame.depth,
            self.chapter,
            section,
            title,
            element.get("placeholder") == "true",
            json.dumps(notes, ensure_ascii=False) if notes else "{}",
        )

    def _notes(self, element: ET.Element, code: str) -> dict[str, Any]:
        notes: dict[str, Any] = {}
        for child in element:
            tag = child.tag
            if tag in _STRUCTURE:
                continue
            if tag in NOTE_LISTS:
                texts = [t for t in (_text(n) for n in child.iter("note")) if t]
                if texts:
                    notes.setdefault(tag, []).extend(texts)
            elif tag == "sevenChrDef":
                self._seven_characters(child, code, notes)
            elif tag == "visualImpairment":
                notes["visualImpairment"] = _visual_impairment(child)
            elif len(self.stats.notes) < 20:
                self.stats.notes.append(
                    f"line {self.stats.line}: <{tag}> under {code} is not a known note; not stored"
                )
        return notes

    def _seven_characters(self, element: ET.Element, code: str, notes: dict[str, Any]) -> None:
        meanings: dict[str, str] = notes.setdefault("sevenChrDef", {})
        last = ""
        for child in element:
            if child.tag == "extension":
                char = child.get("char", "").strip()
                if len(char) != 1:
                    raise FieldError(
                        "sevenChrDef",
                        f"an <extension> of {code} has char={char!r}, not one character",
                    )
                if char in meanings:
                    raise FieldError(
                        "sevenChrDef", f"7th character {char!r} of {code} is defined twice"
                    )
                meanings[char] = _text(child)
                last = char
            elif child.tag == "note" and _text(child):
                # A note inside the definition lists what the 7th character before it covers
                # (S: "Fall from stool"), so it is kept with that character.
                notes.setdefault("sevenChrDefNotes", {}).setdefault(last, []).append(_text(child))
