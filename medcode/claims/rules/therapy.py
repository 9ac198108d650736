"""Medicare outpatient therapy: discipline modifiers (GP, GO, GN) and the KX threshold."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from medcode.claims.claim import ClaimLine
from medcode.claims.context import ClaimContext, Source
from medcode.claims.payment import line_amounts
from medcode.claims.rules.base import Finding, Rule
from medcode.content.therapy import (
    DISCIPLINE_MODIFIERS,
    DISCIPLINE_NAMES,
    DISCIPLINE_OF_MODIFIER,
    CodeList,
    therapy,
)

#: Findings that rest on medcode's own lists cite this "dataset".
CONTENT = "medcode-content"


def content_source(code_list: CodeList, detail: str = "") -> Source:
    citation = code_list.citation if not detail else f"{detail}; {code_list.citation}"
    return Source(CONTENT, "therapy.toml", citation)


def always_therapy_source(ctx: ClaimContext, code: str) -> Source | None:
    """Why ``code`` is always therapy (the PFS file's indicator 5, or medcode's list), or None."""
    rvu = ctx.rvu(code, "")
    if rvu is not None and rvu["multiple_procedure"] == "5":
        return ctx.source("pfs_rvu", f"{code}: multiple procedure indicator 5 (always therapy)")
    if code in therapy().always:
        return content_source(therapy().always, f"{code}: always therapy")
    return None


def disciplines(line: ClaimLine) -> list[str]:
    return [m for m in line.modifiers if m in DISCIPLINE_MODIFIERS]


def discipline_of(line: ClaimLine) -> str | None:
    """ "pt_slp" or "ot" for a line with exactly one of GP, GN, GO; None otherwise."""
    found = disciplines(line)
    return DISCIPLINE_OF_MODIFIER[found[0]] if len(found) == 1 else None


class TherapyModifierMissing(Rule):
    """
    What it checks:
    An always-therapy service (multiple procedure indicator 5 in the PFS relative value file,
    or on medcode's list of always-therapy codes the file does not mark) billed without GP, GO
    or GN.

    Why payers deny it:
    Medicare processes outpatient therapy only under the plan of care of one discipline, named
    by GP (physical therapy), GO (occupational therapy) or GN (speech-language pathology); a
    therapy line without one is returned or denied (Medicare Claims Processing Manual, ch. 5,
    §20.1; Medicare Benefit Policy Manual, ch. 15, §220).

    Example:
    {"code": "97110", "units": 2, "minutes": 30} for Medicare, with no modifier.

    Fix:
    Append the modifier of the plan of care the service was furnished under: GP, GO or GN.

    References:
    PFS relative value file (PPRRVU), MULT PROC column (5 = always therapy); medcode's
    therapy.toml [always_therapy], from CMS's annual therapy code list.
    """

    id = "THR001"
    name = "therapy-modifier-missing"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            if disciplines(line):
                continue
            source = always_therapy_source(ctx, line.code)
            if source is None:
                continue
            yield Finding(
                self.id,
                "error",
                (line.number,),
                f"{line.code} is always a therapy service; Medicare needs GP, GO or GN on it",
                f"Append GP, GO or GN to line {line.number}, for the plan of care it was "
                "furnished under.",
                source,
            )


class TherapyModifierConflict(Rule):
    """
    What it checks:
    A line carrying more than one of GP, GO and GN.

    Why payers deny it:
    Each therapy line belongs to one discipline's plan of care, and its amount counts toward
    that discipline's yearly threshold (PT and SLP together, OT apart); two discipline
    modifiers make the line ambiguous and Medicare returns it (Medicare Claims Processing
    Manual, ch. 5, §20.1).

    Example:
    {"code": "97530", "modifiers": ["GP", "GO"], "units": 1, "minutes": 15}

    Fix:
    Keep the one modifier of the discipline that furnished the service; bill services of two
    disciplines on separate lines.

    References:
    Medicare Claims Processing Manual, ch. 5, §20.1 (discipline modifiers).
    """

    id = "THR002"
    name = "therapy-modifiers-conflict"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.claim.lines:
            found = disciplines(line)
            if len(found) < 2:
                continue
            yield Finding(
                self.id,
                "error",
                (line.number,),
                f"Line {line.number} ({line.code}) carries {' and '.join(found)}; a therapy "
                "line takes exactly one discipline modifier",
                "Keep the modifier of the discipline that furnished the service.",
                content_source(therapy().always, "discipline modifiers GP, GO, GN"),
            )


def _kx_source(detail: str) -> Source:
    return Source(CONTENT, "therapy.toml", f"{detail}; {therapy().kx_citation}")


def _discipline_totals(
    ctx: ClaimContext,
) -> Iterator[tuple[str, Decimal, list[tuple[ClaimLine, Decimal]]]]:
    """Per discipline: the amount already allowed this year, and each line with the running
    total (already allowed plus this claim's lines up to and including it)."""
    amounts = line_amounts(ctx)
    by_discipline: dict[str, list[ClaimLine]] = {}
    for line in ctx.claim.lines:
        discipline = discipline_of(line)
        if discipline is not None:
            by_discipline.setdefault(discipline, []).append(line)
    for discipline, lines in by_discipline.items():
        before = Decimal(str(ctx.claim.therapy_amounts.get(discipline, 0.0)))
        running = before
        steps = []
        for line in lines:
            running += Decimal(str(amounts.get(line.number) or 0))
            steps.append((line, running))
        yield discipline, before, steps


def _money(amount: Decimal | int) -> str:
    return f"${amount:,.2f}"


class KxModifierNeeded(Rule):
    """
    What it checks:
    Medicare therapy lines that take the year's allowed amount for the discipline past the KX
    threshold (PT and SLP combined, OT separately: $2,330 in 2024, $2,410 in 2025, $2,480 in
    2026) without the KX modifier. The running total is the claim's `therapy_amounts` for the
    discipline plus the expected allowed amount of its lines, in line order; lines with no
    discipline modifier are left out (THR001 names them).

    Why payers deny it:
    Past the threshold Medicare pays therapy only when KX attests that the services are
    medically necessary and documented; a line without it is denied as over the limit
    (Social Security Act §1833(g); Medicare Claims Processing Manual, ch. 5, §10.3).

    Example:
    "therapy_amounts": {"pt_slp": 2450.0} with {"code": "97110", "modifiers": ["GP"], "units": 2}
    on 2026-05-04.

    Fix:
    If the record supports continued therapy, append KX to the lines past the threshold;
    otherwise the services are not payable by Medicare (give the patient an ABN first).

    References:
    CMS annual KX threshold amounts (PFS final rule); medcode's therapy.toml [kx]; line amounts
    from the PFS relative value and GPCI files.
    """

    id = "THR003"
    name = "kx-modifier-needed"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        threshold = therapy().kx_threshold(ctx.claim.date_of_service.year)
        limit = Decimal(threshold.amount)
        for discipline, _, steps in _discipline_totals(ctx):
            past = [(line, total) for line, total in steps if total > limit]
            missing = [line for line, _ in past if "KX" not in line.modifiers]
            if not missing:
                continue
            total = steps[-1][1]
            note = f" ({threshold.note})" if threshold.note else ""
            yield Finding(
                self.id,
                "error",
                tuple(line.number for line in missing),
                f"{DISCIPLINE_NAMES[discipline]} therapy reaches {_money(total)} this year "
                f"with this claim, past the {threshold.year} KX threshold of "
                f"{_money(limit)}{note}; line(s) "
                f"{', '.join(str(line.number) for line in missing)} lack KX",
                "Append KX to those lines if the record shows the therapy is medically "
                "necessary; otherwise Medicare will deny them.",
                _kx_source(f"KX threshold {threshold.year}: {_money(limit)}"),
            )


class TargetedReviewThreshold(Rule):
    """
    What it checks:
    Medicare therapy for a discipline (PT and SLP combined, or OT) whose yearly allowed amount
    passes $3,000 with this claim.

    Why payers deny it:
    Nothing is denied for this alone, but past $3,000 Medicare may pick the claim for targeted
    medical review, and KX must then be backed by the record (Bipartisan Budget Act of 2018,
    §50202; Medicare Claims Processing Manual, ch. 5, §10.3).

    Example:
    "therapy_amounts": {"pt_slp": 2990.0} with {"code": "97110", "modifiers": ["GP", "KX"]}.

    Fix:
    Nothing to change on the claim: make sure the plan of care, progress reports and daily
    notes justify continued therapy.

    References:
    medcode's therapy.toml [kx] targeted_review; line amounts from the PFS files.
    """

    id = "THR004"
    name = "therapy-targeted-review"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        review = Decimal(therapy().targeted_review)
        for discipline, before, steps in _discipline_totals(ctx):
            total = steps[-1][1]
            if total <= review:
                continue
            past = [line.number for line, running in steps if running > review]
            crossed = "already past" if before > review else "passes"
            yield Finding(
                self.id,
                "info",
                tuple(past),
                f"{DISCIPLINE_NAMES[discipline]} therapy {crossed} {_money(review)} this year "
                f"({_money(total)} with this claim): Medicare may select it for targeted "
                "medical review",
                "Keep the plan of care, progress reports and daily notes ready to show the "
                "therapy is medically necessary.",
                _kx_source(f"targeted medical review threshold {_money(review)}"),
            )


class KxBelowThreshold(Rule):
    """
    What it checks:
    KX on a Medicare therapy line although the discipline's yearly allowed amount, with the
    whole claim, stays at or under the year's KX threshold.

    Why payers deny it:
    KX attests that the threshold has been passed and the record justifies more therapy; used
    before then it misstates the claim, and routine KX use draws audits (Medicare Claims
    Processing Manual, ch. 5, §10.3).

    Example:
    "therapy_amounts": {"pt_slp": 300.0} with {"code": "97110", "modifiers": ["GP", "KX"]}.

    Fix:
    Remove KX, or correct `therapy_amounts` if the patient's year-to-date therapy is higher
    (therapy at other providers counts too).

    References:
    CMS annual KX threshold amounts; medcode's therapy.toml [kx].
    """

    id = "THR005"
    name = "kx-below-threshold"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        threshold = therapy().kx_threshold(ctx.claim.date_of_service.year)
        limit = Decimal(threshold.amount)
        for discipline, _, steps in _discipline_totals(ctx):
            total = steps[-1][1]
            if total > limit:
                continue
            with_kx = [line.number for line, _ in steps if "KX" in line.modifiers]
            if not with_kx:
                continue
            yield Finding(
                self.id,
                "warning",
                tuple(with_kx),
                f"KX on line(s) {', '.join(map(str, with_kx))}, but "
                f"{DISCIPLINE_NAMES[discipline]} therapy reaches only {_money(total)} this year "
                f"with this claim, within the {threshold.year} KX threshold of {_money(limit)}",
                "Remove KX, or correct therapy_amounts if the patient's therapy this year "
                "is higher.",
                _kx_source(f"KX threshold {threshold.year}: {_money(limit)}"),
            )
