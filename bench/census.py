"""Look up every code any loaded release lists, timing each: the census of tests/test_census.py
as figures.

    DATABASE_URL=sqlite:///var/medcode.sqlite3 python bench/census.py [DATE]

Prints, per kind of code, how many there are, how many fail to answer, the total time and the
p50 / p99 / slowest look-up in milliseconds, and the five slowest codes overall.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date

SOURCES = {
    "ICD-10-CM": ["SELECT DISTINCT code FROM icd10_icd10cmcode"],
    "ICD-10-PCS": ["SELECT DISTINCT code FROM icd10_icd10pcscode"],
    "modifier": ["SELECT DISTINCT code FROM codes_hcpcsmodifier"],
    "CPT/HCPCS": [
        "SELECT DISTINCT code FROM codes_hcpcscode",
        "SELECT DISTINCT hcpcs FROM fees_pfsrvu",
        "SELECT DISTINCT hcpcs FROM fees_pfspaymentamount",
        "SELECT DISTINCT hcpcs FROM fees_pfsoppscapamount",
        "SELECT DISTINCT code FROM edits_mueedit",
        "SELECT DISTINCT column1 FROM edits_ptpedit",
        "SELECT DISTINCT column2 FROM edits_ptpedit",
        "SELECT DISTINCT addon_code FROM edits_addoncodeedit",
        "SELECT DISTINCT primary_code FROM edits_addoncodeedit WHERE primary_code <> 'CCCCC'",
        "SELECT DISTINCT hcpcs_code FROM coverage_ncdprocedure",
    ],
}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
    from medcode.releases.budget import BudgetExceeded
    from medcode.releases.store import Snapshot

    day = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else date(2026, 5, 4)
    snap = Snapshot(day)
    slowest: list[tuple[float, str]] = []
    print(f"census of {connection.vendor} database, as of {day}")
    heads = ("codes", "failed", "total s", "p50 ms", "p99 ms", "max ms")
    print(f"{'kind':<11} " + " ".join(f"{h:>7}" for h in heads))
    for kind, queries in SOURCES.items():
        codes: set[str] = set()
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                codes.update(code for (code,) in cursor.fetchall())
        times = []
        failed = 0
        started = time.perf_counter()
        for code in sorted(codes):
            begun = time.perf_counter()
            try:
                lookup(code, day, snap=snap)
            except (CodeNotFound, MalformedCode, BudgetExceeded):
                failed += 1
            elapsed = (time.perf_counter() - begun) * 1000
            times.append(elapsed)
            slowest = sorted([*slowest, (elapsed, code)], reverse=True)[:5]
        total = time.perf_counter() - started
        times.sort()
        p50 = statistics.median(times) if times else 0.0
        p99 = times[int(len(times) * 0.99)] if times else 0.0
        top = times[-1] if times else 0.0
        print(
            f"{kind:<11} {len(codes):>7,} {failed:>7} {total:>7.1f} "
            f"{p50:>7.2f} {p99:>7.2f} {top:>7.1f}"
        )
    print("slowest:", ", ".join(f"{code} {ms:.1f} ms" for ms, code in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
