"""``medcode serve`` as deployed: nginx in front of gunicorn, on loopback, over real CMS files.

Each server runs in its own process group against a scratch SQLite database holding two real
CMS files, with ``TMPDIR`` and ``MEDCODE_HOME`` inside the test's folder, so that whatever the
server writes to disk can be searched afterwards. The figures under load are bench/robustness.py's
(docs/robustness.md); these tests check what a user would notice, with generous bounds.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from medcode.testing import shared_file

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="serves its own SQLite database: run once, on the SQLite pass",
)

HCPCS = "hcpcs/january-2025-alpha-numeric-hcpcs-file.zip"
MUE = "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
MEDCODE = [sys.executable, "-m", "medcode.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mue_code() -> str:
    """A code CMS's MUE file lists (its first data row)."""
    for line in shared_file(MUE).read_text(encoding="latin-1").splitlines():
        match = re.match(r'^"?([0-9A-Z]{5})"?,', line)
        if match:
            return match.group(1)
    raise AssertionError(f"no code row in {MUE}")


@pytest.fixture(scope="module")
def loaded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve-db")
    path = folder / "medcode.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "MEDCODE_HOME": str(folder)}
    subprocess.run(
        [*MEDCODE, "data", "load", str(shared_file(HCPCS)), str(shared_file(MUE))],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    home: Path
    tmp: Path
    log: Path

    def pids(self, pattern: str) -> list[int]:
        """Processes of this server's group whose command line matches ``pattern``."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                if os.getpgid(int(proc.name)) != self.process.pid:
                    continue
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ProcessLookupError):
                continue
            if re.search(pattern, cmdline):
                found.append(int(proc.name))
        return sorted(found)

    def gunicorn_workers(self) -> list[int]:
        master = self.gunicorn_master()
        return [pid for pid in self.pids(r"gunicorn") if pid != master and _parent(pid) == master]

    def gunicorn_master(self) -> int:
        return next(pid for pid in self.pids(r"gunicorn") if _parent(pid) == self.process.pid)


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def start_server(
    folder: Path, database: Path, *args: str, env: dict[str, str] | None = None
) -> Server:
    port = free_port()
    home, tmp = folder / "home", folder / "tmp"
    home.mkdir()
    tmp.mkdir()
    log = folder / "serve.log"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDCODE_HOME": str(home),
        "TMPDIR": str(tmp),
        # These tests are about serving; metering is tested in medcode/accounts. Metered, each
        # cookie-less request here would be a new guest from one address, soon over its cap.
        "MEDCODE_ACCESS": "open",
        **(env or {}),
    }
    environment.pop("SECRET_KEY", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*MEDCODE, "serve", "--port", str(port), *args],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, home, tmp, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve stopped at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/releases", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise AssertionError(f"serve did not answer within 60 s:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)  # anything left of the group


@pytest.fixture(scope="module")
def production(loaded_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("production"), loaded_database)
    yield server
    stop_server(server)


@pytest.fixture
def gunicorn_alone(loaded_database: Path, tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path, loaded_database, "--proxy", "none")
    yield server
    stop_server(server)


def get(url: str, timeout: float = 30) -> tuple[int, bytes, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read(), time.monotonic() - start
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - start


def test_it_serves_through_nginx_and_says_so(production: Server) -> None:
    code = mue_code()
    status, body, _ = get(f"{production.url}/api/v1/codes/{code}?date=2026-04-15")
    assert status == 200, body[:300]
    assert code.encode() in body
    assert "nginx in front of gunicorn" in production.log.read_text()
    with urllib.request.urlopen(f"{production.url}/codes/{code}", timeout=30) as answer:
        assert answer.headers["Server"] == "nginx"
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_a_metered_install_behind_nginx_knows_its_guests_address(
    loaded_database: Path, tmp_path: Path
) -> None:
    """Metered (the default), a new guest's first code page opens in full through nginx.

    gunicorn listens on a Unix socket there, so Django sees no peer address; the guest cap and
    the log-in limits need the one nginx saw (this was a 403 for every guest).
    """
    server = start_server(tmp_path, loaded_database, env={"MEDCODE_ACCESS": "metered"})
    try:
        code = mue_code()
        status, body, _ = get(f"{server.url}/codes/{code}?date=2026-04-15")
        assert status == 200, body[:300]
        assert b'data-testid="views-left"' in body  # metered indeed
        assert b"data-gated=" not in body  # and the first page is whole
        # A client cannot choose its address by sending the header nginx sets.
        request = urllib.request.Request(
            f"{server.url}/codes/{code}", headers={"X-Real-IP": "203.0.113.9"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200
    finally:
        stop_server(server)
    assert "Unable to determine client IP address" not in server.log.read_text()


def test_it_created_a_secret_key_readable_by_its_owner_only(production: Server) -> None:
    key = production.home / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text().strip()) >= 50
    assert f"created a secret key in {key}" in production.log.read_text()


def test_normal_requests_answer_while_many_clients_trickle_their_headers(
    production: Server,
) -> None:
    """64 sockets sending their request line a byte at a time (8 once stopped gunicorn)."""
    stop = threading.Event()
    sockets = [socket.create_connection(("127.0.0.1", production.port)) for _ in range(64)]

    def trickle() -> None:
        request = b"GET /codes/97110 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
        for i in range(len(request)):
            if stop.wait(0.25):
                return
            for s in sockets:
                with contextlib.suppress(OSError):
                    s.send(request[i : i + 1])

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        time.sleep(1)
        code = mue_code()
        times = []
        for _ in range(10):
            status, _body, seconds = get(f"{production.url}/api/v1/codes/{code}", timeout=30)
            assert status == 200
            times.append(seconds)
        # About 10 ms unloaded; before nginx each took 17-30 s with 8 such sockets.
        assert max(times) < 3, times
    finally:
        stop.set()
        for s in sockets:
            s.close()


def test_the_master_processes_hold_no_database_connection(
    production: Server, loaded_database: Path
) -> None:
    """A SQLite handle opened before fork would be shared by every worker (issue 8, item 11)."""
    for pid in (production.process.pid, production.gunicorn_master()):
        targets = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                targets.append(os.readlink(fd))
        assert targets, pid
        assert not [t for t in targets if t.startswith(str(loaded_database))], (pid, targets)


# Django accepts a CSRF cookie's 32-character secret as the form's token too.
CSRF = "medcodetestcsrfsecret0123456789"[:32].ljust(32, "x")


def _upload_head(url_path: str, port: int, length: int, content_type: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(
        f"POST {url_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Cookie: csrftoken={CSRF}\r\nContent-Length: {length}\r\n\r\n".encode()
    )
    return s


def _status_of(s: socket.socket) -> int:
    head = s.recv(4096).split(b"\r\n", 1)[0]
    return int(head.split()[1])


@pytest.mark.parametrize("url_path", ["/api/v1/claims/check", "/claims/check"])
@pytest.mark.parametrize("setup", ["production", "gunicorn_alone"])
def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    setup: str, url_path: str, request: pytest.FixtureRequest
) -> None:
    server: Server = request.getfixturevalue(setup)
    s = _upload_head(url_path, server.port, 500 * 1024 * 1024, "application/json")
    try:
        s.sendall(b"[" + b" " * 65536)  # a sliver of the 500 MB announced
        start = time.monotonic()
        assert _status_of(s) == 413
        assert time.monotonic() - start < 5
    finally:
        s.close()


def _multipart(marker: bytes, size: int) -> tuple[bytes, bytes, str]:
    """A claim form upload of ``size`` bytes: its first part and its end, and the type."""
    boundary = "medcodetestboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{CSRF}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="claims.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    row = b"claim_id,patient,code\r\n" + marker + b",PATIENT-ID-123,97110\r\n"
    content = (row * (size // len(row) + 1))[:size]
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + content, tail, f"multipart/form-data; boundary={boundary}"


def _files_holding(folder: Path, marker: bytes) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        try:
            if path.is_file() and marker in path.read_bytes():
                found.append(path)
        except OSError:
            pass
    return found


@pytest.mark.parametrize("setup", ["production", "gunicorn_alone"])
def test_a_worker_killed_mid_upload_leaves_nothing_on_disk(
    setup: str, request: pytest.FixtureRequest
) -> None:
    server: Server = request.getfixturevalue(setup)
    marker = f"MARKER{time.time_ns()}".encode()
    first, tail, content_type = _multipart(marker, 6 * 1024 * 1024)
    s = _upload_head("/claims/check", server.port, len(first) + 4096 + len(tail), content_type)
    try:
        s.sendall(first)
        time.sleep(1)  # the worker (or nginx) is now holding 6 MB of the upload
        for pid in server.gunicorn_workers():
            os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        assert _files_holding(server.tmp, marker) == []
        assert _files_holding(server.home, marker) == []
    finally:
        s.close()
    # The server goes on answering with new workers.
    status, _body, _ = get(f"{server.url}/api/v1/releases")
    assert status == 200


def test_serve_on_a_locked_database_says_so_without_a_traceback(
    loaded_database: Path, tmp_path: Path
) -> None:
    database = tmp_path / "locked.sqlite3"
    with sqlite3.connect(loaded_database) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
    holder = sqlite3.connect(database)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = subprocess.run(
            [*MEDCODE, "serve", "--port", str(free_port())],
            env={
                **os.environ,
                "DATABASE_URL": f"sqlite:///{database}",
                "MEDCODE_HOME": str(tmp_path),
                "MEDCODE_DB_TIMEOUT": "1",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.close()
    assert result.returncode == 3, result.stderr
    assert f"the database {database} is locked by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_weak_secret_key(loaded_database: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [*MEDCODE, "serve", "--port", str(free_port())],
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{loaded_database}",
            "MEDCODE_HOME": str(tmp_path),
            "SECRET_KEY": "changeme",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SECRET_KEY is not fit to serve with" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_failing_request_is_logged_as_json_with_its_request_id(
    loaded_database: Path, tmp_path: Path
) -> None:
    """Through nginx and gunicorn's workers, whose own logging must not swallow Django's."""
    import json

    server = start_server(
        tmp_path,
        loaded_database,
        env={
            "MEDCODE_LOG_FORMAT": "json",
            "DJANGO_SETTINGS_MODULE": "medcode.web.tests.failing_settings",
        },
    )
    try:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"{server.url}/test/fail", timeout=30)
        rid = failed.value.headers["X-Request-ID"]
        time.sleep(0.5)
    finally:
        stop_server(server)
    assert failed.value.code == 500
    records = []
    for line in server.log.read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    error = next(r for r in records if r["level"] == "ERROR" and r["logger"] == "django.request")
    assert error["request_id"] == rid
    assert "DeliberateFailure: the test view failed on purpose" in error["exc_info"]
    assert any(r["logger"] == "medcode.access" and r["request_id"] == rid for r in records)
