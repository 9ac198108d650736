"""A load killed midway leaves the store exactly as it was (run in a real subprocess)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from medcode.testing import shared_file

PTP = "ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz"
HCPCS = "hcpcs/january-2025-alpha-numeric-hcpcs-file.zip"


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of an empty database of the same kind the suite runs on."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" not in engine:
        import psycopg

        db = settings.DATABASES["default"]
        name = f"medcode_kill_{uuid.uuid4().hex[:8]}"
        conninfo = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        yield f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
    else:
        yield f"sqlite:///{tmp_path}/killed.sqlite3"


def medcode(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, DATABASE_URL=database_url)
    return subprocess.Popen(
        [sys.executable, "-m", "medcode.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_rows_are_being_written(database_url: str, process: subprocess.Popen[str]) -> None:
    """Block until the PTP load is well into writing rows (so the kill lands mid-transaction)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the load finished before it could be killed"
        if database_url.startswith("sqlite"):
            wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
            if wal.exists() and wal.stat().st_size > 30_000_000:
                return
        else:
            import psycopg

            with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
                busy = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY edits_%'"
                ).fetchone()
            if busy and busy[0]:
                time.sleep(2)  # let a few batches land
                return
        time.sleep(0.2)
    raise AssertionError("the load never got to writing rows")


@pytest.mark.realdata
@pytest.mark.slow
def test_a_load_killed_midway_leaves_the_store_as_it_was(scratch_database: str) -> None:
    first = medcode(scratch_database, "data", "load", str(shared_file(HCPCS)))
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""

    load = medcode(scratch_database, "data", "load", str(shared_file(PTP)))
    wait_until_rows_are_being_written(scratch_database, load)
    load.send_signal(signal.SIGKILL)
    load.wait(timeout=30)

    status = medcode(scratch_database, "data", "status", "--json")
    out, err = status.communicate(timeout=60)
    assert status.returncode == 0, err
    datasets = [r["dataset"] for r in json.loads(out)["releases"]]
    assert datasets == ["hcpcs"]

    count = medcode(
        scratch_database,
        "manage",
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from medcode.edits.models import PtpEdit; print(PtpEdit.objects.count())",
    )
    out, err = count.communicate(timeout=60)
    assert out.strip() == "0", err

    again = medcode(scratch_database, "data", "load", "--json", str(shared_file(HCPCS)))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert json.loads(out)["outcomes"][0]["status"] == "unchanged"
