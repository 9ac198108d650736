"""Every SQL read of the NCCI tables (PTP, MUE, add-on codes): the one place their table
names, columns and in-force conditions are written.

Each question has a single-code form (a code page, the API, the CLI) and, where the claim
checker asks it of many codes at once, a batched form (an ``IN (...)`` list per release and
date of service) beside it. Both forms use the same in-force condition, so a code page and the
claim checker cannot disagree on whether an edit applies on a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from medcode.releases.sql import CHUNK, Row, in_chunks, placeholders, row, rows, scalar, select

#: The NCCI tables per claim setting: the one definition (code pages, claims, guides, assistant).
MUE_DATASETS = {
    "practitioner": "ncci_mue_practitioner",
    "outpatient_hospital": "ncci_mue_outpatient",
    "dme": "ncci_mue_dme",
}
PTP_DATASETS = {
    "practitioner": "ncci_ptp_practitioner",
    "outpatient_hospital": "ncci_ptp_outpatient",
}

# When an edit applies on a date of service, with the date of service as both parameters. CMS
# deletes an edit as of the last day it applies (quarter ends: 0331, 0630, 0930, 1231), so the
# deletion date is inclusive: the deletion date is the last day in effect. An edit withdrawn as
# if it never existed keeps its effective date as deletion date and gets modifier indicator 9:
# it never applies. Columns are unqualified so the condition reads the same with or without a
# table alias; no joined table has these columns.
PTP_IN_FORCE = (
    "(effective_date IS NULL OR effective_date <= %s) "
    "AND (deletion_date IS NULL OR deletion_date >= %s) AND modifier_indicator <> '9'"
)
AOC_IN_FORCE = "effective_date <= %s AND (deletion_date IS NULL OR deletion_date >= %s)"

PTP_ROLES = ("column1", "column2")


def _ids(release_ids: Sequence[int]) -> str:
    # Our own integers, written inline so both databases know their type.
    return ", ".join(str(int(i)) for i in release_ids)


def _role(role: str) -> str:
    if role not in PTP_ROLES:
        raise ValueError(f"role must be column1 or column2, not {role!r}")
    return role


# --- MUE ------------------------------------------------------------------------------------

_MUE_COLUMNS = "code, value, adjudication_indicator, adjudication_text, rationale"


def mue(release_id: int, code: str) -> Row | None:
    """The MUE of ``code`` in the release, or None."""
    return row(
        f"SELECT {_MUE_COLUMNS} FROM edits_mueedit WHERE release_id = %s AND code = %s",
        [release_id, code],
    )


def mues(release_id: int, codes: Sequence[str]) -> list[Row]:
    """The MUE rows of every code of ``codes`` the release lists (batched ``mue``)."""
    return in_chunks(
        f"SELECT {_MUE_COLUMNS} FROM edits_mueedit WHERE release_id = %s AND code IN ({{marks}})",
        [release_id],
        codes,
    )


def mue_lists(release_id: int, code: str) -> bool:
    """Whether the MUE release lists ``code`` at all."""
    return bool(
        scalar(
            "SELECT 1 FROM edits_mueedit WHERE release_id = %s AND code = %s LIMIT 1",
            [release_id, code],
        )
    )


# --- PTP ------------------------------------------------------------------------------------

_PTP_EDIT = (
    "SELECT e.column1, e.column2, e.modifier_indicator, e.effective_date, e.deletion_date, "
    "r.text AS rationale FROM edits_ptpedit e LEFT JOIN edits_ptprationale r "
    "ON r.release_id = e.release_id AND r.number = e.rationale_number "
    "WHERE e.release_id IN ({ids}) AND e.column1 IN ({first}) AND e.column2 IN ({second}) "
    "AND " + PTP_IN_FORCE
)


def ptp_edit(release_ids: Sequence[int], column1: str, column2: str, day: date) -> Row | None:
    """The PTP edit of the pair in force on ``day`` in the table's parts, or None."""
    found = ptp_edits_among(release_ids, [column1], [column2], day)
    return found[0] if found else None


def ptp_edits_among(
    release_ids: Sequence[int], first: Sequence[str], second: Sequence[str], day: date
) -> list[Row]:
    """Every PTP edit in force on ``day`` with column 1 in ``first`` and column 2 in ``second``
    (batched ``ptp_edit``); the lists may be of any length."""
    if not release_ids or not first or not second:
        return []
    found: list[Row] = []
    for a in range(0, len(first), CHUNK):
        one = list(first[a : a + CHUNK])
        for b in range(0, len(second), CHUNK):
            two = list(second[b : b + CHUNK])
            sql = _PTP_EDIT.format(
                ids=_ids(release_ids), first=placeholders(len(one)), second=placeholders(len(two))
            )
            found.extend(select(sql, [*one, *two, day, day]))
    return found


def _ptp_where(
    release_ids: Sequence[int],
    code: str,
    role: str,
    day: date,
    other_prefix: str = "",
    indicator: str | None = None,
) -> tuple[str, list[Any]]:
    role = _role(role)
    other = "column2" if role == "column1" else "column1"
    where = f"e.release_id IN ({_ids(release_ids)}) AND e.{role} = %s AND {PTP_IN_FORCE}"
    params: list[Any] = [code, day, day]
    if other_prefix:
        # Callers pass letters and digits only, so the prefix holds no LIKE wildcard.
        where += f" AND e.{other} LIKE %s"
        params.append(other_prefix + "%")
    if indicator is not None:
        where += " AND e.modifier_indicator = %s"
        params.append(indicator)
    return where, params


def ptp_count(
    release_ids: Sequence[int],
    code: str,
    role: str,
    day: date,
    other_prefix: str = "",
    indicator: str | None = None,
) -> int:
    """How many PTP edits in force on ``day`` have ``code`` as ``role`` (column1/column2)."""
    where, params = _ptp_where(release_ids, code, role, day, other_prefix, indicator)
    return int(scalar(f"SELECT COUNT(*) FROM edits_ptpedit e WHERE {where}", params))


def ptp_page(
    release_ids: Sequence[int],
    code: str,
    role: str,
    day: date,
    *,
    offset: int,
    limit: int,
    other_prefix: str = "",
    indicator: str | None = None,
) -> list[Row]:
    """One page of the PTP edits counted by ``ptp_count``, other code ascending."""
    where, params = _ptp_where(release_ids, code, role, day, other_prefix, indicator)
    other = "column2" if role == "column1" else "column1"
    # The page's ids are found from the covering index alone (skipping `offset` entries
    # there is cheap); only the rows shown are then read from the table, for the
    # pre-1996 flag and the rationale. A deep page of 99213's 15,000 edits stays fast.
    return rows(
        "SELECT e.column1, e.column2, e.pre_1996, e.effective_date, e.deletion_date, "
        "e.modifier_indicator, r.text AS rationale FROM "
        f"(SELECT e.id FROM edits_ptpedit e WHERE {where} ORDER BY e.{other} "
        "LIMIT %s OFFSET %s) page JOIN edits_ptpedit e ON e.id = page.id "
        "LEFT JOIN edits_ptprationale r ON r.release_id = e.release_id "
        f"AND r.number = e.rationale_number ORDER BY e.{other}",
        [*params, limit, offset],
    )


def ptp_lists(release_ids: Sequence[int], code: str, role: str, day: date | None = None) -> bool:
    """Whether an edit of the parts names ``code`` as ``role`` (in force on ``day`` when given)."""
    role = _role(role)
    if not release_ids:
        return False
    sql = f"SELECT 1 FROM edits_ptpedit WHERE release_id IN ({_ids(release_ids)}) AND {role} = %s"
    params: list[Any] = [code]
    if day is not None:
        sql += f" AND {PTP_IN_FORCE}"
        params += [day, day]
    return bool(scalar(sql + " LIMIT 1", params))


def ptp_has_modifier_edit(release_ids: Sequence[int], code: str, role: str, day: date) -> bool:
    """Whether an edit in force on ``day`` pairs ``code`` (as ``role``) with indicator 1."""
    role = _role(role)
    return bool(
        scalar(
            f"SELECT 1 FROM edits_ptpedit WHERE release_id IN ({_ids(release_ids)}) "
            f"AND {role} = %s AND modifier_indicator = '1' AND {PTP_IN_FORCE} LIMIT 1",
            [code, day, day],
        )
    )


# --- Add-on codes ---------------------------------------------------------------------------


def addon_edits(release_id: int, code: str, day: date) -> list[Row]:
    """The add-on code edits in force on ``day`` where ``code`` is the add-on."""
    return addon_edits_of(release_id, [code], day)


def addon_edits_of(release_id: int, codes: Sequence[str], day: date) -> list[Row]:
    """Batched ``addon_edits``: the edits in force where any of ``codes`` is the add-on."""
    return in_chunks(
        "SELECT addon_code, edit_type, primary_code FROM edits_addoncodeedit "
        "WHERE release_id = %s AND addon_code IN ({marks}) AND " + AOC_IN_FORCE,
        [release_id],
        codes,
        [day, day],
    )


def addon_type_counts(release_id: int, code: str, day: date) -> list[Row]:
    """Per edit type, how many primary codes the add-on ``code`` has on ``day`` (``n``)."""
    return rows(
        "SELECT edit_type, COUNT(*) AS n FROM edits_addoncodeedit "
        f"WHERE release_id = %s AND addon_code = %s AND {AOC_IN_FORCE} GROUP BY edit_type",
        [release_id, code, day, day],
    )


def addon_count_for_primary(release_id: int, code: str, day: date) -> int:
    """How many add-on code edits in force on ``day`` have ``code`` as primary."""
    return int(
        scalar(
            "SELECT COUNT(*) FROM edits_addoncodeedit "
            f"WHERE release_id = %s AND primary_code = %s AND {AOC_IN_FORCE}",
            [release_id, code, day, day],
        )
    )


def addon_relations(release_id: int, code: str, role: str, day: date) -> list[Row]:
    """The other codes of the edits in force where ``code`` is ``role`` ("addon_code" or
    "primary_code"), as ``code``, ``edit_type``, ``special_instructions``; unsorted."""
    if role not in ("addon_code", "primary_code"):
        raise ValueError(f"role must be addon_code or primary_code, not {role!r}")
    other = "primary_code" if role == "addon_code" else "addon_code"
    # No ORDER BY: SQLite would then walk the other index to avoid a sort. A code has at most
    # a few hundred relations, so callers sort them.
    return rows(
        f"SELECT {other} AS code, edit_type, special_instructions FROM edits_addoncodeedit "
        f"WHERE release_id = %s AND {role} = %s AND {AOC_IN_FORCE}",
        [release_id, code, day, day],
    )


def addon_listed(release_id: int, codes: Sequence[str], role: str) -> set[str]:
    """Which of ``codes`` the add-on code file lists as ``role`` (on any date)."""
    if role not in ("addon_code", "primary_code"):
        raise ValueError(f"role must be addon_code or primary_code, not {role!r}")
    return {
        r[role]
        for r in in_chunks(
            f"SELECT DISTINCT {role} FROM edits_addoncodeedit "
            f"WHERE release_id = %s AND {role} IN ({{marks}})",
            [release_id],
            codes,
        )
    }


def addon_codes(release_id: int) -> frozenset[str]:
    """Every add-on code of the release."""
    return frozenset(
        r["addon_code"]
        for r in rows(
            "SELECT DISTINCT addon_code FROM edits_addoncodeedit WHERE release_id = %s",
            [release_id],
        )
    )


#: The EXISTS tests of which loaded releases list a procedure code (``codes.listings``): per
#: dataset, statements taking (release id, code).
PROCEDURE_LISTINGS: dict[str, tuple[str, ...]] = {
    **{
        dataset: ("SELECT 1 FROM edits_mueedit WHERE release_id = %s AND code = %s",)
        for dataset in MUE_DATASETS.values()
    },
    **{
        dataset: (
            "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column1 = %s",
            "SELECT 1 FROM edits_ptpedit WHERE release_id = %s AND column2 = %s",
        )
        for dataset in PTP_DATASETS.values()
    },
    "ncci_aoc": (
        "SELECT 1 FROM edits_addoncodeedit WHERE release_id = %s AND addon_code = %s",
        "SELECT 1 FROM edits_addoncodeedit WHERE release_id = %s AND primary_code = %s",
    ),
}
