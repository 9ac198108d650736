"""Every claim rule over its own fixture, the way ruff tests its rules.

Each registered rule has ``medcode/claims/rules/fixtures/<RULE_ID>.json``: the reference files it
needs (small CMS-layout files of our own in ``medcode/claims/tests/fixtures``, by format), a few
claims (some that break the rule, at least one that does not) and the findings the rule must
give, by claim id, rule id, lines and severity. The rule alone runs over each claim (as
``ruff --select`` would) and its findings must match the fixture exactly: nothing missing,
nothing more. docs/rules.md says how to add a rule and its fixture.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medcode.claims.claim import parse_claim
from medcode.claims.context import ClaimContext
from medcode.claims.registry import RULES
from medcode.testing import REPO, load_file

RULE_FIXTURES = REPO / "medcode" / "claims" / "rules" / "fixtures"
REFERENCE = Path(__file__).parent / "fixtures"
RULES_DOC = REPO / "docs" / "rules.md"


def fixture(rule_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RULE_FIXTURES / f"{rule_id}.json").read_text())
    return data


Found = tuple[str, str, list[int], str]  # claim id, rule id, lines, severity


def findings_of(rule_id: str, claims: list[dict[str, Any]]) -> list[Found]:
    rule = RULES[rule_id]
    found: list[Found] = []
    for data in claims:
        ctx = ClaimContext(parse_claim(data))
        if not rule.applies(ctx):
            continue
        for finding in rule.check(ctx):
            found.append((data["id"], finding.rule, list(finding.lines), finding.severity))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_the_rule_finds_exactly_what_its_fixture_expects(rule_id: str) -> None:
    data = fixture(rule_id)
    for name, format_id in data["reference"].items():
        outcome = load_file(REFERENCE / name, format_id)
        assert outcome.status == "loaded", (name, outcome.message)

    found = findings_of(rule_id, data["claims"])

    expected = [(f["claim"], f["rule"], f["lines"], f["severity"]) for f in data["findings"]]
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_the_fixture_shows_the_rule_both_failing_and_passing(rule_id: str) -> None:
    data = fixture(rule_id)
    ids = [c["id"] for c in data["claims"]]
    flagged = {f["claim"] for f in data["findings"]}

    assert len(ids) == len(set(ids)), "claim ids repeat"
    assert flagged, "no claim breaks the rule"
    assert flagged <= set(ids), "a finding names a claim the fixture does not have"
    assert set(ids) - flagged, "no claim passes the rule"
    assert {f["rule"] for f in data["findings"]} == {rule_id}
    assert data["about"], "say what the fixture's reference data holds"


def test_every_rule_has_a_fixture_and_a_docs_section_and_nothing_else_does() -> None:
    fixtures = {path.stem for path in RULE_FIXTURES.glob("*.json")}
    documented = {
        line.removeprefix("## ").strip()
        for line in RULES_DOC.read_text().splitlines()
        if line.startswith("## ")
    }

    assert fixtures == set(RULES)
    assert set(RULES) <= documented
