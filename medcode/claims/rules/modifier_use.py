"""Modifiers used where they do not belong: 59 and X{EPSU} without an edit, GP/GO/GN off therapy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from medcode.claims.claim import ClaimLine
from medcode.claims.context import ClaimContext, Source
from medcode.claims.rules.base import Finding, Rule
from medcode.claims.rules.ptp import edit_pairs
from medcode.claims.rules.therapy import always_therapy_source, disciplines
from medcode.content.therapy import therapy
from medcode.edits.indicators import bypasses_ptp_edit
from medcode.edits.queries import PTP_DATASETS

#: The NCCI modifiers that say "distinct procedural service"; X{EPSU} are the specific ones.
DISTINCT = ("59", "XE", "XS", "XP", "XU")


@dataclass
class _Role:
    """Where a line with 59 or X{EPSU} sits in the PTP edits among the claim's lines."""

    line: ClaimLine
    #: Edits (indicator 1) where the line is column 2: the modifier is what lets it pay.
    needed_by: list[tuple[ClaimLine, dict[str, Any]]] = field(default_factory=list)
    #: Edits of any indicator where the line is column 2.
    column2_of: list[tuple[ClaimLine, dict[str, Any]]] = field(default_factory=list)
    #: Edits where the line is column 1: a modifier on it bypasses nothing.
    column1_of: list[tuple[ClaimLine, dict[str, Any]]] = field(default_factory=list)
    #: Another line of the same code on the date (units split over lines for an MUE).
    repeated: bool = False


def _distinct_roles(ctx: ClaimContext) -> list[_Role]:
    roles = {
        line.number: _Role(line)
        for line in ctx.claim.lines
        if any(m in DISTINCT for m in line.modifiers)
    }
    if not roles:
        return []
    for first, second, edit in edit_pairs(ctx):
        if second.number in roles:
            roles[second.number].column2_of.append((first, edit))
            if edit["modifier_indicator"] == "1":
                roles[second.number].needed_by.append((first, edit))
        if first.number in roles:
            roles[first.number].column1_of.append((second, edit))
    for role in roles.values():
        role.repeated = any(
            other.number != role.line.number
            and other.code == role.line.code
            and ctx.claim.line_date(other) == ctx.claim.line_date(role.line)
            for other in ctx.claim.lines
        )
    return list(roles.values())


def _ptp_loaded(ctx: ClaimContext) -> str | None:
    """The PTP dataset of the claim's setting when a release of it is loaded."""
    dataset = PTP_DATASETS.get(ctx.claim.setting)
    if dataset is None or ctx.in_force(dataset) is None:
        return None
    return dataset


def _edit_source(ctx: ClaimContext, dataset: str, edit: dict[str, Any]) -> Source:
    return ctx.source(
        dataset,
        f"{edit['column1']} / {edit['column2']}: modifier indicator {edit['modifier_indicator']}",
    )


def _used(line: ClaimLine) -> str:
    return "/".join(m for m in line.modifiers if m in DISTINCT)


class DistinctModifierWithoutEdit(Rule):
    """
    What it checks:
    A line with 59, XE, XS, XP or XU whose code forms no NCCI PTP edit with any other code
    billed on the same date, and that is not a repeat of a code on another line.

    Why payers deny it:
    These modifiers exist to bypass a PTP edit when services were distinct; used where no
    edit applies they add nothing, and routine use is a known audit target
    (NCCI Policy Manual, ch. I, §E; OIG reports on modifier 59).

    Example:
    97110 with 59 and 97140, a pair with no edit in force.

    Fix:
    Remove the modifier from the line.

    References:
    NCCI PTP table in force for the setting; NCCI Policy Manual ch. I, §E.
    """

    id = "MOD001"
    name = "distinct-modifier-without-edit"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        dataset = _ptp_loaded(ctx)
        if dataset is None:
            return
        for role in _distinct_roles(ctx):
            if role.column2_of or role.column1_of or role.repeated:
                continue
            line = role.line
            others = sorted({o.code for o in ctx.claim.lines if o.code != line.code})
            yield Finding(
                self.id,
                "warning",
                (line.number,),
                f"{_used(line)} on line {line.number} ({line.code}), but no NCCI edit pairs "
                f"{line.code} with {', '.join(others) or 'another code on the claim'}",
                f"Remove {_used(line)} from line {line.number}; no edit needs it.",
                ctx.source(
                    dataset,
                    f"no edit in force between {line.code} and "
                    f"{', '.join(others) or 'any other code on the claim'}",
                ),
            )


class DistinctModifierOnColumnOne(Rule):
    """
    What it checks:
    59, XE, XS, XP or XU on a line whose code is the column 1 code of an NCCI PTP edit with
    another line, while the line is column 2 of no edit that allows a modifier.

    Why payers deny it:
    Only a modifier on the column 2 code bypasses an edit; on the column 1 code it changes
    nothing, and the column 2 line is denied (NCCI Policy Manual, ch. I, §E).

    Example:
    G0283 with 59 and 97032 without a modifier: G0283 is column 1, so 97032 is denied.

    Fix:
    Move the modifier to the column 2 line, if the record supports a distinct service.

    References:
    NCCI PTP table in force for the setting; NCCI Policy Manual ch. I, §E.
    """

    id = "MOD002"
    name = "distinct-modifier-on-column-one"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        dataset = _ptp_loaded(ctx)
        if dataset is None:
            return
        for role in _distinct_roles(ctx):
            if role.needed_by or not role.column1_of:
                continue
            line = role.line
            bare = [
                second
                for second, edit in role.column1_of
                if edit["modifier_indicator"] == "1"
                and not bypasses_ptp_edit("1", second.modifiers)
            ]
            target = bare[0] if bare else role.column1_of[0][0]
            edit = next(e for s, e in role.column1_of if s is target)
            denied = f"; line {target.number} ({target.code}) will be denied" if bare else ""
            yield Finding(
                self.id,
                "warning",
                (line.number,),
                f"{_used(line)} is on {line.code} (line {line.number}), the column 1 code of "
                f"its edit with {target.code}; a modifier only bypasses an edit on the "
                f"column 2 code{denied}",
                f"Move {_used(line)} to line {target.number} ({target.code}) if the record "
                "shows the services were distinct.",
                _edit_source(ctx, dataset, edit),
            )


class PreferSpecificXModifier(Rule):
    """
    What it checks:
    Modifier 59 used on a Medicare line to bypass a PTP edit.

    Why payers deny it:
    CMS created XE, XS, XP and XU as more precise forms of 59 and prefers them; some
    contractors require the X modifier for certain pairs and review 59 more closely
    (CMS MLN article MM8863; NCCI Policy Manual, ch. I, §E).

    Example:
    G0283 and 97032 with 59 on 97032.

    Fix:
    Use the X modifier that fits: XE separate encounter, XS separate structure or organ, XP
    separate practitioner, XU unusual non-overlapping service.

    References:
    NCCI Policy Manual ch. I, §E; NCCI PTP table in force for the setting.
    """

    id = "MOD003"
    name = "prefer-specific-x-modifier"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        dataset = _ptp_loaded(ctx)
        if dataset is None:
            return
        for role in _distinct_roles(ctx):
            line = role.line
            if "59" not in line.modifiers or not role.needed_by:
                continue
            _, edit = role.needed_by[0]
            yield Finding(
                self.id,
                "info",
                (line.number,),
                f"59 on line {line.number} ({line.code}): Medicare prefers the more specific "
                "XE, XS, XP or XU",
                f"Replace 59 on line {line.number} with XE, XS, XP or XU, whichever the record "
                "supports.",
                _edit_source(ctx, dataset, edit),
            )


class TherapyModifierOnNonTherapyCode(Rule):
    """
    What it checks:
    GP, GO or GN on a Medicare line whose code is not a therapy service: not marked always
    therapy in the PFS file (multiple procedure indicator 5) and on neither of medcode's
    always-therapy and sometimes-therapy lists.

    Why payers deny it:
    The discipline modifiers route a line into Medicare's outpatient therapy processing;
    on a service that is never therapy (an office visit, say) they misstate the claim and
    can make the contractor reject the line or count it toward the therapy threshold
    (Medicare Claims Processing Manual, ch. 5, §20.1).

    Example:
    {"code": "99213", "modifiers": ["GP"]}

    Fix:
    Remove GP, GO or GN from the line.

    References:
    PFS relative value file (PPRRVU), MULT PROC column; medcode's therapy.toml
    [always_therapy] and [sometimes_therapy].
    """

    id = "MOD004"
    name = "therapy-modifier-on-non-therapy-code"
    payers = ("medicare",)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        content = therapy()
        for line in ctx.claim.lines:
            found = disciplines(line)
            if not found or line.code in content.sometimes:
                continue
            if always_therapy_source(ctx, line.code) is not None:
                continue
            rvu = ctx.rvu(line.code, "")
            if rvu is None:
                continue  # a code the fee schedule does not list: VAL001 speaks for it
            yield Finding(
                self.id,
                "warning",
                (line.number,),
                f"{'/'.join(found)} on line {line.number}, but {line.code} is not a therapy "
                "service",
                f"Remove {'/'.join(found)} from line {line.number}.",
                ctx.source(
                    "pfs_rvu",
                    f"{line.code}: multiple procedure indicator {rvu['multiple_procedure']}, "
                    "not always therapy; not on medcode's therapy lists",
                ),
            )
