"""Time single code look-ups in process against an already loaded database.

    DATABASE_URL=sqlite:///var/medcode.sqlite3 python bench/lookup.py [ROUNDS]

Prints median and 95th percentile per code, and overall, in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date

CODES = [
    "G0283",
    "97014",
    "99213",
    "97110",
    "E11.65",
    "M17.11",
    "S72.001A",
    "0016070",
    "GP",
    "27447",
    "C50.911",  # its section shares the id C50 (issue 8: looped forever)
    "Q2057",  # listed by MUE and PFS files only, not the HCPCS file
    "0583U",  # listed by the add-on code file only
]


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.codes.lookup import lookup

    day = date(2026, 1, 15)
    for code in CODES:
        lookup(code, day)  # warm the connection and caches
    print(f"database: {connection.vendor}; {rounds} rounds per code; date of service {day}")
    print(f"{'code':<10} {'p50 ms':>8} {'p95 ms':>8}")
    everything: list[float] = []
    for code in CODES:
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            lookup(code, day)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        everything.extend(times)
        print(f"{code:<10} {statistics.median(times):>8.3f} {times[int(len(times) * 0.95)]:>8.3f}")
    everything.sort()
    p50, p95 = statistics.median(everything), everything[int(len(everything) * 0.95)]
    print(f"{'all':<10} {p50:>8.3f} {p95:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
