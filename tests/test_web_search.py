"""Search in a real browser: type-ahead in the header, the results page and its filters."""

from __future__ import annotations

import re
from typing import Any


def test_a_coder_types_in_the_header_and_follows_a_suggestion(page: Any) -> None:
    page.goto("/")
    box = page.get_by_label("Search codes")
    box.press_sequentially("knee osteoarth", delay=20)
    suggestions = page.locator("#site-suggestions ul.suggestions li a")
    suggestions.first.wait_for()
    assert 1 <= suggestions.count() <= 8
    assert "M17" in suggestions.first.inner_text()
    # The suggestions are links, reached from the box with the keyboard.
    box.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and focused.startswith("/codes/M17")
    href = suggestions.first.get_attribute("href")
    suggestions.first.click()
    page.wait_for_url(re.compile(re.escape(href.split("?")[0])))


def test_a_coder_searches_then_keeps_one_code_system(page: Any) -> None:
    page.goto("/search")
    page.get_by_label("Code or words").fill("electrical stimulation")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.search-results tbody tr")
    rows.first.wait_for()
    systems = set(page.locator("table.search-results tbody td:nth-child(2)").all_inner_texts())
    assert len(systems) > 1
    page.get_by_label("Code system").select_option("HCPCS")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"system=HCPCS"))
    systems = set(page.locator("table.search-results tbody td:nth-child(2)").all_inner_texts())
    assert systems == {"HCPCS"}
    assert page.locator("table.search-results a", has_text="G0283").count() == 1


def test_an_empty_search_explains_itself(page: Any) -> None:
    page.goto("/search?q=%20")
    assert "empty query" in page.get_by_role("alert").inner_text()
