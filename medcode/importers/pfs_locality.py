"""Counties of each payment locality (``25LOCCO.csv`` / ``.txt``).

After the title and column titles, each locality is one line: MAC, locality number, state,
fee schedule area, counties. The state is written only on a state's first locality; the lines
below it leave it blank and belong to the same state, up to the blank line that ends the
state's block. A line with no MAC and no locality number but more county text continues the
locality above (the layout allows it; the 2025 file has none). A ``*`` after an area name points
to the footnote at the end ("serviced by two carriers").

The csv drops leading zeros (MAC ``1112``, locality ``5``); they are put back. The txt is
fixed-width (MAC in columns 5-9, locality 17-18, state 23-45, area 46-143, counties from 144)
and cuts county lists at 58 characters, so the csv is the one to load when both are there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from medcode.fees.models import PfsLocalityCounties
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    text_lines,
)
from medcode.importers.pfs_gpci import (
    digits_code,
    footnotes_by_mark,
    split_marks,
    year_of,
    year_release,
)

_NAME = re.compile(r"(?P<year>\d{2})LOCCO", re.IGNORECASE)
_TITLE = re.compile(r"COUNTIES INCLUDED IN (?P<year>\d{4}) LOCALITIES", re.IGNORECASE)
_TXT_COUNTIES_WIDTH = 58


class PfsLocality(Importer):
    format = "pfs_locality"
    description = "Medicare PFS locality to county crosswalk (LOCCO csv or txt)."
    models = (PfsLocalityCounties,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension not in ("csv", "txt"):
            return False
        lines = head.splitlines()
        if not lines or not lines[0].upper().startswith(b"COUNTIES INCLUDED IN"):
            return False
        return any(
            line.upper().startswith(b"MEDICARE ADM") and b"COUNTIES" in line.upper()
            for line in lines[1:6]
        )

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        year = year_of(source, head, _TITLE, _NAME)
        return year_release("pfs_locality", "Medicare PFS localities and counties", year)

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        txt = source.extension == "txt"
        localities: list[list[str]] = []
        trailer: list[str] = []
        state: str | None = None
        cut = 0
        in_data = False
        for line in text_lines(source, stats):
            if not in_data:
                in_data = line.upper().startswith("MEDICARE ADM")
                continue
            cells = _txt_cells(line) if txt else _csv_cells(line)
            if cells is None:
                state = None  # a blank line ends a state's block
                continue
            mac, locality, line_state, area, counties = cells
            if not mac and not locality:
                if area.startswith("*"):
                    trailer.append(area)
                    continue
                if area or line_state:
                    raise FieldError("Medicare Administrative Contractor", "is blank")
                if not localities:
                    raise FieldError("Counties", "county text before the first locality")
                localities[-1][4] = f"{localities[-1][4]} {counties}".strip()
                continue
            if trailer:
                raise FieldError("Locality Number", "a locality follows the footnotes")
            if line_state:
                state = line_state
            elif state is None:
                # The 2025 txt leaves California's first line without its state; guessing
                # from the block above would file it under Arkansas.
                state = ""
                stats.notes.append(
                    f"line {stats.line}: no state is given for the block starting with "
                    f"{mac}/{locality}; its localities are stored without one"
                )
            if not area:
                raise FieldError("Fee Schedule Area", "is blank")
            if not counties:
                raise FieldError("Counties", "is blank")
            if txt and len(counties) >= _TXT_COUNTIES_WIDTH:
                cut += 1
            stats.rows_read += 1
            localities.append(
                [
                    digits_code(mac, "Medicare Administrative Contractor", 5),
                    digits_code(locality, "Locality Number", 2),
                    state,
                    area,
                    counties,
                ]
            )
        if not in_data:
            raise FieldError("(header)", "no column title line starting 'Medicare Adm'")
        if cut:
            stats.notes.append(
                f"{cut} county lists fill all {_TXT_COUNTIES_WIDTH} columns of the text layout "
                "and may be cut short; the csv has them in full"
            )
        notes = footnotes_by_mark(trailer)
        for mac, locality, state_name, area, counties in localities:
            name, mark = split_marks(area)
            yield (
                PfsLocalityCounties,
                (mac, locality, state_name, name, counties, notes.get(mark, "") if mark else ""),
            )


def _csv_cells(line: str) -> list[str] | None:
    cells = [c.strip() for c in next(csv.reader([line]), [])]
    if not any(cells):
        return None
    if cells[0].startswith("*"):
        return ["", "", "", cells[0], ""]  # the footnote, in the first column
    if len(cells) < 5 or any(cells[5:]):
        raise FieldError("(row)", f"expected 5 columns, got {len(cells)}")
    return cells[:5]


def _txt_cells(line: str) -> list[str] | None:
    if not line.strip():
        return None
    if line.lstrip().startswith("*"):
        return ["", "", "", line.strip(), ""]
    # Each column must start after a blank: a shifted layout fails instead of mixing columns.
    for gap in (9, 15, 18, 21, 44, 142):
        if len(line) > gap and line[gap] != " ":
            raise FieldError("(record)", f"column {gap + 1} should be blank in this layout")
    return [
        line[4:9].strip(),
        line[16:18].strip(),
        line[22:45].strip(),
        line[45:143].strip(),
        line[143:].strip(),
    ]
