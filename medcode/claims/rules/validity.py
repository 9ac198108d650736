"""Codes that do not exist, or not on the date of service."""

from __future__ import annotations

from collections.abc import Iterator

from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.icd10.codes import format_icd10cm
from medcode.releases.store import status_on, to_date


class UnknownProcedureCode(Rule):
    """
    What it checks:
    A line's code is in no loaded CMS table: not in the HCPCS file, the fee schedule (RVUs or
    payment amounts), the MUE table, the add-on code file or an edit of the PTP table in force
    on the date of service.

    Why payers deny it:
    A claim line must carry a valid CPT or HCPCS code for the date of service; payers reject an
    invalid code before any other edit (CMS Claims Processing Manual, ch. 23, §20).

    Example:
    {"code": "97999X", "units": 1}

    Fix:
    Correct the typing, or find the code in medcode search and bill the code valid on the date.

    References:
    HCPCS Level II file, PFS RVU and payment files, NCCI MUE, add-on code and PTP tables in
    force on the date of service.
    """

    id = "VAL001"
    name = "unknown-procedure-code"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            if not ctx.known_code(line.code):
                yield Finding(
                    self.id,
                    "error",
                    (line.number,),
                    f"{line.code} is not a CPT or HCPCS code in the releases in force on "
                    f"{ctx.claim.date_of_service}",
                    "Correct the code; look it up with `medcode code` or the search.",
                    ctx.source("hcpcs", "no row for this code"),
                )


class HcpcsNotInEffect(Rule):
    """
    What it checks:
    A HCPCS Level II code billed before its add date or after its termination date.

    Why payers deny it:
    Payers accept a HCPCS code only for dates of service between its effective and termination
    dates; a discontinued code is denied as invalid for the date.

    Example:
    A code terminated 2024-12-31 billed for a service on 2025-01-10.

    Fix:
    Bill the code that replaced it (the HCPCS file's cross-reference names it), or correct the date.

    References:
    HCPCS Level II file: add date (columns 269-276) and termination date (columns 285-292).
    """

    id = "VAL002"
    name = "hcpcs-code-not-in-effect"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            found = ctx.hcpcs(line.code)
            if found is None:
                continue
            day = ctx.claim.line_date(line)
            start, end = to_date(found["add_date"]), to_date(found["termination_date"])
            status = status_on(day, start, end)
            if status != "active":
                when = f"added {start}" if status == "not yet effective" else f"terminated {end}"
                yield Finding(
                    self.id,
                    "error",
                    (line.number,),
                    f"{line.code} is {status} on {day} ({when})",
                    "Bill the code valid on the date of service.",
                    ctx.source("hcpcs", f"{line.code}: add date {start}, termination date {end}"),
                )


class DiagnosisNotBillable(Rule):
    """
    What it checks:
    A claim diagnosis that is not a billable ICD-10-CM code in the fiscal year of the date of
    service: a category or subcategory header (E11, M17.1), or a code not in that year's file.

    Why payers deny it:
    HIPAA requires the ICD-10-CM code set in force on the date of service, coded to the highest
    specificity; a header code is not a valid code on a claim
    (ICD-10-CM Official Guidelines, I.B.2).

    Example:
    "diagnoses": ["M17.1"]

    Fix:
    Code to the billable level the record supports, for example M17.11 (right knee).

    References:
    ICD-10-CM order file of the fiscal year (October 1 to September 30): billable flag, column 15.
    """

    id = "VAL003"
    name = "diagnosis-not-billable"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if ctx.in_force("icd10cm") is None:
            return
        for code in ctx.claim.diagnoses:
            found = ctx.icd10cm(code)
            shown = format_icd10cm(code)
            if found is None:
                day = ctx.claim.date_of_service
                message = f"{shown} is not an ICD-10-CM code in the fiscal year of {day}"
            elif not found["billable"]:
                message = f"{shown} is a header, not a billable ICD-10-CM code"
            else:
                continue
            yield Finding(
                self.id,
                "error",
                (),
                message,
                "Report the billable code (all characters) the record supports.",
                ctx.source(
                    "icd10cm", f"{shown}: {'not listed' if found is None else 'billable flag 0'}"
                ),
            )


class UnknownModifier(Rule):
    """
    What it checks:
    A modifier that is neither a HCPCS Level II modifier in the file in force nor a CPT
    (two-digit) modifier.

    Why payers deny it:
    An invalid modifier makes the line unprocessable; Medicare returns it as such.

    Example:
    {"code": "97110", "modifiers": ["GQ1"]}

    Fix:
    Correct the modifier.

    References:
    HCPCS Level II file, modifier records (record id 7).
    """

    id = "VAL004"
    name = "unknown-modifier"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            for modifier in line.modifiers:
                # CPT modifiers (two digits) are the AMA's and not in CMS's file.
                if modifier.isdigit() and len(modifier) == 2:
                    continue
                if not ctx.modifier(modifier):
                    yield Finding(
                        self.id,
                        "error",
                        (line.number,),
                        f"{modifier} is not a HCPCS modifier in the release in force",
                        "Correct the modifier.",
                        ctx.source("hcpcs", f"no modifier record {modifier}"),
                    )
