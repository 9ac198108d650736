"""NCCI facts for a code on a date: MUE per setting, PTP edit counts, add-on relations."""

from __future__ import annotations

from typing import Any

from medcode.edits import indicators
from medcode.edits.models import ptp_releases_in_force
from medcode.releases.sql import Cite, row, rows, scalar
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

# An edit applies on the date unless it starts later or was deleted before it (deletion dates
# are the last day an edit applies). Modifier indicator 9 marks edits deleted as if never made.
_PTP_IN_FORCE = (
    "(effective_date IS NULL OR effective_date <= %s) "
    "AND (deletion_date IS NULL OR deletion_date >= %s) AND modifier_indicator <> '9'"
)
_AOC_IN_FORCE = "effective_date <= %s AND (deletion_date IS NULL OR deletion_date >= %s)"


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
    for setting, dataset in PTP_DATASETS.items():
        answer = cite(dataset)
        if answer is None:
            continue
        # CMS may split a quarter's table into parts (f1..f4), each loaded as a release.
        parts, note = ptp_releases_in_force(dataset, day, snap.releases(dataset))
        ids = ", ".join(str(part.id) for part in parts)
        counts: dict[str, Any] = {}
        for column in ("column1", "column2"):
            counts[f"as_{column}"] = scalar(
                f"SELECT COUNT(*) FROM edits_ptpedit WHERE release_id IN ({ids}) "
                f"AND {column} = %s AND {_PTP_IN_FORCE}",
                [code, day, day],
            )
        counts["sources"] = [part.to_dict() for part in parts]
        counts["note"] = note
        result[setting] = counts
    return result or None


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
