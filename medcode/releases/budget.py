"""A time budget for reading the store, so that no request can hold a worker forever.

A look-up normally answers in milliseconds. A bug like the ICD-10-CM parent walk that looped
forever (issue 8) held a gunicorn thread, a core and ever more memory until the server died:
gunicorn's timeout does not stop a thread. Inside ``time_budget(seconds)``:

- every query through ``medcode.releases.sql`` first checks the deadline, which stops a Python
  loop that keeps asking the database (the shape of that bug);
- on SQLite a progress handler interrupts one long statement once the deadline has passed;
- on PostgreSQL ``statement_timeout`` (set for the budget's transaction only) cancels it.

Either way the caller gets ``BudgetExceeded``, which the API and the pages answer with 503 and
the CLI with exit status 3. Budgets nest: an inner one never extends the outer deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import OperationalError, connection, transaction

#: How many SQLite virtual-machine steps run between two looks at the clock.
_SQLITE_STEPS = 20_000

_deadline: ContextVar[float | None] = ContextVar("medcode_store_deadline", default=None)


class BudgetExceeded(RuntimeError):
    """A request read the store for longer than its time budget allows."""

    def __init__(self, seconds: float, what: str = "look-up") -> None:
        self.seconds = seconds
        super().__init__(
            f"the {what} took longer than its time budget of {seconds:g} s and was stopped; "
            "try again, and report it if it keeps happening"
        )


def lookup_seconds() -> float:
    """The budget of one look-up request (setting ``MEDCODE_LOOKUP_SECONDS``, default 5)."""
    return float(getattr(settings, "MEDCODE_LOOKUP_SECONDS", 5.0))


def check() -> None:
    """Raise BudgetExceeded when the current budget (if any) has run out."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetExceeded(_seconds.get())


_seconds: ContextVar[float] = ContextVar("medcode_store_budget", default=0.0)


@contextmanager
def time_budget(seconds: float | None = None, what: str = "look-up") -> Iterator[None]:
    """Run the block within ``seconds`` (default ``lookup_seconds()``) of store time."""
    budget = lookup_seconds() if seconds is None else seconds
    outer = _deadline.get()
    deadline = time.monotonic() + budget
    if outer is not None:
        # Nested: the outer budget already watches the database; keep its (earlier) deadline.
        token = _deadline.set(min(outer, deadline))
        try:
            yield
        finally:
            _deadline.reset(token)
        return
    token, seconds_token = _deadline.set(deadline), _seconds.set(budget)
    try:
        if connection.vendor == "postgresql":
            with _postgres_timeout(budget):
                yield
        elif connection.vendor == "sqlite":
            with _sqlite_interrupt(deadline):
                yield
        else:
            yield
    except OperationalError as exc:
        if _stopped(exc) or time.monotonic() > deadline:
            raise BudgetExceeded(budget, what) from exc
        raise
    finally:
        _deadline.reset(token)
        _seconds.reset(seconds_token)


@contextmanager
def _sqlite_interrupt(deadline: float) -> Iterator[None]:
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: time.monotonic() > deadline, _SQLITE_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgres_timeout(seconds: float) -> Iterator[None]:
    # SET LOCAL-like (set_config(..., true)) inside a transaction or savepoint: a cancelled
    # statement rolls the savepoint back, the setting with it, and nothing outlives the block.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), "
                "set_config('statement_timeout', %s, true)",
                [f"{max(1, int(seconds * 1000))}ms"],
            )
            previous = cursor.fetchone()[0]
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def _stopped(exc: OperationalError) -> bool:
    """Whether the database stopped the statement for us (SQLite interrupt, PG cancel)."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == "57014":  # query_canceled
        return True
    return "interrupted" in str(exc)
