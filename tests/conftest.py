"""Integration tests: the real CMS files in ../shared/cms, loaded once per test session.

The load happens inside pytest-django's test database (SQLite or PostgreSQL, whichever
DATABASE_URL names). Each test runs in a transaction that is rolled back, so tests can load,
replace or damage files without disturbing the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from medcode.releases.loader import Outcome, load_paths
from medcode.testing import SHARED_CMS, shared_file


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[Outcome]]:
    shared_file("SOURCES.md")  # fail at once, and clearly, when ../shared is missing
    with django_db_blocker.unblock():
        outcomes = load_paths([SHARED_CMS])
    yield outcomes


@pytest.fixture
def full_load(django_db_setup: list[Outcome], db: None) -> list[Outcome]:
    """The outcomes of loading all of ../shared/cms (the data is in the database)."""
    return django_db_setup
