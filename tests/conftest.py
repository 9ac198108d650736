"""Integration tests: the real CMS files in ../shared/cms, loaded once per test session.

The load happens inside pytest-django's test database (SQLite or PostgreSQL, whichever
DATABASE_URL names). Each test runs in a transaction that is rolled back, so tests can load,
replace or damage files without disturbing the others.
"""

from __future__ import annotations

import os
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
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """End PostgreSQL sessions other than ours on the test database before it is dropped.

    The browser tests' server threads close their connections, yet one idle session was still
    seen at teardown, and PostgreSQL refuses to drop a database that is in use. The database is
    a throw-away one, so ending its sessions loses nothing.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def full_load(django_db_setup: list[Outcome], db: None) -> list[Outcome]:
    """The outcomes of loading all of ../shared/cms (the data is in the database)."""
    return django_db_setup


@pytest.fixture(scope="session")
def live_url(django_db_setup: list[Outcome], django_db_blocker: Any) -> Iterator[str]:
    """The whole app served over loopback, reading the session's database of real CMS data.

    Not pytest-django's ``live_server``: that one needs ``transactional_db``, which empties
    every table after each test and would throw away the session's full load.
    """
    import threading

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        # An idle keep-alive connection ends after this long, so shutting down never hangs.
        timeout = 10

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class JoiningServer(ThreadedWSGIServer):
        # Shutting down waits for requests in flight, so none is still reading the test
        # database when the session tears it down.
        daemon_threads = False
        block_on_close = True

    with django_db_blocker.unblock():
        server = JoiningServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(StaticFilesHandler(get_wsgi_application()))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium (/usr/bin/chromium) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on the main thread, which makes Django refuse
    # database calls from that thread; no test here runs async code, so the guard is moot.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            # Without these, Chromium keeps trying to reach Google's hosts, which this closed
            # network refuses; --no-sandbox because CI runs as root.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(live_url: str, db: None, browser: Any) -> Iterator[Any]:
    """A fresh browser tab; ``page.goto("/codes/97014")`` is relative to the live server.

    Asks for ``db`` so that pytest-django sets the test database up (and the session's load
    runs) even when only browser tests are selected.
    """
    context = browser.new_context(base_url=live_url)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
