"""HCPCS Level II alpha-numeric file (``HCPC2025_JAN_ANWEB_12172024.txt``), fixed width.

Layout from CMS's ``HCPC2025_recordlayout.txt``: one 320-character record per line (293 from
2026 on, the filler dropped). Record id 3 starts a procedure code, 4 continues its long
description; 7 and 8 do the same for a modifier (code in columns 4-5, 1-3 blank). Only the
first record of a code carries the detail fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medcode.codes.models import HcpcsCode, HcpcsModifier
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    parse_int,
    parse_yyyymmdd,
    quarter_period,
    text_lines,
)

_NAME = re.compile(r"HCPC(?P<year>\d{4})_(?P<month>JAN|APR|JUL|OCT)_ANWEB", re.IGNORECASE)
_QUARTER = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}
_RECORD = re.compile(rb"^[A-Z0-9 ]{5}\d{5}[3478]")
_CODE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^   [A-Z0-9]{2}$")
MIN_LENGTH = 293  # the 2026 layout; 2025 pads to 320


def _field(line: str, start: int, end: int) -> str:
    """Columns ``start``..``end`` as numbered in CMS's record layout (1-based, inclusive)."""
    return line[start - 1 : end].strip()


def _repeated(line: str, start: int, width: int, count: int) -> str:
    values = (_field(line, start + i * width, start + (i + 1) * width - 1) for i in range(count))
    return ",".join(v for v in values if v)


class HcpcsAnweb(Importer):
    format = "hcpcs_anweb"
    description = "HCPCS Level II alpha-numeric (ANWEB) fixed-width file."
    models = (HcpcsCode, HcpcsModifier)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "txt":
            return False
        first = head.split(b"\n", 1)[0].rstrip(b"\r")
        return len(first) >= MIN_LENGTH and bool(_RECORD.match(first))

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)",
                "cannot tell the quarter: expected a name like HCPC2025_JAN_ANWEB_….txt",
            )
        year, month = int(match["year"]), match["month"].upper()
        start, end = quarter_period(year, _QUARTER[month])
        return ReleaseInfo(
            dataset="hcpcs",
            version=f"{year}-{month}",
            label=f"HCPCS Level II {month.title()} {year}",
            period_start=start,
            period_end=end,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        pending: tuple[type[HcpcsCode] | type[HcpcsModifier], list[object]] | None = None
        for line in text_lines(source, stats):
            if not line.strip():
                continue
            if len(line) < MIN_LENGTH:
                raise FieldError(
                    "(record)",
                    f"record is {len(line)} characters long, expected {MIN_LENGTH} or 320",
                )
            record_id = line[10]
            raw_code = line[:5]
            if record_id in "48":
                # A continuation adds to the long description of the record before it.
                if pending is None or pending[1][0] != raw_code.strip():
                    raise FieldError(
                        "HCPCS code",
                        f"continuation record for {raw_code.strip()!r} follows no first record",
                    )
                more = _field(line, 12, 91)
                if more:
                    pending[1][1] = f"{pending[1][1]} {more}".strip()
                continue
            if pending is not None:
                yield pending[0], tuple(pending[1])
            stats.rows_read += 1
            if record_id == "3":
                if not _CODE.match(raw_code):
                    raise FieldError(
                        "HCPCS code", f"expected 5 letters or digits, got {raw_code!r}"
                    )
                pending = (HcpcsCode, self._code_values(line))
            elif record_id == "7":
                if not _MODIFIER.match(raw_code):
                    raise FieldError(
                        "HCPCS modifier", f"expected 2 characters in columns 4-5, got {raw_code!r}"
                    )
                pending = (HcpcsModifier, self._modifier_values(line))
            else:
                raise FieldError("record id", f"expected 3, 4, 7 or 8, got {record_id!r}")
        if pending is not None:
            yield pending[0], tuple(pending[1])

    def _dates(self, line: str) -> list[object]:
        return [
            parse_yyyymmdd(_field(line, 269, 276), "add date"),
            parse_yyyymmdd(_field(line, 277, 284), "action effective date"),
            parse_yyyymmdd(_field(line, 285, 292), "termination date"),
            _field(line, 293, 293),
        ]

    def _code_values(self, line: str) -> list[object]:
        return [
            line[:5],
            _field(line, 12, 91),
            _field(line, 92, 119),
            _repeated(line, 120, 2, 4),
            _field(line, 128, 128),
            _field(line, 230, 230),
            _field(line, 231, 232),
            parse_yyyymmdd(_field(line, 233, 240), "ASC effective date"),
            _field(line, 241, 243),
            _field(line, 244, 244),
            parse_yyyymmdd(_field(line, 245, 252), "OPPS effective date"),
            _repeated(line, 129, 6, 3),
            _repeated(line, 147, 8, 3),
            _field(line, 171, 180),
            _repeated(line, 181, 3, 8),
            _repeated(line, 205, 5, 5),
            _field(line, 253, 256),
            _field(line, 257, 259),
            _repeated(line, 261, 1, 5),
            parse_int(_field(line, 266, 268), "anesthesia base units"),
            *self._dates(line),
        ]

    def _modifier_values(self, line: str) -> list[object]:
        return [
            line[3:5],
            _field(line, 12, 91),
            _field(line, 92, 119),
            _repeated(line, 120, 2, 4),
            *self._dates(line),
        ]
