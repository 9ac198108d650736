"""Physician fee schedule payment amount revisions (``PFREV26B.txt`` in ``PFREV26B_QP.zip``).

Layout from ``PF26PB.pdf`` in the same zip: one 130-character record per line, 16 quoted
values separated by commas (year, carrier, locality, HCPCS, modifier, non-facility and
facility amount, a blank filler, PC/TC indicator, status, multiple surgery indicator, the two
50% therapy reduction amounts, OPPS indicator and the two OPPS-capped amounts), then
``"TRL- …"`` lines carrying the AMA/ADA notice, kept as the release's notice.

CMS publishes two zips whose text file has the same name: amounts for qualifying APM
participants (QP, a higher conversion factor from 2026) and for everyone else. Only the
zip's name tells them apart, so a file whose zip or folder name does not say ``QP`` or
``nonQP`` is refused rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from medcode.fees.models import PfsNotice, PfsPaymentAmount
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    text_lines,
)
from medcode.importers.pfs_gpci import digits_code
from medcode.importers.pfs_pprrvu import container_names, decimal_text

_NAME = re.compile(r"PFREV(?P<yy>\d{2})(?P<letter>[A-D])", re.IGNORECASE)
_QP = re.compile(r"(?<![A-Z])(?P<non>NON[-_ ]?)?QP(?![A-Z])", re.IGNORECASE)
_FIRST = re.compile(rb'^"\d{4}","\d{5}","')
FIELDS = (
    "Year",
    "Carrier Number",
    "Locality",
    "HCPCS Code",
    "Modifier",
    "Non Facility Fee Schedule Amount",
    "Facility Fee Schedule Amount",
    "Filler",
    "PCTC Indicator",
    "Status Code",
    "Multiple Surgery Indicator",
    "50% Therapy Reduction Amount (non-institutional)",
    "50% Therapy Reduction Amount (institutional)",
    "OPPS Indicator",
    "OPPS Non Facility Fee Amount",
    "OPPS Facility Fee Amount",
)


def _one_char(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > 1:
        raise FieldError(field, f"expected one character, got {value!r}")
    return value


class PfsRevision(Importer):
    format = "pfs_revision"
    description = "Medicare PFS payment amount revision file (PFREV, quoted text)."
    models = (PfsPaymentAmount, PfsNotice)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "txt":
            return False
        first = head.split(b"\n", 1)[0].rstrip(b"\r")
        return bool(_FIRST.match(first)) and first.count(b'","') == len(FIELDS) - 1

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename) or next(
            (m for m in map(_NAME.search, container_names(source)) if m), None
        )
        if match is None:
            raise FieldError(
                "(file name)", "cannot tell the release: expected a name like PFREV26B"
            )
        year = 2000 + int(match["yy"])
        letter = match["letter"].upper()
        qp = self._qp(source)
        group = "QP" if qp else "non-QP"
        return ReleaseInfo(
            dataset="pfs_revision_qp" if qp else "pfs_revision",
            version=f"{year}{letter}",
            label=f"Medicare PFS payment amounts, revision {year}{letter} ({group})",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
        )

    def _qp(self, source: Source) -> bool:
        for name in (source.stem, *container_names(source)):
            match = _QP.search(name)
            if match is not None:
                return match["non"] is None
        raise FieldError(
            "(file name)",
            "cannot tell the QP file from the non-QP file: both hold PFREV…txt, so load the "
            "zip as CMS ships it (PFREV26B_QP.zip or PFREV26B_nonQP.zip)",
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        trailer: list[str] = []
        for line in text_lines(source, stats):
            if line.startswith('"TRL'):
                trailer.append(line.strip().strip('"')[4:].strip())
                continue
            if not line.strip():
                continue
            if trailer:
                raise FieldError("(record)", "a payment record follows the TRL trailer lines")
            if len(line) < 2 or line[0] != '"' or line[-1] != '"':
                raise FieldError("(record)", "expected a record of quoted values")
            cells = line[1:-1].split('","')
            if len(cells) != len(FIELDS):
                raise FieldError("(record)", f"expected {len(FIELDS)} values, got {len(cells)}")
            year = cells[0]
            if len(year) != 4 or not year.isdigit():
                raise FieldError("Year", f"expected a 4-digit year, got {year!r}")
            hcpcs = cells[3].strip()
            if len(hcpcs) != 5 or not hcpcs.isalnum():
                raise FieldError("HCPCS Code", f"expected 5 letters or digits, got {hcpcs!r}")
            modifier = cells[4].strip()
            if len(modifier) > 2:
                raise FieldError("Modifier", f"expected at most 2 characters, got {modifier!r}")
            stats.rows_read += 1
            yield (
                PfsPaymentAmount,
                (
                    int(year),
                    digits_code(cells[1], "Carrier Number", 5),
                    digits_code(cells[2], "Locality", 2),
                    hcpcs,
                    modifier,
                    decimal_text(cells[5], FIELDS[5]),
                    decimal_text(cells[6], FIELDS[6]),
                    _one_char(cells[8], FIELDS[8]),
                    _one_char(cells[9], FIELDS[9]),
                    _one_char(cells[10], FIELDS[10]),
                    decimal_text(cells[11], FIELDS[11]),
                    decimal_text(cells[12], FIELDS[12]),
                    _one_char(cells[13], FIELDS[13]),
                    decimal_text(cells[14], FIELDS[14]),
                    decimal_text(cells[15], FIELDS[15]),
                ),
            )
        if not trailer:
            # CMS ends every payment file with its TRL notice lines; without them the file
            # was cut short, even if it was cut at the end of a line.
            raise FieldError("(trailer)", "the file ends without its TRL lines: it is truncated")
        yield PfsNotice, (" ".join(t for t in trailer if t),)
