"""The claim form in a real browser: the patient's sex and birth date, and what will be paid."""

from __future__ import annotations

from typing import Any

from tests.test_claim_expected_payment import fee


def test_a_biller_enters_a_man_with_o80_and_sees_the_visit_at_risk(page: Any) -> None:
    page.goto("/claims/check")
    page.get_by_label("Payer").select_option("medicare")
    page.get_by_label("Date of service").fill("2026-05-04")
    page.get_by_label("Medicare locality").select_option("10112-00")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("O80")
    page.get_by_label("Patient's sex").select_option("M")
    page.get_by_label("Patient's birth date").fill("1991-06-01")
    page.get_by_label("Line 1 code").fill("99213")
    page.get_by_label("Line 1 diagnosis pointers").fill("1")

    page.get_by_role("button", name="Check claim").click()

    finding = page.locator("tr.finding", has_text="PAT001")
    assert finding.is_visible()
    assert "maternity diagnosis and the patient is male" in finding.inner_text()
    amounts = page.locator("table.amounts").inner_text()
    assert "Expected payment" in amounts and "At risk" in amounts
    assert f"${fee('99213'):,.2f} (PAT001)" in amounts
    # What was typed stays in the form.
    assert page.get_by_label("Patient's sex").input_value() == "M"
    assert page.get_by_label("Patient's birth date").input_value() == "1991-06-01"
