"""The typed answer of ``GET /api/v1/search`` (``medcode search --json``)."""

from __future__ import annotations

from ninja import Field, Schema

from medcode.releases.schemas import ReleaseSource


class SearchResult(Schema):
    code: str = Field(description="as people write it (ICD-10-CM with its dot)")
    system: str
    description: str
    billable: bool = Field(description="may be reported on the date")
    score: float
    matched: list[str] = Field(description="the words or terms that matched")


class SearchAnswer(Schema):
    """Codes matching a query on a date, best first, and the releases searched."""

    query: str
    date: str
    results: list[SearchResult]
    corrections: dict[str, str] = Field(
        description="words read differently from how they were typed (typo -> word)"
    )
    message: str | None = Field(description="why nothing was found, when nothing was")
    sources: list[ReleaseSource]
