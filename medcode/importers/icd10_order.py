"""CMS's ICD-10-CM and ICD-10-PCS order files (``icd10cm_order_2026.txt``, ``icd10pcs_order_…``).

Layout from CMS's ``icd10OrderFiles.pdf``, the same for both code sets, fixed width::

    cols 1-5    order number, zero-padded (tabular order, 1..n)
    col  6      blank
    cols 7-13   code, without the dot, left-justified
    col  14     blank
    col  15     1 = valid for submission (billable), 0 = header
    col  16     blank
    cols 17-76  short title, blank-padded to 60 characters
    col  77     blank
    cols 78-    long title, to the end of the line

Every line is stored, headers too: the code page shows a header's title and uses the flag
to say "not billable, pick a child". The zips also hold ``*_codes_*.txt`` (the same codes
without headers) and ``*addenda*`` files (changes from last year); neither is in this layout,
so neither is recognized and the loader skips them as zip members.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from django.db import models

from medcode.icd10.models import Icd10CmCode, Icd10PcsCode
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    fiscal_year_period,
    text_lines,
)

MIN_LENGTH = 78  # through the first character of the long title
_ASCII_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM = _LETTERS | _ASCII_DIGITS
# PCS leaves out I and O so they cannot be misread as 1 and 0.
_PCS_CHARS = _ALNUM - {"I", "O"}


def _cm_shaped(code: str) -> bool:
    """A letter, then letters or digits: A00, E1165, QA00101, S72001A."""
    return 3 <= len(code) <= 7 and code[0] in _LETTERS and _ALNUM.issuperset(code)


def _pcs_shaped(code: str) -> bool:
    """A 3-character table header (001, 0W3, XW0) or a 7-character code."""
    return len(code) in (3, 7) and _PCS_CHARS.issuperset(code)


def _layout_code(line: str) -> str | None:
    """The code if ``line`` is laid out like an order-file line, else None."""
    if (
        len(line) < MIN_LENGTH
        or line[5] != " "
        or line[13] != " "
        or line[14] not in "01"
        or line[15] != " "
        or line[76] != " "
        or not _ASCII_DIGITS.issuperset(line[:5])
    ):
        return None
    code = line[6:13].rstrip()
    return code if code and " " not in code else None


def _head_codes(head: bytes) -> list[str] | None:
    """The codes of the complete lines in ``head``, or None if any line is not in the layout."""
    if b"\x00" in head:
        return None  # UTF-16 or binary
    pieces = head.split(b"\n")
    if len(pieces) > 1:
        pieces = pieces[:-1]  # the last piece may be cut off mid-line (or is empty)
    codes = []
    for piece in pieces:
        line = piece.rstrip(b"\r").decode("latin-1")
        if not line.strip():
            continue
        code = _layout_code(line)
        if code is None:
            return None
        codes.append(code)
    return codes or None


class _OrderFile(Importer):
    """The shared reader; subclasses say which code set, model and name they stand for."""

    model: ClassVar[type[Icd10CmCode] | type[Icd10PcsCode]]
    dataset: ClassVar[str]
    system: ClassVar[str]  # "ICD-10-CM"
    flag_field: ClassVar[str]  # how errors name column 15
    filename_pattern: ClassVar[re.Pattern[str]]
    name_marker: ClassVar[str]  # "icd10cm": the name CMS gives this code set's files
    other_marker: ClassVar[str]
    example_name: ClassVar[str]

    @staticmethod
    def shaped(code: str) -> bool:
        raise NotImplementedError

    @staticmethod
    def other_shaped(code: str) -> bool:
        raise NotImplementedError

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "txt":
            return False
        name = source.filename.lower()
        if self.other_marker in name:
            return False
        codes = _head_codes(head)
        if codes is None or not all(self.shaped(c) for c in codes):
            return False
        # A few lines of B-section PCS headers (B02) also look like CM categories; when the
        # name does not settle it, claim the file only if it cannot be the other code set.
        return self.name_marker in name or not all(self.other_shaped(c) for c in codes)

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = self.filename_pattern.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)",
                "cannot tell the fiscal year, which only the name carries: expected a name like "
                f"{self.example_name}",
            )
        year = int(match["year"])
        start, end = fiscal_year_period(year)
        return ReleaseInfo(
            dataset=self.dataset,
            version=f"FY{year}",
            label=f"{self.system} FY{year}",
            period_start=start,
            period_end=end,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        model: type[models.Model] = self.model
        shaped = self.shaped
        first_line: dict[str, int] = {}
        for line in text_lines(source, stats):
            if not line.strip():
                continue
            stats.rows_read += 1
            if len(line) < MIN_LENGTH:
                raise FieldError(
                    "long title",
                    f"line is {len(line)} characters long; the long title starts in column "
                    f"{MIN_LENGTH}, so the line is cut short or not in the order-file layout",
                )
            if line[5] != " " or line[13] != " " or line[15] != " " or line[76] != " ":
                raise FieldError(
                    "(layout)",
                    "columns 6, 14, 16 and 77 must be blank: the columns are shifted",
                )
            number = line[:5]
            if not _ASCII_DIGITS.issuperset(number):
                raise FieldError("order number", f"expected 5 digits, got {number!r}")
            code = line[6:13].rstrip()
            if not shaped(code):
                raise FieldError("code", f"{code!r} is not an {self.system} code")
            flag = line[14]
            if flag not in ("0", "1"):
                raise FieldError(self.flag_field, f"expected 1 or 0, got {flag!r}")
            short_title = line[16:76].rstrip()
            long_title = line[77:].strip()
            if not short_title:
                raise FieldError("short title", "is blank")
            if not long_title:
                raise FieldError("long title", "is blank")
            seen = first_line.get(code)
            if seen is not None:
                raise FieldError("code", f"{code} is listed twice (first on line {seen})")
            first_line[code] = stats.line
            yield model, (int(number), code, flag == "1", short_title, long_title)


class Icd10CmOrder(_OrderFile):
    format = "icd10cm_order"
    description = "ICD-10-CM order file (codes and headers in tabular order)."
    model = Icd10CmCode
    models = (Icd10CmCode,)
    dataset = "icd10cm"
    system = "ICD-10-CM"
    flag_field = "billable"
    filename_pattern = re.compile(r"icd10cm[_-]order[_-](?P<year>\d{4})", re.IGNORECASE)
    name_marker = "icd10cm"
    other_marker = "icd10pcs"
    example_name = "icd10cm_order_2026.txt"
    shaped = staticmethod(_cm_shaped)
    other_shaped = staticmethod(_pcs_shaped)


class Icd10PcsOrder(_OrderFile):
    format = "icd10pcs_order"
    description = "ICD-10-PCS order file (codes and table headers in tabular order)."
    model = Icd10PcsCode
    models = (Icd10PcsCode,)
    dataset = "icd10pcs"
    system = "ICD-10-PCS"
    flag_field = "valid"
    filename_pattern = re.compile(r"icd10pcs[_-]order[_-](?P<year>\d{4})", re.IGNORECASE)
    name_marker = "icd10pcs"
    other_marker = "icd10cm"
    example_name = "icd10pcs_order_2026.txt"
    shaped = staticmethod(_pcs_shaped)
    other_shaped = staticmethod(_cm_shaped)
