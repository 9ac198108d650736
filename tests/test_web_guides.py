"""The front page and the guides in a real browser, over the real CMS files."""

from __future__ import annotations

import re
from typing import Any

from medcode.content.therapy import therapy

E_STIM = "/guides/unattended-electrical-stimulation-2026"


def test_the_front_page_puts_search_first_and_reads_at_375_px(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")

    box = page.get_by_label("Find a code by its number, words or an abbreviation")
    assert box.is_visible()
    assert page.get_by_role("link", name="Claim checker").first.is_visible()
    currency = page.locator("#data-currency").inner_text()
    assert currency.startswith("Answers as of today use: HCPCS Level II")
    assert "medcode data fetch" in page.locator("#data-currency").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="Guides").first.click()
    page.wait_for_url(re.compile(r"/guides/$"))
    assert page.get_by_role(
        "link", name=re.compile("Unattended electrical stimulation")
    ).is_visible()


def test_a_live_fact_changes_when_the_reader_changes_the_date(page: Any) -> None:
    amounts = therapy().thresholds
    page.goto(f"{E_STIM}?date=2025-06-02")
    fact = page.locator('.fact[data-tag="[[kx]]"]').first
    assert fact.inner_text().startswith(f"${amounts[2025]:,}")

    page.get_by_label("Facts as of date of service").fill("2026-06-01")
    page.get_by_role("button", name="Show").click()

    page.wait_for_url(re.compile(r"date=2026-06-01"))
    assert (
        page.locator('.fact[data-tag="[[kx]]"]')
        .first.inner_text()
        .startswith(f"${amounts[2026]:,}")
    )


def test_a_guide_reads_at_375_px(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{E_STIM}?date=2026-06-01")

    assert page.get_by_role("navigation", name="Contents").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_scenario_opens_prefilled_in_the_claim_checker(page: Any) -> None:
    page.goto(f"{E_STIM}?date=2026-06-01")
    scenario = page.locator("section.scenario", has_text="billed with 97014")
    assert "MCS001" in scenario.inner_text()

    scenario.get_by_role("link", name="Open in the claim checker").click()

    page.wait_for_url(re.compile(r"/claims/check\?claim="))
    assert page.get_by_label("Line 1 code").input_value() == "97014"
    assert page.get_by_label("Line 1 modifiers").input_value() == "GP"
    assert page.get_by_label("Date of service").input_value() == "2026-06-01"
    page.get_by_role("button", name="Check claim").click()
    assert page.locator("tr.finding", has_text="MCS001").is_visible()
