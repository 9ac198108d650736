"""Run a command against a throw-away PostgreSQL server: start it, set DATABASE_URL, stop it.

    python scripts/with_postgres.py [--durable] -- pytest ...

The server is Debian's PostgreSQL (``apt-get install postgresql``), started from a fresh data
folder on a free loopback port and removed afterwards. Tests run it with fsync off; the
benchmark passes ``--durable`` to measure what a real install would see.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"{name} not found: install Debian's postgresql package (scripts/test does)")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, a developer usually does not.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--durable", action="store_true", help="keep fsync on (benchmarks)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")

    folder = tempfile.mkdtemp(prefix="medcode-pg-")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = os.path.join(folder, "data")
    port = _free_port()
    subprocess.run(
        _as_owner(
            [
                _bin("initdb"),
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -h 127.0.0.1 -k {folder} -c shared_buffers=512MB -c max_wal_size=4GB"
    if not args.durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log = os.path.join(folder, "server.log")
    subprocess.run(
        _as_owner([_bin("pg_ctl"), "-D", data, "-o", options, "-l", log, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            ready = subprocess.run(
                [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
            )
            if ready.returncode == 0:
                break
            time.sleep(0.2)
        subprocess.run(
            [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "medcode"],
            check=True,
        )
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/medcode")
        return subprocess.run(command, env=env).returncode
    finally:
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
