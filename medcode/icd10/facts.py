"""ICD-10-CM and ICD-10-PCS codes for a date of service.

The order file in force says whether a code exists and may be reported on that date; the
other loaded fiscal years say since when it has existed, or that it was deleted. The Tabular
List adds the hierarchy and the instructional notes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from medcode.icd10.codes import format_icd10cm
from medcode.releases.sql import Cite, row, rows
from medcode.releases.store import Snapshot


def icd10cm(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = _code_answer("icd10cm", "icd10_icd10cmcode", "billable", code, snap, cite)
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
    answer = _code_answer("icd10pcs", "icd10_icd10pcscode", "valid", code, snap, cite)
    if answer is None:
        return None
    answer["code"] = code
    answer["system"] = "ICD-10-PCS"
    return answer


def _code_answer(
    dataset: str, table: str, flag: str, code: str, snap: Snapshot, cite: Cite
) -> dict[str, Any] | None:
    in_force = cite(dataset)
    if in_force is None:
        return None
    ids = ", ".join(str(ref.id) for ref in snap.releases(dataset))
    found = rows(
        f"SELECT release_id, {flag} AS flag, short_title, long_title FROM {table} "
        f"WHERE release_id IN ({ids}) AND code = %s",
        [code],
    )
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


# A section and a category may share an id (section "C50" holds only category C50), so an
# entry is found by its code *and* its depth: the code itself is the deepest entry of that id,
# and a parent is always exactly one level above its child.
_TABULAR_ENTRY = (
    "SELECT code, kind, parent_code, depth, title, notes_json FROM icd10_icd10cmtabularentry "
    "WHERE release_id = %s AND code_nodot = %s ORDER BY depth DESC LIMIT 1"
)
# Every level above an entry in one statement: each step joins the parent one level up, so the
# recursion ends after at most ``depth`` steps whatever the data (issue 8: a walk by id alone
# looped forever where a section and its category share an id).
_TABULAR_ANCESTORS = (
    "WITH RECURSIVE up(code, kind, parent_code, depth, title, notes_json) AS ("
    "SELECT code, kind, parent_code, depth, title, notes_json FROM icd10_icd10cmtabularentry "
    "WHERE release_id = %s AND code_nodot = %s AND depth = %s "
    "UNION ALL "
    "SELECT e.code, e.kind, e.parent_code, e.depth, e.title, e.notes_json "
    "FROM up JOIN icd10_icd10cmtabularentry e ON e.release_id = %s "
    "AND e.code_nodot = REPLACE(up.parent_code, '.', '') AND e.depth = up.depth - 1 "
    "WHERE up.depth > 0 AND up.parent_code <> '') "
    "SELECT code, kind, parent_code, depth, title, notes_json FROM up ORDER BY depth"
)


def _tabular(code: str, cite: Cite) -> dict[str, Any] | None:
    answer = cite("icd10cm_tabular")
    if answer is None:
        return None
    release_id = answer.release.id
    entry = row(_TABULAR_ENTRY, [release_id, code])
    own = entry is not None
    if entry is None:
        # A code with a 7th character (S72.001A) has no element of its own: the Tabular List
        # stops at S72.001 (or at a placeholder level) and defines the 7th character higher up.
        for length in range(len(code) - 1, 2, -1):
            entry = row(_TABULAR_ENTRY, [release_id, code[:length]])
            if entry is not None:
                break
        if entry is None:
            return None
    hierarchy: list[dict[str, Any]] = []
    if not own:
        hierarchy.append(_level(entry))
    parent, depth = entry["parent_code"], entry["depth"]
    if parent and depth > 0:
        above = rows(
            _TABULAR_ANCESTORS, [release_id, parent.replace(".", ""), depth - 1, release_id]
        )
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
