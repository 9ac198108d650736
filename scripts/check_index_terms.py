"""Search each of our CPT index terms and report the ones that do not find their own code.

    DATABASE_URL=sqlite:////path/to/loaded.sqlite3 python scripts/check_index_terms.py \
        medcode/content/search_terms/cpt/radiology.toml [more.toml ...] [--as-of 2025-12-01]

Run `medcode search --reindex` first, so the index holds the terms being checked. For every
term of every code, the term is searched as a user would type it; the script prints the terms
whose code is not in the first five, and the terms where a sibling (another code of the same
family) ranks above it. A writer uses it after writing a family: siblings must be told apart.
It prints figures only; nothing is changed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="index term files to check")
    parser.add_argument("--as-of", default="2025-12-01", help="date of service searched")
    parser.add_argument("--quiet", action="store_true", help="print only the totals")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from medcode.content.index_terms import load_families
    from medcode.releases.dates import parse_as_of
    from medcode.search.engine import search

    as_of = parse_as_of(args.as_of, "--as-of")
    terms = misses = outranked = 0
    for path in args.files:
        for family in load_families(path.parent):
            if family.section != path.stem:
                continue
            siblings = set(family.codes)
            for code, code_terms in family.codes.items():
                for term in code_terms:
                    terms += 1
                    found = [r.code for r in search(term, as_of, limit=5).results]
                    if code not in found:
                        misses += 1
                        if not args.quiet:
                            print(f"MISS {code} {term!r}: top five {found}")
                        continue
                    above = [c for c in found[: found.index(code)] if c in siblings]
                    if above:
                        outranked += 1
                        if not args.quiet:
                            print(f"SIBLING {code} {term!r}: {above} rank above it")
    print(f"{terms} terms: {misses} not in the first five, {outranked} below a sibling")
    return 1 if misses or outranked else 0


if __name__ == "__main__":
    sys.exit(main())
