"""Generate docs/rules.md from the rules' docstrings, so the rule reference cannot drift.

python -m medcode.claims.ruledocs > docs/rules.md
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")


#: How a rule is added, the way ruff adds one: module, registry entry, docs, fixture.
ADDING = [
    "## Adding a rule",
    "",
    "A rule is four things, and tests fail until all four are there:",
    "",
    "1. **A module** in `medcode/claims/rules/` (or a class in the module of its family): a",
    "   `Rule` subclass with a new `id` (family prefix and the next number; ids are never",
    "   reused), a kebab-case `name` for the problem, the `payers` it applies to, and a",
    "   `check(ctx)` that asks `ClaimContext` for store answers and yields `Finding`s, each",
    "   citing its source with `ctx.source(...)`. Payment facts (statuses that stop payment,",
    "   facility places of service) come from `medcode.fees.pricing`.",
    "2. **A registry entry** in `medcode/claims/registry.py`, in the order the report lists",
    "   rules.",
    "3. **A docs section**: the docstring's five sections (What it checks, Why payers deny it,",
    "   Example, Fix, References); then regenerate this page with",
    "   `python -m medcode.claims.ruledocs > docs/rules.md`.",
    "4. **A fixture** `medcode/claims/rules/fixtures/<ID>.json`: `about` (what the reference",
    "   data holds), `reference` (CMS-layout files of our own in `medcode/claims/tests/fixtures`",
    '   by format id, e.g. `{"claims_PPRRVU2026_Jan.csv": "pfs_pprrvu"}`; write a small',
    "   new one in CMS's layout when the rule needs other data, never rows of the real files),",
    "   `claims` (medcode's JSON claim form: at least one claim that breaks the rule and one",
    "   that does not) and `findings` (claim id, rule, lines, severity of every finding the",
    "   rule must give). `medcode/claims/tests/test_rule_fixtures.py` runs the rule alone over",
    "   the claims and compares its findings with the fixture exactly, and checks that every",
    "   registered rule has a fixture and a section here.",
    "",
    "Run `.venv/bin/pytest -q medcode/claims/tests/test_rule_fixtures.py -k <ID>`.",
]


def render() -> str:
    # Imported here: the rules import models, which need Django set up first.
    from medcode.claims.registry import RULES
    from medcode.claims.rules.base import SECTIONS

    parts = [
        "# Claim rules",
        "",
        "Generated from the docstrings: `python -m medcode.claims.ruledocs > docs/rules.md`;",
        "a test fails when this page and the code disagree. Ids are never reused.",
        "",
        *ADDING,
        "",
        "| id | name | payers |",
        "| --- | --- | --- |",
    ]
    for rule in RULES.values():
        parts.append(
            f"| [{rule.id}](#{rule.id.lower()}) | `{rule.name}` | {', '.join(rule.payers)} |"
        )
    for rule in RULES.values():
        sections = rule.sections()
        parts.extend(["", f"## {rule.id}", "", f"`{rule.name}`"])
        for heading in SECTIONS:
            body = sections.get(heading, "")
            if heading == "Example":
                body = f"```\n{body}\n```"
            parts.extend(["", f"**{heading}.**", "", body])
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    import django

    django.setup()
    print(render(), end="")
