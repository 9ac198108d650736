"""A guide as HTML for a date of service: Markdown, live facts, scenarios, table of contents.

Tags and scenario blocks are taken out of the Markdown before it is rendered (raw HTML off, so
the text cannot inject markup) and put back as the HTML the store's answers make. Rendering and
checking share this module: what ``medcode guides check`` verifies is what a reader sees.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt

from medcode.claims.checker import check_claims
from medcode.claims.claim import ClaimError, parse_claim
from medcode.guides.content import Guide
from medcode.guides.facts import TAG, Fact, FactReader

SCENARIO = re.compile(r"^```scenario[ \t]*\n(.*?)\n```[ \t]*$", re.MULTILINE | re.DOTALL)
_SCENARIO_KEYS = {"title", "expect", "claim", "note"}


@dataclass
class Scenario:
    number: int
    title: str
    expect: list[str]
    claim: dict[str, Any]
    note: str = ""
    problem: str | None = None
    result: dict[str, Any] | None = None

    @property
    def found(self) -> list[str]:
        if self.result is None:
            return []
        return sorted({f["rule"] for f in self.result["findings"]})

    @property
    def agrees(self) -> bool:
        return self.problem is None and self.found == sorted(set(self.expect))

    def checker_url(self) -> str:
        return "/claims/check?" + urlencode(
            {"claim": json.dumps(self.claim, separators=(",", ":"))}
        )


@dataclass
class Rendered:
    html: SafeString
    toc: list[dict[str, Any]]
    facts: list[Fact]
    scenarios: list[Scenario]
    day: date
    problems: list[str] = field(default_factory=list)
    #: The distinct citations of the page's facts, numbered from 1 in order of appearance.
    cites: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        return fingerprint(self.facts_map())

    def facts_map(self) -> dict[str, str]:
        shown = {f.tag: f.text for f in self.facts if not f.tag.startswith(("[[code", "[[modif"))}
        for s in self.scenarios:
            shown[f"scenario {s.number}"] = ",".join(s.found) + (
                f" {s.result['total_allowed']}" if s.result else ""
            )
        return shown


def fingerprint(facts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def parse_scenario(number: int, text: str) -> Scenario:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Scenario(number, f"Scenario {number}", [], {}, problem=f"not JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("claim"), dict):
        return Scenario(number, f"Scenario {number}", [], {}, problem="needs a claim object")
    unknown = set(data) - _SCENARIO_KEYS
    expect = data.get("expect")
    scenario = Scenario(
        number,
        str(data.get("title") or f"Scenario {number}"),
        [str(e) for e in expect] if isinstance(expect, list) else [],
        data["claim"],
        str(data.get("note") or ""),
    )
    if unknown:
        scenario.problem = f"unknown keys {', '.join(sorted(unknown))}"
    elif not isinstance(expect, list):
        scenario.problem = 'states no "expect": [rule ids] (an empty list when it is clean)'
    return scenario


def run_scenario(scenario: Scenario, day: date) -> None:
    """Run the claim through the checker as of ``day`` (the reader's date of service)."""
    if scenario.problem and not scenario.claim:
        return
    claim = dict(scenario.claim)
    claim["date_of_service"] = day.isoformat()
    claim["lines"] = [
        {k: v for k, v in line.items() if k != "date_of_service"}
        if isinstance(line, dict)
        else line
        for line in claim.get("lines", [])
    ]
    scenario.claim = claim
    try:
        result = check_claims([parse_claim(claim, fallback_id=f"scenario-{scenario.number}")])
    except ClaimError as exc:
        scenario.problem = f"the claim is refused: {exc}"
        return
    scenario.result = result["claims"][0]


def render_guide(guide: Guide, day: date) -> Rendered:
    reader = FactReader(day)
    facts: list[Fact] = []
    scenarios: list[Scenario] = []

    def take_scenario(match: re.Match[str]) -> str:
        scenario = parse_scenario(len(scenarios) + 1, match.group(1))
        run_scenario(scenario, day)
        scenarios.append(scenario)
        return f"\n\nMCSCENARIO{len(scenarios) - 1}Z\n\n"

    def take_tag(match: re.Match[str]) -> str:
        facts.append(reader.fact(match.group(0)))
        return f"MCFACT{len(facts) - 1}Z"

    text = SCENARIO.sub(take_scenario, guide.body)
    text = TAG.sub(take_tag, text)
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    toc: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            title = re.sub(
                r"MCFACT(\d+)Z", lambda m: facts[int(m.group(1))].text, tokens[i + 1].content
            )
            anchor = slugify(title) or f"section-{i}"
            while anchor in seen:
                anchor += "-2"
            seen.add(anchor)
            token.attrSet("id", anchor)
            toc.append({"id": anchor, "title": title, "level": int(token.tag[1])})
    html = md.renderer.render(tokens, md.options, {})
    html = re.sub(
        r"<p>MCSCENARIO(\d+)Z</p>",
        lambda m: render_to_string(
            "guides/_scenario.html", {"s": scenarios[int(m.group(1))], "day": day}
        ),
        html,
    )
    cites: list[str] = []
    for fact in facts:
        if fact.cite and fact.cite not in cites:
            cites.append(fact.cite)

    def shown(match: re.Match[str]) -> str:
        fact = facts[int(match.group(1))]
        if not fact.cite:
            return fact.html
        number = cites.index(fact.cite) + 1
        return format_html(
            '<span class="fact" data-tag="{}">{}<sup class="cite">'
            '<a href="#cite-{}" title="{}">[{}]</a></sup></span>',
            fact.tag,
            mark_safe(fact.html),  # safe: built escaped by FactReader
            number,
            fact.cite,
            number,
        )

    html = re.sub(r"MCFACT(\d+)Z", shown, html)
    problems = [f.problem for f in facts if f.problem]
    for s in scenarios:
        if s.problem:
            problems.append(f"scenario {s.number} ({s.title}): {s.problem}")
        elif not s.agrees:
            problems.append(
                f"scenario {s.number} ({s.title}): the text expects "
                f"[{', '.join(sorted(set(s.expect)))}] but the claim checker finds "
                f"[{', '.join(s.found)}] on {day}"
            )
    # safe: markdown-it escapes the text (raw HTML off); facts and scenarios are escaped HTML
    return Rendered(mark_safe(html), toc, facts, scenarios, day, problems, cites)
