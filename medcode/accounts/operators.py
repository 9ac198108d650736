"""What an operator does from the command line: make accounts, set plans, issue API keys."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from medcode.accounts import roles
from medcode.accounts.metering import account_reader
from medcode.accounts.models import Plan


class OperatorError(ValueError):
    """A bad argument, named in the message."""


def _plan(name: str) -> Plan:
    from medcode.accounts.metering import DEFAULT_PLANS, plan_named

    if name in DEFAULT_PLANS:
        # The default plans are made again when missing (a flushed test database, say), as
        # the metering does; so an operator can always name them.
        return plan_named(name)
    plan = Plan.objects.filter(name=name).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("name", flat=True))
        raise OperatorError(f"plan {name!r}: no such plan (known: {known})")
    return plan


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise OperatorError(f"{email}: no account with this email address")
    return user


def _username_for(email: str) -> str:
    from allauth.utils import generate_unique_username

    return str(generate_unique_username([email.split("@")[0], "user"]))


def create_user(
    email: str, *, password: str | None, plan: str = "free", role_names: list[str] | None = None
) -> User:
    """An account with a verified address (the operator vouches for it), plan and roles."""
    from allauth.account.models import EmailAddress

    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise OperatorError(f"{email!r} is not an email address") from None
    chosen = _plan(plan)
    wanted = [roles.check_role(r) for r in role_names or []]
    if User.objects.filter(email__iexact=email).exists():
        raise OperatorError(f"{email}: an account with this address exists already")
    if password is not None:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, User(email=email))
        except ValidationError as exc:
            raise OperatorError("password: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(_username_for(email), email, password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        reader = account_reader(user)
        reader.plan = chosen
        reader.save(update_fields=["plan"])
        for role in wanted:
            roles.grant_role(user, role)
    return user


def set_plan(email: str, plan: str) -> User:
    user = _user(email)
    reader = account_reader(user)
    reader.plan = _plan(plan)
    reader.save(update_fields=["plan"])
    return user


def create_api_key(email: str, name: str = "") -> tuple[Any, str]:
    from medcode.accounts.apikeys import create_key

    return create_key(_user(email), name)
