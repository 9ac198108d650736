"""Every SQL read of the HCPCS Level II tables (codes and modifiers): the one place their
table names and columns are written, single-code and batched forms side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from medcode.releases.sql import Row, in_chunks, row, rows


def _ids(release_ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in release_ids)


# --- HCPCS codes ----------------------------------------------------------------------------


def hcpcs(release_id: int, code: str) -> Row | None:
    """Every column of the HCPCS code's row in the release, or None."""
    return row(
        "SELECT * FROM codes_hcpcscode WHERE release_id = %s AND code = %s", [release_id, code]
    )


def hcpcs_of(release_id: int, codes: Sequence[str]) -> list[Row]:
    """Batched ``hcpcs``: the rows of every code of ``codes`` the release lists."""
    return in_chunks(
        "SELECT * FROM codes_hcpcscode WHERE release_id = %s AND code IN ({marks})",
        [release_id],
        codes,
    )


def hcpcs_brief_of(release_id: int, codes: Sequence[str]) -> list[Row]:
    """``hcpcs_of`` with only the columns the claim checker reads (code, dates, short text)."""
    return in_chunks(
        "SELECT code, add_date, termination_date, short_description FROM codes_hcpcscode "
        "WHERE release_id = %s AND code IN ({marks})",
        [release_id],
        codes,
    )


def hcpcs_history(release_ids: Sequence[int], code: str) -> list[Row]:
    """Every column of the code's row in each of the releases (``codes.history``)."""
    return rows(
        f"SELECT * FROM codes_hcpcscode WHERE release_id IN ({_ids(release_ids)}) AND code = %s",
        [code],
    )


# --- Modifiers ------------------------------------------------------------------------------


def modifier(release_id: int, code: str) -> Row | None:
    """Every column of the modifier's row in the release, or None."""
    return row(
        "SELECT * FROM codes_hcpcsmodifier WHERE release_id = %s AND code = %s", [release_id, code]
    )


def modifiers_of(release_id: int, codes: Sequence[str]) -> list[Row]:
    """Batched ``modifier``."""
    return in_chunks(
        "SELECT * FROM codes_hcpcsmodifier WHERE release_id = %s AND code IN ({marks})",
        [release_id],
        codes,
    )


def modifiers_listed(release_id: int, codes: Sequence[str]) -> set[str]:
    """Which of the modifiers ``codes`` the release lists."""
    return {
        r["code"]
        for r in in_chunks(
            "SELECT code FROM codes_hcpcsmodifier WHERE release_id = %s AND code IN ({marks})",
            [release_id],
            codes,
        )
    }


def modifier_descriptions(release_id: int, codes: Sequence[str]) -> dict[str, str]:
    """The long descriptor of each modifier of ``codes`` the release lists."""
    return {
        r["code"]: r["long_description"]
        for r in in_chunks(
            "SELECT code, long_description FROM codes_hcpcsmodifier "
            "WHERE release_id = %s AND code IN ({marks})",
            [release_id],
            codes,
        )
    }


def every_modifier_code() -> frozenset[str]:
    """Every modifier any loaded HCPCS release lists."""
    return frozenset(r["code"] for r in rows("SELECT DISTINCT code FROM codes_hcpcsmodifier"))


def modifier_history(release_ids: Sequence[int], code: str) -> list[Row]:
    """Every column of the modifier's row in each of the releases (``codes.history``)."""
    return rows(
        f"SELECT * FROM codes_hcpcsmodifier WHERE release_id IN ({_ids(release_ids)}) "
        "AND code = %s",
        [code],
    )


# --- What other apps need -------------------------------------------------------------------

#: The EXISTS tests of which loaded releases list a procedure code (``codes.listings``): per
#: dataset, statements taking (release id, code).
PROCEDURE_LISTINGS: dict[str, tuple[str, ...]] = {
    "hcpcs": ("SELECT 1 FROM codes_hcpcscode WHERE release_id = %s AND code = %s",),
}


def index_entries(release_id: int) -> Iterator[tuple[Any, ...]]:
    """What search indexes of a HCPCS release: (system, code, long descriptor, short
    descriptor, add date, termination date) of every code ("HCPCS") and modifier ("MODIFIER")."""
    from django.db import connection

    for system, table in (("HCPCS", "codes_hcpcscode"), ("MODIFIER", "codes_hcpcsmodifier")):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT code, long_description, short_description, add_date, termination_date "
                f"FROM {table} WHERE release_id = %s",
                [release_id],
            )
            for found in cursor.fetchall():
                yield (system, *found)
