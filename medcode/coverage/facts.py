"""National coverage determinations that list a procedure or a diagnosis, on a date of service."""

from __future__ import annotations

from typing import Any

from medcode.coverage import queries
from medcode.coverage.indicators import NCD_RESOLUTION_NAMES
from medcode.icd10.codes import format_icd10cm
from medcode.releases.sql import Cite
from medcode.releases.store import Snapshot


def ncds_for_procedure(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer = cite("ncd_icd10")
    if answer is None:
        return None
    found = queries.ncds_for_procedure(answer.release.id, code, snap.as_of)
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
    found = queries.ncds_for_diagnosis(answer.release.id, code, snap.as_of)
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
    counts, listed, others = queries.ncd_diagnosis_page(
        answer.release.id, ncd_number, snap.as_of, limit=limit, offset=offset, prefix=prefix
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
