"""Every SQL read of the ICD-10 tables (CM and PCS order files, the CM Tabular List): the one
place their table names and columns are written, single-code and batched forms side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from medcode.releases.sql import Row, in_chunks, row, rows, select

#: The order-file table of each code system and its "may be reported" flag.
_ORDER_FILES = {
    "icd10cm": ("icd10_icd10cmcode", "billable"),
    "icd10pcs": ("icd10_icd10pcscode", "valid"),
}


def _ids(release_ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in release_ids)


def order_rows(dataset: str, release_ids: Sequence[int], code: str) -> list[Row]:
    """The code's row in each of the order-file releases (``icd10cm`` or ``icd10pcs``):
    ``release_id``, ``flag`` (billable / valid), ``short_title``, ``long_title``."""
    table, flag = _ORDER_FILES[dataset]
    return rows(
        f"SELECT release_id, {flag} AS flag, short_title, long_title FROM {table} "
        f"WHERE release_id IN ({_ids(release_ids)}) AND code = %s",
        [code],
    )


def order_history(dataset: str, release_ids: Sequence[int], code: str) -> list[Row]:
    """Every column of the code's row in each of the releases (``codes.history``)."""
    table, _ = _ORDER_FILES[dataset]
    return rows(
        f"SELECT * FROM {table} WHERE release_id IN ({_ids(release_ids)}) AND code = %s", [code]
    )


def icd10cm_brief(release_id: int, code: str) -> Row | None:
    """``code``, ``billable``, ``long_title`` of an ICD-10-CM code (no dot) in the release."""
    found = icd10cm_brief_of(release_id, [code])
    return found[0] if found else None


def icd10cm_brief_of(release_id: int, codes: Sequence[str]) -> list[Row]:
    """Batched ``icd10cm_brief``: the rows of every code of ``codes`` the release lists."""
    return in_chunks(
        "SELECT code, billable, long_title FROM icd10_icd10cmcode "
        "WHERE release_id = %s AND code IN ({marks})",
        [release_id],
        codes,
    )


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


def tabular_entry(release_id: int, code_nodot: str) -> Row | None:
    """The deepest Tabular List entry of ``code_nodot``, or None."""
    return row(_TABULAR_ENTRY, [release_id, code_nodot])


def tabular_ancestors(release_id: int, parent_nodot: str, depth: int) -> list[Row]:
    """The entry ``parent_nodot`` at ``depth`` and every level above it, shallowest first."""
    return rows(_TABULAR_ANCESTORS, [release_id, parent_nodot, depth, release_id])


# The patient groups (``patient_groups.py``) read these columns only.
_GROUP_COLUMNS = "code, code_nodot, chapter, section, title, notes_json"


def group_chapters(release_id: int, notes_like: str) -> list[Row]:
    """The chapters whose notes (lower case) are LIKE ``notes_like``."""
    return select(
        f"SELECT {_GROUP_COLUMNS} FROM icd10_icd10cmtabularentry "
        "WHERE release_id = %s AND parent_code = '' AND kind = 'chapter' "
        "AND LOWER(notes_json) LIKE %s",
        [release_id, notes_like],
    )


def group_category(release_id: int, category: str) -> Row | None:
    """The category entry (depth 2) ``category``, or None."""
    found = select(
        f"SELECT {_GROUP_COLUMNS} FROM icd10_icd10cmtabularentry "
        "WHERE release_id = %s AND code_nodot = %s AND depth = 2",
        [release_id, category],
    )
    return found[0] if found else None


def group_section(release_id: int, section: str) -> Row | None:
    """The section (block) entry ``section``, or None."""
    found = select(
        f"SELECT {_GROUP_COLUMNS} FROM icd10_icd10cmtabularentry "
        "WHERE release_id = %s AND code_nodot = %s AND kind = 'section'",
        [release_id, section],
    )
    return found[0] if found else None


def group_below(release_id: int, codes_nodot: Sequence[str]) -> list[Row]:
    """The entries below category level (depth > 2) among ``codes_nodot``."""
    return in_chunks(
        f"SELECT {_GROUP_COLUMNS} FROM icd10_icd10cmtabularentry "
        "WHERE release_id = %s AND code_nodot IN ({marks}) AND depth > 2",
        [release_id],
        codes_nodot,
    )


def _cursor_rows(sql: str, release_id: int) -> Iterator[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [release_id])
        yield from cursor.fetchall()


def index_entries(dataset: str, release_id: int) -> Iterator[tuple[Any, ...]]:
    """What search indexes of an ICD-10 release, per dataset:

    ``icd10cm``: (code, billable, long title); ``icd10pcs``: (code, valid, long title);
    ``icd10cm_tabular``: (code without dot, notes JSON) of every diagnosis entry.
    """
    if dataset == "icd10cm":
        yield from _cursor_rows(
            "SELECT code, billable, long_title FROM icd10_icd10cmcode WHERE release_id = %s",
            release_id,
        )
    elif dataset == "icd10pcs":
        yield from _cursor_rows(
            "SELECT code, valid, long_title FROM icd10_icd10pcscode WHERE release_id = %s",
            release_id,
        )
    elif dataset == "icd10cm_tabular":
        yield from _cursor_rows(
            "SELECT code_nodot, notes_json FROM icd10_icd10cmtabularentry "
            "WHERE release_id = %s AND kind = 'diag'",
            release_id,
        )
