"""ICD-10-CM and ICD-10-PCS codes for a date of service.

The order file in force says whether a code exists and may be reported on that date; the
other loaded fiscal years say since when it has existed, or that it was deleted. The Tabular
List adds the hierarchy and the instructional notes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from medcode.icd10 import queries
from medcode.icd10.codes import format_icd10cm
from medcode.releases.sql import Cite
from medcode.releases.store import Snapshot


def icd10cm(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = _code_answer("icd10cm", "billable", code, snap, cite)
    if answer is None:
        return None
    answer["code"] = format_icd10cm(code)
    answer["system"] = "ICD-10-CM"
    tabular = _tabular(code, cite)
    if tabular is not None:
        answer["tabular"] = tabular
        answer["hierarchy"] = tabular.pop("hierarchy")
    return answer


def icd10pcs(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = _code_answer("icd10pcs", "valid", code, snap, cite)
    if answer is None:
        return None
    answer["code"] = code
    answer["system"] = "ICD-10-PCS"
    return answer


def _code_answer(
    dataset: str, flag: str, code: str, snap: Snapshot, cite: Cite
) -> dict[str, Any] | None:
    in_force = cite(dataset)
    if in_force is None:
        return None
    found = queries.order_rows(dataset, [ref.id for ref in snap.releases(dataset)], code)
    if not found:
        return None
    by_release = {r["release_id"]: r for r in found}
    having = [ref for ref in snap.releases(dataset) if ref.id in by_release]
    current = by_release.get(in_force.release.id)
    if current is not None:
        status, termination = "active", None
        shown = current
    else:
        later = [ref for ref in having if ref.period_start > in_force.release.period_start]
        earlier = [ref for ref in having if ref.period_start < in_force.release.period_start]
        if earlier and not later:
            status = "terminated"
            termination = (in_force.release.period_start - timedelta(days=1)).isoformat()
            shown = by_release[earlier[-1].id]
        else:
            status, termination = "not yet effective", None
            shown = by_release[later[0].id]
    first = having[0]
    return {
        "short_description": shown["short_title"],
        "long_description": shown["long_title"],
        # The start of the earliest loaded fiscal year listing the code: a lower bound.
        "effective_date": first.period_start.isoformat(),
        "termination_date": termination,
        "status": status,
        flag: bool(shown["flag"]),
        "releases_listing_code": [ref.version for ref in having],
        "releases_not_listing_code": [
            ref.version for ref in snap.releases(dataset) if ref.id not in by_release
        ],
    }


def _tabular(code: str, cite: Cite) -> dict[str, Any] | None:
    answer = cite("icd10cm_tabular")
    if answer is None:
        return None
    release_id = answer.release.id
    entry = queries.tabular_entry(release_id, code)
    own = entry is not None
    if entry is None:
        # A code with a 7th character (S72.001A) has no element of its own: the Tabular List
        # stops at S72.001 (or at a placeholder level) and defines the 7th character higher up.
        for length in range(len(code) - 1, 2, -1):
            entry = queries.tabular_entry(release_id, code[:length])
            if entry is not None:
                break
        if entry is None:
            return None
    hierarchy: list[dict[str, Any]] = []
    if not own:
        hierarchy.append(_level(entry))
    parent, depth = entry["parent_code"], entry["depth"]
    if parent and depth > 0:
        above = queries.tabular_ancestors(release_id, parent.replace(".", ""), depth - 1)
        # One entry per level: the walk stops where a level is missing, as the file's nesting.
        levels: dict[int, dict[str, Any]] = {}
        for found in above:
            levels.setdefault(found["depth"], found)
        chain = [levels[d] for d in sorted(levels, reverse=True)]
        expected = depth - 1
        kept = []
        for found in chain:
            if found["depth"] != expected:
                break
            kept.append(found)
            expected -= 1
        hierarchy[:0] = [_level(found) for found in reversed(kept)]
    result: dict[str, Any] = {
        "title": entry["title"] if own else None,
        "notes": json.loads(entry["notes_json"] or "{}") if own else {},
        "hierarchy": hierarchy,
        "source": answer.release.to_dict(),
    }
    if not own:
        result["seventh_character"] = _seventh(code, hierarchy)
    return result


def _level(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": found["code"],
        "kind": found["kind"],
        "title": found["title"],
        "notes": json.loads(found["notes_json"] or "{}"),
    }


def _seventh(code: str, hierarchy: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the code's 7th character means, from the nearest level that defines it."""
    if len(code) != 7:
        return None
    character = code[-1]
    for level in reversed(hierarchy):
        meanings = level["notes"].get("sevenChrDef")
        if isinstance(meanings, dict) and character in meanings:
            return {
                "character": character,
                "meaning": meanings[character],
                "defined_at": level["code"],
            }
    return None
