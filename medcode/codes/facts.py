"""HCPCS Level II codes and modifiers for a date of service."""

from __future__ import annotations

from datetime import date
from typing import Any

from medcode.codes import queries
from medcode.codes.indicators import ACTION_CODES, COVERAGE_CODES, PRICING_INDICATORS
from medcode.releases.sql import Cite, iso, to_date
from medcode.releases.store import Snapshot, status_on


def hcpcs(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("hcpcs")
    if answer is None:
        return None
    found = queries.hcpcs(answer.release.id, code)
    if found is None:
        return None
    return {
        "code": code,
        "system": "HCPCS",
        "short_description": found["short_description"],
        "long_description": found["long_description"],
        "effective_date": iso(found["add_date"]),
        "termination_date": iso(found["termination_date"]),
        "status": _status(snap.as_of, found["add_date"], found["termination_date"]),
        "hcpcs": {
            "action_code": _coded(found["action_code"], ACTION_CODES),
            "action_effective_date": iso(found["action_effective_date"]),
            "coverage": _coded(found["coverage_code"], COVERAGE_CODES),
            "pricing_indicators": [
                _coded(p, PRICING_INDICATORS) for p in found["pricing_indicators"].split(",") if p
            ],
            "multiple_pricing_indicator": found["multiple_pricing_indicator"] or None,
            "betos": found["betos"] or None,
            "type_of_service": [t for t in found["type_of_service"].split(",") if t],
            "cross_references": [x for x in found["cross_references"].split(",") if x],
            "asc_group": found["asc_group"] or None,
            "opps_status_indicator": found["opps_payment_indicator"] or None,
            "source": answer.release.to_dict(),
        },
    }


def modifier(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("hcpcs")
    if answer is None:
        return None
    found = queries.modifier(answer.release.id, code)
    if found is None:
        return None
    return {
        "code": code,
        "system": "MODIFIER",
        "short_description": found["short_description"],
        "long_description": found["long_description"],
        "effective_date": iso(found["add_date"]),
        "termination_date": iso(found["termination_date"]),
        "status": _status(snap.as_of, found["add_date"], found["termination_date"]),
    }


def _coded(value: str, meanings: dict[str, str]) -> dict[str, str | None] | None:
    if not value:
        return None
    return {"code": value, "meaning": meanings.get(value)}


def _status(as_of: date, start: Any, end: Any) -> str:
    return status_on(as_of, to_date(start), to_date(end))
