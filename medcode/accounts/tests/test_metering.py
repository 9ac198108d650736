"""Metered code pages: guests one, free accounts 1 + 5, members all; distinct codes per period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from medcode.accounts.models import CodeView, GuestAddressDay, Reader
from medcode.accounts.tests.fixtures import (
    CODES,
    PASSWORD,
    account,
    client,
    is_full,
    load_codes,
    logged_in,
    page,
    text_of,
    views_left,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(tmp_path: Path, settings: object) -> list[str]:
    settings.MEDCODE_ACCESS = "metered"  # type: ignore[attr-defined]
    return load_codes(tmp_path)


def test_a_guest_opens_one_code_page_in_full_and_the_second_is_gated(codes: list[str]) -> None:
    guest = client()

    status, first = page(guest, codes[0])
    _, second = page(guest, codes[1])

    assert status == 200 and is_full(first)
    assert not is_full(second)
    assert views_left(second) == 0
    text = text_of(second)
    # The descriptor stays open; the gated section says what it holds and how to unlock it.
    assert "Test supply number 2" in text
    assert "Register to view content" in text
    assert "this section holds the fee schedule status" in text
    assert "register a free account to get 5 more" in text
    assert '"isAccessibleForFree": false' in second


def test_reopening_the_same_code_on_another_date_costs_nothing(codes: list[str]) -> None:
    guest = client()
    page(guest, codes[0])

    again = guest.get(f"/codes/{codes[0]}", {"date": "2031-01-02"})
    ptp = guest.get(f"/codes/{codes[0]}/edits", {"date": "2030-05-01", "page": "2"})

    assert is_full(again.content.decode())
    assert ptp.status_code != 403
    assert CodeView.objects.count() == 1


def test_an_htmx_part_of_a_code_never_opened_is_refused(codes: list[str]) -> None:
    guest = client()
    page(guest, codes[0])

    response = guest.get(f"/codes/{codes[1]}/fees", {"date": "2030-05-01"})

    assert response.status_code == 403


def test_a_free_account_opens_six_codes_and_keeps_them(codes: list[str]) -> None:
    reader = logged_in("coder@example.org")

    seen = [is_full(page(reader, code)[1]) for code in codes[:7]]

    assert seen == [True] * 6 + [False]
    assert is_full(page(reader, codes[2])[1])  # one of the six, again


def test_a_view_from_an_earlier_period_counts_again(codes: list[str]) -> None:
    reader = logged_in("coder@example.org")
    for code in codes[:6]:
        page(reader, code)
    CodeView.objects.filter(code=codes[0]).update(counted_at=timezone.now() - timedelta(days=31))

    assert is_full(page(reader, codes[6])[1])  # the old view no longer counts
    assert not is_full(page(reader, codes[7])[1])


def test_a_member_sees_every_code_page(codes: list[str]) -> None:
    member = logged_in("member@example.org", plan="member")

    assert all([is_full(page(member, code)[1]) for code in codes])
    assert len(codes) == 20


def test_clearing_cookies_stops_at_the_address_cap(codes: list[str], settings: object) -> None:
    settings.MEDCODE_GUESTS_PER_ADDRESS = 3  # type: ignore[attr-defined]

    full = [is_full(page(client("198.51.100.7"), code)[1]) for code in codes[:6]]

    assert full == [True, True, True, False, False, False]
    _, html = page(client("198.51.100.7"), codes[9])
    assert "Too many new guest visits from your network today" in text_of(html)
    # Another address is not held to this one's cap.
    assert is_full(page(client("198.51.100.8"), codes[9])[1])


def test_the_address_is_kept_only_as_a_daily_hash(codes: list[str]) -> None:
    page(client("198.51.100.7"), codes[0])

    row = GuestAddressDay.objects.get()

    assert "198.51.100.7" not in row.address_hash
    assert row.day == timezone.now().date()


def test_an_office_behind_one_address_is_not_blocked(codes: list[str], settings: object) -> None:
    settings.MEDCODE_GUESTS_PER_ADDRESS = 2  # type: ignore[attr-defined]
    office = "203.0.113.50"
    for _ in range(3):  # the guests of this address used up the day's cap
        page(client(office), codes[0])

    coders = []
    for n in range(50):
        account(f"coder{n}@clinic.example")
        coder = client(office)
        response = coder.post(
            "/accounts/login/", {"login": f"coder{n}@clinic.example", "password": PASSWORD}
        )
        assert response.status_code == 302, f"coder {n} could not log in"
        coders.append(coder)
    opened = [is_full(page(c, codes[n % len(codes)])[1]) for n, c in enumerate(coders)]

    assert opened == [True] * 50


def test_a_guest_who_registers_keeps_the_code_it_opened(codes: list[str]) -> None:
    guest = client()
    page(guest, codes[0])
    account("new@example.org")
    response = guest.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302

    _, html = page(guest, codes[1])

    assert is_full(html)
    assert views_left(html) == 4  # 6 in all, the guest's code and this one counted
    assert Reader.objects.filter(user__email="new@example.org").get().views.count() == 2


def test_open_access_meters_nothing(tmp_path: Path) -> None:
    load_codes(tmp_path)  # MEDCODE_ACCESS stays "open" (the suite's default)
    guest = client()

    assert all([is_full(page(guest, code)[1]) for code in CODES[:3]])
    assert Reader.objects.count() == 0


def test_members_mode_sends_a_visitor_to_log_in(codes: list[str], settings: object) -> None:
    settings.MEDCODE_ACCESS = "members"  # type: ignore[attr-defined]

    response = client().get(f"/codes/{codes[0]}")
    api = client().get(f"/api/v1/codes/{codes[0]}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/codes/")
    assert api.status_code == 401
    assert is_full(page(logged_in("staff@clinic.example"), codes[0])[1])


def test_an_open_copy_offers_no_registration(tmp_path: Path) -> None:
    load_codes(tmp_path)

    html = page(client(), CODES[0])[1]

    assert 'href="/accounts/signup/"' not in html
    assert "views left" not in html
