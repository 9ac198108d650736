"""Physician Fee Schedule facts for a code on a date of service: status, RVUs, national payment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from medcode.fees.indicators import meaning
from medcode.releases.sql import Cite, rows, scalar
from medcode.releases.store import InForce, Snapshot

CENT = Decimal("0.01")

#: Indicator columns shown with their meanings, as named in the PfsRvu model.
INDICATORS = (
    "pctc_indicator",
    "global_days",
    "multiple_procedure",
    "bilateral_surgery",
    "assistant_at_surgery",
    "co_surgeons",
    "team_surgery",
    "physician_supervision",
    "nonfacility_na_indicator",
    "facility_na_indicator",
)


def cpt(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    """A CPT code as the loaded fee schedule knows it (medcode's only CPT descriptor source)."""
    answer, found = _in_force_rows(code, cite)
    if answer is None or not found:
        return None
    main = _main_row(found)
    return {
        "code": code,
        "system": "CPT",
        "short_description": main["description"],
        "long_description": None,
        "descriptor_notice": notice(answer.release.id),
        "effective_date": None,
        "termination_date": None,
        # CMS publishes no dates for CPT codes; the fee schedule status says what Medicare does.
        "status": "listed in the fee schedule",
    }


def fees(code: str, snap: Snapshot, cite: Cite) -> dict[str, Any] | None:
    answer, found = _in_force_rows(code, cite)
    if answer is None or not found:
        return None
    main = _main_row(found)
    status = main["status_code"]
    return {
        "status": {"code": status, "meaning": meaning("status_code", status)},
        "conversion_factor": _num(main["conversion_factor"]),
        "rows": [_fee_row(r) for r in found],
        "source": answer.release.to_dict(),
    }


def notice(release_id: int) -> str | None:
    return scalar("SELECT text FROM fees_pfsnotice WHERE release_id = %s", [release_id])  # type: ignore[no-any-return]


def _in_force_rows(code: str, cite: Cite) -> tuple[InForce | None, list[dict[str, Any]]]:
    """The RVU release in force and the code's rows in it (global, 26, TC…)."""
    answer = cite("pfs_rvu")
    if answer is None:
        return None, []
    return answer, rows(
        "SELECT * FROM fees_pfsrvu WHERE release_id = %s AND hcpcs = %s ORDER BY modifier",
        [answer.release.id, code],
    )


def _main_row(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The global row (no modifier) when there is one; 26/TC rows only otherwise."""
    return next((r for r in found if not r["modifier"]), found[0])


def _fee_row(r: dict[str, Any]) -> dict[str, Any]:
    cf = _dec(r["conversion_factor"])
    result: dict[str, Any] = {
        "modifier": r["modifier"] or None,
        "work_rvu": _num(r["work_rvu"]),
        "non_facility_pe_rvu": _num(r["nonfacility_pe_rvu"]),
        "facility_pe_rvu": _num(r["facility_pe_rvu"]),
        "mp_rvu": _num(r["mp_rvu"]),
        "non_facility_total": _num(r["nonfacility_total"]),
        "facility_total": _num(r["facility_total"]),
        # National (unadjusted by GPCI) amounts: total RVUs times the conversion factor.
        "national_non_facility_amount": _amount(r["nonfacility_total"], cf),
        "national_facility_amount": _amount(r["facility_total"], cf),
        "not_used_for_medicare_payment": r["not_used_for_medicare_payment"] or None,
    }
    for field in INDICATORS:
        value = r[field]
        result[field] = value if value not in ("", None) else None
        if value not in ("", None):
            result[f"{field}_meaning"] = meaning(field, str(value))
    return result


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _num(value: Any) -> float | None:
    dec = _dec(value)
    return None if dec is None else float(dec)


def _amount(total: Any, cf: Decimal | None) -> float | None:
    dec = _dec(total)
    if dec is None or cf is None:
        return None
    return float((dec * cf).quantize(CENT, rounding=ROUND_HALF_UP))
