"""The look-up time budget: a runaway look-up ends with a clear error instead of a hung worker."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from medcode.releases.budget import BudgetExceeded, time_budget
from medcode.releases.sql import row, scalar

pytestmark = pytest.mark.django_db


def test_a_loop_that_keeps_querying_is_stopped_at_the_deadline() -> None:
    # The shape of issue 8's bug: a walk up the ICD-10-CM tabular that never reached the top.
    started = time.monotonic()
    steps = 0
    with pytest.raises(BudgetExceeded) as stopped, time_budget(0.2):
        while True:
            row("SELECT 1 AS one")
            steps += 1

    assert steps > 0
    assert time.monotonic() - started < 2
    assert "longer than its time budget of 0.2 s" in str(stopped.value)


def _endless_query() -> str:
    if connection.vendor == "postgresql":
        return "SELECT pg_sleep(30)"
    # Counts to a billion: about a minute of SQLite's own work in one statement.
    return (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
        "SELECT COUNT(*) FROM n"
    )


def test_one_long_statement_is_interrupted_by_the_database() -> None:
    started = time.monotonic()
    with (
        pytest.raises(BudgetExceeded, match="took longer than its time budget"),
        time_budget(0.3),
    ):
        scalar(_endless_query())

    assert time.monotonic() - started < 5
    # The connection is still usable, with no budget left behind.
    assert scalar("SELECT 2") == 2
    if connection.vendor == "postgresql":
        assert scalar("SHOW statement_timeout") == "0"


def test_an_inner_budget_never_extends_the_outer_one() -> None:
    with pytest.raises(BudgetExceeded), time_budget(0.2), time_budget(60):
        while True:
            row("SELECT 1 AS one")


def test_a_quick_look_up_within_its_budget_is_untouched() -> None:
    with time_budget(5):
        assert scalar("SELECT 3") == 3
    # Outside any budget nothing is checked.
    assert scalar("SELECT 4") == 4
