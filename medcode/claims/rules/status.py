"""Medicare Physician Fee Schedule status codes that stop payment."""

from __future__ import annotations

from collections.abc import Iterator

from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.content.crosswalks import crosswalks_for
from medcode.fees.indicators import STATUS_CODES
from medcode.fees.pricing import UNPAID


class MedicareStatusNotPayable(Rule):
    """
    What it checks:
    A line whose code has a PFS status that Medicare does not pay as billed: I (not valid for
    Medicare; another code is used), B (bundled), N (non-covered), E and X (excluded), P,
    deleted codes (D, F, G, H) and measurement codes (M).

    Why payers deny it:
    Medicare pays a service under the fee schedule only when its status allows it (Medicare
    Claims Processing Manual, ch. 12; PFS relative value file, status code column).

    Example:
    {"code": "97014", "modifiers": ["GP"], "units": 1} for Medicare: status I, bill G0283.

    Fix:
    For status I, bill the code Medicare recognises (medcode's crosswalk names it, e.g. G0283
    for 97014); for B, do not bill the bundled service separately; for N, E and X, bill the
    patient with the required notice or do not bill Medicare.

    References:
    PFS relative value file (PPRRVU), STATUS CODE column; medcode crosswalk table.
    """

    id = "MCS001"
    name = "medicare-status-not-payable"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            rvu = ctx.rvu(line.code, "")
            if rvu is None or rvu["status_code"] not in UNPAID:
                continue
            status = rvu["status_code"]
            meaning = STATUS_CODES.get(status, "")
            message = f"{line.code} has Medicare fee schedule status {status}: {meaning}"
            fix = "Do not bill this code to Medicare as is."
            for crosswalk in crosswalks_for(line.code):
                if crosswalk.direction == "from" and crosswalk.payer.lower() == "medicare":
                    fix = f"Bill {crosswalk.to_code} instead: {crosswalk.note}"
                    break
            yield Finding(
                self.id,
                UNPAID[status],
                (line.number,),
                message,
                fix,
                ctx.source("pfs_rvu", f"{line.code}: status code {status}"),
            )
