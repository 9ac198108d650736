"""Claim checker speed on a loaded database: batch lines per second, and one 10-line claim.

DATABASE_URL=sqlite:///var/medcode.sqlite3 python bench/claims.py [CLAIMS]

The batch is checked twice: first in a fresh process (every store answer read from the
database, once per code and release), then again with the answers the process kept. The single
claim is timed both with the answers kept (a server that has seen these codes) and with nothing
kept (every table read for it).
"""

from __future__ import annotations

import json
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
        # The diagnosis-patient rules (PAT001-PAT004) run only with the patient's sex and age.
        "patient": {"sex": "F" if n % 3 else "M", "birth_date": f"{1940 + n % 60}-03-15"},
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
    from django.db import connection

    from medcode.claims.checker import check_claim, check_claims
    from medcode.claims.claim import parse_claim, parse_claims
    from medcode.releases import cache as release_cache

    if connection.vendor == "postgresql":
        # Fresh from a load, PostgreSQL has no statistics on the new rows until autovacuum
        # gets to them, and plans the first queries badly (docs/benchmarks.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print("ran ANALYZE")
    rng = random.Random(7)
    batch = parse_claims([claim(n, rng) for n in range(count)])
    lines = sum(len(c.lines) for c in batch)
    print(f"database: {connection.vendor}; {count} claims, {lines} lines")
    # First pass: nothing read yet in this process. Second: the answers kept from the first.
    for label in ("batch, first in the process", "batch, again"):
        t0, cpu0 = time.perf_counter(), time.process_time()
        result = check_claims(batch)
        secs, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        findings = sum(len(c["findings"]) for c in result["claims"])
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        print(
            f"{label}: {findings} findings in {secs:.2f} s = {lines / secs:,.0f} lines/s "
            f"(this process's CPU: {cpu:.2f} s = {lines / cpu:,.0f} lines per CPU second)"
        )
    one = parse_claim(claim(1, rng))

    def timed(rounds: int, fresh: bool) -> list[float]:
        times = []
        for _ in range(rounds):
            if fresh:
                # As if the process had never seen these codes: drop the claim checker's caches.
                for name in ("claims.store", "claims.prices", "icd10.patient_groups"):
                    release_cache.named(name).clear()
            t0 = time.perf_counter()
            check_claim(one)
            times.append((time.perf_counter() - t0) * 1000)
        return sorted(times)

    for label, fresh in (("answers kept", False), ("nothing kept", True)):
        timed(20, fresh)
        times = timed(300, fresh)
        print(
            f"one 10-line claim in process, {label}: p50 {statistics.median(times):.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} ms"
        )
    worst_claims()
    return 0


def stim(each: int) -> bytes:
    """One claim of ``each`` G0283 lines and ``each`` 97032 lines on one date: every pair of
    them forms the G0283 / 97032 PTP edit (issue 8: 700 + 700 made a 256 MB answer)."""
    lines = [{"code": "G0283", "modifiers": ["GP"]}] * each
    lines += [{"code": "97032", "modifiers": ["GP"], "minutes": 15}] * each
    data = {"id": "stim", "payer": "medicare", "date_of_service": "2026-05-04", "lines": lines}
    return json.dumps(data).encode()


def worst_claims() -> None:
    """Read and check the claims that cost the square of their lines before issue 8."""
    from medcode.claims.checker import check_claims
    from medcode.claims.claim import ClaimError
    from medcode.claims.formats import read_claims

    for each in (25, 700):
        body = stim(each)
        t0 = time.perf_counter()
        try:
            result = check_claims(read_claims(body))
            answer = json.dumps(result)
            outcome = f"{len(result['claims'][0]['findings'])} findings, {len(answer):,} bytes"
        except ClaimError as exc:
            outcome = f"refused: {str(exc)[:60]}…"
        print(
            f"{each} x G0283 + {each} x 97032 ({len(body):,} bytes): "
            f"{(time.perf_counter() - t0) * 1000:.1f} ms, {outcome}"
        )


if __name__ == "__main__":
    sys.exit(main())
