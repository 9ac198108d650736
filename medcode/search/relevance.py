"""The relevance suite (``relevance.toml``): is the code a coder wants in the top five?"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from medcode.search.engine import search

SUITE_FILE = Path(__file__).with_name("relevance.toml")


@dataclass(frozen=True)
class Case:
    query: str
    expect: str  # as displayed (E11.65)
    kind: str
    as_of: date


@dataclass
class Outcome:
    case: Case
    rank: int | None  # 1-based position of the expected code; None when not in the top five
    top: list[str]


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def recall_at_1(self) -> float:
        return sum(1 for o in self.outcomes if o.rank == 1) / max(len(self.outcomes), 1)

    @property
    def recall_at_5(self) -> float:
        return sum(1 for o in self.outcomes if o.rank is not None) / max(len(self.outcomes), 1)

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries": len(self.outcomes),
            "recall_at_1": round(self.recall_at_1, 4),
            "recall_at_5": round(self.recall_at_5, 4),
            "misses": [
                {"q": o.case.query, "expect": o.case.expect, "kind": o.case.kind, "top": o.top}
                for o in self.misses
            ],
        }


def load_suite(path: Path = SUITE_FILE) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    default = date.fromisoformat(data["date"])
    return [
        Case(
            q["q"],
            q["expect"],
            q.get("kind", ""),
            date.fromisoformat(q["date"]) if "date" in q else default,
        )
        for q in data["query"]
    ]


def run_case(case: Case) -> Outcome:
    results = search(case.query, case.as_of, limit=5).results
    top = [r.display_code for r in results]
    rank = top.index(case.expect) + 1 if case.expect in top else None
    return Outcome(case, rank, top)


def run_suite(cases: list[Case] | None = None) -> Report:
    return Report([run_case(c) for c in (cases if cases is not None else load_suite())])


def print_report(report: Report) -> None:
    print(f"queries:   {len(report.outcomes)}")
    print(f"recall@1:  {report.recall_at_1:.1%}")
    print(f"recall@5:  {report.recall_at_5:.1%}")
    for o in report.misses:
        print(f"miss: {o.case.query!r} ({o.case.kind}) expected {o.case.expect}, got {o.top}")
    ranked_lower = [o for o in report.outcomes if o.rank not in (None, 1)]
    for o in ranked_lower:
        print(f"rank {o.rank}: {o.case.query!r} expected {o.case.expect}, got {o.top}")
