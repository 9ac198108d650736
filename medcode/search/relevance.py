"""The relevance suite (``relevance.toml``): is a code a coder would accept in the top five?

Each query lists every acceptable code and belongs to a half: ``build`` queries may guide tuning,
``heldout`` ones were written before tuning and are only measured. Reports give recall@1 and
recall@5 per half and per kind, with or without the synonym list's direct code pointers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from medcode.search.engine import search, synonym_codes

SUITE_FILE = Path(__file__).with_name("relevance.toml")
HALVES = ("build", "heldout")


@dataclass(frozen=True)
class Case:
    query: str
    expect: tuple[str, ...]  # every acceptable code, as displayed (E11.65)
    kind: str
    as_of: date
    half: str = "build"


@dataclass
class Outcome:
    case: Case
    rank: int | None  # 1-based position of the first acceptable code; None when not in the top five
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

    def only(self, *, half: str | None = None, kind: str | None = None) -> Report:
        return Report(
            [
                o
                for o in self.outcomes
                if (half is None or o.case.half == half)
                and (kind is None or o.case.kind.split(",")[0] == kind)
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries": len(self.outcomes),
            "recall_at_1": round(self.recall_at_1, 4),
            "recall_at_5": round(self.recall_at_5, 4),
            "halves": {
                half: {
                    "queries": len(part.outcomes),
                    "recall_at_1": round(part.recall_at_1, 4),
                    "recall_at_5": round(part.recall_at_5, 4),
                }
                for half in HALVES
                for part in [self.only(half=half)]
            },
            # Held-out misses are not listed, so that they cannot guide tuning.
            "misses": [
                {
                    "q": o.case.query,
                    "expect": list(o.case.expect),
                    "kind": o.case.kind,
                    "half": o.case.half,
                    "top": o.top,
                }
                for o in self.misses
                if o.case.half == "build"
            ],
        }


def load_suite(path: Path = SUITE_FILE) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    default = date.fromisoformat(data["date"])
    cases = []
    for number, q in enumerate(data["query"], 1):
        expect = q["expect"]
        codes = (expect,) if isinstance(expect, str) else tuple(expect)
        half = q.get("half", "build")
        if not codes or half not in HALVES:
            raise ValueError(f"{path.name}, query {number}: needs codes and a half of {HALVES}")
        cases.append(
            Case(
                q["q"],
                codes,
                q.get("kind", ""),
                date.fromisoformat(q["date"]) if "date" in q else default,
                half,
            )
        )
    return cases


def run_case(case: Case) -> Outcome:
    results = search(case.query, case.as_of, limit=5).results
    top = [r.display_code for r in results]
    ranks = [i for i, code in enumerate(top, 1) if code in case.expect]
    return Outcome(case, ranks[0] if ranks else None, top)


def run_suite(cases: list[Case] | None = None, *, pointers: bool = True) -> Report:
    """Run the suite; ``pointers=False`` ignores the synonym list's direct code pointers."""
    token = synonym_codes.set(pointers)
    try:
        return Report([run_case(c) for c in (cases if cases is not None else load_suite())])
    finally:
        synonym_codes.reset(token)


def print_report(report: Report, *, misses: bool = True) -> None:
    print(f"queries:   {len(report.outcomes)}")
    print(f"recall@1:  {report.recall_at_1:.1%}")
    print(f"recall@5:  {report.recall_at_5:.1%}")
    kinds = sorted({o.case.kind.split(",")[0] for o in report.outcomes})
    print(
        f"{'':<14} {'build r@1':>10} {'build r@5':>10} {'held r@1':>10} {'held r@5':>10} {'n':>5}"
    )
    for kind in [None, *kinds]:
        parts = [report.only(half=h, kind=kind) for h in HALVES]
        n = sum(len(p.outcomes) for p in parts)
        print(
            f"{kind or 'all':<14} "
            + " ".join(
                f"{p.recall_at_1:>10.1%} {p.recall_at_5:>10.1%}"
                if p.outcomes
                else f"{'-':>10} {'-':>10}"
                for p in parts
            )
            + f" {n:>5}"
        )
    if not misses:
        return
    # Held-out misses are not printed, so that they cannot guide tuning.
    for o in report.only(half="build").misses:
        print(
            f"miss ({o.case.half}): {o.case.query!r} ({o.case.kind}) expected "
            f"{'/'.join(o.case.expect)}, got {o.top}"
        )
