"""Characters no field may hold: control characters, bidi overrides and lone surrogates.

A C0/C1 control character or DEL starts a terminal escape sequence, a bidirectional override
reorders what a reader sees, and half of a UTF-16 surrogate pair (``"\\udfff"`` in JSON) cannot
be stored by PostgreSQL, sent or printed. Claims refuse them in every field, the assistant in a
question (where line breaks and tabs are what a box holds), and logs show them escaped.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TYPED_IN_A_BOX = frozenset("\n\r\t")


def unsafe_character(text: str, *, line_breaks: bool = False) -> re.Match[str] | None:
    """The first character of ``text`` no field may hold, or None; ``line_breaks`` allows
    line breaks and tabs."""
    if text.isascii() and text.isprintable():
        return None  # nearly every value: checked at C speed first
    for found in UNSAFE.finditer(text):
        if not (line_breaks and found.group() in _TYPED_IN_A_BOX):
            return found
    return None


def what_it_is(char: str) -> str:
    """How an error message names an unsafe character."""
    if "\ud800" <= char <= "\udfff":
        return "half of a UTF-16 surrogate pair, not a character"
    return "a control or text-direction character"
