"""Measure the fresh, blind relevance set (medcode/search/relevance_fresh.toml) on a loaded
database.

    DATABASE_URL=sqlite:////tmp/you.sqlite3 python bench/relevance_fresh.py

Its 200 queries were written without looking at the engine's answers or our index terms, and
are all held out: only recall@1 and recall@5 (overall and by kind) are printed, never the
misses, so that the set cannot guide tuning and stays an honest measure.
"""

from __future__ import annotations

import os
from pathlib import Path

FRESH = Path(__file__).resolve().parents[1] / "medcode" / "search" / "relevance_fresh.toml"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.search.relevance import load_suite, print_report, run_suite

    cases = load_suite(FRESH)
    for pointers in (True, False):
        print(
            f"\ndatabase: {connection.vendor}; synonym code pointers {'on' if pointers else 'off'}"
        )
        print_report(run_suite(cases, pointers=pointers), misses=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
