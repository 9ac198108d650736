"""A Medicare office claim in medcode's JSON form, for the claim tests to vary."""

from __future__ import annotations

from typing import Any


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A practitioner claim in Alabama (10112-00) on 2026-05-04 with ``lines``; ``fields``
    replace any claim field."""
    data: dict[str, Any] = {
        "id": "c1",
        "payer": "medicare",
        "setting": "practitioner",
        "place_of_service": "11",
        "date_of_service": "2026-05-04",
        "locality": "10112-00",
        "diagnoses": ["M17.11"],
        "lines": list(lines),
    }
    data.update(fields)
    return data
