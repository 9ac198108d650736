"""National Physician Fee Schedule RVU file (``PPRRVU2025_Oct``) in its csv, txt and xlsx forms.

CMS ships the same rows three ways inside ``rvu25d.zip``:

* csv: title and notice lines, column titles split over rows 6-10 (row 10 starts ``HCPCS,MOD``),
  then one row per code + modifier with 31 columns;
* txt: ``HDR`` lines carrying the AMA/ADA notice cut into 46-character pieces, then fixed-width
  records laid out as in ``RVU25D.pdf`` (the positions below are that layout's, checked
  against the data: the "not used for Medicare payment" flag sits in the otherwise unnamed
  column 59, and the OPPS malpractice RVU, whose position the PDF leaves out, in 166-171);
* xlsx: the csv's rows as a worksheet, with numbers as numbers (``99213`` and ``26`` lose their
  text form, ``0.00`` becomes ``0``), which is why cells are turned back into CMS's text here.

Each form yields identical rows. The release is named after CMS's quarterly zip: RVU25D is
the October 2025 release (A/B/C/D = January/April/July/October).
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError

from medcode.fees.models import PfsNotice, PfsRvu
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    parse_decimal,
    quarter_period,
    text_lines,
)

_NAME = re.compile(r"PPRRVU(?P<year>\d{4}|\d{2})_?(?P<month>JAN|APR|JUL|OCT)", re.IGNORECASE)
_CONTAINER = re.compile(
    r"(?<![A-Z0-9])RVU(?P<yy>\d{2})(?P<letter>[A-D])(?P<fix>R?)(?![A-Z0-9])", re.IGNORECASE
)
_TITLE = re.compile(
    r"(?P<year>\d{4}) NATIONAL PHYSICIAN FEE SCHEDULE RELATIVE VALUE FILE "
    r"(?P<month>JANUARY|APRIL|JULY|OCTOBER)",
    re.IGNORECASE,
)
_QUARTER = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}
_LETTER = "ABCD"
_MONTH_NAME = ("January", "April", "July", "October")

COLUMNS = 31
HEADER = ("HCPCS", "MOD", "DESCRIPTION", "CODE")  # the last title row; "CODE" ends STATUS CODE
RECORD_LENGTH = 171

#: Which columns hold decimals, and how many places CMS prints (for the xlsx's floats).
_DECIMAL_PLACES = {
    5: 2,
    6: 2,
    8: 2,
    10: 2,
    11: 2,
    12: 2,
    15: 2,
    16: 2,
    17: 2,
    24: 4,
    28: 2,
    29: 2,
    30: 2,
}
#: Short text columns: position -> (field, longest allowed value).
_TEXT_WIDTH = {
    3: ("STATUS CODE", 1),
    4: ("NOT USED FOR MEDICARE PAYMENT", 1),
    7: ("NON-FAC NA INDICATOR", 2),
    9: ("FACILITY NA INDICATOR", 2),
    13: ("PCTC IND", 1),
    14: ("GLOB DAYS", 3),
    18: ("MULT PROC", 1),
    19: ("BILAT SURG", 1),
    20: ("ASST SURG", 1),
    21: ("CO-SURG", 1),
    22: ("TEAM SURG", 1),
    23: ("ENDO BASE", 5),
    25: ("PHYSICIAN SUPERVISION", 2),
    26: ("CALCULATION FLAG", 1),
    27: ("DIAGNOSTIC IMAGING FAMILY INDICATOR", 2),
}
#: Columns whose spreadsheet numbers must get their leading zeros back.
_ZERO_PADDED = {0: 5, 1: 2, 23: 5, 25: 2, 27: 2}
FIELD_NAMES = (
    "HCPCS",
    "MOD",
    "DESCRIPTION",
    "STATUS CODE",
    "NOT USED FOR MEDICARE PAYMENT",
    "WORK RVU",
    "NON-FAC PE RVU",
    "NON-FAC NA INDICATOR",
    "FACILITY PE RVU",
    "FACILITY NA INDICATOR",
    "MP RVU",
    "NON-FACILITY TOTAL",
    "FACILITY TOTAL",
    "PCTC IND",
    "GLOB DAYS",
    "PRE OP",
    "INTRA OP",
    "POST OP",
    "MULT PROC",
    "BILAT SURG",
    "ASST SURG",
    "CO-SURG",
    "TEAM SURG",
    "ENDO BASE",
    "CONV FACTOR",
    "PHYSICIAN SUPERVISION",
    "CALCULATION FLAG",
    "DIAGNOSTIC IMAGING FAMILY INDICATOR",
    "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT",
    "FACILITY PE USED FOR OPPS PAYMENT AMOUNT",
    "MP USED FOR OPPS PAYMENT AMOUNT",
)
#: The txt layout: 1-based inclusive columns of each of the 31 values, in csv order.
TXT_COLUMNS = (
    (1, 5),
    (6, 7),
    (8, 57),
    (58, 58),
    (59, 59),
    (60, 65),
    (67, 72),
    (73, 74),
    (76, 81),
    (82, 83),
    (85, 89),
    (91, 96),
    (97, 102),
    (103, 103),
    (104, 106),
    (107, 109),
    (110, 112),
    (113, 115),
    (116, 116),
    (117, 117),
    (118, 118),
    (119, 119),
    (120, 120),
    (128, 132),
    (133, 140),
    (142, 143),
    (144, 144),
    (146, 147),
    (152, 157),
    (159, 164),
    (166, 171),
)
_SLICES = tuple(slice(start - 1, end) for start, end in TXT_COLUMNS)


# --- naming the release (shared with the other files of the RVU zip) ----------------------


def container_names(source: Source) -> list[str]:
    """Names that may say which quarterly release a file came in: its folders and its zip."""
    names: list[str] = []
    if source.member is not None:
        names.extend(reversed(PurePosixPath(source.member).parts[:-1]))
        names.append(source.path.stem)
    names.append(source.path.parent.name)
    return [n for n in names if n]


def rvu_release_from_container(source: Source) -> tuple[int, int, str] | None:
    """(year, quarter, version) from a folder or zip named like CMS's ``rvu25d``, if any."""
    for name in container_names(source):
        match = _CONTAINER.search(name)
        if match is not None:
            letter = match["letter"].upper()
            version = f"RVU{match['yy']}{letter}{match['fix'].upper()}"
            return 2000 + int(match["yy"]), _LETTER.index(letter) + 1, version
    return None


def rvu_release_info(dataset: str, what: str, year: int, quarter: int, version: str) -> ReleaseInfo:
    start, end = quarter_period(year, quarter)
    return ReleaseInfo(
        dataset=dataset,
        version=version,
        label=f"{what} {version} ({_MONTH_NAME[quarter - 1]} {year})",
        period_start=start,
        period_end=end,
    )


# --- reading values -------------------------------------------------------------------------


def decimal_text(value: str, field: str) -> Decimal:
    """A CMS decimal such as ``1.30``, ``.10`` or ``32.3465``; blank is not allowed."""
    result = parse_decimal(value, field)
    if result is None:
        raise FieldError(field, "expected a number, got a blank")
    return result


def _hcpcs(value: str) -> str:
    if len(value) != 5 or not value.isalnum():
        raise FieldError("HCPCS", f"expected 5 letters or digits, got {value!r}")
    return value


def _values(cells: list[str]) -> tuple[object, ...]:
    """The 31 text cells of one row, checked and converted in LOAD_FIELDS order."""
    if len(cells) != COLUMNS:
        raise FieldError("(row)", f"expected {COLUMNS} columns, got {len(cells)}")
    out: list[object] = [_hcpcs(cells[0].strip())]
    modifier = cells[1].strip()
    if len(modifier) > 2:
        raise FieldError("MOD", f"expected at most 2 characters, got {modifier!r}")
    out.append(modifier)
    out.append(cells[2].strip())
    for i in range(3, COLUMNS):
        if i in _DECIMAL_PLACES:
            out.append(decimal_text(cells[i], FIELD_NAMES[i]))
            continue
        value = cells[i].strip()
        field, width = _TEXT_WIDTH[i]
        if len(value) > width:
            raise FieldError(field, f"expected at most {width} characters, got {value!r}")
        out.append(value)
    if not out[3]:
        raise FieldError("STATUS CODE", "is blank")
    return tuple(out)


def _cell_text(value: Any, column: int) -> str:
    """A spreadsheet cell as CMS's text: numbers get CMS's decimals, codes their leading zeros."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(FIELD_NAMES[column], f"expected text or a number, got {value!r}")
    places = _DECIMAL_PLACES.get(column)
    if places is not None:
        text = f"{value:.{places}f}"
        if abs(float(text) - value) > 1e-9:
            raise FieldError(
                FIELD_NAMES[column], f"{value!r} has more than {places} decimal places"
            )
        return text
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(FIELD_NAMES[column], f"expected a code, got the number {value!r}")
        value = int(value)
    width = _ZERO_PADDED.get(column)
    return f"{value:0{width}d}" if width else str(value)


def _notice(lines: Iterable[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


# --- the importer ---------------------------------------------------------------------------


class PfsPprrvu(Importer):
    format = "pfs_pprrvu"
    description = "Medicare Physician Fee Schedule national RVU file (PPRRVU), csv, txt or xlsx."
    models = (PfsRvu, PfsNotice)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        ext = source.extension
        if ext == "csv":
            return any(
                line.startswith(b"HCPCS,MOD,DESCRIPTION,") for line in head.splitlines()[:15]
            )
        if ext == "txt":
            lines = head.splitlines()
            if not lines or not lines[0].startswith(b"HDR "):
                return False
            data = next((line for line in lines if not line.startswith(b"HDR")), None)
            # The first record: a status letter in column 58 and the CF's point at column 136.
            return data is not None and len(data) >= RECORD_LENGTH and data[135:136] == b"."
        if ext == "xlsx":
            if not head.startswith(b"PK") or not source.xlsx_mentions(b"STATUS", b"CONV"):
                return False
            try:
                rows = self._sheet_rows(source, max_row=20)
                return any(_is_header(row) for _, row in rows)
            except LoadError:
                return False
        return False

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        year = quarter = None
        match = _NAME.search(source.filename)
        if match is not None:
            year = int(match["year"]) % 100 + 2000
            quarter = _QUARTER[match["month"].upper()]
        else:
            title = _TITLE.search(head[:2000].decode("cp1252", "replace"))
            if title is not None:
                year = int(title["year"])
                quarter = ("JANUARY", "APRIL", "JULY", "OCTOBER").index(title["month"].upper()) + 1
        container = rvu_release_from_container(source)
        if year is None or quarter is None:
            if container is None:
                raise FieldError(
                    "(file name)",
                    "cannot tell the release: expected a name like PPRRVU2025_Oct.csv "
                    "or a folder or zip named like rvu25d",
                )
            year, quarter, version = container
        elif container is not None and container[:2] == (year, quarter):
            version = container[2]  # keeps a correction's "R" (RVU25AR)
        else:
            version = f"RVU{year % 100:02d}{_LETTER[quarter - 1]}"
        return rvu_release_info("pfs_rvu", "Medicare PFS", year, quarter, version)

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        ext = source.extension
        if ext == "txt":
            yield from self._txt_rows(source, stats)
        elif ext == "xlsx":
            yield from self._xlsx_rows(source, stats)
        else:
            yield from self._csv_rows(source, stats)

    # csv -----------------------------------------------------------------------------------

    def _csv_rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        notice: list[str] = []
        in_data = False
        for cells in csv.reader(text_lines(source, stats)):
            if not in_data:
                if _is_header(cells):
                    in_data = True
                    if notice:
                        yield PfsNotice, (_notice(notice),)
                elif any("copyright" in c.lower() for c in cells):
                    notice.extend(c for c in cells if c.strip())
                continue
            if not any(c.strip() for c in cells):
                continue
            stats.rows_read += 1
            yield PfsRvu, _values(cells)
        if not in_data:
            raise FieldError("(header)", "no HCPCS,MOD,DESCRIPTION title row found")

    # txt -----------------------------------------------------------------------------------

    def _txt_rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        notice: list[str] = []
        slices = _SLICES
        for line in text_lines(source, stats):
            if line.startswith("HDR"):
                notice.append(line[4:50])
                continue
            if not line.strip():
                continue
            if notice:
                yield PfsNotice, (_notice(notice),)
                notice = []
            if len(line) < RECORD_LENGTH:
                raise FieldError(
                    "(record)", f"record is {len(line)} characters long, expected {RECORD_LENGTH}"
                )
            stats.rows_read += 1
            yield PfsRvu, _values([line[s] for s in slices])

    # xlsx ----------------------------------------------------------------------------------

    def _sheet_rows(
        self, source: Source, max_row: int | None = None
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        import openpyxl  # slow to import; only spreadsheets need it

        try:
            workbook = openpyxl.load_workbook(source.xlsx_bytes(), read_only=True, data_only=True)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError) as exc:
            raise LoadError(source.name, f"not a readable xlsx workbook ({exc})") from None
        try:
            sheet = workbook.worksheets[0]
            yield from enumerate(sheet.iter_rows(values_only=True, max_row=max_row), start=1)
        except (ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise LoadError(source.name, f"the workbook is truncated or corrupt ({exc})") from None
        finally:
            workbook.close()

    def _xlsx_rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        notice: list[str] = []
        in_data = False
        for number, row in self._sheet_rows(source):
            stats.line = number
            if not in_data:
                if _is_header(row):
                    in_data = True
                    if notice:
                        yield PfsNotice, (_notice(notice),)
                else:
                    notice.extend(c for c in row if isinstance(c, str) and "copyright" in c.lower())
                continue
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
                continue
            cells = [
                value if type(value) is str else _cell_text(value, i)
                for i, value in enumerate(row[:COLUMNS])
            ]
            if len(row) > COLUMNS and any(c is not None for c in row[COLUMNS:]):
                raise FieldError("(row)", f"expected {COLUMNS} columns, got {len(row)}")
            stats.rows_read += 1
            yield PfsRvu, _values(cells)
        if not in_data:
            raise FieldError("(header)", "no HCPCS, MOD, DESCRIPTION title row found")


def _is_header(cells: Iterable[Any]) -> bool:
    first = tuple(str(c).strip().upper() if c is not None else "" for c in list(cells)[:4])
    return first == HEADER
