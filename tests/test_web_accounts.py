"""The whole metered path in a real browser (headless Chromium) over the real CMS files, with
mail delivered by a real SMTP server on loopback (aiosmtpd): a guest opens one code page in
full, registers, follows the verification link, opens five more; clearing cookies again and
again gets no more full pages than the per-address cap; a member sees everything.

The test drives the live server without a test transaction of its own (the pages write the
meter from the server's threads), so what it creates stays in the session's database; it uses
addresses and codes no other test counts on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from medcode.accounts.tests.smtp import Inbox, smtp_server, use_email_url

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

DAY = "2026-01-15"
# Codes the real files price and edit on the date; each is a distinct code page.
CODES = [
    "97110",
    "97014",
    "97112",
    "97116",
    "97140",
    "97530",
    "97535",
    "97750",
    "99213",
    "99214",
    "27447",
    "G0283",
    "97161",
    "97162",
    "97163",
]
PASSWORD = "a long browser passphrase 31"
CAP = 3


@pytest.fixture
def db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's ``db``, without the test transaction.

    Asking for a fixture named ``db`` is what makes pytest-django create the test database
    (and the session load the real files). Its usual transaction would hold SQLite's shared
    in-memory database for writing, and the live server's threads must write the meter.
    """
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def metered(db: None, settings: Any, live_url: str) -> Iterator[Inbox]:
    from medcode.accounts.models import GuestAddressDay

    with smtp_server() as (inbox, url):
        use_email_url(settings, url)
        settings.MEDCODE_ACCESS = "metered"
        settings.MEDCODE_GUESTS_PER_ADDRESS = CAP
        GuestAddressDay.objects.all().delete()  # the cap counts from this test on
        yield inbox


@pytest.fixture
def context(browser: Any, live_url: str) -> Iterator[Any]:
    ctx = browser.new_context(base_url=live_url)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def open_code(tab: Any, code: str) -> bool:
    """Open a code page; True when every section is there in full."""
    tab.goto(f"/codes/{code}?date={DAY}")
    assert tab.locator("h1").inner_text().startswith(code)
    return bool(tab.locator("[data-gated]").count() == 0)


def views_left(tab: Any) -> str:
    return str(tab.get_by_test_id("views-left").inner_text())


def wait_for_link(inbox: Inbox, address: str, part: str) -> str:
    for _ in range(100):
        try:
            return inbox.link(address, part)
        except AssertionError:
            time.sleep(0.1)
    raise AssertionError(f"no mail to {address} with a link to {part}")


def test_guest_registers_verifies_reads_five_more_and_hits_the_address_cap(
    metered: Inbox, context: Any
) -> None:
    tab = context.new_page()

    # A guest: one code page in full, the second gated with the count and what it holds.
    assert open_code(tab, CODES[0])
    assert tab.locator("#medicare table.rvus").is_visible()
    assert not open_code(tab, CODES[1])
    assert re.match(r"0 code page views left", views_left(tab))
    gated = tab.locator("[data-gated=medicare]")
    assert "Register to view content" in gated.inner_text()
    assert "relative value units" in gated.inner_text()
    assert tab.locator("#description").is_visible()  # the descriptor stays open
    # 97014's badge would say Medicare wants G0283: that is gated too.
    assert "Medicare" not in tab.get_by_test_id("status").inner_text()
    ld = tab.locator("script[type='application/ld+json']").inner_text()
    assert '"isAccessibleForFree": false' in ld

    # Registers, gets the verification mail from the SMTP server, follows it.
    gated.get_by_role("link", name="Register a free account").click()
    tab.fill("input[name=email]", "browser@example.org")
    tab.fill("input[name=password1]", PASSWORD)
    tab.fill("input[name=password2]", PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_selector("text=/verif/i")
    link = wait_for_link(metered, "browser@example.org", "/accounts/confirm-email/")
    tab.goto(urlsplit(link).path)
    # Logged in, back on the code page the reader was kept from, now in full.
    assert f"/codes/{CODES[1]}" in tab.url
    assert tab.locator("[data-gated]").count() == 0
    assert views_left(tab).startswith("4 code page views left")
    tab.goto("/accounts/profile/")
    assert tab.get_by_test_id("plan").inner_text() == "Free account"
    assert tab.get_by_test_id("views-left").inner_text().startswith("4 of 6 left")

    # Four more, five in all since registering (the guest's first page is not counted
    # twice), then the pages are gated again.
    assert [open_code(tab, code) for code in CODES[2:6]] == [True] * 4
    assert open_code(tab, CODES[0])  # re-opening costs nothing
    assert not open_code(tab, CODES[6])
    assert "Upgrade to view content" in tab.locator("[data-gated=medicare]").inner_text()

    # Logged out, clearing cookies again and again: only the address's cap of new guests.
    tab.goto("/accounts/profile/")
    tab.get_by_role("button", name="Log out").click()
    full = 0
    for code in CODES[7:13]:
        context.clear_cookies()
        full += open_code(tab, code)
    assert full == CAP - 1  # the first guest of this test took one of the address's slots
    assert "Too many new guest visits" in views_left(tab)


def test_a_member_sees_every_code_page(metered: Any, context: Any) -> None:
    from medcode.accounts.operators import create_user

    create_user("member@example.org", password=PASSWORD, plan="member")
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", "member@example.org")
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_url(re.compile(r"/accounts/profile/"))

    assert [open_code(tab, code) for code in CODES] == [True] * len(CODES)
    assert tab.get_by_test_id("views-left").count() == 0  # nothing to count
