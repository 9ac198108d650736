"""Answers over small fixtures in CMS's layouts (the importers' test files): PTP, payment by
locality, declines, and the language-model checker's verdicts."""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from medcode.assistant import llm
from medcode.assistant.answer import ask
from medcode.testing import load_file

FIXTURES = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"
DAY = date(2026, 2, 10)


@pytest.fixture
def store(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "claims_ccipra-v320r0.txt", "ncci_ptp")
    load_file(FIXTURES / "pfs_gpci_GPCI2025.csv", "pfs_gpci")


def _ptp_row(col1: str, col2: str) -> list[str]:
    for line in (FIXTURES / "claims_ccipra-v320r0.txt").read_text().splitlines():
        parts = line.split("\t")
        if parts[:2] == [col1, col2]:
            return parts
    raise AssertionError(f"{col1}/{col2} not in the fixture")


def _rvu(code: str) -> list[str]:
    with open(FIXTURES / "claims_PPRRVU2026_Jan.csv", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row and row[0] == code and not row[1]:
                return row
    raise AssertionError(code)


def test_a_ptp_pair_states_the_edit_and_its_indicator_with_a_citation(store: None) -> None:
    indicator = _ptp_row("G0283", "97032")[5]
    answer = ask("Can I bill G0283 with 97032?", as_of=DAY).to_dict(None)
    assert f"modifier indicator {indicator}" in answer["answer"]
    cited = next(c for c in answer["citations"] if c["code"] == "G0283/97032")
    assert cited["dataset"] == "ncci_ptp_practitioner" and "v320r0" in cited["release"]
    zero = ask("Can 97161 and 97140 be billed on the same day?", as_of=DAY).to_dict(None)
    assert _ptp_row("97161", "97140")[5] == "0"
    assert "Only 97161 is paid" in zero["answer"]


def test_payment_in_a_named_state_is_the_gpci_arithmetic(store: None) -> None:
    row = _rvu("99213")
    work, pe_nf, mp, cf = (Decimal(row[i]) for i in (5, 6, 10, 24))
    amount = (work * 1 + pe_nf * Decimal("0.871") + mp * Decimal("0.577")) * cf
    expected = f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    answer = ask("What does Medicare pay for 99213 in Alabama?", as_of=DAY).to_dict(None)
    assert "10112-00" in answer["answer"] and f"{expected} non-facility" in answer["answer"]
    datasets = {c["dataset"] for c in answer["citations"]}
    assert {"pfs_rvu", "pfs_gpci"} <= datasets


def test_unknown_codes_and_payer_policy_are_declined(store: None) -> None:
    unknown = ask("What is 99999?", as_of=DAY)
    assert unknown.abstained and unknown.markdown.startswith("99999 is not in any loaded code set")
    payer = ask("Does Aetna pay 97110?", as_of=DAY)
    assert payer.abstained and payer.citations == [] and "Aetna" in payer.markdown


def test_the_model_checker_refuses_invented_codes_and_uncited_numbers(store: None) -> None:
    result: dict[str, Any] = ask("Can I bill G0283 with 97032?", as_of=DAY).to_dict(None)
    indicator = _ptp_row("G0283", "97032")[5]
    assert llm.check(f"G0283 and 97032 have an edit, indicator {indicator} [1].", result, DAY) == []
    assert llm.check("Bill 97999 instead [1].", result, DAY)
    assert llm.check("The edit costs $41.20 [1].", result, DAY)
    assert llm.check("G0283 and 97032 have an edit.", result, DAY)
    assert llm.check("G0283 and 97032 have an edit [9].", result, DAY)


@pytest.mark.parametrize(
    ("escape", "named"), [("\\ud800", "U+D800"), ("\\u202e", "U+202E"), ("\\u001b", "U+001B")]
)
def test_a_question_with_a_character_nobody_can_print_is_refused_naming_it(
    db: None, escape: str, named: str
) -> None:
    from django.test import Client

    body = '{"question": "What is 99213' + escape + '?"}'
    response = Client().post("/api/v1/assistant/ask", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert named in error and "character 14" in error
    # Line breaks and tabs are what a question typed in a box holds: they stay allowed.
    typed = Client().post(
        "/api/v1/assistant/ask",
        '{"question": "What is\\n\\t99213?"}',
        content_type="application/json",
    )
    assert typed.status_code == 200
