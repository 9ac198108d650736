"""What every importer shares: where bytes come from, how errors name their place, field parsers.

An importer turns one CMS file format into rows for the store. It never touches the
database: it yields ``(Model, values)`` pairs and the loader (``medcode.releases.loader``)
writes them inside one transaction per file. That keeps each importer testable on a few
hand-written lines and keeps atomicity in one place.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, ClassVar

from django.db import models


class LoadError(Exception):
    """A file could not be loaded. The message names the file, and the line and field when known."""

    def __init__(
        self, source: str, message: str, line: int | None = None, field: str | None = None
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class FieldError(ValueError):
    """A value could not be parsed. The loader adds the file name and line number."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"field {field!r}: {message}")


@dataclass(frozen=True)
class Source:
    """One loadable file: a file on disk, or a member of a zip archive on disk.

    ``.gz`` files and members are decompressed transparently, so importers see plain bytes.
    """

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        """How errors and release records name this source."""
        return f"{self.path.name}!{self.member}" if self.member else self.path.name

    @property
    def filename(self) -> str:
        """The file's own name (the member's name inside a zip), used for recognizing it."""
        name = self.member or self.path.name
        return name.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """The file name without ``.gz`` and without its extension."""
        name = self.filename
        if name.lower().endswith(".gz"):
            name = name[:-3]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def extension(self) -> str:
        """Lower-case extension, ignoring a trailing ``.gz``: ``txt``, ``csv``, ``xlsx``…"""
        name = self.filename.lower()
        if name.endswith(".gz"):
            name = name[:-3]
        return name.rsplit(".", 1)[-1] if "." in name else ""

    def open(self) -> IO[bytes]:
        raw: IO[bytes]
        if self.member is None:
            raw = open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        else:
            archive = zipfile.ZipFile(self.path)
            raw = archive.open(self.member)
        if self.filename.lower().endswith(".gz"):
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        return raw

    def read_bytes(self) -> bytes:
        with self.open() as f:
            return f.read()

    def head(self, size: int = 8192) -> bytes:
        """The first bytes, for recognizing the format. Empty for an unreadable file."""
        try:
            with self.open() as f:
                return f.read(size)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
            return b""

    def sha256(self) -> str:
        """The digest of the bytes as stored (the compressed bytes for ``.gz``)."""
        digest = hashlib.sha256()
        if self.member is None:
            with open(self.path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
        else:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()

    def size(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(self.member).file_size

    def xlsx_bytes(self) -> io.BytesIO:
        """The whole file in memory, seekable, as openpyxl wants it."""
        return io.BytesIO(self.read_bytes())

    def xlsx_mentions(self, *needles: bytes) -> bool:
        """Whether a workbook's text contains every needle (case-insensitive).

        A cheap first look before openpyxl parses the sheet: recognizing a workbook by
        parsing it costs up to a second, and archives carry workbooks nobody loads.
        """
        text = _xlsx_text(self)
        return all(needle.upper() in text for needle in needles)


def _xlsx_text(source: Source) -> bytes:
    """The start of a workbook's shared strings and first sheet (inline strings live there),
    upper-cased. Cached by file identity: every xlsx importer asks while one file is recognized.
    """
    try:
        stat = source.path.stat()
    except OSError:
        return b""
    return _xlsx_text_of(source, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _xlsx_text_of(source: Source, mtime_ns: int, size: int) -> bytes:
    try:
        with zipfile.ZipFile(source.xlsx_bytes()) as book:
            names = book.namelist()
            parts = [n for n in names if n == "xl/sharedStrings.xml"]
            parts += sorted(n for n in names if n.startswith("xl/worksheets/sheet"))[:1]
            text = b"".join(book.open(name).read(1 << 20) for name in parts)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error):
        return b""
    return text.upper()


@dataclass
class LoadStats:
    """Counts an importer keeps while it reads; the loader stores them on the release."""

    line: int = 0  # the line (or sheet row) being read, for error messages
    rows_read: int = 0
    rows_rejected: int = 0
    notes: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        """Count a data row deliberately not stored, keeping the first few reasons."""
        self.rows_rejected += 1
        if len(self.notes) < 20:
            self.notes.append(f"line {self.line}: {reason}")


@dataclass(frozen=True)
class ReleaseInfo:
    """What a file says about the release it belongs to."""

    dataset: str  # e.g. "hcpcs", "icd10cm", "ncci_ptp_practitioner"
    version: str  # CMS's own name for the release, e.g. "2025-01", "FY2026", "v302r0"
    label: str  # for people: "HCPCS Level II January 2025"
    period_start: date
    period_end: date | None  # None: until a later release replaces it


Row = tuple[type[models.Model], tuple[object, ...]]


class Importer:
    """One CMS file format. Subclasses set the class attributes and implement the three methods.

    ``recognize`` decides from the name and the first bytes whether this importer reads the
    file; ``release`` says which release it is; ``rows`` yields ``(Model, values)`` pairs
    where ``values`` follow ``Model.LOAD_FIELDS``. ``rows`` sets ``stats.line`` as it goes and
    counts ``stats.rows_read``; a bad value raises ``FieldError`` (or ``LoadError``).
    """

    #: Short id used in the registry and in ``medcode data status``.
    format: ClassVar[str]
    #: One sentence for ``medcode data formats`` and the docs.
    description: ClassVar[str]
    #: The models this importer fills, each a table with a ``release`` foreign key.
    models: ClassVar[tuple[type[models.Model], ...]]

    def recognize(self, source: Source, head: bytes) -> bool:
        raise NotImplementedError

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        raise NotImplementedError

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        raise NotImplementedError


# --- reading text --------------------------------------------------------------------------


def decode_line(raw: bytes, line_no: int, *, fallback: str | None = "cp1252") -> str:
    """Decode one line: UTF-8 if it is valid UTF-8, else ``fallback`` (CMS ships cp1252).

    A NUL byte means the file is binary or UTF-16, never a CMS text file.
    """
    if b"\x00" in raw:
        raise FieldError("(line)", "contains NUL bytes: the file is binary or UTF-16, not CMS text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if fallback is None:
            raise FieldError(
                "(line)", f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1} is not UTF-8"
            ) from None
        try:
            return raw.decode(fallback)
        except UnicodeDecodeError as exc2:
            raise FieldError(
                "(line)",
                f"byte 0x{raw[exc2.start]:02x} at column {exc2.start + 1} is neither UTF-8 "
                f"nor {fallback}",
            ) from None


def text_lines(
    source: Source, stats: LoadStats, *, fallback: str | None = "cp1252"
) -> Iterator[str]:
    """Yield each line without its line ending, keeping ``stats.line`` current.

    A truncated gzip or zip member raises ``LoadError`` naming the last line read, and so
    does a last line without a line ending (once the importer has read it, so that a
    more precise complaint about its fields comes first).
    """
    with source.open() as f:
        line_no = 0
        ended = True
        try:
            for raw in f:
                line_no += 1
                stats.line = line_no
                ended = raw.endswith(b"\n") or not raw.strip()
                yield decode_line(raw.rstrip(b"\r\n"), line_no, fallback=fallback)
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as exc:
            raise LoadError(
                source.name, f"file is truncated or corrupt after this line ({exc})", line_no
            ) from None
        if not ended:
            raise LoadError(source.name, UNTERMINATED, line_no)


#: Every CMS text file ends its last record with a line ending; a file cut mid-row does not,
#: and its last row may still have the right number of fields (issue 8: a cut MUE table loaded
#: half its edits without a word). So a last line without one rejects the file.
UNTERMINATED = "the last line has no line ending: the file was cut off mid-row (download it again)"


# --- parsing values ------------------------------------------------------------------------


def parse_decimal(value: str, field: str, *, blank: Decimal | None = None) -> Decimal | None:
    value = value.strip()
    if not value:
        return blank
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise FieldError(field, f"expected a number, got {value!r}") from None
    if not result.is_finite():
        raise FieldError(field, f"expected a number, got {value!r}")
    return result


def parse_int(value: str, field: str, *, blank: int | None = None) -> int | None:
    value = value.strip()
    if not value:
        return blank
    try:
        return int(value)
    except ValueError:
        raise FieldError(field, f"expected a whole number, got {value!r}") from None


def parse_yyyymmdd(value: str, field: str) -> date | None:
    """CMS's ``YYYYMMDD``; blank, ``*`` or all zeros mean no date."""
    value = value.strip()
    if not value or value == "*" or value.strip("0") == "":
        return None
    if len(value) != 8 or not value.isdigit():
        raise FieldError(field, f"expected a date as YYYYMMDD, got {value!r}")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise FieldError(field, f"not a calendar date: {value!r}") from None


def parse_julian(value: str, field: str) -> date | None:
    """CMS's Julian ``YYYYDDD`` (year and day of year) as in the add-on code file."""
    value = value.strip()
    if not value or value == "*":
        return None
    if len(value) != 7 or not value.isdigit():
        raise FieldError(field, f"expected a Julian date as YYYYDDD, got {value!r}")
    year, day = int(value[:4]), int(value[4:])
    if not 1 <= day <= (366 if _leap(year) else 365):
        raise FieldError(field, f"day {day} is not in year {year}: {value!r}")
    return date(year, 1, 1) + timedelta(days=day - 1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def parse_iso_date(value: object, field: str) -> date | None:
    """A spreadsheet date cell (``datetime``/``date``) or ``YYYY-MM-DD`` / ``MM/DD/YYYY`` text."""
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()  # type: ignore[no-any-return]
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        if "/" in text:
            month, day, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text[:10])
    except ValueError:
        raise FieldError(field, f"expected a date, got {text!r}") from None


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end_month = 3 * quarter
    end = (date(year + (end_month == 12), end_month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def fiscal_year_period(fiscal_year: int) -> tuple[date, date]:
    """ICD-10 fiscal year N runs from October 1 of N-1 to September 30 of N."""
    return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)
