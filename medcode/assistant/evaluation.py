"""Scores the assistant on an evaluation set (tests/assistant_eval/*.json).

An item is correct when: a must-decline question is declined; otherwise the answer is not
declined, states every expected fact (case and spacing ignored), names or cites every code
it must cite, and mentions none it must not. Across all answers: no code that is in no loaded
release, and every sentence holding a number or a code carries a ``[n]`` marker of a citation.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from medcode.assistant import store
from medcode.assistant.answer import code_tokens
from medcode.assistant.service import answer_question


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\u201c", '"').replace("\u201d", '"').split())


@dataclass
class Report:
    name: str
    items: int = 0
    correct: int = 0
    declines_expected: int = 0
    declined_right: int = 0
    answerable: int = 0
    answerable_declined: int = 0
    invented_codes: list[str] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    by_category: dict[str, list[int]] = field(default_factory=dict)
    timings_ms: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "items": self.items,
            "correct": self.correct,
            "accuracy": round(self.correct / self.items, 4) if self.items else 0,
            "decline_rate_on_must_decline": round(self.declined_right / self.declines_expected, 4)
            if self.declines_expected
            else None,
            "decline_rate_on_answerable": round(self.answerable_declined / self.answerable, 4)
            if self.answerable
            else None,
            "invented_codes": self.invented_codes,
            "uncited_sentences": len(self.uncited),
            "by_category": {k: f"{v[0]}/{v[1]}" for k, v in sorted(self.by_category.items())},
        }


_SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z(\u2022-])|\n+")


def uncited_sentences(answer: str) -> list[str]:
    """Sentences with a number or a code and no [n] marker (headings aside)."""
    out = []
    body = re.sub(r"\*\*[^*]+\*\*", " ", answer)
    for sentence in _SENTENCE.split(body):
        s = sentence.strip()
        if not s or re.search(r"\[\d+\]", s):
            continue
        if code_tokens(s) or re.search(r"\d", s):
            out.append(s)
    return out


def check_item(item: dict[str, Any], result: dict[str, Any]) -> list[str]:
    problems = []
    answer = _norm(result["answer"])
    if item["decline"]:
        if not result["abstained"]:
            problems.append("not declined")
    elif result["abstained"]:
        problems.append("declined")
    for fact in item["must_state"]:
        if _norm(fact) not in answer:
            problems.append(f"missing fact {fact!r}")
    cited = {
        part.upper().replace(".", "")
        for c in result["citations"]
        for part in (c.get("code") or "").split("/")
        if part
    }
    named = {c["code"].upper().replace(".", "") for c in result["codes"]}
    for code in item["must_cite"]:
        flat = code.upper().replace(".", "")
        if flat not in cited and flat not in named:
            problems.append(f"does not cite {code}")
    for code in item["must_not_mention"]:
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", result["answer"]):
            problems.append(f"mentions {code}")
    return problems


def run(path: Path, name: str | None = None) -> Report:
    items = json.loads(path.read_text())
    report = Report(name or path.stem)
    for item in items:
        as_of = date.fromisoformat(item["date"]) if item.get("date") else None
        start = time.perf_counter()
        result = answer_question(item["question"], as_of=as_of)
        report.timings_ms.append((time.perf_counter() - start) * 1000)
        problems = check_item(item, result)
        day = date.fromisoformat(result["as_of"])
        for token in code_tokens(re.sub(r"\*\*[^*]+\*\*", " ", result["answer"])):
            flat = token.replace(".", "")
            if not store.exists_anywhere(token, day) and not re.search(
                rf"{re.escape(flat)} is not in any loaded code set", result["answer"]
            ):
                report.invented_codes.append(f"{item['id']}: {token}")
                problems.append(f"names {token}, which is in no loaded release")
        missing_refs = uncited_sentences(result["answer"])
        report.uncited.extend(f"{item['id']}: {s}" for s in missing_refs)
        if missing_refs:
            problems.append(f"uncited: {missing_refs[0][:80]!r}")
        report.items += 1
        if item["decline"]:
            report.declines_expected += 1
            report.declined_right += bool(result["abstained"])
        else:
            report.answerable += 1
            report.answerable_declined += bool(result["abstained"])
        cat = report.by_category.setdefault(item["category"], [0, 0])
        cat[1] += 1
        if not problems:
            report.correct += 1
            cat[0] += 1
        else:
            report.failures.append(
                {
                    "id": item["id"],
                    "question": item["question"],
                    "problems": problems,
                    "answer": result["answer"][:600],
                }
            )
    return report
