"""The typed answers of the guide endpoints (docs/guides.md)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from medcode.claims.schemas import ClaimResult


class Window(Schema):
    start: str
    end: str


class Reviewer(Schema):
    name: str
    credentials: str


class GuideSummary(Schema):
    slug: str
    title: str
    summary: str
    topics: list[str]
    codes: list[str]
    window: Window = Field(description="the dates of service the guide is written for")
    last_reviewed: str
    next_review: str
    reviewer: Reviewer
    url: str


class GuideList(Schema):
    guides: list[GuideSummary]


class GuideFact(Schema):
    """A live tag of the guide (``[[payment G0283]]``) answered from the store."""

    tag: str
    value: str
    source: str
    problem: str | None


class GuideScenario(Schema):
    """A claim the guide walks through, run through the claim checker."""

    title: str
    expect: list[str] = Field(description="the rules the guide says fire")
    found: list[str] = Field(description="the rules that fired")
    agrees: bool
    problem: str | None
    result: ClaimResult | None
    claim: dict[str, Any] = Field(description="the claim as the guide writes it (docs/claims.md)")


class GuideFacts(GuideSummary):
    as_of: str
    facts: list[GuideFact]
    scenarios: list[GuideScenario]
