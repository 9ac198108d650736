from __future__ import annotations

import re

import pytest

from medcode.claims.registry import RULES
from medcode.claims.rules.base import SECTIONS, Rule


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_documents_every_section(rule: Rule) -> None:
    sections = rule.sections()

    missing = [s for s in SECTIONS if not sections.get(s)]

    assert not missing, f"{rule.id} lacks: {', '.join(missing)}"


def test_rule_ids_and_names_are_unique_and_well_formed() -> None:
    names = [rule.name for rule in RULES.values()]

    assert len(set(names)) == len(names)
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert re.fullmatch(r"[A-Z]{3}\d{3}", rule_id)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)


def test_the_rule_reference_matches_the_rules() -> None:
    from medcode.claims import ruledocs
    from medcode.testing import REPO

    written = (REPO / "docs" / "rules.md").read_text()

    assert written == ruledocs.render(), "run: python -m medcode.claims.ruledocs > docs/rules.md"
