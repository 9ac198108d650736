"""Print a seeded random sample of CPT codes with our index terms, for an independent re-check.

    python scripts/sample_index_terms.py ../shared/cms/pfs_rvu/rvu25d/PPRRVU2025_Oct.csv \
        --count 300 --seed 20261130 > /tmp/recheck.tsv

Each line: code, family, the short descriptor from the PFS file the user points at (CMS's file,
read at run time: the repository holds no descriptor text), and our terms joined by " | ". The
checker reads each code's terms beside its descriptor and its neighbours in the code range, and
records per code whether any term would send a coder to a different code. The sample depends
only on the seed and the set of codes with terms, so a re-check can be repeated.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from medcode.content.index_terms import load_families


def short_descriptors(path: Path) -> dict[str, str]:
    """Code -> short descriptor of the PPRRVU csv (10 header lines; rows without a modifier)."""
    found: dict[str, str] = {}
    with path.open(encoding="latin-1", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), 1):
            if number > 10 and len(row) > 3 and not row[1].strip():
                found.setdefault(row[0].strip(), row[2].strip())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rvu_csv", type=Path, help="the PFS PPRRVU csv file")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args(argv)

    descriptors = short_descriptors(args.rvu_csv)
    rows = [
        (code, family.name, terms)
        for family in load_families()
        for code, terms in family.codes.items()
    ]
    rows.sort()
    sample = random.Random(args.seed).sample(rows, min(args.count, len(rows)))
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    for code, family, terms in sorted(sample):
        writer.writerow([code, family, descriptors.get(code, "?"), " | ".join(terms)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
