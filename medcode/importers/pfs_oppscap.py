"""Imaging payment amounts after the OPPS cap (``OPPSCAP_Oct.csv`` from ``rvu25d.zip``).

One title line, then HCPCS, modifier, status, carrier, locality, facility and non-facility
price. CMS names the file after the month only, so the year comes from the folder or zip it
sits in (``rvu25d`` -> October 2025); a file with neither a year in its name nor such a
folder is refused rather than guessed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from medcode.fees.models import PfsOppsCapAmount
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
from medcode.importers.pfs_pprrvu import (
    decimal_text,
    rvu_release_from_container,
    rvu_release_info,
)

_NAME = re.compile(r"OPPSCAP_?(?P<year>\d{4}|\d{2})?_?(?P<month>JAN|APR|JUL|OCT)?", re.IGNORECASE)
_QUARTER = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}
_LETTER = "ABCD"
# CMS spells the last title "NON-FACILTY"; either spelling is accepted.
_HEADERS = (
    "HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,FACILITY PRICE,NON-FACILTY PRICE",
    "HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,FACILITY PRICE,NON-FACILITY PRICE",
)


class PfsOppsCap(Importer):
    format = "pfs_oppscap"
    description = "Medicare PFS imaging payment amounts capped at OPPS rates (OPPSCAP csv)."
    models = (PfsOppsCapAmount,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "csv":
            return False
        first = head.split(b"\n", 1)[0].strip().decode("cp1252", "replace").upper()
        return first.replace(" ,", ",") in _HEADERS

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        name_year = int(match["year"]) % 100 + 2000 if match and match["year"] else None
        name_quarter = _QUARTER[match["month"].upper()] if match and match["month"] else None
        container = rvu_release_from_container(source)
        if container is not None:
            year, quarter, version = container
            if (name_year or year, name_quarter or quarter) != (year, quarter):
                raise FieldError(
                    "(file name)",
                    f"{source.filename} does not belong to {version}: its name says another "
                    "quarter than the folder or zip it is in",
                )
        elif name_year is not None and name_quarter is not None:
            year, quarter = name_year, name_quarter
            version = f"RVU{year % 100:02d}{_LETTER[quarter - 1]}"
        else:
            raise FieldError(
                "(file name)",
                "cannot tell the year: OPPSCAP files name only the month, so keep the file "
                "in CMS's zip or in a folder named like it (rvu25d for October 2025)",
            )
        return rvu_release_info(
            "pfs_oppscap", "Medicare PFS OPPS imaging caps", year, quarter, version
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        lines = text_lines(source, stats)
        if next(lines, None) is None:
            return
        for line in lines:
            cells = next(csv.reader([line])) if '"' in line else line.split(",")
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != 7:
                raise FieldError("(row)", f"expected 7 columns, got {len(cells)}")
            hcpcs, modifier, status = cells[0].strip(), cells[1].strip(), cells[2].strip()
            if len(hcpcs) != 5 or not hcpcs.isalnum():
                raise FieldError("HCPCS", f"expected 5 letters or digits, got {hcpcs!r}")
            if len(modifier) > 2:
                raise FieldError("MOD", f"expected at most 2 characters, got {modifier!r}")
            if len(status) != 1:
                raise FieldError("PROCSTAT", f"expected one letter, got {status!r}")
            stats.rows_read += 1
            yield (
                PfsOppsCapAmount,
                (
                    hcpcs,
                    modifier,
                    status,
                    digits_code(cells[3], "CARRIER", 5),
                    digits_code(cells[4], "LOCALITY", 2),
                    decimal_text(cells[5], "FACILITY PRICE"),
                    decimal_text(cells[6], "NON-FACILTY PRICE"),
                ),
            )
