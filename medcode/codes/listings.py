"""Which loaded releases list a procedure code (CPT or HCPCS Level II), and which do not.

CMS's files do not all know the same codes: in April 2026 the MUE tables name 156 HCPCS codes
the January 2025 HCPCS file has not heard of (Q2057, for one), and the add-on code file
names Category III and PLA codes that no fee schedule lists (0583U, 1006T). A code that any
loaded release lists is a code medcode answers for: with what each file says, and which
files do not list it. ``listed_by`` asks every release of every dataset that lists procedure
codes; ``listed_only`` is the answer for a code no descriptor file (HCPCS, PFS) lists.
"""

from __future__ import annotations

from typing import Any

from medcode.releases.sql import Cite, scalar
from medcode.releases.store import Snapshot

#: Every dataset that names procedure codes, and the queries (each ``release_id``, ``code``)
#: that find a code in one of its releases. Each column read here is indexed with the release.
PROCEDURE_DATASETS: dict[str, tuple[str, ...]] = {
    "hcpcs": ("SELECT 1 FROM codes_hcpcscode WHERE release_id = %s AND code = %s LIMIT 1",),
    "pfs_rvu": ("SELECT 1 FROM fees_pfsrvu WHERE release_id = %s AND hcpcs = %s LIMIT 1",),
    "pfs_revision": (
        "SELECT 1 FROM fees_pfspaymentamount WHERE release_id = %s AND hcpcs = %s LIMIT 1",
    ),
    "pfs_revision_qp": (
        "SELECT 1 FROM fees_pfspaymentamount WHERE release_id = %s AND hcpcs = %s LIMIT 1",
    ),
    "pfs_oppscap": (
        "SELECT 1 FROM fees_pfsoppscapamount WHERE release_id = %s AND hcpcs = %s LIMIT 1",
    ),
    "ncci_mue_practitioner": (
        "SELECT 1 FROM edits_mueedit WHERE release_id = %s AND code = %s LIMIT 1",
    ),
    "ncci_mue_outpatient": (
        "SELECT 1 FROM edits_mueedit WHERE release_id = %s AND code = %s LIMIT 1",
    ),
    "ncci_mue_dme": ("SELECT 1 FROM edits_mueedit WHERE release_id = %s AND code = %s LIMIT 1",),
    "ncci_ptp_practitioner": (
        "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column1 = %s LIMIT 1",
        "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column2 = %s LIMIT 1",
    ),
    "ncci_ptp_outpatient": (
        "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column1 = %s LIMIT 1",
        "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column2 = %s LIMIT 1",
    ),
    "ncci_aoc": (
        "SELECT 1 FROM edits_addoncodeedit WHERE release_id = %s AND addon_code = %s LIMIT 1",
        "SELECT 1 FROM edits_addoncodeedit WHERE release_id = %s AND primary_code = %s LIMIT 1",
    ),
    "ncd_icd10": (
        "SELECT 1 FROM coverage_ncdprocedure WHERE release_id = %s AND hcpcs_code = %s LIMIT 1",
    ),
}


def listed_by(code: str, snap: Snapshot) -> list[dict[str, Any]]:
    """Every loaded release of a procedure-code dataset: whether it lists ``code``, and
    whether it is the release in force on the snapshot's date."""
    result = []
    for dataset, queries in PROCEDURE_DATASETS.items():
        in_force = snap.in_force(dataset)
        for ref in snap.releases(dataset):
            listed = any(scalar(sql, [ref.id, code]) for sql in queries)
            result.append(
                {
                    "dataset": dataset,
                    "version": ref.version,
                    "label": ref.label,
                    "in_force": in_force is not None and in_force.release.id == ref.id,
                    "lists_code": listed,
                }
            )
    return result


def listed_only(
    code: str, system: str, snap: Snapshot, cite: Cite, listing: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The answer for a code that no descriptor file lists but another loaded release does.

    None when no loaded release lists it. The releases in force that list it are cited.
    """
    having = [entry for entry in listing if entry["lists_code"]]
    if not having:
        return None
    for entry in having:
        if entry["in_force"]:
            cite(entry["dataset"])
    names = "; ".join(entry["label"] for entry in having)
    descriptor_file = "HCPCS Level II file" if system == "HCPCS" else "Physician Fee Schedule"
    return {
        "code": code,
        "system": system,
        "short_description": None,
        "long_description": None,
        "descriptor_notice": f"No loaded {descriptor_file} lists {code}, so there is no "
        f"descriptor; it is listed by: {names}.",
        "effective_date": None,
        "termination_date": None,
        "status": "listed only in other CMS files",
    }
