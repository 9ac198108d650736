"""``medcode guides check``: every guide's codes, live facts and scenarios against the store.

A guide passes when its front matter is complete, its next review is not past, every code it
names exists and is valid on the first and last day of its window, every code in its prose is a
``[[code X]]`` tag (so it links and is checked), every live tag resolves, every scenario's claim
gives exactly the findings the guide states, and no run of 8 words comes from a reference page.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
from medcode.content.descriptions import ContentError
from medcode.guides.content import Guide, load_guide
from medcode.guides.facts import TAG
from medcode.guides.render import SCENARIO, render_guide

#: A CPT or HCPCS code typed as plain text instead of a [[code X]] tag.
BARE_CODE = re.compile(r"(?<![\w$/.,-])(\d{4}[0-9TFU]|[A-V]\d{4})(?![\w%-])")
REFERENCE = Path(
    os.environ.get(
        "MEDCODE_SHARED_REFERENCE",
        Path(__file__).resolve().parents[3] / "shared" / "reference",
    )
)
RUN = 8
#: Live tags whose first N arguments are procedure codes.
CODE_KINDS = {"status": 1, "payment": 1, "mue": 1, "ptp": 2, "descriptor": 1, "global": 1}


@dataclass
class Report:
    slug: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _words(text: str) -> list[str]:
    return ["one" if t == "1" else t for t in re.findall(r"[a-z0-9]+", text.lower())]


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def reference_runs(folder: Path = REFERENCE) -> dict[str, set[tuple[str, ...]]]:
    return {
        p.name: _runs(_words(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.txt"))
    }


def copied_runs(text: str, pages: dict[str, set[tuple[str, ...]]]) -> list[str]:
    mine = _runs(_words(text))
    return [
        f"{name}: {' '.join(run)}" for name, seen in pages.items() for run in sorted(mine & seen)
    ]


def prose(body: str) -> str:
    """The guide's own words: tags, scenario blocks and code spans taken out."""
    text = SCENARIO.sub(" ", body)
    text = TAG.sub(" ", text)
    return re.sub(r"`[^`]*`", " ", text)


def _code_problems(code: str, guide: Guide) -> list[str]:
    problems = []
    for day in sorted({guide.start, guide.end}):
        try:
            found = lookup(code, day)
        except (CodeNotFound, MalformedCode) as exc:
            problems.append(f"code {code} on {day}: {exc}")
            continue
        status = str(found.get("status") or "")
        if status.startswith(("terminated", "not yet", "deleted", "ended")):
            problems.append(
                f"code {code} is not valid on {day} (window {guide.start} to {guide.end}): {status}"
            )
    return problems


def check_guide(
    path: Path, today: date, pages: dict[str, set[tuple[str, ...]]] | None = None
) -> Report:
    report = Report(path.stem)
    try:
        guide = load_guide(path)
    except ContentError as exc:
        report.problems.append(str(exc))
        return report
    if guide.next_review < today:
        report.problems.append(f"next_review {guide.next_review} is past (today is {today})")
    text = prose(guide.body)
    for match in BARE_CODE.finditer(text):
        report.problems.append(
            f"{match.group(1)} is typed as text: write [[code {match.group(1)}]]"
        )
    tagged = {
        m.group(2).split()[0].upper() for m in TAG.finditer(guide.body) if m.group(1) == "code"
    }
    # Codes a fact is about are checked for their window too, though they need no link.
    about = {
        arg.upper()
        for m in TAG.finditer(guide.body)
        if m.group(1) in CODE_KINDS
        for arg in m.group(2).split()[: CODE_KINDS[m.group(1)]]
    }
    for code in sorted(set(guide.codes) | tagged | about):
        report.problems.extend(_code_problems(code, guide))
    untagged = sorted(set(guide.codes) - tagged)
    if untagged:
        report.problems.append(
            f"front matter codes never linked in the text: {', '.join(untagged)}"
        )
    rendered = render_guide(guide, guide.default_date(today))
    report.problems.extend(rendered.problems)
    if pages:
        report.problems.extend(f"copied from {hit}" for hit in copied_runs(guide.body, pages))
    return report


def check_guides(paths: list[Path], today: date) -> list[Report]:
    pages = reference_runs() if REFERENCE.is_dir() else None
    return [check_guide(p, today, pages) for p in paths]
