"""Generate docs/rules.md from the rules' docstrings, so the rule reference cannot drift.

python -m medcode.claims.ruledocs > docs/rules.md
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")


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
