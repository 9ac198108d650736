"""The Medicare Coverage Database index of LCDs and Articles (``lcd_lca_documents_latest.csv``).

Not a CMS download: a CSV harvested from the CMS Coverage API (one row per document version),
comma-separated with a header line. The contractor column is quoted and spans several lines
("name", newline, "(MAC types)"; a blank line between contractors when several share a
document), so the file is read with the csv module and errors name the physical line where
the record ends, which is where every field but the contractor sits. A document may appear
twice: its current version and a future one that takes effect later.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date

from medcode.coverage.models import LcdDocument
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    decode_line,
)

COLUMNS = (
    "contractor_name_type",
    "document_display_id",
    "document_id",
    "document_type",
    "document_version",
    "effective_date",
    "note",
    "retirement_date",
    "title",
    "updated_on",
    "updated_on_sort",
    "url",
)
_PREFIX = {"LCD": "L", "Article": "A"}
_NO_DATE = ("", "N/A")


def _names(fields: list[str]) -> list[str]:
    """Column names, without a byte-order mark or stray spaces."""
    return [name.lstrip("\ufeff").strip() for name in fields]


def _lines(source: Source, stats: LoadStats) -> Iterator[str]:
    """Decoded physical lines with their line endings (csv needs them inside quoted fields)."""
    line_no = 0
    last = b"\n"
    with source.open() as f:
        try:
            for raw in f:
                line_no += 1
                stats.line = line_no
                last = raw
                yield decode_line(raw, line_no)
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as exc:
            raise LoadError(
                source.name, f"file is truncated or corrupt after this line ({exc})", line_no
            ) from None
    if not last.endswith(b"\n"):
        stats.line = line_no
        raise FieldError("(record)", "the last line has no line ending: the file is truncated")


def mdy(text: str, field: str) -> date:
    """The index's ``MM/DD/YYYY`` dates."""
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        raise FieldError(field, f"expected a date as MM/DD/YYYY, got {text!r}")
    try:
        return date(int(text[6:]), int(text[:2]), int(text[3:5]))
    except ValueError:
        raise FieldError(field, f"not a calendar date: {text!r}") from None


def _whole(text: str, field: str) -> int:
    if not text.isdigit():
        raise FieldError(field, f"expected a whole number, got {text!r}")
    return int(text)


class LcdIndex(Importer):
    format = "lcd_index"
    description = "Medicare Coverage Database index of LCDs and Articles (CSV)."
    models = (LcdDocument,)
    filename_pattern = re.compile(r"lcd.*(document|article|lca)", re.IGNORECASE)

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "csv":
            return False
        first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
        return set(COLUMNS) <= set(_names(first.split(",")))

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        # The file carries no release date of its own: its newest update dates it. Bad values
        # are skipped here; ``rows`` reports them with their line.
        latest: date | None = None
        scan = LoadStats()
        stopped = ""
        reader = csv.reader(_lines(source, scan))
        try:
            at = _names(next(reader)).index("updated_on")
            for record in reader:
                try:
                    updated = mdy(record[at], "updated_on")
                except (FieldError, IndexError):
                    continue
                if latest is None or updated > latest:
                    latest = updated
        except (csv.Error, FieldError, StopIteration, ValueError) as exc:
            stopped = f" (reading stopped at line {scan.line}: {exc})"
        if latest is None:
            raise FieldError(
                "updated_on", f"no document has an updated_on date to date the index by{stopped}"
            )
        return ReleaseInfo(
            dataset="lcd_index",
            version=latest.isoformat(),
            label=f"MCD LCD and Article index, updated {latest.isoformat()}",
            period_start=latest,
            period_end=None,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        # strict: a quote left open by a truncated file is an error, not a silently short field.
        reader = csv.reader(_lines(source, stats), strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FieldError("(header)", "the file is empty")
            names = _names(header)
            missing = [c for c in COLUMNS if c not in names]
            if missing:
                raise FieldError("(header)", f"missing column(s) {', '.join(missing)}")
            at = [names.index(c) for c in COLUMNS]
            width = len(names)
            for record in reader:
                stats.line = reader.line_num
                if not any(record):
                    continue
                stats.rows_read += 1
                if len(record) != width:
                    raise FieldError(
                        "(record)",
                        f"expected {width} fields, got {len(record)}: the line is cut short or "
                        "has an unquoted comma",
                    )
                yield LcdDocument, self._values([record[i] for i in at])
        except csv.Error as exc:
            stats.line = reader.line_num
            raise FieldError("(record)", f"malformed CSV ({exc})") from None

    def _values(self, fields: list[str]) -> tuple[object, ...]:
        (
            contractor,
            display_id,
            document_id,
            document_type,
            version,
            effective,
            note,
            retired,
            title,
            updated,
            updated_sort,
            url,
        ) = (f.strip() for f in fields)
        prefix = _PREFIX.get(document_type)
        if prefix is None:
            raise FieldError("document_type", f"expected LCD or Article, got {document_type!r}")
        number = _whole(document_id, "document_id")
        if display_id != f"{prefix}{document_id}":
            raise FieldError(
                "document_display_id",
                f"expected {prefix}{document_id} for {document_type} {document_id}, "
                f"got {display_id!r}",
            )
        document_version = _whole(version, "document_version")
        # The link names the document and version; a mismatch means a shifted or cut line.
        if not url.startswith("https://") or not url.endswith(f"id={number}&ver={version}"):
            raise FieldError(
                "url", f"expected a link to {display_id} version {version}, got {url!r}"
            )
        if not contractor:
            raise FieldError("contractor_name_type", "missing")
        if not title:
            raise FieldError("title", "missing")
        if len(updated_sort) != 14 or not updated_sort.isdigit():
            raise FieldError("updated_on_sort", f"expected YYYYMMDDhhmmss, got {updated_sort!r}")
        return (
            display_id,
            number,
            document_type,
            document_version,
            "\n".join(line.strip() for line in contractor.splitlines()),
            mdy(effective, "effective_date"),
            None if retired in _NO_DATE else mdy(retired, "retirement_date"),
            note,
            title,
            mdy(updated, "updated_on"),
            updated_sort,
            url,
        )
