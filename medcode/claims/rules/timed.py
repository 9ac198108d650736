"""Units of timed and untimed therapy codes against the minutes on the claim."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from medcode.claims.claim import ClaimLine
from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.claims.rules.therapy import content_source
from medcode.content.therapy import therapy


def units_for_minutes(minutes: int, per_unit: int = 15) -> int:
    """Units that minutes support when a unit needs more than half its length: with 15-minute
    units, 0-7 minutes give 0, 8-22 give 1, 23-37 give 2 and so on."""
    half = per_unit // 2
    return (minutes + half) // per_unit if minutes > half else 0


def _timed_by_date(ctx: ClaimContext) -> dict[date, list[ClaimLine]]:
    timed = therapy().timed
    by_day: dict[date, list[ClaimLine]] = defaultdict(list)
    for line in ctx.claim.lines:
        if line.code in timed:
            by_day[ctx.claim.line_date(line)].append(line)
    return by_day


def _units_over_minutes(
    lines: list[ClaimLine], minutes_per_unit: int
) -> tuple[int, int, int] | None:
    """(minutes, units billed, units supported) when the lines bill more units than their
    minutes support; None when they don't, or when a line has no minutes to judge by."""
    if any(line.minutes is None for line in lines):
        return None
    minutes = sum(line.minutes or 0 for line in lines)
    billed = sum(line.units for line in lines)
    supported = units_for_minutes(minutes, minutes_per_unit)
    return (minutes, billed, supported) if billed > supported else None


class EightMinuteRule(Rule):
    """
    What it checks:
    For Medicare, the units of 15-minute timed codes billed on one date against the total
    minutes of those codes on that date: 8-22 minutes support 1 unit, 23-37 support 2, 38-52
    support 3, and so on (7 minutes or fewer support none). Dates where a timed line has no
    minutes are skipped (TIM004 names those lines).

    Why payers deny it:
    Medicare counts the minutes of all timed services of a day together and pays the units
    they support; units beyond that are overbilling and are denied or recovered on review
    (Medicare Claims Processing Manual, ch. 5, §20.2).

    Example:
    97110 with 20 minutes and 97140 with 10 minutes, each billed with 2 units: 30 minutes
    support 2 units, not 4.

    Fix:
    Bill the units the total minutes support, giving them to the codes with the most minutes;
    or record the minutes that were actually spent.

    References:
    Medicare Claims Processing Manual, ch. 5, §20.2; medcode's therapy.toml [timed].
    """

    id = "TIM001"
    name = "timed-units-over-eight-minute-rule"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        content = therapy()
        for day, lines in sorted(_timed_by_date(ctx).items()):
            over = _units_over_minutes(lines, content.minutes_per_unit)
            if over is None:
                continue
            minutes, billed, supported = over
            yield Finding(
                self.id,
                "error",
                tuple(line.number for line in lines),
                f"{billed} units of 15-minute timed codes on {day}, but their {minutes} "
                f"minutes support {supported} under Medicare's 8-minute rule",
                f"Bill {supported} timed unit(s) for {day}, to the codes with the most minutes.",
                content_source(
                    content.timed, f"{minutes} minutes: {supported} unit(s) (8-minute rule)"
                ),
            )


class TimedUnitsPerCode(Rule):
    """
    What it checks:
    For payers other than Medicare, each 15-minute timed code's units on a date against that
    code's own minutes: a unit needs at least 8 minutes, a second one 23, a third 38 (the
    "substantial portion" convention of the AMA's CPT rules, applied code by code).

    Why payers deny it:
    Commercial and many Medicaid plans follow the CPT time convention per code rather than
    Medicare's total-minutes method; units a code's own minutes do not reach are overbilled
    (payer policy; CPT time rules for timed codes).

    Example:
    A commercial claim with 97110 billed 2 units for 20 minutes.

    Fix:
    Bill the units each code's minutes support, or record the minutes actually spent.

    References:
    CPT time convention for 15-minute codes (payer policies); medcode's therapy.toml [timed].
    """

    id = "TIM002"
    name = "timed-units-over-code-minutes"
    payers = ("medicaid", "commercial")

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        content = therapy()
        for day, lines in sorted(_timed_by_date(ctx).items()):
            by_code: dict[str, list[ClaimLine]] = defaultdict(list)
            for line in lines:
                by_code[line.code].append(line)
            for code, group in by_code.items():
                over = _units_over_minutes(group, content.minutes_per_unit)
                if over is None:
                    continue
                minutes, billed, supported = over
                yield Finding(
                    self.id,
                    "error",
                    tuple(line.number for line in group),
                    f"{billed} units of {code} on {day}, but its {minutes} minutes support "
                    f"{supported}",
                    f"Bill {supported} unit(s) of {code}.",
                    content_source(
                        content.timed, f"{code}: {minutes} minutes, {supported} unit(s) per code"
                    ),
                )


class UntimedCodeMultipleUnits(Rule):
    """
    What it checks:
    An untimed (service-based) therapy code billed with more than one unit on a date: the
    supervised modalities (97010-97028, G0283), evaluations (97161-97168), group therapy
    (97150) and the per-session speech-language codes.

    Why payers deny it:
    An untimed code is one unit per session however long it lasts and however many areas are
    treated; extra units are denied (Medicare Claims Processing Manual, ch. 5, §20.2; for
    G0283 the practitioner MUE is also 1).

    Example:
    {"code": "G0283", "modifiers": ["GP"], "units": 2}

    Fix:
    Bill one unit; bill a second session the same day only when it truly was separate, on its
    own line with a modifier the payer accepts for that.

    References:
    Medicare Claims Processing Manual, ch. 5, §20.2; medcode's therapy.toml [untimed].
    """

    id = "TIM003"
    name = "untimed-code-multiple-units"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        content = therapy()
        by_day: dict[tuple[str, date], list[ClaimLine]] = defaultdict(list)
        for line in ctx.claim.lines:
            if line.code in content.untimed:
                by_day[(line.code, ctx.claim.line_date(line))].append(line)
        for (code, day), lines in by_day.items():
            units = sum(line.units for line in lines)
            if units <= 1:
                continue
            yield Finding(
                self.id,
                "warning",
                tuple(line.number for line in lines),
                f"{units} units of {code} on {day}; it is an untimed code, one unit per session",
                f"Bill 1 unit of {code}, whatever the time spent or the areas treated.",
                content_source(content.untimed, f"{code}: untimed"),
            )


class TimedCodeWithoutMinutes(Rule):
    """
    What it checks:
    A 15-minute timed code billed without its minutes on the line.

    Why payers deny it:
    Timed units are checked against the minutes documented; without them medcode cannot
    apply the 8-minute rule, and a payer's reviewer will ask for the treatment time
    (Medicare Claims Processing Manual, ch. 5, §20.2).

    Example:
    {"code": "97110", "modifiers": ["GP"], "units": 2}

    Fix:
    Add the line's minutes (the direct one-on-one time the record shows).

    References:
    Medicare Claims Processing Manual, ch. 5, §20.2; medcode's therapy.toml [timed].
    """

    id = "TIM004"
    name = "timed-code-without-minutes"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        content = therapy()
        for line in ctx.claim.lines:
            if line.code in content.timed and line.minutes is None:
                yield Finding(
                    self.id,
                    "info",
                    (line.number,),
                    f"{line.code} is billed per 15 minutes, but line {line.number} gives no "
                    "minutes, so its units cannot be checked",
                    f"Add the minutes of line {line.number}.",
                    content_source(content.timed, f"{line.code}: timed, 15 minutes per unit"),
                )
