"""Sign-up with real mail (aiosmtpd on loopback), verification, reset, change, deletion, and
the abuse rules: rate limits, no user enumeration, argon2 hashes, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from medcode.accounts.models import ApiKey, CodeView, Reader
from medcode.accounts.operators import create_api_key
from medcode.accounts.tests.fixtures import PASSWORD, account, client, logged_in, text_of
from medcode.accounts.tests.smtp import Inbox, smtp_server, use_email_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    with smtp_server() as (mail, url):
        use_email_url(settings, url)
        settings.MEDCODE_ACCESS = "metered"
        yield mail


def follow(c: Client, link: str) -> Any:
    parts = urlsplit(link)
    return c.get(parts.path + (f"?{parts.query}" if parts.query else ""), follow=True)


def sign_up(c: Client, email: str, password: str = PASSWORD) -> Any:
    return c.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password},
        follow=True,
    )


def test_a_reader_signs_up_verifies_by_mail_and_sees_the_profile(inbox: Inbox) -> None:
    reader = client()

    done = sign_up(reader, "new@example.org")

    assert "verif" in text_of(done.content.decode()).lower()
    assert reader.get("/accounts/profile/").status_code == 302  # not in before verifying
    link = inbox.link("new@example.org", "/accounts/confirm-email/")
    profile = follow(reader, link)
    text = text_of(profile.content.decode())
    assert "new@example.org" in text
    assert "Free account" in text
    assert "6 of 6 left" in text
    assert User.objects.get(email="new@example.org").password.startswith("argon2")


def test_signing_up_with_a_taken_address_tells_nothing_new(inbox: Inbox) -> None:
    account("taken@example.org")

    fresh = sign_up(client("192.0.2.20"), "fresh@example.org")
    taken = sign_up(client("192.0.2.21"), "taken@example.org")

    assert fresh.status_code == taken.status_code == 200
    assert fresh.redirect_chain == taken.redirect_chain
    assert User.objects.filter(email="taken@example.org").count() == 1


def test_password_reset_looks_the_same_for_unknown_addresses_and_works(inbox: Inbox) -> None:
    account("known@example.org")

    unknown = client().post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )
    known = client().post("/accounts/password/reset/", {"email": "known@example.org"}, follow=True)

    assert text_of(unknown.content.decode()) == text_of(known.content.decode())
    c = client()
    form = follow(c, inbox.link("known@example.org", "/accounts/password/reset/key/"))
    action = form.redirect_chain[-1][0] if form.redirect_chain else form.request["PATH_INFO"]
    c.post(action, {"password1": "another long phrase 7", "password2": "another long phrase 7"})
    user = User.objects.get(email="known@example.org")
    assert Client().login(username=user.username, password="another long phrase 7")


def test_a_person_changes_the_password(settings: Any) -> None:
    c = logged_in("change@example.org")

    c.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "brand new phrase 99",
            "password2": "brand new phrase 99",
        },
    )

    user = User.objects.get(email="change@example.org")
    assert user.check_password("brand new phrase 99")


def test_deleting_the_account_erases_the_person_s_data(settings: Any) -> None:
    c = logged_in("leaving@example.org")
    create_api_key("leaving@example.org")
    reader = Reader.objects.get(user__email="leaving@example.org")
    CodeView.objects.create(reader=reader, code="A9001", counted_at=reader.created)

    refused = c.post("/accounts/delete/", {"password": "wrong"})
    done = c.post("/accounts/delete/", {"password": PASSWORD})

    assert refused.status_code == 400
    assert done.status_code == 302
    assert not User.objects.filter(email="leaving@example.org").exists()
    assert not Reader.objects.filter(pk=reader.pk).exists()
    assert CodeView.objects.count() == ApiKey.objects.count() == 0
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email="leaving@example.org").exists()


def test_failed_log_ins_for_one_account_are_rate_limited(settings: Any) -> None:
    account("target@example.org")
    c = client("192.0.2.30")

    said = [
        text_of(
            c.post(
                "/accounts/login/", {"login": "target@example.org", "password": "guess"}
            ).content.decode()
        )
        for _ in range(6)
    ]
    right = c.post("/accounts/login/", {"login": "target@example.org", "password": PASSWORD})

    assert ["Too many failed login attempts" in text for text in said] == [False] * 5 + [True]
    # Locked for a while, even with the right password.
    assert right.status_code == 200
    assert "Too many failed login attempts" in text_of(right.content.decode())


def test_forms_need_their_csrf_token() -> None:
    account("csrf@example.org")
    c = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")

    response = c.post("/accounts/login/", {"login": "csrf@example.org", "password": PASSWORD})

    assert response.status_code == 403
