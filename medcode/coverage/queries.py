"""Every SQL read of the coverage tables (NCD spreadsheet, LCD/Article index): the one place
their table names, columns and in-force condition are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from medcode.coverage.indicators import ALL_OTHER_CODES
from medcode.releases.sql import Row, in_chunks, row, rows

# A row applies on the date unless it starts later or ended earlier: the termination date is
# the last day it applies. Date of service as both parameters; ``x`` is the procedure or
# diagnosis table.
IN_FORCE = (
    "(x.effective_date IS NULL OR x.effective_date <= %s) "
    "AND (x.termination_date IS NULL OR x.termination_date >= %s)"
)

_FOR_PROCEDURE = (
    "SELECT x.hcpcs_code, n.number, n.title, "
    " (SELECT COUNT(*) FROM coverage_ncddiagnosis d WHERE d.release_id = n.release_id "
    "  AND d.ncd_number = n.number) AS diagnosis_codes "
    "FROM coverage_ncdprocedure x JOIN coverage_ncd n "
    "  ON n.release_id = x.release_id AND n.number = x.ncd_number "
    "WHERE x.release_id = %s AND x.hcpcs_code IN ({marks}) AND " + IN_FORCE + " ORDER BY n.number"
)


def ncds_for_procedure(release_id: int, code: str, day: date) -> list[Row]:
    """The NCDs listing the procedure ``code`` on ``day``: number, title, diagnosis_codes."""
    return ncds_for_procedures(release_id, [code], day)


def ncds_for_procedures(release_id: int, codes: Sequence[str], day: date) -> list[Row]:
    """Batched ``ncds_for_procedure``; each row names its ``hcpcs_code``."""
    return in_chunks(_FOR_PROCEDURE, [release_id], codes, [day, day])


_FOR_DIAGNOSIS = (
    "SELECT x.icd10_code, n.number, n.title, x.resolution FROM coverage_ncddiagnosis x "
    "JOIN coverage_ncd n ON n.release_id = x.release_id AND n.number = x.ncd_number "
    "WHERE x.release_id = %s AND x.icd10_code IN ({marks}) AND " + IN_FORCE + " ORDER BY n.number"
)


def ncds_for_diagnosis(release_id: int, code: str, day: date) -> list[Row]:
    """The NCDs listing the diagnosis ``code`` (no dot) on ``day``: number, title, resolution."""
    return ncds_for_diagnoses(release_id, [code], day)


def ncds_for_diagnoses(release_id: int, codes: Sequence[str], day: date) -> list[Row]:
    """Batched ``ncds_for_diagnosis``; each row names its ``icd10_code``."""
    return in_chunks(_FOR_DIAGNOSIS, [release_id], codes, [day, day])


def ncd_title(release_id: int, number: str) -> str | None:
    """The NCD's title in the release, or None when it does not list the NCD."""
    found = row(
        "SELECT title FROM coverage_ncd WHERE release_id = %s AND number = %s", [release_id, number]
    )
    return found["title"] if found else None


def ncd_diagnosis_page(
    release_id: int, number: str, day: date, *, limit: int, offset: int, prefix: str = ""
) -> tuple[list[Row], list[Row], list[Row]]:
    """The diagnoses an NCD lists on ``day`` (optionally starting with ``prefix``): the count
    per resolution, one page in code order, and the NCD's rule for every other code."""
    where = f"x.release_id = %s AND x.ncd_number = %s AND {IN_FORCE}"
    params: list[Any] = [release_id, number, day, day]
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
        f"x.ncd_number = %s AND {IN_FORCE} AND x.icd10_code = %s",
        [*params[:4], ALL_OTHER_CODES],
    )
    return counts, listed, others


def lcd_document(release_id: int, display_id: str, document_type: str) -> Row | None:
    """The newest version of an LCD or Article in the index: title, type, version."""
    return row(
        "SELECT title, document_type, document_version FROM coverage_lcddocument "
        "WHERE release_id = %s AND display_id = %s AND document_type = %s "
        "ORDER BY document_version DESC",
        [release_id, display_id, document_type],
    )


#: The EXISTS tests of which loaded releases list a procedure code (``codes.listings``): per
#: dataset, statements taking (release id, code).
PROCEDURE_LISTINGS: dict[str, tuple[str, ...]] = {
    "ncd_icd10": ("SELECT 1 FROM coverage_ncdprocedure WHERE release_id = %s AND hcpcs_code = %s",),
}
