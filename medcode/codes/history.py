"""How a code changed across the loaded releases: first listed, descriptor and status changes,
termination, dropped from a later release.

Each dataset that lists the code is read once, over all its loaded releases (one query per
dataset), and consecutive releases are compared. The answer can only be as long as the
releases loaded: with one HCPCS file loaded, the file's own add, action and termination dates
are all the history there is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from medcode.codes import queries as codes_queries
from medcode.codes.indicators import ACTION_CODES
from medcode.fees import queries as fees_queries
from medcode.fees.indicators import STATUS_CODES
from medcode.icd10 import queries as icd10_queries
from medcode.releases.sql import iso
from medcode.releases.store import ReleaseRef, Snapshot


@dataclass(frozen=True)
class _Dataset:
    dataset: str
    # The owning app's read of the code's row in each of the releases.
    read: Callable[[Sequence[int], str], list[dict[str, Any]]]
    descriptor: str  # the column compared for descriptor changes
    status: str | None  # a status column compared between releases
    hcpcs_dates: bool = False  # the HCPCS file's add, action and termination dates


_FEE_SCHEDULE = _Dataset("pfs_rvu", fees_queries.rvu_history, "description", "status_code")
_BY_SYSTEM: dict[str, tuple[_Dataset, ...]] = {
    "HCPCS": (
        _Dataset("hcpcs", codes_queries.hcpcs_history, "long_description", "coverage_code", True),
        _FEE_SCHEDULE,
    ),
    "CPT": (_FEE_SCHEDULE,),
    "ICD-10-CM": (
        _Dataset(
            "icd10cm", partial(icd10_queries.order_history, "icd10cm"), "long_title", "billable"
        ),
    ),
    "ICD-10-PCS": (
        _Dataset(
            "icd10pcs", partial(icd10_queries.order_history, "icd10pcs"), "long_title", "valid"
        ),
    ),
    "MODIFIER": (
        _Dataset("hcpcs", codes_queries.modifier_history, "long_description", None, True),
    ),
}

_STATUS_NAMES = {
    "coverage_code": "HCPCS coverage code",
    "status_code": "fee schedule status",
    "billable": "billable",
    "valid": "valid for submission",
}


def code_history(code: str, system: str, snap: Snapshot) -> dict[str, Any]:
    """Events oldest first, each with its date (or the release's start) and the release cited."""
    events: list[dict[str, Any]] = []
    checked: list[dict[str, object]] = []
    for spec in _BY_SYSTEM.get(system, ()):
        refs = snap.releases(spec.dataset)
        if not refs:
            continue
        checked.extend(ref.to_dict() for ref in refs)
        events.extend(_dataset_events(code, spec, refs))
    events.sort(key=lambda e: (e["date"] or "", e["order"]))
    for event in events:
        del event["order"]
    return {"events": events, "releases_checked": checked}


def _dataset_events(code: str, spec: _Dataset, refs: list[ReleaseRef]) -> list[dict[str, Any]]:
    found = spec.read([ref.id for ref in refs], code)
    by_release = {r["release_id"]: r for r in found}
    events: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    order = 0

    def add(ref: ReleaseRef, kind: str, text: str, day: str | None = None) -> None:
        nonlocal order
        order += 1
        events.append(
            {
                "date": day or ref.period_start.isoformat(),
                "kind": kind,
                "text": text,
                "dataset": spec.dataset,
                "release": ref.label,
                "order": order,
            }
        )

    for ref in refs:
        current = by_release.get(ref.id)
        if current is None:
            if previous is not None:
                add(
                    ref,
                    "dropped",
                    f"Not listed in {ref.label}, though the release before listed it.",
                )
            previous = None
            continue
        if previous is None:
            add(ref, "listed", _listed_text(spec, ref, current))
        else:
            if (previous[spec.descriptor] or "") != (current[spec.descriptor] or ""):
                add(
                    ref,
                    "descriptor changed",
                    f"Descriptor changed from “{previous[spec.descriptor]}” to "
                    f"“{current[spec.descriptor]}”.",
                )
            if spec.status and previous[spec.status] != current[spec.status]:
                add(
                    ref,
                    "status changed",
                    f"{_STATUS_NAMES[spec.status].capitalize()} changed from "
                    f"{_shown(previous[spec.status])} to {_shown(current[spec.status])}.",
                )
        if spec.hcpcs_dates:
            _hcpcs_dates(current, ref, add)
        previous = current
    return events


def _listed_text(spec: _Dataset, ref: ReleaseRef, current: dict[str, Any]) -> str:
    text = f"Listed in {ref.label}"
    if spec.status == "status_code":
        status = current["status_code"]
        meaning = STATUS_CODES.get(status, "")
        text += f" with fee schedule status {status}" + (
            f" ({meaning.split(':')[0]})" if meaning else ""
        )
    elif spec.status in ("billable", "valid"):
        text += f", {'' if current[spec.status] else 'not '}{_STATUS_NAMES[spec.status]}"
    return text + "."


def _hcpcs_dates(current: dict[str, Any], ref: ReleaseRef, add: Any) -> None:
    """The dates the HCPCS file gives: when the code was added, last changed and terminated."""
    if current.get("add_date"):
        add(ref, "added", "Added to HCPCS (the file's add date).", iso(current["add_date"]))
    action = current.get("action_code") or ""
    if action and action not in ("N", "A") and current.get("action_effective_date"):
        meaning = ACTION_CODES.get(action, f"action code {action}")
        add(
            ref,
            "changed",
            f"{meaning} (action code {action}).",
            iso(current["action_effective_date"]),
        )
    if current.get("termination_date"):
        add(
            ref,
            "terminated",
            "Terminated: this is the last day the code may be reported.",
            iso(current["termination_date"]),
        )


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value in (0, 1):
        return "yes" if value else "no"
    return str(value) if value not in ("", None) else "blank"
