"""API keys: made once, shown once, stored as a hash, found by their prefix.

A key is ``mc_<8 hex>_<43 random>``; the first part is kept in clear (``prefix``) so a person
can tell their keys apart and the server finds the row without scanning. The rest is 256
random bits, so a single SHA-256 is enough to store it (a slow password hash guards against
guessing low-entropy passwords, which keys are not, and would cost every API request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from medcode.accounts.metering import account_reader, plan_of
from medcode.accounts.models import ApiKey, Reader

KEY_PREFIX = "mc_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(user: Any, name: str = "") -> tuple[ApiKey, str]:
    """A new key for ``user``: the row, and the key itself (shown this once)."""
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    key = f"{prefix}_{secret}"
    row = ApiKey.objects.create(user=user, name=name[:80], prefix=prefix, hashed=_digest(key))
    return row, key


def find_key(key: str) -> ApiKey | None:
    """The live key row a presented key matches, or None."""
    key = key.strip()
    # The secret part may itself hold "_": the prefix is split off by its fixed length.
    prefix, separator, secret = key[:PREFIX_LENGTH], key[PREFIX_LENGTH : PREFIX_LENGTH + 1], key
    if not prefix.startswith(KEY_PREFIX) or separator != "_" or len(secret) < PREFIX_LENGTH + 20:
        return None
    row = ApiKey.objects.select_related("user").filter(prefix=prefix, revoked__isnull=True).first()
    if row is None or not hmac.compare_digest(row.hashed, _digest(key)):
        return None
    if not row.user.is_active:
        return None
    return row


def revoke_key(user: Any, key_id: int) -> bool:
    return bool(
        ApiKey.objects.filter(user=user, pk=key_id, revoked__isnull=True).update(
            revoked=timezone.now()
        )
    )


class Quota:
    """The outcome of counting one API request against a plan's daily quota."""

    def __init__(self, limit: int | None, used: int, allowed: bool) -> None:
        self.limit = limit
        self.used = used
        self.allowed = allowed

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    @staticmethod
    def seconds_to_reset() -> int:
        now = timezone.now()
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return max(1, int((midnight - now).total_seconds()))


def count_request(user: Any) -> Quota:
    """Count one API request for the account, atomically; refused once the day's quota is used."""
    reader = account_reader(user)
    today = timezone.now().date()
    with transaction.atomic():
        locked = Reader.objects.select_for_update().get(pk=reader.pk)
        limit = plan_of(locked).api_requests_per_day
        used = locked.api_used if locked.api_day == today else 0
        if limit is not None and used >= limit:
            return Quota(limit, used, False)
        Reader.objects.filter(pk=reader.pk).update(api_day=today, api_used=used + 1)
    return Quota(limit, used + 1, True)


def touch(row: ApiKey) -> None:
    """Note when a key was last used, at most once a minute (a write per request is waste)."""
    now = timezone.now()
    if row.last_used is None or now - row.last_used > timedelta(minutes=1):
        ApiKey.objects.filter(pk=row.pk).update(last_used=now)
