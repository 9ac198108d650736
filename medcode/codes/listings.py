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

from medcode.codes import queries as codes_queries
from medcode.coverage import queries as coverage_queries
from medcode.edits import queries as edits_queries
from medcode.fees import queries as fees_queries
from medcode.releases.sql import Cite, rows
from medcode.releases.store import Snapshot

#: Every dataset that names procedure codes, and the owning app's EXISTS tests of a code in a
#: release (each taking the release id and the code, on a column indexed after ``release_id``).
PROCEDURE_DATASETS: dict[str, tuple[str, ...]] = {
    **codes_queries.PROCEDURE_LISTINGS,
    **fees_queries.PROCEDURE_LISTINGS,
    **edits_queries.PROCEDURE_LISTINGS,
    **coverage_queries.PROCEDURE_LISTINGS,
}


def listed_by(code: str, snap: Snapshot) -> list[dict[str, Any]]:
    """Every loaded release of a procedure-code dataset: whether it lists ``code``, and
    whether it is the release in force on the snapshot's date.

    One statement for them all (an EXISTS per release and column): ICD-10-CM codes of five
    characters (A0100) are also asked, as possible HCPCS codes, so this must be cheap.
    """
    parts: list[str] = []
    params: list[Any] = []
    refs = []
    for dataset, tests in PROCEDURE_DATASETS.items():
        for ref in snap.releases(dataset):
            refs.append((dataset, ref))
            for test in tests:
                # The id is our own integer, written inline so both databases know its type.
                parts.append(f"SELECT {int(ref.id)} AS release_id WHERE EXISTS ({test})")
                params += [ref.id, code]
    having = {found for (found,) in rows_of(" UNION ".join(parts), params)} if parts else set()
    result = []
    for dataset, ref in refs:
        in_force = snap.in_force(dataset)
        result.append(
            {
                "dataset": dataset,
                "version": ref.version,
                "label": ref.label,
                "in_force": in_force is not None and in_force.release.id == ref.id,
                "lists_code": ref.id in having,
            }
        )
    return result


def rows_of(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in rows(sql, params)]


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
