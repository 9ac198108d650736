"""NCCI facts for a code on a date: MUE per setting, PTP edit counts, add-on relations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from medcode.edits import indicators, queries
from medcode.edits.models import ptp_releases_in_force
from medcode.edits.queries import MUE_DATASETS, PTP_DATASETS, PTP_ROLES
from medcode.releases import cache
from medcode.releases.sql import Cite, iso
from medcode.releases.store import Snapshot

__all__ = [
    "MUE_DATASETS",
    "PTP_DATASETS",
    "PTP_PAGE_SIZE",
    "PTP_ROLES",
    "add_on",
    "add_on_relations",
    "cpt",
    "has_ptp_modifier_edits",
    "mue",
    "ptp_counts",
    "ptp_page",
]


def mue(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for setting, dataset in MUE_DATASETS.items():
        answer = cite(dataset)
        if answer is None:
            continue
        found = queries.mue(answer.release.id, code)
        if found is None:
            result[setting] = None
            continue
        mai = found["adjudication_indicator"]
        result[setting] = {
            "value": found["value"],
            "adjudication_indicator": int(mai),
            "adjudication_meaning": indicators.MUE_ADJUDICATION_INDICATORS.get(mai),
            "adjudication_text": found["adjudication_text"],
            "rationale": found["rationale"],
            "source": answer.release.to_dict(),
        }
    return result or None


def ptp_counts(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    day = snap.as_of
    for setting, dataset in PTP_DATASETS.items():
        answer = cite(dataset)
        if answer is None:
            continue
        # CMS may split a quarter's table into parts (f1..f4), each loaded as a release.
        parts, note = ptp_releases_in_force(dataset, day, snap.releases(dataset))
        ids = tuple(part.id for part in parts)
        counts: dict[str, Any] = {}
        for column in PTP_ROLES:
            counts[f"as_{column}"] = _counted(
                (ids, code, column, day, "", None),
                lambda: queries.ptp_count(ids, code, column, day),  # noqa: B023
            )
        counts["sources"] = [part.to_dict() for part in parts]
        counts["note"] = note
        result[setting] = counts
    return result or None


def _counted(key: tuple[Any, ...], count: Callable[[], int]) -> int:
    """A count of PTP edits, kept in the process until a release is loaded or removed.

    99213 is column 2 of 15,000 edits: counting them took milliseconds on every page. The
    count depends only on the parts' rows (which never change once loaded), the code, the
    role, the filter and the date, so it is kept in a release cache (``releases/cache.py``).
    """
    counts = cache.named("edits.ptp_counts", limit=100_000)
    found: int | None = counts.get(key)
    if found is None:
        found = counts[key] = count()
    return found


def add_on(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("ncci_aoc")
    if answer is None:
        return None
    day = snap.as_of
    as_add_on = queries.addon_type_counts(answer.release.id, code, day)
    primaries = queries.addon_count_for_primary(answer.release.id, code, day)
    types = sorted(int(r["edit_type"]) for r in as_add_on)
    return {
        "is_add_on": bool(as_add_on),
        "edit_types": types,
        "edit_type_meanings": [indicators.AOC_EDIT_TYPES.get(str(t)) for t in types],
        "primary_codes": sum(r["n"] for r in as_add_on),
        "add_on_codes": primaries,
        "source": answer.release.to_dict(),
    }


def cpt(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    """A CPT code the fee schedule does not list but the NCCI tables do (PLA codes, for one).

    NCCI files carry CPT codes without descriptors, so the answer has none.
    """
    for dataset in (*MUE_DATASETS.values(), *PTP_DATASETS.values()):
        answer = snap.in_force(dataset)
        if answer is None:
            continue
        if (
            queries.mue_lists(answer.release.id, code)
            if dataset.startswith("ncci_mue")
            else queries.ptp_lists([answer.release.id], code, "column1")
        ):
            cite(dataset)
            return {
                "code": code,
                "system": "CPT",
                "short_description": None,
                "long_description": None,
                "descriptor_notice": "No descriptor: load a Physician Fee Schedule file that "
                "lists this code to see its CPT short descriptor.",
                "effective_date": None,
                "termination_date": None,
                "status": "listed in NCCI edits",
            }
    return None


PTP_PAGE_SIZE = 50


def ptp_page(
    code: str,
    setting: str,
    role: str,
    snap: Snapshot,
    cite: Cite,
    *,
    offset: int = 0,
    limit: int = PTP_PAGE_SIZE,
    other_prefix: str = "",
    indicator: str | None = None,
) -> dict[str, Any] | None:
    """One page of the PTP edits in force where ``code`` is ``role``, other code ascending.

    ``other_prefix`` keeps edits whose other code starts with it; ``indicator`` keeps one
    modifier indicator ("0" or "1"). None when no table is loaded.
    """
    dataset = PTP_DATASETS[setting]
    if role not in PTP_ROLES:
        raise ValueError(f"role must be column1 or column2, not {role!r}")
    if cite(dataset) is None:
        return None
    day = snap.as_of
    parts, note = ptp_releases_in_force(dataset, day, snap.releases(dataset))
    ids = tuple(part.id for part in parts)
    other = "column2" if role == "column1" else "column1"
    # Same cache key as ptp_counts: the unfiltered total is counted once for both.
    total = _counted(
        (ids, code, role, day, other_prefix, indicator),
        lambda: queries.ptp_count(ids, code, role, day, other_prefix, indicator),
    )
    found = queries.ptp_page(
        ids,
        code,
        role,
        day,
        offset=offset,
        limit=limit,
        other_prefix=other_prefix,
        indicator=indicator,
    )
    return {
        "setting": setting,
        "role": role,
        "total": total,
        "offset": offset,
        "limit": limit,
        "edits": [
            {
                "column1": r["column1"],
                "column2": r["column2"],
                "other_code": r[other],
                "effective_date": iso(r["effective_date"]),
                "deletion_date": iso(r["deletion_date"]),
                "in_existence_before_1996": r["pre_1996"]
                if r["pre_1996"] is None
                else bool(r["pre_1996"]),
                "modifier_indicator": r["modifier_indicator"],
                "modifier_meaning": indicators.PTP_MODIFIER_INDICATORS.get(r["modifier_indicator"]),
                "rationale": r["rationale"],
            }
            for r in found
        ],
        "sources": [part.to_dict() for part in parts],
        "note": note,
    }


def has_ptp_modifier_edits(code: str, snap: Snapshot) -> bool:
    """Whether any PTP edit in force on the date pairs ``code`` with modifier indicator 1."""
    day = snap.as_of
    for dataset in PTP_DATASETS.values():
        parts, _ = ptp_releases_in_force(dataset, day, snap.releases(dataset))
        if not parts:
            continue
        ids = [part.id for part in parts]
        for column in PTP_ROLES:
            if queries.ptp_has_modifier_edit(ids, code, column, day):
                return True
    return False


def add_on_relations(
    code: str, snap: Snapshot, cite: Cite, limit: int = 300
) -> dict[str, Any] | None:
    """The primary codes an add-on code goes with, and the add-on codes a primary code takes.

    At most ``limit`` of each, in code order; the totals say how many there are.
    """
    answer = cite("ncci_aoc")
    if answer is None:
        return None
    day = snap.as_of
    result: dict[str, Any] = {"source": answer.release.to_dict()}
    for key, column in (("primary_codes", "addon_code"), ("add_on_codes", "primary_code")):
        found = queries.addon_relations(answer.release.id, code, column, day)
        found.sort(key=lambda r: r["code"])
        total = len(found)
        found = found[:limit]
        result[key] = {
            "total": total,
            "codes": [
                {
                    "code": r["code"],
                    "edit_type": r["edit_type"],
                    "edit_type_meaning": indicators.AOC_EDIT_TYPES.get(r["edit_type"]),
                    "special_instructions": r["special_instructions"] or None,
                }
                for r in found
            ],
        }
    return result
