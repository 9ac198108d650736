"""At log-in, the code pages the visitor opened as a guest count for the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def _merge_guest(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    from medcode.accounts.metering import merge_guest_into

    merge_guest_into(request, user)
