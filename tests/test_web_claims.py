"""The claim checker form in a real browser over the real CMS files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medcode.claims.checker import check_claims
from medcode.claims.formats import read_claims

FIXTURES = Path(__file__).resolve().parent.parent / "medcode" / "claims" / "tests" / "fixtures"


def fill_claim(page: Any) -> None:
    page.goto("/claims/check")
    page.get_by_label("Payer").select_option("medicare")
    page.get_by_label("Date of service").fill("2026-05-04")
    page.get_by_label("Medicare locality").select_option("10112-00")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("M17.11")
    page.get_by_label("Line 1 code").fill("97014")
    page.get_by_label("Line 1 modifiers").fill("GP")
    page.get_by_label("Line 2 code").fill("97110")
    page.get_by_label("Line 2 modifiers").fill("GP")
    page.get_by_label("Line 2 units").fill("2")
    page.get_by_label("Line 2 minutes").fill("30")


def test_a_coder_types_97014_and_97110_and_is_told_to_bill_g0283(page: Any) -> None:
    expected = check_claims(
        read_claims(
            '{"payer": "medicare", "date_of_service": "2026-05-04", "locality": "10112-00",'
            ' "diagnoses": ["M17.11"], "lines": [{"code": "97014", "modifiers": ["GP"]},'
            ' {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30}]}'
        )
    )["claims"][0]
    fill_claim(page)

    page.get_by_role("button", name="Check claim").click()

    finding = page.locator("tr.finding", has_text="MCS001")
    assert finding.is_visible()
    assert "G0283" in finding.inner_text()
    amounts = page.locator("table.amounts").inner_text()
    for line in expected["lines"]:
        assert f"${line['allowed_amount']:,.2f}" in amounts
    assert f"${expected['total_allowed']:,.2f}" in amounts
    # What was typed stays in the form.
    assert page.get_by_label("Line 2 code").input_value() == "97110"


def test_enter_in_a_field_checks_the_claim(page: Any) -> None:
    fill_claim(page)

    page.get_by_label("Line 2 minutes").press("Enter")

    assert page.locator("tr.finding", has_text="MCS001").is_visible()


def test_add_line_adds_a_row_in_place_with_htmx(page: Any) -> None:
    fill_claim(page)

    page.get_by_role("button", name="Add line").click()

    new = page.get_by_label("Line 7 code")
    new.wait_for()
    assert new.evaluate("el => el === document.activeElement")
    assert page.get_by_label("Line 1 code").input_value() == "97014"
    assert page.locator("#results-heading").count() == 0


def test_a_biller_uploads_a_csv_batch(page: Any) -> None:
    page.goto("/claims/check")

    page.get_by_label("Claims file").set_input_files(str(FIXTURES / "claims.csv"))
    page.get_by_role("button", name="Check claim").click()

    headings = page.locator("article.claim-result h3").all_inner_texts()
    assert [h.split()[1] for h in headings] == ["c1", "c2", "c3"]
    assert page.get_by_text("3 claims checked").is_visible()


def test_a_negative_unit_is_marked_at_the_field(page: Any) -> None:
    fill_claim(page)
    page.get_by_label("Line 2 units").fill("-2")

    page.get_by_role("button", name="Check claim").click()

    field = page.get_by_label("Line 2 units")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby")
    assert "expected at least 1 unit" in page.locator(f"#{described}").inner_text()
    assert page.get_by_role("alert").is_visible()
