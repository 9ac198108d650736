"""Measure a relevance suite on an already loaded (and indexed) database.

    DATABASE_URL=sqlite:////tmp/you.sqlite3 python bench/relevance.py [SUITE.toml]

Prints recall@1 and recall@5 for the build and held-out halves of the suite (by default
medcode/search/relevance.toml; medcode/search/relevance_fresh.toml is the blind set written
without looking at the engine), by kind of query, with the synonym list's direct code pointers
on and then off (issue 17 asks for both). Held-out misses are never printed, so that they
cannot guide tuning.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.search.relevance import SUITE_FILE, load_suite, print_report, run_suite

    cases = load_suite(Path(argv[0]) if argv else SUITE_FILE)
    for pointers in (True, False):
        print(
            f"\ndatabase: {connection.vendor}; synonym code pointers {'on' if pointers else 'off'}"
        )
        print_report(run_suite(cases, pointers=pointers), misses=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
