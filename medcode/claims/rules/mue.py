"""Medically unlikely edits: units above what CMS accepts for one patient and date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.edits.queries import MUE_DATASETS


class UnitsOverMue(Rule):
    """
    What it checks:
    Units of a code above its MUE for the claim's setting: per line when the adjudication
    indicator (MAI) is 1, summed over all lines of the date of service when it is 2 or 3.

    Why payers deny it:
    Medicare denies the units over an MUE (MAI 1: the line; MAI 2: policy, not appealable on
    medical necessity; MAI 3: clinical, appealable with documentation)
    (NCCI Policy Manual, ch. I, §V). Medicaid and many commercial payers apply the same values,
    so for them the finding is a warning. An MUE of 0 only says Medicare does not pay the code
    at all (MCS001 explains why), so it is not repeated for other payers.

    Example:
    {"code": "G0283", "modifiers": ["GP"], "units": 2} — G0283's practitioner MUE is 1 (MAI 3).

    Fix:
    Bill the units the MUE allows; for MAI 1 split units over lines with the right modifiers only
    when the record supports it; for MAI 3 keep the record ready for an appeal.

    References:
    NCCI MUE table in force for the setting (practitioner, outpatient hospital or DME).
    """

    id = "MUE001"
    name = "units-over-mue"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        by_day: dict[tuple[str, object], list] = defaultdict(list)
        for line in ctx.claim.lines:
            by_day[(line.code, ctx.claim.line_date(line))].append(line)
        dataset = MUE_DATASETS[ctx.claim.setting]
        medicare = ctx.claim.payer == "medicare"
        for (code, day), lines in by_day.items():
            edit = ctx.mue(code)
            if edit is None:
                continue
            mai = edit["adjudication_indicator"]
            groups = [[line] for line in lines] if mai == "1" else [lines]
            for group in groups:
                units = sum(line.units for line in group)
                if units <= edit["value"] or (not medicare and edit["value"] == 0):
                    continue
                per = "on the line" if mai == "1" else f"on {day}"
                yield Finding(
                    self.id,
                    "error" if medicare else "warning",
                    tuple(line.number for line in group),
                    f"{units} units of {code} {per} exceed its MUE of {edit['value']} "
                    f"(MAI {mai}: {edit['adjudication_text']})",
                    f"Bill at most {edit['value']} units of {code} for the date, or keep the "
                    "documentation for an appeal where the MAI allows one.",
                    ctx.source(
                        dataset,
                        f"{code}: MUE {edit['value']}, {mai} {edit['adjudication_text']}; "
                        f"{edit['rationale']}",
                    ),
                )
