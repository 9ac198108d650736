"""The fresh, blind relevance set parses and keeps its promised shape (no database needed)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

from medcode.search.relevance import load_suite

FRESH = Path(__file__).resolve().parents[1] / "relevance_fresh.toml"
KINDS = {
    "procedure",
    "diagnosis",
    "hcpcs",
    "abbreviation",
    "typo",
    "pcs",
    "lay term",
    "brand name",
}
# How each code system is written where search displays it: CPT (incl. anesthesia), HCPCS Level II,
# ICD-10-CM with its dot, ICD-10-PCS's seven characters.
CODE = re.compile(
    r"\d{5}|[A-V]\d{4}|[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?|[0-9A-HJ-NP-Z]{7}",
)


def test_fresh_set_parses_with_200_heldout_queries_of_known_kinds() -> None:
    cases = load_suite(FRESH)
    assert len(cases) >= 200
    assert {c.half for c in cases} == {"heldout"}
    kinds = Counter(c.kind for c in cases)
    assert set(kinds) <= KINDS, set(kinds) - KINDS
    # The mix the set was written for: mostly procedures, then diagnoses, HCPCS and the rest.
    assert kinds["procedure"] >= 100
    assert kinds["diagnosis"] + kinds["lay term"] >= 35
    assert kinds["hcpcs"] + kinds["brand name"] >= 20
    for kind in ("typo", "abbreviation", "pcs"):
        assert kinds[kind] >= 5, kind


def test_fresh_set_queries_are_distinct_and_codes_well_formed() -> None:
    cases = load_suite(FRESH)
    queries = [c.query.casefold() for c in cases]
    assert len(set(queries)) == len(queries), [q for q, n in Counter(queries).items() if n > 1]
    malformed = [(c.query, code) for c in cases for code in c.expect if not CODE.fullmatch(code)]
    assert malformed == []
    assert str(tomllib.loads(FRESH.read_text(encoding="utf-8"))["date"]) == "2026-01-15"


PEER = FRESH.with_name("relevance_peer.toml")


def test_the_second_blind_set_is_split_at_random_into_two_halves_of_known_kinds() -> None:
    cases = load_suite(PEER)
    halves = Counter(c.half for c in cases)
    kinds = Counter(c.kind for c in cases)

    assert len(cases) >= 500
    # Split by a seeded coin per query: near half each, neither chosen.
    assert abs(halves["build"] - halves["heldout"]) <= len(cases) // 10
    assert set(kinds) <= KINDS, set(kinds) - KINDS
    assert kinds["procedure"] >= 250 and kinds["pcs"] >= 30 and kinds["diagnosis"] >= 60


def test_the_second_blind_set_shares_no_query_with_the_others() -> None:
    from medcode.search.relevance import SUITE_FILE

    peer = [c.query.casefold() for c in load_suite(PEER)]
    others = {c.query.casefold() for path in (SUITE_FILE, FRESH) for c in load_suite(path)}
    malformed = [
        (c.query, code) for c in load_suite(PEER) for code in c.expect if not CODE.fullmatch(code)
    ]

    assert len(set(peer)) == len(peer)
    assert sorted(set(peer) & others) == []
    assert malformed == []
