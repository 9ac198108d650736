"""medcode's JSON claim form (docs/claims.md): one claim object or a list of them."""

from __future__ import annotations

import json

from medcode.claims.claim import Claim, ClaimError, parse_claims
from medcode.claims.formats import decode


def read_json(data: bytes | str) -> list[Claim]:
    text = decode(data)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimError(
            f"not valid JSON ({exc.msg}, column {exc.colno})", at=f"line {exc.lineno}"
        ) from None
    if isinstance(parsed, list) and not parsed:
        raise ClaimError("the list of claims is empty")
    return parse_claims(parsed)
