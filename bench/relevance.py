"""Measure the relevance suite on an already loaded (and indexed) database.

    DATABASE_URL=sqlite:////tmp/you.sqlite3 python bench/relevance.py

Prints recall@1 and recall@5 for the build and held-out halves of medcode/search/relevance.toml,
by kind of query, with the synonym list's direct code pointers on and then off (issue 17 asks
for both). Held-out misses are never printed, so that they cannot guide tuning.
"""

from __future__ import annotations

import os


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.search.relevance import load_suite, print_report, run_suite

    cases = load_suite()
    for pointers in (True, False):
        print(
            f"\ndatabase: {connection.vendor}; synonym code pointers {'on' if pointers else 'off'}"
        )
        print_report(run_suite(cases, pointers=pointers), misses=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
