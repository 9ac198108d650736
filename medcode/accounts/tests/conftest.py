from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache

from medcode.accounts.metering import forget_plans


class CheapArgon2(Argon2PasswordHasher):
    """Argon2 with small costs: the same algorithm and format, fast enough for many accounts."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def _accounts_test_settings(settings: Any) -> None:
    # django-allauth counts attempts in Django's cache, which outlives a test.
    cache.clear()
    forget_plans()  # each test's transaction starts from the migration's plans
    settings.PASSWORD_HASHERS = ["medcode.accounts.tests.conftest.CheapArgon2"]
