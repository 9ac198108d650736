"""The assistant's answer as text for the terminal: the answer, then its numbered sources."""

from __future__ import annotations

from typing import Any


def print_answer(result: dict[str, Any]) -> None:
    print(result["answer"].replace("**", ""))
    print()
    if result["citations"]:
        print(f"Sources (as of {result['as_of']}):")
        for c in result["citations"]:
            code = f" [{c['code']}]" if c.get("code") else ""
            print(f"  [{c['ref']}] {c['release']}: {c['detail']}{code}")
    if result["abstained"]:
        print("(declined)")
    print(f"conversation: {result['conversation']}")
