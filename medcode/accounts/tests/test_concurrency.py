"""Counting is atomic: 20 requests at once for 20 codes, 5 views left, exactly 5 open in full.

Each thread is a request with its own database connection. On PostgreSQL (scripts/with_postgres.py)
the threads share the test database. pytest-django's SQLite test database lives in memory with
a shared cache, whose table locks fail at once instead of waiting as a real database file does,
so on SQLite the same scenario runs in a child process over a database file set up as
``medcode serve`` would have it (WAL, transactions beginning IMMEDIATE).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from medcode.testing import REPO

pytestmark = pytest.mark.slow


def scenario(folder: Path) -> dict[str, Any]:
    """Load 20 codes, give an account 5 views left, open the 20 pages at once."""
    from django.contrib.auth.models import User
    from django.db import connection

    from medcode.accounts.metering import account_reader
    from medcode.accounts.models import CodeView
    from medcode.accounts.tests.fixtures import CODES, DAY, account, client, is_full, load_codes

    load_codes(folder)
    user = account("busy@example.org")
    reader = account_reader(user)
    CodeView.objects.create(reader=reader, code="A9999", counted_at=reader.created)  # 1 of 6
    browsers = []
    for _ in CODES:
        c = client()
        c.force_login(User.objects.get(pk=user.pk))
        browsers.append(c)
    start = threading.Barrier(len(CODES))
    results: dict[str, bool] = {}
    errors: list[str] = []

    def open_page(c: Any, code: str) -> None:
        try:
            start.wait()
            response = c.get(f"/codes/{code}", {"date": DAY})
            if response.status_code != 200:
                errors.append(f"{code}: HTTP {response.status_code}")
            results[code] = is_full(response.content.decode())
        except Exception as exc:  # reported by the test
            errors.append(f"{code}: {exc!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=open_page, args=(c, code))
        for c, code in zip(browsers, CODES, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return {
        "requests": len(results),
        "full": sum(results.values()),
        "counted": CodeView.objects.filter(reader=reader).count(),
        "errors": errors,
    }


def _in_child_process(tmp_path: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'medcode.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "medcode.settings",
        "MEDCODE_ACCESS": "metered",
    }
    env.pop("MEDCODE_TEST_DB", None)
    code = (
        "import django, json, sys; from pathlib import Path; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.conf import settings;"
        "settings.PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher'];"
        "from medcode.accounts.tests.test_concurrency import scenario;"
        "print(json.dumps(scenario(Path(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_with_five_views_left_open_exactly_five(
    tmp_path: Path, settings: Any
) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        outcome = _in_child_process(tmp_path)
    else:
        settings.MEDCODE_ACCESS = "metered"
        outcome = scenario(tmp_path)

    assert outcome["errors"] == []
    assert outcome["requests"] == 20
    assert outcome["full"] == 5
    assert outcome["counted"] == 6
