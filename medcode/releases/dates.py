"""The date of service as people type it: ``YYYY-MM-DD`` and nothing else.

Python's ``date.fromisoformat`` also takes ``20260504`` and ISO week dates (``2026-W01-1``);
medcode documents one form, and a form it does not document is more likely a typing slip
than a choice, so the CLI, the API and the pages all read dates here and give one message.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class BadDate(ValueError):
    """Text that is not a date written as YYYY-MM-DD."""


def parse_as_of(text: str, name: str = "date") -> date:
    """``text`` (surrounding spaces ignored) as a date; BadDate names ``name`` and the text."""
    value = text.strip()
    if _DATE.fullmatch(value):
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    shown = value if len(value) <= 20 else value[:20] + "…"
    raise BadDate(f"{name} {shown!r} is not a date: write it as YYYY-MM-DD (e.g. 2026-05-04)")


#: Month names and their usual abbreviations, as CMS and CDC file names and people write them.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def as_of_param(text: str | None, today: date | None = None) -> date:
    """The date of service a page or endpoint was asked for: ``?date=`` or, when blank, today.

    Every view and endpoint reads its date here, so a bad one gets the one BadDate message.
    """
    if text is None or not text.strip():
        return today if today is not None else date.today()
    return parse_as_of(text)
