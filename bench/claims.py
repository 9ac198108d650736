"""Claim checker speed on a loaded database: batch lines per second, and one 10-line claim.

DATABASE_URL=sqlite:///var/medcode.sqlite3 python bench/claims.py [CLAIMS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

THERAPY = ["97110", "97140", "97530", "97112", "97116", "G0283", "97032", "97035", "97010", "97014"]
OFFICE = ["99213", "99214", "20610", "36415", "81002", "93000", "71046", "G0283", "97110", "99212"]


def claim(n: int, rng: random.Random) -> dict:
    codes = rng.sample(THERAPY if n % 2 else OFFICE, 10)
    return {
        "id": f"c{n}",
        "payer": "medicare",
        "setting": "practitioner",
        "place_of_service": "11",
        "date_of_service": "2026-05-04",
        "locality": "10112-00",
        "diagnoses": ["M17.11", "E11.65"],
        "lines": [
            {"code": c, "modifiers": ["GP"] if c.startswith(("97", "G")) else [], "units": 1}
            for c in codes
        ],
    }


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from medcode.claims.checker import check_claim, check_claims
    from medcode.claims.claim import parse_claim, parse_claims

    rng = random.Random(7)
    batch = parse_claims([claim(n, rng) for n in range(count)])
    lines = sum(len(c.lines) for c in batch)
    t0 = time.perf_counter()
    result = check_claims(batch)
    secs = time.perf_counter() - t0
    findings = sum(len(c["findings"]) for c in result["claims"])
    print(
        f"batch: {count} claims, {lines} lines, {findings} findings in {secs:.2f} s "
        f"= {lines / secs:,.0f} lines/s"
    )
    one = parse_claim(claim(1, rng))
    check_claim(one)
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        check_claim(one)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        f"one 10-line claim in process: p50 {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
