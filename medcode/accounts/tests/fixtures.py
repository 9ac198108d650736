"""A small HCPCS release (eight made-up codes) and helpers to read code pages as a reader."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from medcode.accounts.operators import create_user
from medcode.importers.tests.test_hcpcs_anweb import record, write_anweb
from medcode.testing import load_file

CODES = [f"A90{n:02d}" for n in range(1, 21)]
DAY = "2030-05-01"
PASSWORD = "a long test passphrase 42"


def load_codes(folder: Path) -> list[str]:
    records = [
        record(code, "3", f"Test supply number {i}", f"Test supply {i}", add="20000101")
        for i, code in enumerate(CODES, 1)
    ]
    load_file(write_anweb(folder, records), "hcpcs_anweb")
    return CODES


def client(address: str = "192.0.2.10") -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=address)


def page(c: Client, code: str) -> tuple[int, str]:
    response = c.get(f"/codes/{code}", {"date": DAY})
    return response.status_code, response.content.decode()


def is_full(html: str) -> bool:
    """A reader sees the page in full when no section stands gated."""
    return "data-gated=" not in html


def views_left(html: str) -> int | None:
    found = re.search(r'data-testid="views-left"[^>]*>\s*<strong>(\d+)</strong>', html)
    return int(found.group(1)) if found else None


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def account(email: str, plan: str = "free", **kwargs: Any) -> User:
    return create_user(email, password=PASSWORD, plan=plan, **kwargs)


def logged_in(email: str, plan: str = "free", address: str = "192.0.2.10") -> Client:
    account(email, plan)
    c = client(address)
    assert c.login(username=User.objects.get(email=email).username, password=PASSWORD)
    return c
