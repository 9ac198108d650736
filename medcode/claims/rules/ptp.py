"""NCCI procedure-to-procedure edits between lines of one claim on one date."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from medcode.claims.claim import ClaimLine
from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.edits.indicators import bypasses_ptp_edit
from medcode.edits.queries import PTP_DATASETS


def edit_pairs(ctx: ClaimContext) -> Iterator[tuple[ClaimLine, ClaimLine, dict]]:
    """(column-1 line, column-2 line, edit) for every PTP edit in force between two lines of a
    date, in line order."""
    # Several rules walk the pairs; they are worked out once per claim.
    found = ctx.memo.get("ptp_edit_pairs")
    if found is None:
        found = ctx.memo["ptp_edit_pairs"] = _edit_pairs(ctx)
    return iter(found)


def _edit_pairs(ctx: ClaimContext) -> list[tuple[ClaimLine, ClaimLine, dict]]:
    if ctx.claim.setting not in PTP_DATASETS:
        return []
    by_day: dict[date, dict[str, list[ClaimLine]]] = {}
    for line in ctx.claim.lines:
        by_day.setdefault(ctx.claim.line_date(line), {}).setdefault(line.code, []).append(line)
    days = [codes for codes in by_day.values() if len(codes) > 1]
    if not days:
        return []  # no two codes share a date: the PTP table is not read, so not cited
    index = ctx.ptp_index()
    found: list[tuple[ClaimLine, ClaimLine, dict]] = []
    for codes in days:
        found.extend(pairs_among(codes, index))
    found.sort(key=lambda pair: (pair[0].number, pair[1].number))
    return found


def pairs_among(
    codes: Mapping[str, list[ClaimLine]], index: Mapping[str, Mapping[str, dict]]
) -> Iterator[tuple[ClaimLine, ClaimLine, dict]]:
    """(column-1 line, column-2 line, edit) among the lines of one date, by code.

    Each code's edits are looked up once in ``index`` (column 1 code -> column 2 code ->
    edit), and each code's partners are matched against the date's codes from whichever side
    is smaller: the work grows with the codes and their edits, not with the pairs of lines.
    """
    for code, firsts in codes.items():
        partners = index.get(code)
        if not partners:
            continue
        if len(partners) <= len(codes):
            matched = [(other, e) for other, e in partners.items() if other in codes]
        else:
            matched = [(other, partners[other]) for other in codes if other in partners]
        for other, edit in matched:
            if other == code:
                continue
            for first in firsts:
                for second in codes[other]:
                    yield first, second, edit


def _source(ctx: ClaimContext, edit: dict) -> object:
    return ctx.source(
        PTP_DATASETS[ctx.claim.setting],
        f"{edit['column1']} / {edit['column2']}: modifier indicator {edit['modifier_indicator']}, "
        f"deletion date {edit['deletion_date'] or '*'}; {edit['rationale'] or ''}".rstrip("; "),
    )


class PtpPairNotBypassable(Rule):
    """
    What it checks:
    Two lines on the same date form an NCCI PTP edit with modifier indicator 0.

    Why payers deny it:
    With indicator 0 the column 2 code is never paid with the column 1 code for the same patient,
    provider and date, whatever modifier is used (NCCI Policy Manual, ch. I, §E).

    Example:
    Two lines whose codes form an active edit with modifier indicator 0.

    Fix:
    Remove the column 2 code; a modifier cannot make it payable.

    References:
    NCCI PTP table in force for the setting (practitioner or outpatient hospital).
    """

    id = "PTP001"
    name = "ptp-pair-not-bypassable"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for first, second, edit in edit_pairs(ctx):
            if edit["modifier_indicator"] == "0":
                yield Finding(
                    self.id,
                    "error",
                    (second.number,),
                    f"{second.code} (line {second.number}) is denied with {first.code} (line "
                    f"{first.number}): NCCI edit with modifier indicator 0",
                    f"Remove {second.code}; no modifier bypasses this edit.",
                    _source(ctx, edit),  # type: ignore[arg-type]
                )


class PtpPairWithoutModifier(Rule):
    """
    What it checks:
    Two lines on the same date form an NCCI PTP edit with modifier indicator 1, and the column 2
    line carries no NCCI-associated modifier (59, XE, XS, XP, XU, 24, 25, 27, 57, 58, 78, 79,
    91, E1-E4, FA, F1-F9, LC, LD, LM, LT, RC, RI, RT, TA, T1-T9).

    Why payers deny it:
    The column 2 code is denied unless a modifier shows the services were distinct (a separate
    session, site, structure or encounter) and the record supports it
    (NCCI Policy Manual, ch. I, §E).

    Example:
    G0283 and 97032 on one date for Medicare, neither with a modifier.

    Fix:
    If the services were truly distinct, append the modifier that says how (XU, XS, 59…) to the
    column 2 line; otherwise remove the column 2 code.

    References:
    NCCI PTP table in force for the setting; NCCI-associated modifiers in NCCI Policy Manual ch. I.
    """

    id = "PTP002"
    name = "ptp-pair-without-modifier"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for first, second, edit in edit_pairs(ctx):
            if edit["modifier_indicator"] == "1" and not bypasses_ptp_edit("1", second.modifiers):
                yield Finding(
                    self.id,
                    "error",
                    (second.number,),
                    f"{second.code} (line {second.number}) is denied with {first.code} (line "
                    f"{first.number}) unless an NCCI-associated modifier shows they were distinct",
                    f"Append XU, XS, XE, XP or 59 to line {second.number} if the record supports "
                    f"a distinct service; otherwise remove {second.code}.",
                    _source(ctx, edit),  # type: ignore[arg-type]
                )
