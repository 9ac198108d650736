"""Add-on codes billed without a primary code."""

from __future__ import annotations

from collections.abc import Iterator

from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.edits.models import CONTRACTOR_DEFINED_PRIMARY


class AddOnWithoutPrimary(Rule):
    """
    What it checks:
    An add-on code on a claim with none of its primary codes on the same claim. Edit types 1 and 3
    are errors; type 2 (no primary list: the contractor decides) is a warning.

    Why payers deny it:
    An add-on code is paid only with a primary service by the same practitioner on the same date
    (NCCI add-on code edits; Medicare Claims Processing Manual ch. 12, §30).

    Example:
    An add-on code billed alone, without any of its primary codes.

    Fix:
    Bill the primary service the add-on depends on, or remove the add-on code.

    References:
    NCCI add-on code edit table (AOC) in force: Add-On_Code, Primary_Code, AOC_Edit_Type.
    """

    id = "AOC001"
    name = "addon-without-primary"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        billed = {line.code for line in ctx.claim.lines}
        for line in ctx.claim.lines:
            edits = ctx.addon(line.code)
            if not edits:
                continue
            primaries = {e["primary_code"] for e in edits} - {CONTRACTOR_DEFINED_PRIMARY}
            if primaries & billed:
                continue
            types = {e["edit_type"] for e in edits}
            severity = "warning" if types == {"2"} else "error"
            shown = ", ".join(sorted(primaries)[:8]) + ("…" if len(primaries) > 8 else "")
            yield Finding(
                self.id,
                severity,
                (line.number,),
                f"{line.code} is an add-on code (type {', '.join(sorted(types))}) billed without a "
                f"primary code" + (f" ({shown})" if shown else ""),
                "Bill it with its primary service, or remove it.",
                ctx.source("ncci_aoc", f"{line.code}: {len(primaries)} primary codes"),
            )
