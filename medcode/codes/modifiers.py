"""Which modifiers apply to a CPT/HCPCS code on a date, and why.

The conditions come from the CMS data already in a look-up (fee schedule indicators, MUE
adjudication, PTP edits with modifier indicator 1); the modifiers and the reasons come from
medcode's editorial table (``medcode/content/modifier_guidance.toml``). Level II modifiers
carry their HCPCS description from the release in force; CPT's numeric modifiers are the
AMA's and are shown without a descriptor.
"""

from __future__ import annotations

from typing import Any

from medcode.codes import queries
from medcode.content.modifier_guidance import guidance
from medcode.content.therapy import therapy
from medcode.edits.facts import has_ptp_modifier_edits
from medcode.releases.sql import Cite
from medcode.releases.store import Snapshot


def main_fee_row(info: dict[str, Any]) -> dict[str, Any] | None:
    """The look-up's global fee schedule row (no modifier), else its first row, if any."""
    rows = (info.get("fees") or {}).get("rows") or []
    return next((r for r in rows if r["modifier"] is None), rows[0] if rows else None)


def conditions_for(code: str, info: dict[str, Any], snap: Snapshot) -> list[str]:
    """The ids of the guidance conditions that hold for the code on the date."""
    held: list[str] = []
    main = main_fee_row(info)
    if (main and main.get("multiple_procedure") == "5") or code in therapy().always:
        held.append("therapy")
    if main:
        pctc = main.get("pctc_indicator")
        if pctc == "1":
            held.append("pctc_split")
        elif pctc == "6":
            held.append("pctc_professional")
        if main.get("bilateral_surgery") == "1":
            held.append("bilateral")
        if main.get("bilateral_surgery") in ("1", "3"):
            held.append("sides")
        # The surgical indicators carry values on visits and therapy codes too; only a code
        # with a surgical global period is one an assistant or co-surgeon can bill.
        surgical = main.get("global_days") in ("000", "010", "090")
        if surgical and main.get("assistant_at_surgery") in ("0", "2"):
            held.append("assistant")
        if surgical and main.get("co_surgeons") in ("1", "2"):
            held.append("co_surgeons")
        if surgical and main.get("team_surgery") in ("1", "2"):
            held.append("team")
        if main.get("global_days") in ("010", "090"):
            held.append("global_period")
    ptp = info.get("ptp") or {}
    if any(c and (c["as_column1"] or c["as_column2"]) for c in ptp.values()) and (
        has_ptp_modifier_edits(code, snap)
    ):
        held.append("ncci_ptp")
    practitioner = (info.get("mue") or {}).get("practitioner")
    if practitioner and practitioner["adjudication_indicator"] == 1 and practitioner["value"]:
        held.append("mue_line")
    if code.startswith("992"):
        held.append("evaluation")
    return held


def modifier_guidance(
    code: str, info: dict[str, Any], snap: Snapshot, cite: Cite
) -> dict[str, Any]:
    """``{"conditions": [...], "modifiers": [...]}``: each modifier with why it applies."""
    table = guidance()
    held = conditions_for(code, info, snap)
    entries = table.for_conditions(held)
    described = _hcpcs_descriptions(sorted({e.modifier for e in entries}), cite)
    return {
        "conditions": [{"id": c, "when": table.conditions[c]} for c in held],
        "modifiers": [
            {
                "modifier": e.modifier,
                "condition": e.condition,
                "why": e.why,
                "hcpcs_description": described.get(e.modifier),
            }
            for e in entries
        ],
    }


def _hcpcs_descriptions(codes: list[str], cite: Cite) -> dict[str, str]:
    if not codes:
        return {}
    answer = cite("hcpcs")
    if answer is None:
        return {}
    return queries.modifier_descriptions(answer.release.id, codes)
