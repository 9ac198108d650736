"""Check claims: run every rule, price every line, as of each claim's date of service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medcode.claims.claim import Claim
from medcode.claims.context import ClaimContext
from medcode.claims.payment import line_amounts
from medcode.claims.registry import RULES
from medcode.claims.rules.base import Finding
from medcode.releases.store import ReleaseRef, Snapshot, all_releases

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_claim(claim: Claim, releases: list[ReleaseRef] | None = None) -> dict[str, Any]:
    ctx = ClaimContext(claim, Snapshot(claim.date_of_service, releases))
    findings: list[Finding] = []
    for rule in RULES.values():
        if rule.applies(ctx):
            findings.extend(rule.check(ctx))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.lines, f.rule))
    amounts = line_amounts(ctx)
    lines = [
        {"line": line.number, "code": line.code, "allowed_amount": amounts[line.number]}
        for line in claim.lines
    ]
    priced = [line["allowed_amount"] for line in lines if line["allowed_amount"] is not None]
    return {
        "id": claim.id,
        "findings": [f.to_dict() for f in findings],
        "lines": lines,
        "total_allowed": float(sum(Decimal(str(a)) for a in priced)) if priced else None,
        "notes": [answer.note for answer in ctx.consulted.values() if answer.note],
    }


def check_claims(claims: list[Claim]) -> dict[str, Any]:
    releases = all_releases()  # one read for the whole batch
    return {"claims": [check_claim(claim, releases) for claim in claims]}
