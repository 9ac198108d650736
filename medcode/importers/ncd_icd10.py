"""CMS's lab NCD ICD-10 coding spreadsheet, e.g. ``2026100-Initial-ICD10-NCD-Spreadsheet-….xlsx``.

One sheet. Rows 1-5 are a title and a legend (which quarter the red changes belong to, and the
meaning of resolution codes 1-3); rows 6-7 hold a header split over two rows. Below, each NCD
is a block of rows carrying its number on every row and its description on the first row only
(carried down here). Column C lists the NCD's CPT/HCPCS codes at the top of the block, one per
row, unrelated to the ICD-10 code beside it; columns F-I list the ICD-10-CM codes, one per
row, ending with ``@@@@@@@`` ("all other codes"). So a block yields one ``Ncd``, a few
``NcdProcedure`` rows and one ``NcdDiagnosis`` per ICD-10 row.

The red font marking the quarter's changes is not read: it needs openpyxl's slow styled mode.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from medcode.coverage.indicators import ALL_OTHER_CODES
from medcode.coverage.models import Ncd, NcdDiagnosis, NcdProcedure
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    parse_iso_date,
)

_NAME = re.compile(r"(?<!\d)(?P<cr>\d{5,8})-.*ICD-?10.*NCD", re.IGNORECASE)
# "Red in this spreadsheet indicates an January 2026 change."
_LEGEND = re.compile(r"indicates an? (?P<month>[A-Za-z]+) (?P<year>\d{4}) change", re.IGNORECASE)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july"]
_MONTHS += ["august", "september", "october", "november", "december"]

# The header's two rows joined, in the sheet's order; matched ignoring case and spacing.
COLUMNS = (
    "NCD NUMBER",
    "NCD DESCRIPTION",
    "CPT/HCPCS CODES",
    "CPT/HCPCS EFF DATE",
    "CPT/HCPCS TERM DATE",
    "ICD-10 CODE",
    "ICD-10 EFF DATE",
    "ICD-10 TERM DATE",
    "RESOLUTION CODE",
)
HEAD_ROWS = 20  # the header must start within this many rows
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ParseError)


def _sheet_rows(source: Source, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows as values; a damaged workbook raises ``LoadError``."""
    try:
        book = load_workbook(source.xlsx_bytes(), read_only=True, data_only=True)
    except _BROKEN as exc:
        raise LoadError(
            source.name, f"not a readable xlsx workbook: truncated or corrupt ({exc})"
        ) from None
    try:
        yield from book.worksheets[0].iter_rows(max_row=max_row, values_only=True)
    except _BROKEN as exc:
        raise LoadError(source.name, f"workbook is truncated or corrupt ({exc})") from None
    finally:
        book.close()


@lru_cache(maxsize=8)
def _head(source: Source, _stamp: tuple[int, int]) -> tuple[tuple[Any, ...], ...]:
    return tuple(_sheet_rows(source, HEAD_ROWS + 1))


def head_rows(source: Source) -> tuple[tuple[Any, ...], ...]:
    """The first rows, read once for ``recognize`` and ``release`` (opening takes ~0.4 s)."""
    stat = source.path.stat()
    return _head(source, (stat.st_mtime_ns, stat.st_size))


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def find_header(rows: tuple[tuple[Any, ...], ...]) -> int | None:
    """The index of the header's first row: column A says NCD and column F says ICD-10."""
    for index, row in enumerate(rows[:HEAD_ROWS]):
        if (
            len(row) >= len(COLUMNS)
            and _text(row[0]).upper().startswith("NCD")
            and _text(row[5]).upper().startswith("ICD-10")
        ):
            return index
    return None


def _header_problem(rows: tuple[tuple[Any, ...], ...], index: int) -> str | None:
    first, second = rows[index], rows[index + 1] if index + 1 < len(rows) else ()
    for column, expected in enumerate(COLUMNS):
        parts = [_text(first[column]), _text(second[column]) if column < len(second) else ""]
        name = " ".join(p for p in parts if p).upper()
        if not name.startswith(expected):
            return f"column {column + 1} of the header is {name!r}, expected {expected!r}"
    return None


def ncd_number(value: object) -> str:
    if isinstance(value, float):
        # Excel keeps 190.12 as a number; CMS types 190.20 and 190.30 as text so the zero stays.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    text = _text(value).upper()
    if not text[:1].isdigit() or not text.replace(".", "").isalnum() or len(text) > 10:
        raise FieldError("NCD Number", f"expected an NCD number like 190.12, got {text!r}")
    return text


def hcpcs_code(value: object) -> str:
    if isinstance(value, int):
        # Numeric CPT codes arrive as numbers, losing leading zeros (01996 -> 1996).
        return str(value).zfill(5)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).zfill(5)
    text = _text(value).upper()
    if len(text) != 5 or not text.isalnum():
        raise FieldError("CPT/HCPCS CODES", f"expected a 5-character CPT/HCPCS code, got {text!r}")
    return text


def icd10_code(value: object) -> str:
    text = _text(value).upper().replace(".", "")
    if text == ALL_OTHER_CODES:
        return text
    if not 3 <= len(text) <= 7 or not text.isalnum() or not text[0].isalpha():
        raise FieldError("ICD-10 CODE", f"expected an ICD-10-CM code, got {text!r}")
    return text


def resolution(value: object) -> int:
    if type(value) is int and 1 <= value <= 3:
        return value
    text = _text(value)
    if text.endswith(".0"):
        text = text[:-2]
    if text not in ("1", "2", "3"):
        raise FieldError("RESOLUTION CODE", f"expected 1, 2 or 3, got {value!r}")
    return int(text)


def cell_date(value: object, field: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        raise FieldError(field, f"expected a date, got the number {value!r}")
    return parse_iso_date(value, field)


class NcdIcd10(Importer):
    format = "ncd_icd10"
    description = "CMS lab NCD ICD-10 coding spreadsheet (xlsx)."
    models = (Ncd, NcdProcedure, NcdDiagnosis)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "xlsx" or not head.startswith(b"PK"):
            return False
        if not source.xlsx_mentions(b"RESOLUTION", b"ICD-10"):
            return False
        try:
            rows = head_rows(source)
        except LoadError:
            return False
        index = find_header(rows)
        return index is not None and _header_problem(rows, index) is None

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)",
                "cannot tell the CMS release: expected a name like "
                "2026100-Initial-ICD10-NCD-Spreadsheet-20250721.xlsx",
            )
        rows = head_rows(source)
        header = find_header(rows)
        legend = " ".join(_text(v) for row in rows[: header or HEAD_ROWS] for v in row if v)
        when = _LEGEND.search(legend)
        if when is None or when["month"].lower() not in _MONTHS:
            raise FieldError(
                "(legend)",
                "cannot tell the quarter: the legend above the header should say "
                "'Red in this spreadsheet indicates a <Month> <Year> change'",
            )
        month, year = when["month"].title(), int(when["year"])
        cr = match["cr"]
        return ReleaseInfo(
            dataset="ncd_icd10",
            version=f"CR{cr}",
            label=f"NCD ICD-10 code lists {month} {year} (CR {cr})",
            period_start=date(year, _MONTHS.index(month.lower()) + 1, 1),
            period_end=None,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        sheet = _sheet_rows(source)
        head = tuple(islice(sheet, HEAD_ROWS + 1))
        index = find_header(head)
        if index is None:
            stats.line = 1
            raise FieldError(
                "(header)", f"no 'NCD Number … ICD-10 CODE' header in the first {HEAD_ROWS} rows"
            )
        problem = _header_problem(head, index)
        if problem:
            stats.line = index + 1
            raise FieldError("(header)", problem)

        titles: dict[str, str] = {}
        number = ""
        # Sheet rows are numbered from 1; data starts below the header's two rows.
        for line, row in enumerate(chain(head[index + 2 :], sheet), start=index + 3):
            stats.line = line
            if len(row) < len(COLUMNS):
                row = row + (None,) * (len(COLUMNS) - len(row))
            ncd, described, cpt, cpt_eff, cpt_term, icd, icd_eff, icd_term, res = row[:9]
            if ncd is None and icd is None and cpt is None and described is None:
                continue  # blank rows separate nothing, but are harmless
            stats.rows_read += 1
            if ncd is not None:
                number = ncd_number(ncd)
            elif not number:
                raise FieldError("NCD Number", "the first data row has no NCD number")
            if described is not None:
                title = _text(described)
                known = titles.get(number)
                if known is None:
                    titles[number] = title
                    yield Ncd, (number, title)
                elif known != title:
                    raise FieldError(
                        "NCD DESCRIPTION", f"NCD {number} was {known!r} above, now {title!r}"
                    )
            elif number not in titles:
                raise FieldError(
                    "NCD DESCRIPTION", f"the first row of NCD {number} has no description"
                )
            if cpt is not None:
                yield (
                    NcdProcedure,
                    (
                        number,
                        hcpcs_code(cpt),
                        cell_date(cpt_eff, "CPT/HCPCS EFF DATE"),
                        cell_date(cpt_term, "CPT/HCPCS TERM DATE"),
                    ),
                )
            elif cpt_eff is not None or cpt_term is not None:
                raise FieldError("CPT/HCPCS CODES", "a CPT/HCPCS date is given without a code")
            if icd is not None:
                effective = cell_date(icd_eff, "ICD-10 EFF DATE")
                if effective is None:
                    raise FieldError("ICD-10 EFF DATE", "missing")
                yield (
                    NcdDiagnosis,
                    (
                        number,
                        icd10_code(icd),
                        effective,
                        cell_date(icd_term, "ICD-10 TERM DATE"),
                        resolution(res),
                    ),
                )
            elif res is not None or icd_eff is not None:
                raise FieldError(
                    "ICD-10 CODE", "a resolution or date is given without an ICD-10 code"
                )
