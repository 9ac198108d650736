"""Test ordering shared by the whole suite."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tests/ loads every real CMS file into the session's database and leaves it there; unit
    # tests expect an empty store, so they always run first, whatever order paths were given.
    items.sort(key=lambda item: item.nodeid.startswith("tests/"))


@pytest.fixture(autouse=True)
def _open_access(settings: object) -> None:
    """Tests run medcode as a clinic's open copy unless they ask for metering themselves
    (``settings.MEDCODE_ACCESS = "metered"``; see medcode/accounts/tests)."""
    settings.MEDCODE_ACCESS = "open"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _check_answers(settings: object) -> None:
    """Every API answer sent as built is checked against its declared schema
    (medcode/web/answers.py): a key the schema lacks fails the test that produced it."""
    settings.MEDCODE_CHECK_ANSWERS = True  # type: ignore[attr-defined]
