"""The code page in a real browser (headless Chromium): date picker, locality, PTP pages,
keyboard navigation and a phone-width layout, over the real CMS files."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.cms import gpci_rows

pytestmark = [pytest.mark.realdata]


def amount_shown(page: Any) -> str:
    cell = page.locator('#locality-fees [data-amount="non-facility"]').first
    return str(cell.inner_text()).strip()


def test_a_coder_changes_the_date_and_the_locality_of_97110(page: Any) -> None:
    page.goto("/codes/97110?date=2026-01-15")
    assert page.locator("h1").inner_text().startswith("97110")

    page.fill("#as-of", "2025-11-01")
    page.locator("#as-of").press("Enter")
    page.wait_for_url(re.compile(r"date=2025-11-01"))
    assert page.get_by_test_id("as-of").inner_text() == "2025-11-01"

    page.select_option("#locality", "13202-01")
    page.wait_for_selector("#locality-fees caption:has-text('MANHATTAN')")
    manhattan = amount_shown(page)
    page.select_option("#locality", "10112-00")
    page.wait_for_selector("#locality-fees caption:has-text('ALABAMA')")
    alabama = amount_shown(page)

    assert manhattan.startswith("$") and alabama.startswith("$")
    assert manhattan != alabama
    # htmx swapped the fee part only: the page (and its date) stayed.
    assert "date=2025-11-01" in page.url


def test_the_chart_of_every_locality_appears_when_a_coder_opens_it(page: Any) -> None:
    page.goto("/codes/97110?date=2026-01-15&locality=13202-01")
    chart = page.locator("#locality-chart")
    # The chosen locality's amounts are on the page itself; the chart waits to be opened.
    assert amount_shown(page).startswith("$")
    assert chart.locator("table.bars").count() == 0

    chart.locator("summary").click()
    page.wait_for_selector("#locality-chart table.bars tbody tr")

    rows = chart.locator("table.bars tbody tr")
    assert rows.count() == len(gpci_rows())  # every locality of CMS's GPCI file
    assert "MANHATTAN" in chart.locator("tr.selected").inner_text()
    assert "$" in rows.first.inner_text()


def test_a_coder_pages_through_the_ptp_edits_of_99213(page: Any) -> None:
    page.goto("/codes/99213?date=2026-01-15&role=column2")
    first = page.locator("#ptp-list tbody tr").first.inner_text()
    assert page.locator("#ptp-list").get_by_text(re.compile(r"Page 1 of \d+")).is_visible()

    page.locator("#ptp-list a[rel=next]").click()
    page.wait_for_selector("#ptp-list :text-matches('Page 2 of')")

    assert page.locator("#ptp-list tbody tr").count() == 50
    assert page.locator("#ptp-list tbody tr").first.inner_text() != first


def test_the_filter_form_narrows_the_edits_without_leaving_the_page(page: Any) -> None:
    page.goto("/codes/99213?date=2026-01-15")
    page.select_option("#ptp-role", "column2")
    page.fill("#ptp-q", "432")
    page.locator(".ptp-filter button").click()
    page.wait_for_selector("#ptp-list :text('other code starting 432')")

    others = page.locator("#ptp-list tbody tr td:first-child").all_inner_texts()
    assert others and all(code.startswith("432") for code in others)


def test_keyboard_alone_reaches_the_ncci_section(page: Any) -> None:
    page.goto("/codes/G0283?date=2026-01-15")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "NCCI edits":
            break
    else:
        pytest.fail("Tab never reached the 'NCCI edits' link")
    page.keyboard.press("Enter")

    # The jump to the anchor lands a moment after the key press: wait for it, not a fixed time.
    expect(page).to_have_url(re.compile(r"#edits$"))
    assert page.locator("#h-edits").is_visible()


def test_the_page_fits_a_phone_screen(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    for url in ("/codes/97110?date=2026-01-15", "/codes/E11.65?date=2026-01-15"):
        page.goto(url)
        for summary in page.locator("details summary").all():
            if summary.is_visible():
                summary.click()  # open the locality chart and the other folded parts too
        if page.locator("#locality-chart").count():
            page.wait_for_selector("#locality-chart table.bars")  # fetched when opened
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the phone"
