"""What a claim rule is: an id, a docstring saying why payers deny, and a check.

A rule's docstring has fixed sections, like a lint rule's documentation:

    What it checks / Why payers deny it / Example / Fix / References

``docs/rules.md`` and the rule pages are generated from them, and a test fails when a rule
lacks a section.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from medcode.claims.context import ClaimContext, Source

SECTIONS = ("What it checks", "Why payers deny it", "Example", "Fix", "References")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning" | "info"
    lines: tuple[int, ...]
    message: str
    fix: str
    source: Source

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "lines": list(self.lines),
            "message": self.message,
            "fix": self.fix,
            "source": self.source.to_dict(),
        }


class Rule:
    id: ClassVar[str]  # e.g. "PTP001"; never reused once published
    name: ClassVar[str]  # kebab-case, names the problem: "ptp-pair-not-bypassable"
    payers: ClassVar[tuple[str, ...]] = ("medicare", "medicaid", "commercial")

    def applies(self, ctx: ClaimContext) -> bool:
        return ctx.claim.payer in self.payers

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The docstring's sections, by heading (a line ``Heading:`` alone)."""
        found: dict[str, list[str]] = {}
        current: str | None = None
        for line in inspect.cleandoc(cls.__doc__ or "").splitlines():
            if line.endswith(":") and line[:-1] in SECTIONS:
                current = line[:-1]
                found[current] = []
            elif current is not None:
                found[current].append(line)
        return {heading: "\n".join(body).strip() for heading, body in found.items()}
