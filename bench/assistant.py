"""Time the assistant's deterministic path in process against an already loaded database.

    DATABASE_URL=sqlite:////tmp/you.sqlite3 python bench/assistant.py [ROUNDS]

Asks every question of the evaluation set (tests/assistant_eval/build.json and heldout.json)
ROUNDS times (default 3) after one warm-up pass, through ``answer_question`` (what the API
and CLI call), and prints p50 and p95 server-side milliseconds per category and overall, the
slowest questions, and the held-out half's scores.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "tests" / "assistant_eval"


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.db import connection

    from medcode.assistant.evaluation import run
    from medcode.assistant.service import answer_question

    items = json.loads((EVAL / "build.json").read_text()) + json.loads(
        (EVAL / "heldout.json").read_text()
    )

    def ask(item: dict[str, object]) -> None:
        day = item.get("date")
        answer_question(str(item["question"]), as_of=date.fromisoformat(str(day)) if day else None)

    for item in items:
        ask(item)  # warm the connection, the caches and the page cache
    print(f"database: {connection.vendor}; {len(items)} questions x {rounds} rounds")
    by_category: dict[str, list[float]] = {}
    slowest: list[tuple[float, str]] = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            ask(item)
            ms = (time.perf_counter() - start) * 1000
            by_category.setdefault(str(item["category"]), []).append(ms)
            slowest.append((ms, str(item["question"])))
    every = [ms for values in by_category.values() for ms in values]

    def line(name: str, values: list[float]) -> str:
        p95 = statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)
        return f"{name:12} p50 {statistics.median(values):7.2f} ms   p95 {p95:7.2f} ms"

    for name, values in sorted(by_category.items()):
        print(line(name, values))
    print(line("all", every))
    for ms, question in sorted(slowest, reverse=True)[:5]:
        print(f"  slow: {ms:7.1f} ms  {question[:90]}")
    for half in ("build", "heldout"):
        print(half, json.dumps(run(EVAL / f"{half}.json").to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
