"""Time code pages server-side against an already loaded database.

    cp /tmp/medcode-full.sqlite3 /tmp/bench-pages.sqlite3
    DATABASE_URL=sqlite:////tmp/bench-pages.sqlite3 medcode search --reindex >/dev/null
    DATABASE_URL=sqlite:////tmp/bench-pages.sqlite3 python bench/pages.py [ROUNDS]

Renders each page through Django's test client (every middleware, the view and the template)
and reads the application's own time from the ``Server-Timing`` header, so the client's work
is not counted. On a shared machine wall time includes waiting for a core, so the CPU time
the request took (``time.thread_time`` around it, test client included) is printed beside it.
Prints median and 95th percentile per page, and overall, in milliseconds. The last code URL
is the chart of every locality, which a code page fetches only when the reader opens it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

PAGES = [
    "/codes/G0283",
    "/codes/97014",
    "/codes/97110",
    "/codes/99213",
    "/codes/E11.65",
    "/codes/M17.11",
    "/codes/S72.001A",
    "/codes/0016070",
    "/codes/27447",
    "/codes/97110?locality=13202-01",
    "/codes/99213?role=column2&page=100",
    "/codes/99213/edits?role=column2&q=99",
    "/codes/97110/fees?chart=1&locality=13202-01",
    "/modifiers/GP",
]


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    day = "2026-01-15"

    def timed(url: str) -> tuple[float, float]:
        joiner = "&" if "?" in url else "?"
        cpu = time.thread_time()
        response = client.get(f"{url}{joiner}date={day}")
        cpu = (time.thread_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return float(response["Server-Timing"].split("dur=")[1]), cpu

    for url in PAGES:
        timed(url)  # warm the connection, templates and caches
    print(f"database: {connection.vendor}; {rounds} rounds per page; date of service {day}")
    print(f"{'page':<46} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
    wall_all: list[float] = []
    cpu_all: list[float] = []
    for url in PAGES:
        samples = [timed(url) for _ in range(rounds)]
        wall = sorted(s[0] for s in samples)
        cpu = sorted(s[1] for s in samples)
        wall_all.extend(wall)
        cpu_all.extend(cpu)
        print(f"{url:<46} {_figures(wall)} {_figures(cpu)}")
    print(f"{'all':<46} {_figures(sorted(wall_all))} {_figures(sorted(cpu_all))}")
    return 0


def _figures(times: list[float]) -> str:
    return f"{statistics.median(times):>8.2f} {times[int(len(times) * 0.95)]:>8.2f}"


if __name__ == "__main__":
    sys.exit(main())
