"""Every CPT code a coder meets in the Physician Fee Schedule has our index terms (issue 11).

Read from CMS's own RVU file, not from our term files: a code CMS adds or revives in the file
shows up here as a code without terms, so the writer of the next release's terms knows which.
"""

from __future__ import annotations

import csv
import re

from medcode.content.index_terms import cpt_index_terms
from medcode.testing import shared_file

RVU = "pfs_rvu/rvu25d/PPRRVU2025_Oct.csv"
CPT = re.compile(r"^\d{4}[0-9FT]$")
# Payable or otherwise meaningful to coders (issue 11): active, restricted, therapy-only,
# carrier-priced, bundled, not valid for Medicare, non-covered, measurement codes.
MEANINGFUL = set("ARTCBINM")


def meaningful_cpt_codes() -> dict[str, str]:
    """CPT code -> PFS status, for the rows without a modifier (10 header lines)."""
    codes: dict[str, str] = {}
    with shared_file(RVU).open(encoding="latin-1", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), 1):
            if number <= 10 or len(row) < 4 or row[1].strip():
                continue
            code, status = row[0].strip(), row[3].strip()
            if CPT.match(code) and status in MEANINGFUL:
                codes[code] = status
    return codes


def test_every_meaningful_cpt_code_of_the_rvu_file_has_index_terms() -> None:
    codes = meaningful_cpt_codes()
    terms = cpt_index_terms()

    assert len(codes) > 8_000
    assert sorted(set(codes) - set(terms)) == []
