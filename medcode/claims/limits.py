"""How much one claim, one request and one claim's findings may hold (docs/claims.md, "Limits").

The limits are settings (``MEDCODE_CLAIM_MAX_LINES``, ``MEDCODE_CLAIMS_PER_REQUEST``,
``MEDCODE_CLAIM_MAX_FINDINGS``), so a site can change them without code. They keep the work and
the answer of one request in proportion to what a real claim holds: a claim of 1,400 lines of
two codes would otherwise make a million PTP findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from medcode.claims.rules.base import Finding

#: 837P (005010X222A1) allows 50 service lines (loop 2400) per claim.
DEFAULT_MAX_LINES = 50
DEFAULT_CLAIMS_PER_REQUEST = 10_000
DEFAULT_MAX_FINDINGS = 100


def max_lines() -> int:
    return int(getattr(settings, "MEDCODE_CLAIM_MAX_LINES", DEFAULT_MAX_LINES))


def claims_per_request() -> int:
    return int(getattr(settings, "MEDCODE_CLAIMS_PER_REQUEST", DEFAULT_CLAIMS_PER_REQUEST))


def max_findings() -> int:
    return int(getattr(settings, "MEDCODE_CLAIM_MAX_FINDINGS", DEFAULT_MAX_FINDINGS))


def bounded_findings(
    findings: list[Finding], limit: int | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The findings as dicts, at most ``limit`` of them, and a note when some were left out.

    Within the limit every finding is its own. Past it, findings of one rule citing the same
    CMS row (the same PTP edit between lines of two codes repeated many times, say) become one
    finding with a ``count``, the union of their lines, and the first one's message and fix; if
    that is still too many, the first ``limit`` (errors first, as sorted) are kept and the note
    says how many more there were.
    """
    limit = max_findings() if limit is None else limit
    if len(findings) <= limit:
        return [f.to_dict() for f in findings], None
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.severity, finding.source), []).append(finding)
    grouped: list[dict[str, Any]] = []
    for same in groups.values():
        shown: dict[str, Any] = dict(same[0].to_dict())
        if len(same) > 1:
            shown["lines"] = sorted({n for f in same for n in f.lines})
            shown["count"] = len(same)
            shown["message"] += f" ({len(same) - 1:,} more like this on the lines listed)"
        grouped.append(shown)
    note = None
    if len(grouped) > limit:
        left_out = sum(f.get("count", 1) for f in grouped[limit:])
        note = (
            f"{left_out:,} more finding(s) not shown: a claim shows at most {limit} "
            "(setting MEDCODE_CLAIM_MAX_FINDINGS)"
        )
        grouped = grouped[:limit]
    else:
        note = (
            f"the claim has {len(findings):,} findings, more than the {limit} shown per claim: "
            "findings of one rule on one CMS row are grouped with a count"
        )
    return grouped, note
