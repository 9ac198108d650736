"""Every SQL read of the Physician Fee Schedule tables (RVUs, GPCIs, localities, payment
amounts, OPPS cap, the CPT notice): the one place their table names and columns are written,
single-code and batched forms side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from medcode.releases.sql import Row, in_chunks, rows, scalar, select


def _ids(release_ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in release_ids)


# --- RVUs -----------------------------------------------------------------------------------


def rvus(release_id: int, code: str) -> list[Row]:
    """Every row (global, 26, TC…) of the code in the RVU release, by modifier."""
    return rows(
        "SELECT * FROM fees_pfsrvu WHERE release_id = %s AND hcpcs = %s ORDER BY modifier",
        [release_id, code],
    )


def rvus_of(release_id: int, codes: Sequence[str]) -> list[Row]:
    """Batched ``rvus``: the rows of every code of ``codes`` (in no particular order)."""
    return in_chunks(
        "SELECT * FROM fees_pfsrvu WHERE release_id = %s AND hcpcs IN ({marks})",
        [release_id],
        codes,
    )


def rvu_history(release_ids: Sequence[int], code: str) -> list[Row]:
    """The code's global row (no modifier) in each of the releases (``codes.history``)."""
    return rows(
        f"SELECT * FROM fees_pfsrvu WHERE release_id IN ({_ids(release_ids)}) "
        "AND hcpcs = %s AND modifier = ''",
        [code],
    )


def notice(release_id: int) -> str | None:
    """The release's CPT copyright notice, if the file had one."""
    found: str | None = scalar(
        "SELECT text FROM fees_pfsnotice WHERE release_id = %s", [release_id]
    )
    return found


# --- GPCIs and localities -------------------------------------------------------------------


def gpci_table(release_id: int) -> list[Row]:
    """Every locality of the GPCI release with its GPCIs, by state, name and MAC."""
    return rows(
        "SELECT mac, state, locality, locality_name, work_gpci, pe_gpci, mp_gpci "
        "FROM fees_pfsgpciindex WHERE release_id = %s ORDER BY state, locality_name, mac",
        [release_id],
    )


def gpci_of_locality(release_id: int, mac: str, locality: str) -> Row | None:
    """The GPCIs of one locality (``mac``, ``locality``) in the release, or None."""
    found = select(
        "SELECT work_gpci, pe_gpci, mp_gpci FROM fees_pfsgpciindex "
        "WHERE release_id = %s AND mac = %s AND locality = %s",
        [release_id, mac, locality],
    )
    return found[0] if found else None


def gpci_localities(release_id: int) -> list[Row]:
    """mac, locality, state, locality_name of every locality of the GPCI release."""
    return rows(
        "SELECT mac, locality, state, locality_name FROM fees_pfsgpciindex WHERE release_id = %s",
        [release_id],
    )


def locality_counties(release_id: int) -> list[Row]:
    """mac, locality, fee_schedule_area, counties of every row of the locality file."""
    return rows(
        "SELECT mac, locality, fee_schedule_area, counties FROM fees_pfslocalitycounties "
        "WHERE release_id = %s",
        [release_id],
    )


# --- Payment amount files -------------------------------------------------------------------


def payment_amount_lists(release_id: int, code: str) -> bool:
    """Whether the payment amount (revision) release lists ``code``."""
    return code in payment_amounts_listed(release_id, [code])


def payment_amounts_listed(release_id: int, codes: Sequence[str]) -> set[str]:
    """Batched ``payment_amount_lists``: which of ``codes`` the release lists."""
    return {
        r["hcpcs"]
        for r in in_chunks(
            "SELECT DISTINCT hcpcs FROM fees_pfspaymentamount "
            "WHERE release_id = %s AND hcpcs IN ({marks})",
            [release_id],
            codes,
        )
    }


# --- What other apps need -------------------------------------------------------------------

#: The EXISTS tests of which loaded releases list a procedure code (``codes.listings``): per
#: dataset, statements taking (release id, code).
PROCEDURE_LISTINGS: dict[str, tuple[str, ...]] = {
    "pfs_rvu": ("SELECT 1 FROM fees_pfsrvu WHERE release_id = %s AND hcpcs = %s",),
    "pfs_revision": ("SELECT 1 FROM fees_pfspaymentamount WHERE release_id = %s AND hcpcs = %s",),
    "pfs_revision_qp": (
        "SELECT 1 FROM fees_pfspaymentamount WHERE release_id = %s AND hcpcs = %s",
    ),
    "pfs_oppscap": ("SELECT 1 FROM fees_pfsoppscapamount WHERE release_id = %s AND hcpcs = %s",),
}


def index_entries(release_id: int) -> Iterator[tuple[Any, ...]]:
    """What search indexes of an RVU release: (code, descriptor) of every row, by code and
    modifier (a code repeats once per modifier)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hcpcs, description FROM fees_pfsrvu WHERE release_id = %s "
            "ORDER BY hcpcs, modifier",
            [release_id],
        )
        yield from cursor.fetchall()
