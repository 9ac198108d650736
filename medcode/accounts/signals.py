"""At log-in, the code pages the visitor opened as a guest count for the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


@receiver(user_logged_in)
def _merge_guest(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    from medcode.accounts.metering import merge_guest_into

    merge_guest_into(request, user)


@receiver(post_save, sender="accounts.Plan")
@receiver(post_delete, sender="accounts.Plan")
def _plans_changed(sender: Any, **kwargs: Any) -> None:
    from medcode.accounts.metering import forget_plans

    forget_plans()
