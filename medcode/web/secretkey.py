"""The secret key: ``SECRET_KEY`` from the environment, else a key medcode created once.

``medcode serve`` (not ``--dev``) never runs on the development placeholder: when no key is
set it creates one in ``$MEDCODE_HOME/secret_key``, readable by its owner only (0600), and says
so. The key signs CSRF tokens and sessions; losing it logs users out, nothing more.
"""

from __future__ import annotations

import os
from pathlib import Path

DEV_PLACEHOLDER = "medcode-dev-only-not-secret"
FILE_NAME = "secret_key"


def read_secret_key(home: Path) -> str:
    """What settings.SECRET_KEY is: the environment's, the file's, or the placeholder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        return (home / FILE_NAME).read_text().strip() or DEV_PLACEHOLDER
    except OSError:
        return DEV_PLACEHOLDER


def weak_reason(key: str) -> str | None:
    """Why a key is not fit to serve with, or None."""
    if key == DEV_PLACEHOLDER:
        return "it is the development placeholder"
    if len(key) < 50 or len(set(key)) < 5:
        return "it is shorter than 50 characters or repeats too few of them"
    return None


def ensure_secret_key(home: Path) -> tuple[str, str | None]:
    """The key to serve with, and a message when one was created (or why none can be used).

    Raises ``ValueError`` when ``SECRET_KEY`` is set in the environment but weak: an operator
    who set one meant it, so it is not silently replaced.
    """
    from django.core.management.utils import get_random_secret_key

    given = os.environ.get("SECRET_KEY")
    if given:
        reason = weak_reason(given)
        if reason:
            raise ValueError(f"SECRET_KEY is not fit to serve with: {reason}")
        return given, None
    path = home / FILE_NAME
    key = read_secret_key(home)
    if key != DEV_PLACEHOLDER:
        reason = weak_reason(key)
        if reason:
            raise ValueError(f"{path}: not fit to serve with: {reason}")
        return key, None
    home.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    # O_EXCL: two servers starting at once never overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret_key(home), None
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key, (
        f"created a secret key in {path} (mode 0600); keep it with the database, "
        "or set SECRET_KEY to use your own"
    )
