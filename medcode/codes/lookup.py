"""What the store knows about one code on a date of service: the answer behind
``medcode code``, ``GET /api/v1/codes/<code>`` and (later) the code page.

Each domain app contributes its facts (``medcode/<app>/facts.py``); this module works out
which code systems a string can belong to, asks each app, and puts the answer together
with the releases it cites.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from medcode.codes import facts as hcpcs_facts
from medcode.codes import listings
from medcode.codes.history import code_history
from medcode.codes.modifiers import modifier_guidance
from medcode.content import crosswalks_for, description_for
from medcode.content.index_terms import also_known_as
from medcode.coverage import facts as coverage_facts
from medcode.edits import facts as edit_facts
from medcode.fees import facts as fee_facts
from medcode.icd10 import facts as icd10_facts
from medcode.releases.budget import time_budget
from medcode.releases.store import InForce, Snapshot
from medcode.releases.systems import CPT_CODE, HCPCS_CODE, SYSTEMS

_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
# A letter, then a digit (E11) or, since FY2026, a letter and a digit (QA0, QA00101).
_ICD10CM = re.compile(r"^[A-Z](\d[A-Z0-9]|[A-Z]\d)([A-Z0-9]{1,4})?$")
# Seven characters, or a three-character table header of the order file (001, 0DT, B02).
_ICD10PCS = re.compile(r"^([0-9A-HJ-NP-Z]{7}|[0-9BCDFGHX][0-9A-HJ-NP-Z]{2})$")


class MalformedCode(ValueError):
    pass


class CodeNotFound(LookupError):
    pass


def candidate_systems(text: str) -> tuple[str, list[str]]:
    """The code as stored (upper case, no dot) and the systems it may be in, likeliest first."""
    raw = text.strip().upper()
    if not raw or len(raw) > 10:
        raise MalformedCode(_malformed_message(text))
    dotted = "." in raw
    code = raw.replace(".", "")
    systems: list[str] = []
    if dotted:
        # Only ICD-10-CM writes a dot (after the category).
        if raw.index(".") == 3 and _ICD10CM.match(code):
            systems.append("ICD-10-CM")
    else:
        if _MODIFIER.match(code):
            systems.append("MODIFIER")
        if HCPCS_CODE.match(code):
            systems.append("HCPCS")
        if CPT_CODE.match(code):
            systems.append("CPT")
        if _ICD10CM.match(code):
            systems.append("ICD-10-CM")
        if _ICD10PCS.match(code):
            systems.append("ICD-10-PCS")
    if not systems:
        raise MalformedCode(_malformed_message(text))
    return code, systems


def _malformed_message(text: str) -> str:
    shown = text if len(text) <= 40 else text[:40] + "…"
    return (
        f"{shown!r} is not a code: expected a CPT or HCPCS code (97014, G0283), an ICD-10-CM "
        "code (E11.65), an ICD-10-PCS code (0016070) or a two-character modifier (GP)"
    )


def lookup(
    text: str,
    as_of: date,
    *,
    system: str | None = None,
    locality: str | None = None,
    snap: Snapshot | None = None,
) -> dict[str, Any]:
    """All the store knows about a code on ``as_of``; raises MalformedCode or CodeNotFound.

    ``locality`` (``MAC-locality``, e.g. ``13202-01``) adds the code's GPCI-adjusted amounts
    there under ``locality_fees``; a locality the GPCI release does not list is MalformedCode.
    ``snap`` (of ``as_of``) lets a caller that reads more from the same releases share it.
    Runs within the look-up time budget (``medcode.releases.budget``): past it, BudgetExceeded.
    """
    with time_budget():
        return _lookup(text, as_of, system=system, locality=locality, snap=snap)


def _lookup(
    text: str,
    as_of: date,
    *,
    system: str | None,
    locality: str | None,
    snap: Snapshot | None,
) -> dict[str, Any]:
    code, systems = candidate_systems(text)
    if system is not None:
        if system not in SYSTEMS:
            raise MalformedCode(f"unknown code system {system!r}: use one of {', '.join(SYSTEMS)}")
        if system not in systems:
            raise MalformedCode(f"{text!r} cannot be a {system} code")
        systems = [system]
    if snap is None or snap.as_of != as_of:
        snap = Snapshot(as_of)
    # Each candidate system cites the releases it read; only the answer's citations are kept.
    cited: dict[str, InForce] = {}

    def cite(dataset: str) -> InForce | None:
        answer = snap.in_force(dataset)
        if answer is not None:
            cited[dataset] = answer
        return answer

    listing: list[dict[str, Any]] | None = None

    def listed_only(system: str) -> dict[str, Any] | None:
        # A code no descriptor file lists may still be named by an MUE, PTP, add-on or fee
        # file (Q2057, 0583U): it answers, saying which releases list it.
        nonlocal listing
        if listing is None:
            listing = listings.listed_by(code, snap)
        return listings.listed_only(code, system, snap, cite, listing)

    found: list[tuple[dict[str, Any], dict[str, InForce]]] = []
    for candidate in systems:
        cited = {}
        if candidate == "MODIFIER":
            answer = hcpcs_facts.modifier(code, snap, cite)
        elif candidate == "HCPCS":
            answer = hcpcs_facts.hcpcs(code, snap, cite) or listed_only("HCPCS")
        elif candidate == "CPT":
            answer = (
                fee_facts.cpt(code, snap, cite)
                or edit_facts.cpt(code, snap, cite)
                or listed_only("CPT")
            )
        elif candidate == "ICD-10-CM":
            answer = icd10_facts.icd10cm(code, snap, cite)
        else:
            answer = icd10_facts.icd10pcs(code, snap, cite)
        if answer is not None:
            found.append((answer, cited))
    if not found:
        loaded = ", ".join(snap.datasets()) or "none"
        raise CodeNotFound(
            f"{text.strip()} is not in any loaded release ({' or '.join(systems)}; "
            f"datasets loaded: {loaded})"
        )
    result, cited = found[0]
    result["other_systems"] = [f["system"] for f, _ in found[1:]]
    if result["system"] in ("HCPCS", "CPT"):
        result["fees"] = fee_facts.fees(code, snap, cite)
        result["mue"] = edit_facts.mue(code, snap, cite)
        result["ptp"] = edit_facts.ptp_counts(code, snap, cite)
        result["add_on"] = edit_facts.add_on(code, snap, cite)
        result["coverage"] = coverage_facts.ncds_for_procedure(code, snap, cite)
        result["modifiers"] = modifier_guidance(code, result, snap, cite)
        result["listed_by"] = listing if listing is not None else listings.listed_by(code, snap)
        if locality:
            result["locality_fees"] = _locality_fees(code, snap, cite, locality)
    elif result["system"] == "ICD-10-CM":
        result["coverage"] = coverage_facts.ncds_for_diagnosis(code, snap, cite)
    description = description_for(code)
    result["plain_language"] = description.to_dict() if description else None
    # Our own index terms (issue 11): every face shows the same "also known as" for a CPT code.
    result["also_known_as"] = list(also_known_as(code)) if result["system"] == "CPT" else []
    result["crosswalks"] = [entry.to_dict() for entry in crosswalks_for(code)]
    result["history"] = code_history(code, result["system"], snap)
    result["as_of"] = as_of.isoformat()
    result["sources"] = [answer.to_dict() for answer in cited.values()]
    result["notes"] = [answer.note for answer in cited.values() if answer.note]
    return result


def _locality_fees(code: str, snap: Snapshot, cite: Any, locality: str) -> dict[str, Any] | None:
    try:
        amounts = fee_facts.locality_amounts(
            code, snap, cite, locality.strip(), every_locality=False
        )
    except fee_facts.UnknownLocality as exc:
        raise MalformedCode(str(exc)) from None
    # The JSON answer names the one locality asked for; the code page charts them all.
    return amounts
