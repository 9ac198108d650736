"""Plain SQL reads for the hot paths (code look-ups), without ORM model instantiation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from medcode.releases import budget
from medcode.releases.store import InForce, to_date

__all__ = [
    "CHUNK",
    "Cite",
    "Row",
    "in_chunks",
    "iso",
    "placeholders",
    "row",
    "rows",
    "scalar",
    "select",
    "to_date",
]

#: How facts modules ask for (and thereby cite) the release of a dataset in force.
Cite = Callable[[str], InForce | None]

Row = dict[str, Any]

# Codes per IN (...) list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters, even
# for a query that names two lists.
CHUNK = 2000


def rows(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    budget.check()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def row(sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    found = rows(sql, params)
    return found[0] if found else None


def scalar(sql: str, params: Sequence[Any] = ()) -> Any:
    budget.check()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchone()
    return result[0] if result else None


def iso(value: Any) -> str | None:
    """A date column as ISO text (SQLite returns text, PostgreSQL a date)."""
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def placeholders(count: int) -> str:
    """``%s, %s, …`` for an ``IN (...)`` list of ``count`` parameters."""
    return ", ".join(["%s"] * count)


def select(sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """``rows`` without the look-up time budget: the claim checker's batched reads."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def in_chunks(
    sql: str, before: Sequence[Any], codes: Sequence[str], after: Sequence[Any] = ()
) -> list[Row]:
    """Run ``sql`` (with ``{marks}`` for an ``IN`` list) for ``codes``, ``CHUNK`` at a time;
    ``before`` and ``after`` are the parameters on either side of the list."""
    found: list[Row] = []
    for start in range(0, len(codes), CHUNK):
        chunk = list(codes[start : start + CHUNK])
        found.extend(select(sql.format(marks=placeholders(len(chunk))), [*before, *chunk, *after]))
    return found
