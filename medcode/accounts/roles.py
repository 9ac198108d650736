"""Staff roles as Django auth Groups, named exactly as other apps ask for them.

``has_role(user, "employer")`` is the contract the jobs and consultation apps build on. The
groups are created by a migration; an administrator (role ``admin``) is also Django staff and
superuser, so the admin site opens for them.
"""

from __future__ import annotations

from typing import Any

ROLES: dict[str, str] = {
    "editor": "writes guides and plain-language content",
    "consultant": "answers consultations",
    "employer": "posts jobs",
    "admin": "administers medcode (Django admin, plans, accounts)",
}


class UnknownRole(ValueError):
    pass


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRole(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def has_role(user: Any, role: str) -> bool:
    """Whether a user holds a role; superusers hold ``admin``. Anonymous users hold none."""
    check_role(role)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if role == "admin" and user.is_superuser:
        return True
    return bool(user.groups.filter(name=role).exists())


def roles_of(user: Any) -> list[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if user.is_superuser:
        names.add("admin")
    return [r for r in ROLES if r in names]


def grant_role(user: Any, role: str) -> None:
    from django.contrib.auth.models import Group

    check_role(role)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role == "admin":
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
