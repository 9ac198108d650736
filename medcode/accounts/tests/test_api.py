"""The API with and without keys: the same metering as the pages, daily quotas, locked fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medcode.accounts.models import ApiKey, Plan
from medcode.accounts.operators import create_api_key
from medcode.accounts.tests.fixtures import DAY, account, client, load_codes, logged_in, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(tmp_path: Path, settings: Any) -> list[str]:
    settings.MEDCODE_ACCESS = "metered"
    return load_codes(tmp_path)


def get(key: str, code: str) -> Any:
    return client().get(f"/api/v1/codes/{code}", {"date": DAY}, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_key_is_shown_once_and_stored_only_as_a_hash(codes: list[str]) -> None:
    account("api@example.org")

    row, key = create_api_key("api@example.org", "script")

    assert key.startswith(row.prefix + "_")
    stored = ApiKey.objects.values_list("prefix", "hashed", "name").get()
    assert key not in " ".join(stored) and key[len(row.prefix) + 1 :] not in " ".join(stored)
    assert get(key, codes[0]).status_code == 200


def test_pages_and_api_share_one_account_s_six_codes(codes: list[str]) -> None:
    browser = logged_in("both@example.org")
    _, key = create_api_key("both@example.org")
    for code in codes[:3]:
        page(browser, code)

    answers = [get(key, code).json() for code in codes[3:7]]

    assert ["locked" not in str(a["history"]) for a in answers] == [True, True, True, False]
    locked = answers[3]["history"]
    assert locked["locked"] is True
    assert locked["plan"] == "member"
    assert answers[3]["short_description"] == "Test supply 7"  # the descriptor stays open


def test_a_guest_without_a_key_gets_locked_markers_naming_the_free_plan(codes: list[str]) -> None:
    guest = client()
    first = guest.get(f"/api/v1/codes/{codes[0]}", {"date": DAY}).json()
    second = guest.get(f"/api/v1/codes/{codes[1]}", {"date": DAY}).json()

    assert "locked" not in str(first)
    gated = [
        name for name, value in second.items() if isinstance(value, dict) and value.get("locked")
    ]
    assert {"history", "coverage", "ptp", "mue", "add_on", "modifiers"} <= set(gated)
    assert second["history"]["plan"] == "free"


def test_over_the_daily_quota_the_api_answers_429_with_retry_after(codes: list[str]) -> None:
    free = Plan.objects.get(name="free")
    free.api_requests_per_day = 3
    free.save()  # as the admin does
    account("quota@example.org")
    _, key = create_api_key("quota@example.org")

    answers = [get(key, codes[0]) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[3]
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["ok"] is False
    assert "3 API requests a day" in refused.json()["error"]


def test_a_revoked_or_wrong_key_is_refused(codes: list[str]) -> None:
    account("gone@example.org")
    row, key = create_api_key("gone@example.org")
    ApiKey.objects.filter(pk=row.pk).update(revoked="2030-01-01T00:00:00Z")

    assert get(key, codes[0]).status_code == 401
    assert get(key[:-1] + "x", codes[0]).status_code == 401
    assert get("not-a-key", codes[0]).status_code == 401


def test_a_person_creates_and_revokes_a_key_on_the_profile_page(codes: list[str]) -> None:
    browser = logged_in("self@example.org")

    browser.post("/accounts/keys/", {"name": "billing script"})
    shown = browser.get("/accounts/profile/").content.decode()
    again = browser.get("/accounts/profile/").content.decode()

    row = ApiKey.objects.get()
    assert f'data-testid="new-key">{row.prefix}_' in shown
    assert 'data-testid="new-key"' not in again  # shown once
    key = shown.split('data-testid="new-key">')[1].split("<")[0]
    assert get(key, codes[0]).status_code == 200
    browser.post(f"/accounts/keys/{row.pk}/revoke")
    assert get(key, codes[0]).status_code == 401
