"""Every SQL read of the releases table: the one place its name and columns are written.

Plain cursors (not ``releases.sql``): ``releases.sql`` builds on ``releases.store``, which
reads through this module.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def release_counts() -> tuple[int, int | None, Any]:
    """How many releases are loaded, the newest id and the newest load time, in one tiny query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(id), MAX(loaded_at) FROM releases_release")
        count, newest, loaded = cursor.fetchone()
    return count, newest, loaded


def release_refs() -> list[tuple[Any, ...]]:
    """(id, dataset, version, label, period_start, period_end, source_name) of every release."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, dataset, version, label, period_start, period_end, source_name "
            "FROM releases_release"
        )
        return list(cursor.fetchall())
