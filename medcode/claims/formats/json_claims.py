"""medcode's JSON claim form (docs/claims.md): one claim object or a list of them."""

from __future__ import annotations

import json
import re

from medcode.claims.claim import Claim, ClaimError, parse_claims
from medcode.claims.formats import decode


def read_json(data: bytes | str) -> list[Claim]:
    text = decode(data)
    try:
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            # An integer over Python's 4,300 digits: read again, that number as a LongNumber,
            # so that the field holding it is named (only here: the hook costs on every number).
            parsed = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise ClaimError(
            f"not valid JSON ({exc.msg}, column {exc.colno})", at=f"line {exc.lineno}"
        ) from None
    except RecursionError:
        # A claim nests five deep; arrays or objects nested by the thousand are not claims.
        # (Less deep ones are read and refused field by field: the checks never recurse.)
        raise ClaimError(
            f"not a claim: arrays or objects are nested more than {MAX_DEPTH} deep",
            at=_deep_at(text),
        ) from None
    if isinstance(parsed, list) and not parsed:
        raise ClaimError("the list of claims is empty")
    return parse_claims(parsed)


#: A list of claims -> claim -> lines -> line -> modifiers is five deep; room to spare.
MAX_DEPTH = 10


class LongNumber:
    """A JSON integer too long to be any claim value. Read as this rather than refused with
    the whole body, so that the error names the field that holds it (Python will not read an
    integer of more than 4,300 digits, and a claim has none of more than a few)."""

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _integer(text: str) -> int | LongNumber:
    return int(text) if len(text) <= 30 else LongNumber(text)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _deep_at(text: str) -> str:
    """Where (``line L, column C``) the nesting first goes past MAX_DEPTH."""
    depth, line, line_start = 0, 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line, line_start = line + 1, match.end()
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return f"line {line}, column {match.start() - line_start + 1}"
        elif token in "]}":
            depth -= 1
    return "line 1"
