"""Anesthesia conversion factors by locality (``ANES2025.csv``).

One title line whose last column names the national anesthesia conversion factor
(``National Anes CF of 20.3178``), then contractor, locality, locality name and the
locality's factor. The national factor is stored on every row so a locality's factor can be
shown beside it. Footnote marks on names (``ALASKA*``) refer to the GPCI file's footnotes and
are taken off.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from medcode.fees.models import PfsAnesthesiaCf
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    text_lines,
)
from medcode.importers.pfs_gpci import digits_code, split_marks, year_release
from medcode.importers.pfs_pprrvu import decimal_text, rvu_release_from_container

_NAME = re.compile(r"ANES(?P<year>\d{4})", re.IGNORECASE)
_NATIONAL = re.compile(r"CF\s+OF\s+(?P<cf>\d+(?:\.\d+)?)", re.IGNORECASE)
_HEADER = b"contractor,locality,locality name,"


class PfsAnesthesia(Importer):
    format = "pfs_anesthesia"
    description = "Medicare PFS anesthesia conversion factors by locality (ANES csv)."
    models = (PfsAnesthesiaCf,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "csv":
            return False
        first = head.split(b"\n", 1)[0].strip().lower()
        return first.startswith(_HEADER) and b"anes" in first

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is not None:
            year = int(match["year"])
        else:
            container = rvu_release_from_container(source)
            if container is None:
                raise FieldError(
                    "(file name)",
                    "cannot tell the year: expected a name like ANES2025.csv "
                    "or a folder or zip named like rvu25d",
                )
            year = container[0]
        return year_release("pfs_anesthesia", "Medicare PFS anesthesia conversion factors", year)

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        national = None
        for cells in csv.reader(text_lines(source, stats)):
            if national is None:
                match = _NATIONAL.search(cells[-1] if cells else "")
                if match is None:
                    raise FieldError(
                        "National Anes CF", "the title line does not name the national factor"
                    )
                national = decimal_text(match["cf"], "National Anes CF")
                continue
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if len(cells) != 4:
                raise FieldError("(row)", f"expected 4 columns, got {len(cells)}")
            stats.rows_read += 1
            name, _mark = split_marks(cells[2])
            if not name:
                raise FieldError("Locality Name", "is blank")
            yield (
                PfsAnesthesiaCf,
                (
                    digits_code(cells[0], "Contractor", 5),
                    digits_code(cells[1], "Locality", 2),
                    name,
                    decimal_text(cells[3], "Anes CF"),
                    national,
                ),
            )
        if national is None:
            raise FieldError("(header)", "the file is empty")
