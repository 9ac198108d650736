"""National coverage determinations that list a procedure or a diagnosis, on a date of service."""

from __future__ import annotations

from typing import Any

from medcode.coverage.indicators import NCD_RESOLUTION_NAMES
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
