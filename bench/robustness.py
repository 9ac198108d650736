"""medcode serve under load and faults, on loopback: the figures of docs/robustness.md.

    python bench/robustness.py --database var/medcode.sqlite3 [--seconds 30]
        [--clients 50,200] [--think 2] [--workers 2] [--threads 4]
        [--only load,slow,kill,corrupt]

Copies the loaded SQLite database to a temporary folder (nothing is changed in yours), starts
the production set-up (`medcode serve`: nginx in front of gunicorn) on a free loopback port and
runs, each for a bounded time:

1. load: ``--clients`` clients, each sending its next request when the last one is answered
   and a pause has passed (``--think``, 2 s on average, as a person reading the answer; then
   again with no pause, which measures saturation), for ``--seconds`` each, over a realistic
   mix: code pages and API look-ups for random codes of every system (HCPCS, CPT, modifiers,
   ICD-10-CM, ICD-10-PCS), searches, type-ahead, and 10-line claim checks. Throughput,
   p50/p95/p99/max latency, errors (a status of 400 or more, or a broken connection) and
   timeouts (no answer in 10 s), per kind; the resident memory of each gunicorn worker after
   each run.
2. slow: 50 and 200 sockets trickling their headers a byte at a time while 10 clients run the
   mix.
3. kill: 50 clients run the mix while a gunicorn worker is killed (SIGKILL) at 5 s and 15 s.
4. corrupt: 50 clients run the mix while ``medcode data load --replace`` loads a corrupt copy of
   an MUE file (a value that is not a number, mid-file) and a truncated zip of the HCPCS file.

The clients run on the same 2 cores as the server (4 processes of threads); their CPU is taken
from the server, so the figures are a lower bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from claims import claim  # the same claims as the batch benchmark

REPO = Path(__file__).resolve().parent.parent
SHARED_CMS = Path(os.environ.get("MEDCODE_SHARED_CMS", REPO.parent / "shared" / "cms"))
MEDCODE = [sys.executable, "-m", "medcode.cli"]
TIMEOUT = 10.0
DATE = "2026-04-15"
SEARCHES = [
    "knee pain",
    "type 2 diabetes",
    "fracture of femur",
    "therapeutic exercise",
    "electrical stimulation",
    "breast cancer",
    "hypertension",
    "low back pain",
    "office visit",
    "shoulder",
    "copd",
    "depression",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample_codes(database: Path, per_system: int = 400) -> dict[str, list[str]]:
    """Random codes of every system, read from the database."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    queries = {
        "hcpcs": "SELECT code FROM codes_hcpcscode",
        "cpt": "SELECT DISTINCT hcpcs FROM fees_pfsrvu WHERE hcpcs GLOB '[0-9][0-9][0-9][0-9]*'",
        "modifier": "SELECT DISTINCT code FROM codes_hcpcsmodifier",
        "icd10cm": "SELECT code FROM icd10_icd10cmcode",
        "icd10pcs": "SELECT code FROM icd10_icd10pcscode WHERE valid",
    }
    rng = random.Random(8)
    codes = {}
    for system, sql in queries.items():
        rows = [r[0] for r in db.execute(sql)]
        codes[system] = rng.sample(rows, min(per_system, len(rows)))
    db.close()
    return codes


def requests_mix(codes: dict[str, list[str]], rng: random.Random) -> tuple[str, str, str, bytes]:
    """One request of the mix: (kind, method, path, body)."""
    roll = rng.random()
    system = rng.choice(list(codes))
    code = rng.choice(codes[system])
    if roll < 0.30:
        return "code page", "GET", f"/codes/{code}?date={DATE}", b""
    if roll < 0.60:
        return "code api", "GET", f"/api/v1/codes/{code}?date={DATE}", b""
    if roll < 0.72:
        q = rng.choice(SEARCHES).replace(" ", "+")
        return "search page", "GET", f"/search?q={q}&date={DATE}", b""
    if roll < 0.80:
        q = rng.choice(SEARCHES).replace(" ", "+")
        return "search api", "GET", f"/api/v1/search?q={q}&date={DATE}", b""
    if roll < 0.85:
        q = rng.choice(SEARCHES)[: rng.randint(3, 6)].strip().replace(" ", "+")
        return "type-ahead", "GET", f"/search/suggest?q={q}", b""
    body = json.dumps(claim(rng.randint(0, 10_000), rng)).encode()
    return "claim check", "POST", "/api/v1/claims/check", body


def client_process(
    port: int,
    threads: int,
    seconds: float,
    codes: dict[str, list[str]],
    seed: int,
    think: float,
    out: Any,
) -> None:
    """Runs ``threads`` closed-loop clients; sends [(kind, seconds, outcome)] to ``out``."""
    results: list[tuple[str, float, str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn: http.client.HTTPConnection | None = None
        mine: list[tuple[str, float, str]] = []
        while time.monotonic() < deadline:
            kind, method, path, body = requests_mix(codes, rng)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            start = time.monotonic()
            headers = {"Content-Type": "application/json"} if body else {}
            try:
                conn.request(method, path, body=body or None, headers=headers)
                answer = conn.getresponse()
                answer.read()
                # A redirect is an answer (an ICD-10-CM code typed without its dot).
                outcome = "ok" if answer.status < 400 else f"status {answer.status} {path}"
                if answer.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except TimeoutError:
                outcome = "timeout"
                conn.close()
                conn = None
            except (OSError, http.client.HTTPException) as exc:
                outcome = f"error {type(exc).__name__}"
                conn.close()
                conn = None
            mine.append((kind, time.monotonic() - start, outcome))
            if think:
                time.sleep(rng.expovariate(1 / think))
        if conn is not None:
            conn.close()
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(results)


def load(
    port: int, clients: int, seconds: float, codes: dict[str, list[str]], think: float = 0
) -> list[Any]:
    processes = min(4, clients)
    queue: Any = multiprocessing.Queue()
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = [
        multiprocessing.Process(
            target=client_process, args=(port, n, seconds, codes, i + clients, think, queue)
        )
        for i, n in enumerate(share)
    ]
    for p in procs:
        p.start()
    results: list[Any] = []
    for _ in procs:
        results.extend(queue.get(timeout=seconds + 60))
    for p in procs:
        p.join()
    return results


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def report(title: str, results: list[Any], seconds: float) -> dict[str, Any]:
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for row in results:
        by_kind[row[0]].append(row)
    print(f"\n### {title}\n")
    print("| requests | count | per s | p50 ms | p95 ms | p99 ms | max ms | errors | timeouts |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    summary: dict[str, Any] = {}
    for kind, rows in [*sorted(by_kind.items()), ("all", results)]:
        times = [r[1] * 1000 for r in rows]
        errors = [r[2] for r in rows if r[2] not in ("ok", "timeout")]
        timeouts = sum(1 for r in rows if r[2] == "timeout")
        name = f"**{kind}**" if kind == "all" else kind
        print(
            f"| {name} | {len(rows):,} | {len(rows) / seconds:,.1f} | {pct(times, 50):.0f} | "
            f"{pct(times, 95):.0f} | {pct(times, 99):.0f} | {max(times, default=0):.0f} | "
            f"{len(errors)} | {timeouts} |"
        )
        if kind == "all":
            summary = {"p99": pct(times, 99), "errors": errors, "timeouts": timeouts}
    errors = summary["errors"]
    if errors:
        kinds = sorted(set(errors))
        counted = ", ".join(f"{k} x{errors.count(k)}" for k in kinds[:10])
        counted += f" (and {len(kinds) - 10} more)" if len(kinds) > 10 else ""
        print(f"\nerrors: {counted}")
    return summary


class Server:
    def __init__(self, database: Path, home: Path, workers: int, threads: int) -> None:
        self.port = free_port()
        self.log = home / "serve.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "MEDCODE_HOME": str(home),
            "TMPDIR": str(home),
            # Measures serving, not metering: metered, the cookie-less clients of one address
            # would be new guests each, over the per-address cap within seconds (403s).
            "MEDCODE_ACCESS": os.environ.get("MEDCODE_ACCESS", "open"),
        }
        env.pop("SECRET_KEY", None)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "medcode.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                ],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/releases")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"medcode serve did not answer:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # A worker: gunicorn, in this group, whose parent is gunicorn (not serve).
            if "gunicorn" in cmd and int(stat[2]) == self.process.pid:
                parent = int(stat[1])
                if parent != self.process.pid:
                    found.append(int(proc.name))
        return sorted(found)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return sizes

    def cpu_seconds(self) -> float:
        """CPU time of the server's processes (serve, gunicorn, nginx), reaped ones included."""
        ticks = 0
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == self.process.pid:
                ticks += sum(int(v) for v in stat[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=40)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def slow_sockets(port: int, count: int, stop: threading.Event) -> threading.Thread:
    socks = []
    for _ in range(count):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    opened = len(socks)

    def trickle() -> None:
        request = b"GET /codes/97110 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000
        i = 0
        # A fresh socket replaces each one nginx closes, so `count` stay open throughout.
        while not stop.wait(0.5):
            for n, s in enumerate(socks):
                try:
                    s.send(request[i : i + 1])
                except OSError:
                    s.close()
                    with contextlib.suppress(OSError):
                        socks[n] = socket.create_connection(("127.0.0.1", port), timeout=5)
            i += 1
        for s in socks:
            s.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    print(f"\n{opened} slow sockets open")
    return thread


def corrupt_files(folder: Path) -> list[Path]:
    mue = SHARED_CMS / "ncci_mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
    lines = mue.read_bytes().split(b"\n")
    middle = len(lines) // 2
    fields = lines[middle].split(b",")
    fields[1] = b'"not a number"'
    lines[middle] = b",".join(fields)
    bad_mue = folder / mue.name
    bad_mue.write_bytes(b"\n".join(lines))
    hcpcs = SHARED_CMS / "hcpcs" / "january-2025-alpha-numeric-hcpcs-file.zip"
    data = hcpcs.read_bytes()
    bad_zip = folder / hcpcs.name
    bad_zip.write_bytes(data[: len(data) // 2])
    return [bad_mue, bad_zip]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, default=REPO / "var" / "medcode.sqlite3")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", default="50,200")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean pause of a client between requests (s)"
    )
    parser.add_argument("--only", default="load,slow,kill,corrupt")
    args = parser.parse_args()
    phases = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="medcode-robustness-") as tmp:
        folder = Path(tmp)
        database = folder / "medcode.sqlite3"
        source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
        target = sqlite3.connect(database)
        source.backup(target)
        source.close()
        target.close()
        codes = sample_codes(database)
        server = Server(database, folder, args.workers, args.threads)
        try:
            print(
                f"medcode serve (nginx + gunicorn {args.workers} workers x {args.threads} "
                f"threads) on port {server.port}; {os.cpu_count()} cores; "
                f"load average {os.getloadavg()[0]:.1f} at start"
            )
            load(server.port, 8, 5, codes)  # warm the workers' caches
            print(f"worker memory after warm-up: {fmt_mb(server.worker_rss_mb())}")
            if "load" in phases:
                for think in (args.think, 0.0):
                    for clients in [int(c) for c in args.clients.split(",")]:
                        cpu, mine = server.cpu_seconds(), clients_cpu_seconds()
                        results = load(server.port, clients, args.seconds, codes, think)
                        cpu = server.cpu_seconds() - cpu
                        mine = clients_cpu_seconds() - mine
                        pause = f"{think:g} s mean pause" if think else "no pause (saturation)"
                        title = f"{clients} clients, {pause}, {args.seconds:.0f} s"
                        report(title, results, args.seconds)
                        print(
                            f"\nserver CPU: {cpu:.1f} core-seconds in {args.seconds:.0f} s, "
                            f"{cpu * 1000 / max(1, len(results)):.1f} ms per request; "
                            f"the clients' CPU: {mine:.1f} core-seconds"
                        )
                        print(f"\nworker memory after: {fmt_mb(server.worker_rss_mb())}")
            if "slow" in phases:
                for count in (50, 200):
                    stop = threading.Event()
                    thread = slow_sockets(server.port, count, stop)
                    time.sleep(2)
                    results = load(server.port, 10, 15, codes)  # no pause: 10 busy clients
                    stop.set()
                    thread.join()
                    report(f"10 clients while {count} sockets trickle headers", results, 15)
            if "kill" in phases:
                stop = threading.Event()
                killed: list[int] = []

                def killer() -> None:
                    # Two kills, 10 s apart: each replacement has booted before the next.
                    for _ in range(2):
                        if stop.wait(5 if not killed else 10):
                            return
                        pids = server.workers()
                        if pids:
                            os.kill(pids[0], signal.SIGKILL)
                            killed.append(pids[0])

                thread = threading.Thread(target=killer, daemon=True)
                thread.start()
                results = load(server.port, 50, 25, codes, args.think)
                stop.set()
                thread.join()
                title = f"50 clients ({args.think:g} s pause), a worker killed at 5 s and 15 s"
                report(f"{title} ({len(killed)} killed)", results, 25)
                load(server.port, 4, 3, codes)  # let the replacement warm up before the next
            if "corrupt" in phases:
                env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
                outcomes: list[str] = []

                def loader() -> None:
                    time.sleep(3)
                    for path in corrupt_files(folder):
                        done = subprocess.run(
                            [*MEDCODE, "data", "load", "--replace", str(path)],
                            env=env,
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            timeout=300,
                        )
                        message = (done.stdout + done.stderr).strip().splitlines()
                        outcomes.append(f"{path.name}: exit {done.returncode}: {message[-1:]}")

                before = snapshot(server.port)
                thread = threading.Thread(target=loader)
                thread.start()
                results = load(server.port, 50, 20, codes, args.think)
                thread.join()
                report(
                    f"50 clients ({args.think:g} s pause) while corrupt files are loaded",
                    results,
                    20,
                )
                for line in outcomes:
                    print(f"- {line}")
                same = snapshot(server.port) == before
                verdict = "unchanged" if same else "CHANGED"
                print(f"- releases and a code's answer after the loads: {verdict}")
            print(f"\nworker memory at the end: {fmt_mb(server.worker_rss_mb())}")
            errors = [
                ln
                for ln in server.log.read_text().splitlines()
                if " ERROR " in ln or "[error]" in ln
            ]
            print(f"server log: {len(errors)} ERROR lines")
            for line in errors[:5]:
                print(f"    {line[:300]}")
        finally:
            server.stop()
    return 0


def snapshot(port: int) -> tuple[bytes, bytes]:
    """The releases loaded and an MUE answer, to compare before and after a failed load."""
    answers = []
    for path in ("/api/v1/releases", f"/api/v1/codes/97110?date={DATE}"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        answers.append(conn.getresponse().read())
        conn.close()
    return answers[0], answers[1]


def clients_cpu_seconds() -> float:
    """CPU time of the client processes that have ended (they are joined after each run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fmt_mb(sizes: list[float]) -> str:
    return ", ".join(f"{s:.0f} MB" for s in sizes) or "-"


if __name__ == "__main__":
    # Clients are separate processes (fork): the GIL of one would cap the load.
    multiprocessing.set_start_method("fork")
    sys.exit(main())
