"""NCCI add-on code (AOC) edits: CMS's workbook ``AOC_V2026Q2-MCR.xlsx``.

One sheet. Row 1 is the AMA notice, row 2 the headings ``AOC_Edit_Type, Add-On_Code,
AOC_DelDT, Primary_Code, Primary_Code_DelDT, AOC_Edit_EffDT, AOC_Edit_DelDT,
Special_Instruction_Notes``, then one add-on/primary pair per row. Dates are Julian
``YYYYDDD`` text; a primary code ``CCCCC`` means the contractor decides (edit type 2).
The release is the quarter in the name (``V2026Q2``); ``MCR`` is Medicare's table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from medcode.edits.models import AddOnCodeEdit
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    parse_julian,
    quarter_period,
)
from medcode.importers.ncci_mue import cell_text, xlsx_rows

_NAME = re.compile(r"AOC_V(?P<year>\d{4})Q(?P<quarter>[1-4])(?:-(?P<program>MCR|MCD))?", re.I)
HEADINGS = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)
_EDIT_TYPES = frozenset({"1", "2", "3"})
MAX_HEADER_ROWS = 5


class NcciAoc(Importer):
    format = "ncci_aoc"
    description = "NCCI add-on code (AOC) edit workbook, xlsx."
    models = (AddOnCodeEdit,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        return source.extension == "xlsx" and source.xlsx_mentions(
            b"AOC_Edit_Type", b"Add-On_Code", b"Primary_Code"
        )

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)", "cannot tell the quarter: expected a name like AOC_V2026Q2-MCR.xlsx"
            )
        if (match["program"] or "").upper() == "MCD":
            raise FieldError(
                "(file name)",
                "this is the Medicaid (MCD) add-on code table; medcode loads Medicare's (…-MCR)",
            )
        year, quarter = int(match["year"]), int(match["quarter"])
        start, end = quarter_period(year, quarter)
        return ReleaseInfo(
            dataset="ncci_aoc",
            version=f"{year}Q{quarter}",
            label=f"NCCI add-on code edits {year} Q{quarter}",
            period_start=start,
            period_end=end,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        seen_heading = False
        for row in xlsx_rows(source, stats):
            cells = [cell_text(value) for value in row]
            if not seen_heading:
                if cells and cells[0] == HEADINGS[0]:
                    found = tuple(cells[: len(HEADINGS)])
                    if found != HEADINGS:
                        raise FieldError(
                            "(headings)", f"expected {', '.join(HEADINGS)}; got {', '.join(found)}"
                        )
                    seen_heading = True
                elif stats.line >= MAX_HEADER_ROWS:
                    raise FieldError("(headings)", f"no {HEADINGS[0]} heading in the first rows")
                continue
            if not any(cells):
                continue
            if len(cells) < 7:
                raise FieldError("(row)", f"expected 7 or 8 columns, got {len(cells)}")
            stats.rows_read += 1
            yield AddOnCodeEdit, _values(row, cells)
        if not seen_heading:
            raise FieldError("(headings)", f"no {HEADINGS[0]} heading found")


def _values(row: tuple[object, ...], cells: list[str]) -> tuple[object, ...]:
    edit_type = cells[0]
    if edit_type not in _EDIT_TYPES:
        raise FieldError("AOC_Edit_Type", f"expected 1, 2 or 3, got {edit_type!r}")
    effective = _date(row[5], cells[5], "AOC_Edit_EffDT")
    if effective is None:
        raise FieldError("AOC_Edit_EffDT", "the edit has no effective date")
    return (
        edit_type,
        _code(row[1], cells[1], "Add-On_Code"),
        _date(row[2], cells[2], "AOC_DelDT"),
        _code(row[3], cells[3], "Primary_Code"),
        _date(row[4], cells[4], "Primary_Code_DelDT"),
        effective,
        _date(row[6], cells[6], "AOC_Edit_DelDT"),
        cells[7] if len(cells) > 7 else "",
    )


def _code(value: object, text: str, field: str) -> str:
    if isinstance(value, int | float):
        # A code typed as a number (00100) lost its leading zeros in Excel.
        text = text.zfill(5)
    text = text.upper()
    if len(text) != 5 or not text.isalnum():
        raise FieldError(field, f"expected a 5-character code, got {text!r}")
    return text


def _date(value: object, text: str, field: str) -> date | None:
    if isinstance(value, date):
        # A workbook that stores a real date instead of CMS's Julian text.
        return value.date() if isinstance(value, datetime) else value
    return parse_julian(text, field)
