"""``medcode serve``: nginx in front of gunicorn, the set-up fit to leave running.

By default ``serve`` runs gunicorn (threaded workers) on a private Unix socket and nginx in
front of it on the address asked for, and watches both: when either stops, it stops the other
and exits. gunicorn alone cannot face the network: a client that trickles its request holds one
of its threads for as long as it likes, and eight such sockets stopped the server
(issue 8). nginx reads each request whole first, so only complete requests reach gunicorn.

When nginx is not installed (``apt install nginx``), ``serve`` says so and runs gunicorn on the
address directly, so that a newcomer's ``./scripts/run`` still works; ``--proxy none`` does the
same on purpose, for a deployment that has its own proxy in front (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket as socketlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from medcode.web.nginx import find_nginx, nginx_conf

PROXIES = ("auto", "nginx", "none")


class ServeError(Exception):
    """medcode serve cannot start: the message says why and what to do."""


def gunicorn_command(bind: str, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "medcode.wsgi:application",
        "-c",
        "python:medcode.web.gunicorn_conf",
        f"--bind={bind}",
        f"--workers={workers}",
        f"--threads={threads}",
    ]


def serve(host: str, port: int, *, workers: int = 2, threads: int = 4, proxy: str = "auto") -> int:
    from django.conf import settings
    from django.db import connections

    # The CLI opened a connection to check migrations; workers must not inherit it (a SQLite
    # file handle shared across fork corrupts locks), and this process serves nothing.
    connections.close_all()
    listen = f"{host}:{port}"
    nginx = find_nginx() if proxy != "none" else None
    if nginx is None:
        if proxy == "nginx":
            raise ServeError("nginx is not installed (Debian: apt install nginx)")
        if proxy == "auto":
            print(
                "medcode: nginx not found, so gunicorn faces the network itself: a few clients "
                "that send slowly can hold all its threads. Install nginx (apt install nginx) "
                "or put a proxy in front; see docs/deploy.md.",
                file=sys.stderr,
            )
        command = gunicorn_command(listen, workers, threads)
        sys.stderr.flush()
        os.execv(command[0], command)
    assert nginx is not None
    run = Path(tempfile.mkdtemp(prefix="medcode-serve-"))
    try:
        return _supervise(nginx, run, host, port, workers, threads, settings)
    finally:
        shutil.rmtree(run, ignore_errors=True)


def _supervise(
    nginx: str, run: Path, host: str, port: int, workers: int, threads: int, settings: object
) -> int:
    sock = run / "gunicorn.sock"
    conf = run / "nginx.conf"
    listen = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    conf.write_text(
        nginx_conf(
            listen=listen,
            socket=sock,
            run=run,
            max_body_bytes=int(getattr(settings, "MEDCODE_MAX_REQUEST_BYTES", 21 << 20)),
            json_logs=os.environ.get("MEDCODE_LOG_FORMAT") == "json",
        )
    )
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)

    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        children["gunicorn"] = subprocess.Popen(gunicorn_command(f"unix:{sock}", workers, threads))
        _wait_for_socket(sock, children["gunicorn"], stopping)
        if stopping:
            return 0
        children["nginx"] = subprocess.Popen(
            [nginx, "-p", str(run), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
        )
        print(
            f"medcode: serving on http://{listen}/ (nginx in front of gunicorn: "
            f"{workers} workers x {threads} threads)",
            file=sys.stderr,
            flush=True,
        )
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"medcode: {name} stopped (exit {child.returncode}); stopping",
                        file=sys.stderr,
                        flush=True,
                    )
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        _stop(children)


def _wait_for_socket(
    sock: Path, gunicorn: subprocess.Popen[bytes], stopping: list[int], seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stopping:
        if gunicorn.poll() is not None:
            raise ServeError(f"gunicorn stopped at start (exit {gunicorn.returncode})")
        if sock.exists():
            with socketlib.socket(socketlib.AF_UNIX) as probe:
                try:
                    probe.connect(str(sock))
                    return
                except OSError:
                    pass
        time.sleep(0.1)
    if not stopping:
        raise ServeError(f"gunicorn did not start within {seconds:.0f} s")


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    # nginx first (QUIT: finish the requests in flight), then gunicorn (TERM: graceful).
    for name, sig in (("nginx", signal.SIGQUIT), ("gunicorn", signal.SIGTERM)):
        child = children.get(name)
        if child is None or child.poll() is not None:
            continue
        child.send_signal(sig)
        try:
            child.wait(timeout=25)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
