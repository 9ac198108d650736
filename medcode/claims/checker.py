"""Check claims: run every rule, price every line, as of each claim's date of service."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from medcode.claims.claim import Claim
from medcode.claims.context import ClaimContext, StoreCache
from medcode.claims.expected import expected_payments, total
from medcode.claims.limits import bounded_findings
from medcode.claims.payment import line_prices
from medcode.claims.registry import RULES
from medcode.claims.rules.base import Finding
from medcode.claims.rules.patient import NEEDS
from medcode.releases.store import ReleaseRef

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_claim(
    claim: Claim, releases: list[ReleaseRef] | None = None, store: StoreCache | None = None
) -> dict[str, Any]:
    """One claim's findings and prices. ``store`` shares store answers with a batch's claims."""
    if store is None:
        store = StoreCache(releases)
        store.add([claim])
    ctx = ClaimContext(claim, store=store)
    findings: list[Finding] = []
    for rule in RULES.values():
        if rule.applies(ctx):
            findings.extend(rule.check(ctx))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.lines, f.rule))
    shown, limit_note = bounded_findings(findings)
    prices = line_prices(ctx)
    expected = expected_payments(ctx, findings, prices)
    lines = []
    for line in claim.lines:
        price = prices[line.number]
        paid = expected[line.number]
        lines.append(
            {
                "line": line.number,
                "code": line.code,
                "allowed_amount": price.amount,
                "expected_payment": paid.payment,
                "at_risk": paid.at_risk,
                "at_risk_rules": list(paid.rules),
                "adjustments": list(price.adjustments),
            }
        )
    notes = [answer.note for answer in ctx.consulted.values() if answer.note]
    skipped = _skipped_patient_checks(claim)
    if skipped:
        notes.append(skipped)
    elif claim.diagnoses and ctx.patient_groups() is None:
        notes.append(
            "No ICD-10-CM Tabular List is loaded: the diagnosis-patient checks "
            f"{', '.join(NEEDS)} did not run."
        )
    if limit_note:
        notes.append(limit_note)
    return {
        "id": claim.id,
        "patient": {
            "sex": claim.patient.sex,
            "birth_date": claim.patient.birth_date.isoformat()
            if claim.patient.birth_date
            else None,
        },
        "findings": shown,
        "lines": lines,
        "total_allowed": total([price.amount for price in prices.values()]),
        "total_expected_payment": total([paid.payment for paid in expected.values()]),
        "total_at_risk": total([paid.at_risk for paid in expected.values()]),
        "notes": notes,
    }


def _skipped_patient_checks(claim: Claim) -> str | None:
    """One note naming the diagnosis-patient rules a claim's missing patient data skipped."""
    if not claim.diagnoses:
        return None
    missing = set()
    if claim.patient.sex not in ("F", "M"):
        missing.add("sex")
    if claim.patient.birth_date is None:
        missing.add("birth_date")
    if not missing:
        return None
    rules = [rule for rule, need in NEEDS.items() if need in missing]
    what = " and ".join(
        name
        for key, name in (("sex", "the patient's sex (F or M)"), ("birth_date", "birth date"))
        if key in missing
    )
    return f"Without {what}, the diagnosis-patient checks {', '.join(rules)} did not run."


def check_claims(claims: list[Claim]) -> dict[str, Any]:
    # One cache for the batch: each table is read once per release for every code of the batch.
    store = StoreCache()
    store.add(claims)
    with _collector_paused(len(claims) >= GC_PAUSE_CLAIMS):
        return {"claims": [check_claim(claim, store=store) for claim in claims]}


#: Batches at least this long are checked with the cyclic garbage collector paused.
GC_PAUSE_CLAIMS = 50


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch, then restore it.

    A batch makes many small dicts and keeps none in cycles (reference counting frees them);
    the collector's passes over the process's cached answers cost about a tenth of a batch's
    time. Not for single claims, where it changes nothing measurable.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
