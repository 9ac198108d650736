"""Search answers as text for the terminal (``medcode search``)."""

from __future__ import annotations

from medcode.search.engine import Answer


def print_answer(answer: Answer) -> None:
    for typed, read in answer.corrections.items():
        print(f"(searched for {read!r}; you typed {typed!r})")
    if not answer.results:
        print(answer.message or "No results.")
    else:
        width = max(len(r.display_code) for r in answer.results)
        for r in answer.results:
            billable = "billable" if r.billable else "not billable"
            print(f"{r.display_code:<{width}}  {r.system:<10}  {billable:<12}  {r.description}")
    names = ", ".join(s.release.label for s in answer.sources)
    print(f"\nas of {answer.as_of.isoformat()}; sources: {names}")
    for source in answer.sources:
        if source.note:
            print(f"note: {source.note}")
