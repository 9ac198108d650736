"""Reading questions without a model: dates, modifiers, minutes; answers' markers; redaction."""

from __future__ import annotations

from datetime import date

import pytest

from medcode.assistant.answer import code_tokens, spread_refs
from medcode.assistant.privacy import redact
from medcode.assistant.understand import find_date, find_modifiers, find_numbers

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("for a date of service of June 1, 2025", date(2025, 6, 1)),
        ("on 2025-06-01", date(2025, 6, 1)),
        ("on 06/01/2025", date(2025, 6, 1)),
        ("on 1 June 2025", date(2025, 6, 1)),
        ("in Q3 2024", date(2024, 7, 1)),
        ("in 2024", date(2024, 1, 1)),
        ("in 2026", TODAY),
        ("may I bill 97110", None),
    ],
)
def test_dates_in_several_forms(text: str, expected: date | None) -> None:
    assert find_date(text, TODAY)[0] == expected


def test_modifiers_named_in_words_pairs_and_after_a_code() -> None:
    known = frozenset({"GP", "GO", "GN", "XE", "XS", "XP", "XU", "KX", "TC"})
    assert find_modifiers("What is modifier 25 used for?", known) == ["25"]
    assert find_modifiers("59 vs XS: which one?", known) == ["XS", "59"]
    assert find_modifiers("When do I use GP vs GO?", known) == ["GP", "GO"]
    assert find_modifiers("Explain X{EPSU}", known) == ["XE", "XP", "XS", "XU"]
    assert find_modifiers("97110-GP with KX", known) == ["GP", "KX"]
    assert find_modifiers("Can I go to the office?", known) == []


def test_minutes_and_units() -> None:
    assert find_numbers("38 minutes of 97110, 3 units") == (38, 3)
    assert find_numbers("what is 99213") == (None, None)


def test_every_sentence_of_a_cited_fact_carries_the_marker() -> None:
    text = spread_refs("Indicator 2 applies. The MUE comes from policy. [3]")
    assert text == "Indicator 2 applies [3]. The MUE comes from policy [3]."


def test_code_tokens_skip_amounts_dates_and_localities() -> None:
    text = "99213 in 13202-01 pays $101.06 on 2025-06-01 [1]; see E11.65 and G0283 (RVU 1.30)."
    assert code_tokens(text) == ["99213", "E11.65", "G0283"]


def test_obvious_identifiers_are_redacted() -> None:
    text = redact(
        "Patient Mary Jones, DOB 01/02/1950, phone (555) 123-4567, MRN: A1234567, "
        "mary@example.org, SSN 123-45-6789: can I bill 97110 on 2025-06-01?"
    )
    for secret in ("Mary", "Jones", "1950", "123-4567", "A1234567", "example.org", "6789"):
        assert secret not in text
    assert "97110" in text and "2025-06-01" in text
