"""The typed claim report of ``POST /api/v1/claims/check`` (docs/claims.md)."""

from __future__ import annotations

from ninja import Field, Schema


class FindingSource(Schema):
    """The CMS release and row a finding relied on."""

    dataset: str
    release: str
    detail: str


class Finding(Schema):
    rule: str = Field(description="the rule's id, e.g. PTP002 (docs/rules.md)")
    severity: str = Field(description="error, warning or info")
    lines: list[int] = Field(description="the claim's line numbers the finding is about")
    message: str
    fix: str
    source: FindingSource
    count: int | None = Field(
        None, description="past the per-claim limit: how many findings of the rule on the row"
    )


class Adjustment(Schema):
    """A reduction applied to a line's allowed amount (therapy MPPR)."""

    kind: str
    units_reduced: int
    reduction: float
    note: str


class LinePrice(Schema):
    line: int
    code: str
    allowed_amount: float | None = Field(description="null where the PFS gives no price")
    expected_payment: float | None = Field(description="what the error findings leave of it")
    at_risk: float | None
    at_risk_rules: list[str] = Field(description="the rules that put the amount at risk")
    adjustments: list[Adjustment]


class Patient(Schema):
    sex: str | None
    birth_date: str | None


class ClaimResult(Schema):
    """One claim's findings and prices."""

    id: str
    patient: Patient
    findings: list[Finding]
    lines: list[LinePrice]
    total_allowed: float | None
    total_expected_payment: float | None
    total_at_risk: float | None
    notes: list[str]


class ClaimReport(Schema):
    claims: list[ClaimResult]
