"""The abbreviation lexicon against the loaded short descriptors: can every word be read?

A token of a CPT or HCPCS short descriptor counts as readable when it is an English word (the
web2 and GCIDE lists of the ``english-words`` package), a word of the loaded long descriptors
(HCPCS long descriptions, ICD-10-CM and ICD-10-PCS titles), a number or a measure (``30d``,
``50mg``, ``tc99m``), a single letter of a slashed pair (``w/o``), two known words run together
(``leadacid``), or an entry of ``abbreviations.toml``. A HCPCS short descriptor's token may also be
explained by the code's own long descriptor (``Hosp`` for ``hospital``: same first letter, its
letters in order in a word there).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import cache

import pytest
from english_words import get_english_words_set

from medcode.content.index_terms import expand_descriptor, lexicon
from medcode.releases.loader import Outcome
from medcode.releases.sql import rows
from medcode.search.engine import search

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

_TOKEN = re.compile(r"[a-z0-9]+")
_CPT = re.compile(r"^\d{4}[0-9A-Z]$")
#: A number with a unit (30d, 15min, 50mg, 2x), a radionuclide (tc99m, i131) or a count (x3).
_MEASURE = re.compile(r"^\d+(\.\d+)?[a-z]{0,5}\d?$|^[a-z]{1,2}\d{1,3}[a-z]?$|^x\d+$")


@cache
def english() -> frozenset[str]:
    return frozenset(get_english_words_set(["web2", "gcide"], lower=True))


def known_words() -> set[str]:
    known = set(english())
    for sql in (
        "SELECT long_description AS t FROM codes_hcpcscode",
        "SELECT long_title AS t FROM icd10_icd10cmcode",
        "SELECT long_title AS t FROM icd10_icd10pcscode",
    ):
        for r in rows(sql):
            known.update(_TOKEN.findall((r["t"] or "").lower()))
    return known


def reader(known: set[str]) -> Callable[[str], bool]:
    table = lexicon()

    def word(token: str) -> bool:
        if token in known or table.knows(token):
            return True
        # Plurals and past tenses of known words (sockets, queried).
        for suffix, ending in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ied", "y")):
            if token.endswith(suffix) and token[: -len(suffix)] + ending in known:
                return True
        return False

    def readable(token: str) -> bool:
        if len(token) == 1 or token.isdigit() or _MEASURE.match(token) or word(token):
            return True
        letters = token.rstrip("0123456789")
        if letters != token and len(letters) > 1 and word(letters):
            return True  # stg3, phq9
        return any(
            word(token[:i]) and word(token[i:]) for i in range(3, len(token) - 2)
        )  # leadacid, homecare

    return readable


def abbreviates(token: str, long_words: list[str]) -> bool:
    def in_order(short: str, long: str) -> bool:
        letters = iter(long)
        return all(ch in letters for ch in short)

    return any(w[0] == token[0] and in_order(token, w) for w in long_words if w)


def cpt_descriptors() -> dict[str, str]:
    found: dict[str, str] = {}
    for r in rows("SELECT hcpcs, description FROM fees_pfsrvu ORDER BY hcpcs, modifier"):
        if _CPT.match(r["hcpcs"]) and r["description"]:
            found.setdefault(r["hcpcs"], r["description"])
    return found


def test_every_word_of_the_cpt_short_descriptors_is_a_word_or_has_an_expansion(
    full_load: list[Outcome],
) -> None:
    descriptors = cpt_descriptors()
    assert len(descriptors) > 9000
    readable = reader(known_words())
    unread: Counter[str] = Counter()
    tokens = 0
    for description in descriptors.values():
        for token in set(_TOKEN.findall(description.lower())):
            tokens += 1
            if not readable(token):
                unread[token] += 1
    print(f"\n{tokens} tokens, {sum(unread.values())} unread ({len(unread)} distinct)")

    # Every word, even one used in a single descriptor: a word search cannot read is a code
    # that query cannot find.
    assert sorted(unread) == [], "add these to abbreviations.toml (expand, phrases or words)"


def test_every_word_of_the_hcpcs_short_descriptors_is_a_word_or_has_an_expansion(
    full_load: list[Outcome],
) -> None:
    readable = reader(known_words())
    unread: Counter[str] = Counter()
    codes = 0
    for r in rows("SELECT short_description, long_description FROM codes_hcpcscode"):
        codes += 1
        long_words = _TOKEN.findall((r["long_description"] or "").lower())
        for token in _TOKEN.findall((r["short_description"] or "").lower()):
            if not readable(token) and not abbreviates(token, long_words):
                unread[token] += 1
    print(f"\n{codes} codes, {sum(unread.values())} unread tokens ({len(unread)} distinct)")

    assert codes > 8000
    repeated = sorted(t for t, n in unread.items() if n > 1)
    assert repeated == [], "abbreviations used in several descriptors need an entry"


def test_the_index_spells_out_the_short_descriptor(full_load: list[Outcome]) -> None:
    descriptor = cpt_descriptors()["64483"]
    assert "tfrm" in descriptor.lower()  # CMS abbreviates: the test reads the file's own words
    spelled = expand_descriptor(descriptor)

    assert "transforaminal" in spelled and "epidural" in spelled
    first = search("transforaminal epidural injection lumbar", date(2026, 1, 15))
    assert "64483" in [r.code for r in first.results[:3]]
