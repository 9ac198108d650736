"""Geographic practice cost indices by locality (Addendum E: ``GPCI2025.csv`` / ``.txt``).

Both forms start with the Addendum E title, a blank line and the column titles, then one line
per locality, then notes and footnotes. Some locality names end in ``*`` or ``**``; the
footnote starting with the same marks explains them (a floor set by law), so the marks come
off the name and the footnote's text is stored with the locality.

The txt is not truly fixed-width: its column titles are cut and do not line up with the
values, so its lines are split on blanks (the name is what lies between the locality number
and the three indices).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date

from medcode.fees.models import PfsGpciIndex
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    text_lines,
)
from medcode.importers.pfs_pprrvu import decimal_text

_NAME = re.compile(r"GPCI(?P<year>\d{4})", re.IGNORECASE)
_TITLE = re.compile(r"CY (?P<year>\d{4}) GEOGRAPHIC PRACTICE COST INDICES", re.IGNORECASE)
_TITLE_WORDS = b"GEOGRAPHIC PRACTICE COST INDICES"


def digits_code(value: str, field: str, width: int) -> str:
    """A MAC or locality number as CMS's text, its leading zeros put back where a file lost them."""
    value = value.strip()
    if not value.isdigit() or len(value) > width:
        raise FieldError(field, f"expected up to {width} digits, got {value!r}")
    return value.zfill(width)


def split_marks(name: str) -> tuple[str, str]:
    """``ALASKA*`` -> (``ALASKA``, ``*``): a name without its footnote marks, and the marks."""
    name = name.strip()
    bare = name.rstrip("*").rstrip()
    return bare, name[len(bare) :].strip()


def footnotes_by_mark(lines: list[str]) -> dict[str, str]:
    """``{"*": "Work GPCI reflects …"}`` from footnote lines that start with their marks."""
    notes: dict[str, str] = {}
    for line in lines:
        text = line.strip()
        marks = text[: len(text) - len(text.lstrip("*"))]
        if marks:
            notes[marks] = text[len(marks) :].strip()
    return notes


def year_of(source: Source, head: bytes, title: re.Pattern[str], name: re.Pattern[str]) -> int:
    """The calendar year a yearly PFS file covers: from its title line, else from its name."""
    match = title.search(head[:4000].decode("cp1252", "replace"))
    if match is None:
        match = name.search(source.filename)
    if match is None:
        raise FieldError("(file name)", "cannot tell the year from the title line or the name")
    year = int(match["year"])
    return year + 2000 if year < 100 else year


def year_release(dataset: str, label: str, year: int) -> ReleaseInfo:
    return ReleaseInfo(
        dataset=dataset,
        version=str(year),
        label=f"{label} {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
    )


class PfsGpci(Importer):
    format = "pfs_gpci"
    description = "Medicare PFS geographic practice cost indices (Addendum E, GPCI csv or txt)."
    models = (PfsGpciIndex,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension not in ("csv", "txt"):
            return False
        lines = head.splitlines()
        if not lines or _TITLE_WORDS not in lines[0].upper():
            return False
        return any(
            line.upper().startswith(b"MEDICARE ADMI") and b"GPCI" in line.upper()
            for line in lines[1:6]
        )

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        year = year_of(source, head, _TITLE, _NAME)
        return year_release("pfs_gpci", "Medicare PFS GPCIs", year)

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        parsed: list[tuple[object, ...]] = []
        marks: list[str] = []
        trailer: list[str] = []
        cells_of = _csv_cells if source.extension == "csv" else _txt_cells
        in_data = False
        for line in text_lines(source, stats):
            if not in_data:
                in_data = line.upper().startswith("MEDICARE ADMI")
                continue
            cells = cells_of(line)
            if cells is None:
                if line.strip(" ,"):
                    trailer.append(line.strip(" ,").strip('"'))
                continue
            if trailer:
                raise FieldError("MAC", "a locality follows the notes at the end of the file")
            stats.rows_read += 1
            name, mark = split_marks(cells[3])
            if not name:
                raise FieldError("Locality Name", "is blank")
            state = cells[1].strip()
            if len(state) != 2 or not state.isalpha():
                raise FieldError("State", f"expected a 2-letter state code, got {state!r}")
            parsed.append(
                (
                    digits_code(cells[0], "MAC", 5),
                    state,
                    digits_code(cells[2], "Locality Number", 2),
                    name,
                    decimal_text(cells[4], "PW GPCI"),
                    decimal_text(cells[5], "PE GPCI"),
                    decimal_text(cells[6], "MP GPCI"),
                )
            )
            marks.append(mark)
        if not in_data:
            raise FieldError("(header)", "no column title line starting 'Medicare Administrative'")
        notes = footnotes_by_mark(trailer)
        for values, mark in zip(parsed, marks, strict=True):
            if mark and mark not in notes:
                stats.notes.append(f"{values[3]}: no footnote explains the mark {mark!r}")
            yield PfsGpciIndex, (*values, notes.get(mark, "") if mark else "")


def _csv_cells(line: str) -> list[str] | None:
    """The 7 values of a locality line, or None for a blank, note or footnote line."""
    cells = next(csv.reader([line]))
    if len(cells) < 2 or not cells[1].strip():
        return None  # notes and footnotes fill only the first column
    if len(cells) < 7 or any(c.strip() for c in cells[7:]):
        raise FieldError("(row)", f"expected 7 columns, got {len(cells)}")
    return cells[:7]


def _txt_cells(line: str) -> list[str] | None:
    # A locality line has the MAC in columns 1-5 and blanks up to the state; notes do not.
    if len(line) < 20 or not line[:5].strip() or line[5:16].strip():
        return None
    parts = line.split(None, 3)
    if len(parts) < 4:
        raise FieldError("(record)", "expected MAC, state, locality, name and three indices")
    rest = parts[3].rsplit(None, 3)
    if len(rest) < 4:
        raise FieldError("(record)", "expected a locality name and three indices")
    return [parts[0], parts[1], parts[2], *rest]
