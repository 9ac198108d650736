"""NCCI facts for a code on a date: MUE per setting, PTP edit counts, add-on relations."""

from __future__ import annotations

from typing import Any

from medcode.claims.context import StoreCache
from medcode.edits import indicators
from medcode.edits.models import AOC_IN_FORCE as _AOC_IN_FORCE
from medcode.edits.models import PTP_IN_FORCE as _PTP_IN_FORCE
from medcode.edits.models import ptp_releases_in_force
from medcode.releases.sql import Cite, iso, row, rows, scalar
from medcode.releases.store import Snapshot

MUE_DATASETS = {
    "practitioner": "ncci_mue_practitioner",
    "outpatient_hospital": "ncci_mue_outpatient",
    "dme": "ncci_mue_dme",
}
PTP_DATASETS = {
    "practitioner": "ncci_ptp_practitioner",
    "outpatient_hospital": "ncci_ptp_outpatient",
}


def mue(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for setting, dataset in MUE_DATASETS.items():
        answer = cite(dataset)
        if answer is None:
            continue
        found = row(
            "SELECT value, adjudication_indicator, adjudication_text, rationale "
            "FROM edits_mueedit WHERE release_id = %s AND code = %s",
            [answer.release.id, code],
        )
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
    memo = StoreCache().memo
    for setting, dataset in PTP_DATASETS.items():
        answer = cite(dataset)
        if answer is None:
            continue
        # CMS may split a quarter's table into parts (f1..f4), each loaded as a release.
        parts, note = ptp_releases_in_force(dataset, day, snap.releases(dataset))
        ids = ", ".join(str(part.id) for part in parts)
        counts: dict[str, Any] = {}
        for column in ("column1", "column2"):
            counts[f"as_{column}"] = _counted(
                memo,
                ("ptp_count", ids, code, column, day, "", None),
                f"SELECT COUNT(*) FROM edits_ptpedit WHERE release_id IN ({ids}) "
                f"AND {column} = %s AND {_PTP_IN_FORCE}",
                [code, day, day],
            )
        counts["sources"] = [part.to_dict() for part in parts]
        counts["note"] = note
        result[setting] = counts
    return result or None


def _counted(memo: dict[Any, Any], key: tuple[Any, ...], sql: str, params: list[Any]) -> int:
    """A count of PTP edits, kept in the process until a release is loaded or removed.

    99213 is column 2 of 15,000 edits: counting them took milliseconds on every page. The
    count depends only on the parts' rows (which never change once loaded), the code, the
    role, the filter and the date, so it is kept in the claim checker's store memo, which
    is dropped whenever ``release_state()`` changes (``StoreCache().memo``).
    """
    found: int | None = memo.get(key)
    if found is None:
        found = memo[key] = int(scalar(sql, params))
    return found


def add_on(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("ncci_aoc")
    if answer is None:
        return None
    day = snap.as_of
    as_add_on = rows(
        "SELECT edit_type, COUNT(*) AS n FROM edits_addoncodeedit "
        f"WHERE release_id = %s AND addon_code = %s AND {_AOC_IN_FORCE} GROUP BY edit_type",
        [answer.release.id, code, day, day],
    )
    primaries = scalar(
        "SELECT COUNT(*) FROM edits_addoncodeedit "
        f"WHERE release_id = %s AND primary_code = %s AND {_AOC_IN_FORCE}",
        [answer.release.id, code, day, day],
    )
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
        table, column = (
            ("edits_mueedit", "code")
            if dataset.startswith("ncci_mue")
            else ("edits_ptpedit", "column1")
        )
        if scalar(
            f"SELECT 1 FROM {table} WHERE release_id = %s AND {column} = %s LIMIT 1",
            [answer.release.id, code],
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


PTP_ROLES = ("column1", "column2")
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
    ids = ", ".join(str(part.id) for part in parts)
    other = "column2" if role == "column1" else "column1"
    # Both queries read edits_ptpedit alone where ``where`` applies, so its columns need no alias.
    where = f"e.release_id IN ({ids}) AND e.{role} = %s AND {_PTP_IN_FORCE}"
    params: list[Any] = [code, day, day]
    if other_prefix:
        # Callers pass letters and digits only, so the prefix holds no LIKE wildcard.
        where += f" AND e.{other} LIKE %s"
        params.append(other_prefix + "%")
    if indicator is not None:
        where += " AND e.modifier_indicator = %s"
        params.append(indicator)
    # Same memo key as ptp_counts: the unfiltered total is counted once for both.
    total = _counted(
        StoreCache().memo,
        ("ptp_count", ids, code, role, day, other_prefix, indicator),
        f"SELECT COUNT(*) FROM edits_ptpedit e WHERE {where}",
        params,
    )
    # The page's ids are found from the covering index alone (skipping `offset` entries
    # there is cheap); only the 50 rows shown are then read from the table, for the
    # pre-1996 flag and the rationale. A deep page of 99213's 15,000 edits stays fast.
    found = rows(
        "SELECT e.column1, e.column2, e.pre_1996, e.effective_date, e.deletion_date, "
        "e.modifier_indicator, r.text AS rationale FROM "
        f"(SELECT e.id FROM edits_ptpedit e WHERE {where} ORDER BY e.{other} "
        "LIMIT %s OFFSET %s) page JOIN edits_ptpedit e ON e.id = page.id "
        "LEFT JOIN edits_ptprationale r ON r.release_id = e.release_id "
        f"AND r.number = e.rationale_number ORDER BY e.{other}",
        [*params, limit, offset],
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
        ids = ", ".join(str(part.id) for part in parts)
        for column in PTP_ROLES:
            if scalar(
                f"SELECT 1 FROM edits_ptpedit WHERE release_id IN ({ids}) AND {column} = %s "
                f"AND modifier_indicator = '1' AND {_PTP_IN_FORCE} LIMIT 1",
                [code, day, day],
            ):
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
    for key, column, other in (
        ("primary_codes", "addon_code", "primary_code"),
        ("add_on_codes", "primary_code", "addon_code"),
    ):
        # No ORDER BY: SQLite would then walk the other index to avoid a sort. A code has at
        # most a few hundred relations, so they are sorted here.
        found = rows(
            f"SELECT {other} AS code, edit_type, special_instructions FROM edits_addoncodeedit "
            f"WHERE release_id = %s AND {column} = %s AND {_AOC_IN_FORCE}",
            [answer.release.id, code, day, day],
        )
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
