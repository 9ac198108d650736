"""The JSON API through gunicorn on loopback: claim-check latency and code look-ups per second.

    DATABASE_URL=sqlite:////tmp/medcode-full.sqlite3 python bench/api.py [--workers 2]
        [--claims 500] [--seconds 10] [--clients 8]

Starts ``gunicorn medcode.wsgi`` (threaded workers, so connections stay open between requests)
on a free loopback port against the database DATABASE_URL names, already loaded, then measures:

1. a 10-line claim POSTed to /api/v1/claims/check one at a time: server time (the
   ``Server-Timing`` header medcode.timing adds) and client time (request sent to response read),
   median and 95th percentile;
2. GET /api/v1/codes/<code> from ``--clients`` processes, each on its own keep-alive
   connection, for ``--seconds``: look-ups per second and latency. The clients run on the same
   machine and take CPU from the server, so the figure is a lower bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/claims.py: the same claims as the batch benchmark.
from claims import claim

REPO = Path(__file__).resolve().parent.parent
CODES = ["G0283", "97014", "99213", "97110", "E11.65", "M17.11", "S72.001A", "GP", "27447", "97140"]
DAY = "2026-01-15"
TIMING = re.compile(r"app;dur=([0-9.]+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "medcode.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "medcode.settings"}
    server = subprocess.Popen(command, cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status = get(
                http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/api/v1/releases"
            )
        except OSError:
            time.sleep(0.2)
            continue
        if status[0] == 200:
            return server
        break
    server.terminate()
    sys.exit(f"gunicorn did not answer on port {port}")


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float | None]:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, _server_ms(response)


def _server_ms(response: http.client.HTTPResponse) -> float | None:
    found = TIMING.search(response.getheader("Server-Timing") or "")
    return float(found.group(1)) if found else None


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms"


def claim_latency(port: int, count: int) -> None:
    body = json.dumps(claim(1, random.Random(7))).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    server: list[float] = []
    client: list[float] = []
    for n in range(count + 20):
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/claims/check", body, headers)
        response = conn.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            sys.exit(f"claim check answered {response.status}: {payload[:300]!r}")
        if n >= 20:  # the first requests warm the workers' connections and imports
            client.append(elapsed)
            server.append(_server_ms(response) or float("nan"))
    lines = len(json.loads(payload)["claims"][0]["lines"])
    print(f"claim check, one {lines}-line claim per request, {count} requests:")
    print(f"  server (Server-Timing): {percentiles(server)}")
    print(f"  client (loopback round trip): {percentiles(client)}")


def _lookup_client(port: int, index: int, seconds: float, results: Any) -> None:
    """One client process on one keep-alive connection: (answered, failed, server, client ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = failed = 0
    server: list[float] = []
    client: list[float] = []
    n = index
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        code = CODES[n % len(CODES)]
        n += 1
        t0 = time.perf_counter()
        try:
            status, ms = get(conn, f"/api/v1/codes/{code}?date={DAY}")
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        client.append((time.perf_counter() - t0) * 1000)
        if status == 200:
            done += 1
            if ms is not None:
                server.append(ms)
        else:
            failed += 1
    conn.close()
    results.put((done, failed, server, client))


def lookups(port: int, clients: int, seconds: float) -> None:
    # Warm every worker's imports and connection before timing.
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for code in CODES * 3:
        get(warm, f"/api/v1/codes/{code}?date={DAY}")
    warm.close()
    # Processes, not threads: one Python process could not keep several connections busy.
    results: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_lookup_client, args=(port, i, seconds, results))
        for i in range(clients)
    ]
    t0 = time.perf_counter()
    for proc in procs:
        proc.start()
    gathered = [results.get() for _ in procs]
    elapsed = time.perf_counter() - t0
    for proc in procs:
        proc.join()
    total = sum(g[0] for g in gathered)
    print(
        f"code look-ups, {clients} keep-alive client processes for {elapsed:.1f} s over "
        f"{len(CODES)} codes: {total / elapsed:,.0f} look-ups/s ({total} answered, "
        f"{sum(g[1] for g in gathered)} failed)"
    )
    print(f"  server (Server-Timing): {percentiles([x for g in gathered for x in g[2]])}")
    print(f"  client: {percentiles([x for g in gathered for x in g[3]])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--claims", type=int, default=500, help="claim requests to time")
    parser.add_argument("--seconds", type=float, default=10, help="look-up run length")
    parser.add_argument("--clients", type=int, default=8, help="concurrent look-up clients")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a loaded database (the real CMS files)")
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    try:
        print(
            f"gunicorn medcode.wsgi: {args.workers} workers x {args.threads} threads on "
            f"127.0.0.1:{port}; database {os.environ['DATABASE_URL'].split('://')[0]}"
        )
        claim_latency(port, args.claims)
        lookups(port, args.clients, args.seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
