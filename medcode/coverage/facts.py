"""National coverage determinations that list a procedure or a diagnosis, on a date of service."""

from __future__ import annotations

from typing import Any

from medcode.coverage.indicators import ALL_OTHER_CODES, NCD_RESOLUTION_NAMES
from medcode.icd10.codes import format_icd10cm
from medcode.releases.sql import Cite, rows
from medcode.releases.store import Snapshot

# A row applies on the date unless it starts later or ended earlier (terminations are inclusive).
_IN_FORCE = (
    "(x.effective_date IS NULL OR x.effective_date <= %s) "
    "AND (x.termination_date IS NULL OR x.termination_date >= %s)"
)


def ncds_for_procedure(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("ncd_icd10")
    if answer is None:
        return None
    day = snap.as_of
    found = rows(
        "SELECT n.number, n.title, "
        " (SELECT COUNT(*) FROM coverage_ncddiagnosis d WHERE d.release_id = n.release_id "
        "  AND d.ncd_number = n.number) AS diagnosis_codes "
        "FROM coverage_ncdprocedure x JOIN coverage_ncd n "
        "  ON n.release_id = x.release_id AND n.number = x.ncd_number "
        f"WHERE x.release_id = %s AND x.hcpcs_code = %s AND {_IN_FORCE} ORDER BY n.number",
        [answer.release.id, code, day, day],
    )
    return {
        "ncds": [
            {"ncd": r["number"], "title": r["title"], "diagnosis_codes": r["diagnosis_codes"]}
            for r in found
        ],
        "source": answer.release.to_dict(),
    }


def ncds_for_diagnosis(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("ncd_icd10")
    if answer is None:
        return None
    day = snap.as_of
    found = rows(
        "SELECT n.number, n.title, x.resolution FROM coverage_ncddiagnosis x "
        "JOIN coverage_ncd n ON n.release_id = x.release_id AND n.number = x.ncd_number "
        f"WHERE x.release_id = %s AND x.icd10_code = %s AND {_IN_FORCE} ORDER BY n.number",
        [answer.release.id, code, day, day],
    )
    return {
        "ncds": [
            {
                "ncd": r["number"],
                "title": r["title"],
                "resolution": r["resolution"],
                "resolution_meaning": NCD_RESOLUTION_NAMES.get(r["resolution"]),
            }
            for r in found
        ],
        "source": answer.release.to_dict(),
    }


def ncd_diagnoses(
    ncd_number: str,
    snap: Snapshot,
    cite: Cite,
    *,
    limit: int = 100,
    offset: int = 0,
    prefix: str = "",
) -> dict[str, Any] | None:
    """The ICD-10-CM codes an NCD lists on the date, with their resolutions.

    A page of at most ``limit`` codes from ``offset`` in code order (an NCD may list twenty
    thousand), optionally only codes starting with ``prefix`` (no dot), the count per
    resolution of the codes matched, and what the NCD says about every code it does not list.
    """
    answer = cite("ncd_icd10")
    if answer is None:
        return None
    day = snap.as_of
    where = f"x.release_id = %s AND x.ncd_number = %s AND {_IN_FORCE}"
    params: list[Any] = [answer.release.id, ncd_number, day, day]
    if prefix:
        where += " AND x.icd10_code LIKE %s"
        params.append(prefix.replace("%", "").replace("_", "") + "%")
    counts = rows(
        f"SELECT x.resolution, COUNT(*) AS n FROM coverage_ncddiagnosis x WHERE {where} "
        "AND x.icd10_code <> %s GROUP BY x.resolution ORDER BY x.resolution",
        [*params, ALL_OTHER_CODES],
    )
    listed = rows(
        f"SELECT x.icd10_code, x.resolution FROM coverage_ncddiagnosis x WHERE {where} "
        "AND x.icd10_code <> %s ORDER BY x.icd10_code LIMIT %s OFFSET %s",
        [*params, ALL_OTHER_CODES, limit, offset],
    )
    others = rows(
        "SELECT x.resolution FROM coverage_ncddiagnosis x WHERE x.release_id = %s AND "
        f"x.ncd_number = %s AND {_IN_FORCE} AND x.icd10_code = %s",
        [*params[:4], ALL_OTHER_CODES],
    )
    return {
        "ncd": ncd_number,
        "total": sum(r["n"] for r in counts),
        "by_resolution": [
            {
                "resolution": r["resolution"],
                "meaning": NCD_RESOLUTION_NAMES.get(r["resolution"]),
                "codes": r["n"],
            }
            for r in counts
        ],
        "codes": [
            {
                "code": format_icd10cm(r["icd10_code"]),
                "resolution": r["resolution"],
                "meaning": NCD_RESOLUTION_NAMES.get(r["resolution"]),
            }
            for r in listed
        ],
        "all_other_codes": (
            {
                "resolution": others[0]["resolution"],
                "meaning": NCD_RESOLUTION_NAMES.get(others[0]["resolution"]),
            }
            if others
            else None
        ),
        "source": answer.release.to_dict(),
    }
