"""Physician Fee Schedule facts for a code on a date of service: status, RVUs, national payment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medcode.fees import pricing, queries
from medcode.fees.indicators import meaning
from medcode.fees.pricing import PRICED_STATUS as PRICED_STATUS  # callers read it here
from medcode.releases import cache
from medcode.releases.sql import Cite
from medcode.releases.store import InForce, ReleaseRef, Snapshot

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
    return queries.notice(release_id)


def _in_force_rows(code: str, cite: Cite) -> tuple[InForce | None, list[dict[str, Any]]]:
    """The RVU release in force and the code's rows in it (global, 26, TC…)."""
    answer = cite("pfs_rvu")
    if answer is None:
        return None, []
    return answer, queries.rvus(answer.release.id, code)


def _main_row(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The global row (no modifier) when there is one; 26/TC rows only otherwise."""
    return next((r for r in found if not r["modifier"]), found[0])


def _fee_row(r: dict[str, Any]) -> dict[str, Any]:
    cf = r["conversion_factor"]
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


def _amount(total: Any, cf: Any) -> float | None:
    if total in (None, "") or cf in (None, ""):
        return None
    return pricing.dollars(pricing.national(total, cf))


class UnknownLocality(ValueError):
    pass


def localities(cite: Cite) -> tuple[InForce | None, tuple[dict[str, Any], ...]]:
    """Every payment locality of the GPCI release in force, as ``MAC-locality`` ids, by state."""
    answer = cite("pfs_gpci")
    if answer is None:
        return None, ()
    return answer, _gpci_table(answer.release)


def _gpci_table(release: ReleaseRef) -> tuple[dict[str, Any], ...]:
    """A GPCI release's localities, read once per process per release (the release cache
    ``fees.gpci``, dropped when a release is loaded, replaced or removed).

    A release's rows never change while it is loaded: replacing it makes a new release. The
    key is the whole reference (id, version, file name, period), not the id alone.
    """
    known = cache.named("fees.gpci", limit=16)
    table: tuple[dict[str, Any], ...] | None = known.get(release)
    if table is None:
        table = known[release] = _read_gpci_table(release.id)
    return table


def _read_gpci_table(release_id: int) -> tuple[dict[str, Any], ...]:
    """GPCIs are kept as Decimals for people and as thousandths for the arithmetic."""
    found = queries.gpci_table(release_id)
    table = []
    for r in found:
        place: dict[str, Any] = {
            "id": f"{r['mac']}-{r['locality']}",
            "mac": r["mac"],
            "locality": r["locality"],
            "state": r["state"],
            "name": r["locality_name"],
        }
        for key in ("work_gpci", "pe_gpci", "mp_gpci"):
            place[key] = _dec(r[key]) or Decimal(0)
        place["gpcis"] = pricing.gpcis(r["work_gpci"], r["pe_gpci"], r["mp_gpci"])
        table.append(place)
    return tuple(table)


def locality_amounts(
    code: str,
    snap: Snapshot,
    cite: Cite,
    locality: str | None = None,
    *,
    every_locality: bool = True,
) -> dict[str, Any] | None:
    """The code's GPCI-adjusted facility and non-facility amounts in every locality.

    ``localities`` holds the main (global) row's amounts in each locality, for a chart (left
    out, with ``every_locality=False``, by callers that show the one asked for only);
    ``selected`` every row (global, 26, TC) in the locality asked for.

    Amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor,
    rounded to the cent by ``medcode.fees.pricing`` (as the claim checker's amounts are). With
    ``locality`` (``MAC-locality``, e.g. ``13202-01``) the answer also names that one; an id
    the GPCI release does not list raises UnknownLocality. None when no RVU or GPCI release
    lists it.
    """
    rvu_answer, found = _in_force_rows(code, cite)
    if rvu_answer is None or not found:
        return None
    gpci_answer, places = localities(cite)
    if gpci_answer is None or not places:
        return None
    chosen = None
    if locality:
        chosen = next((p for p in places if p["id"] == locality), None)
        if chosen is None:
            raise UnknownLocality(
                f"no Medicare payment locality {locality!r} in {gpci_answer.release.label} "
                "(write it as MAC-locality, e.g. 13202-01)"
            )
    main_row = _main_row(found)
    status = main_row["status_code"]
    main = _rvu_units(main_row)
    lines = [_rvu_units(r) for r in found if r["modifier"] in ("", "26", "TC")]
    result: dict[str, Any] = {
        "priced_by_fee_schedule": status in PRICED_STATUS,
        "status_code": status,
        "formula": "(work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF",
        "selected": None,
        "sources": [rvu_answer.release.to_dict(), gpci_answer.release.to_dict()],
    }
    if chosen is not None:
        result["selected"] = {
            "locality": chosen["id"],
            "mac": chosen["mac"],
            "state": chosen["state"],
            "name": chosen["name"],
            "work_gpci": float(chosen["work_gpci"]),
            "pe_gpci": float(chosen["pe_gpci"]),
            "mp_gpci": float(chosen["mp_gpci"]),
            "amounts": [_adjusted(r, chosen) for r in lines],
        }
    if every_locality:
        # The chart compares localities on the main (global) row only.
        result["localities"] = [
            {"locality": p["id"], "state": p["state"], "name": p["name"], **_adjusted(main, p)}
            for p in places
        ]
    return result


def locality_choices(cite: Cite) -> tuple[tuple[str, str], ...]:
    """Every locality of the GPCI release in force as (``MAC-locality`` id, label), by state."""
    answer = cite("pfs_gpci")
    if answer is None:
        return ()
    return _choices(answer.release)


def _choices(release: ReleaseRef) -> tuple[tuple[str, str], ...]:
    known = cache.named("fees.locality_choices", limit=16)
    found: tuple[tuple[str, str], ...] | None = known.get(release)
    if found is None:
        found = known[release] = tuple(
            (p["id"], f"{p['state']} — {p['name']} ({p['id']})") for p in _gpci_table(release)
        )
    return found


def _rvu_units(r: dict[str, Any]) -> tuple[str | None, pricing.Rvus]:
    """An RVU row's modifier and its figures for pricing."""
    return r["modifier"] or None, pricing.rvus(r)


def _adjusted(u: tuple[str | None, pricing.Rvus], place: dict[str, Any]) -> dict[str, Any]:
    modifier, figures = u
    non_facility, facility = pricing.prices(figures, place["gpcis"])
    return {
        "modifier": modifier,
        "non_facility_amount": non_facility / 100,
        "facility_amount": facility / 100,
    }
