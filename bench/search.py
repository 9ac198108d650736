"""Time searches in process against an already loaded (and indexed) database.

    DATABASE_URL=sqlite:////tmp/you.sqlite3 python bench/search.py [ROUNDS]

Runs every query of the relevance suite (medcode/search/relevance.toml) ROUNDS times (default
20) after one warm-up pass, and prints p50 and p95 server-side time in milliseconds per kind of
query and overall, plus the slowest queries. A database loaded before search existed needs
``medcode search --reindex`` first.
"""

from __future__ import annotations

import os
import statistics
import sys
import time


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.search.engine import search
    from medcode.search.relevance import load_suite

    cases = load_suite()
    if connection.vendor == "postgresql":
        # Right after a bulk load the planner has no statistics yet; autovacuum would gather
        # them within minutes on a real server.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
    for case in cases:
        search(case.query, case.as_of)  # warm the connection, the vocabulary and the page cache
    print(f"database: {connection.vendor}; {len(cases)} queries x {rounds} rounds, limit 20")
    by_kind: dict[str, list[float]] = {}
    per_query: list[tuple[float, str]] = []
    everything: list[float] = []
    cpu: list[float] = []
    for case in cases:
        times = []
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            search(case.query, case.as_of)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        times.sort()
        everything.extend(times)
        by_kind.setdefault(case.kind.split(",")[0], []).extend(times)
        per_query.append((times[int(len(times) * 0.95)], case.query))
    print(f"{'kind':<14} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, times in sorted(by_kind.items()):
        times.sort()
        print(f"{kind:<14} {statistics.median(times):>8.2f} {times[int(len(times) * 0.95)]:>8.2f}")
    everything.sort()
    p50, p95 = statistics.median(everything), everything[int(len(everything) * 0.95)]
    print(f"{'all':<14} {p50:>8.2f} {p95:>8.2f}")
    # On a shared machine wall time includes waiting for a core; CPU time is the work done
    # (SQLite runs in the process; PostgreSQL's own work is not counted in it).
    cpu.sort()
    print(f"{'all, CPU time':<14} {statistics.median(cpu):>8.2f} {cpu[int(len(cpu) * 0.95)]:>8.2f}")
    print("slowest (p95 ms):", ", ".join(f"{q!r} {t:.1f}" for t, q in sorted(per_query)[-5:]))

    # The same queries through the API (Django's request handling and JSON included).
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    api_times = []
    for _ in range(max(rounds // 4, 1)):
        for case in cases:
            params = {"q": case.query, "date": case.as_of.isoformat()}
            t0 = time.perf_counter()
            response = client.get("/api/v1/search", params)
            api_times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{case.query!r}: HTTP {response.status_code}")
    api_times.sort()
    p50, p95 = statistics.median(api_times), api_times[int(len(api_times) * 0.95)]
    print(f"{'GET /api/v1/search':<14} {p50:>8.2f} {p95:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
