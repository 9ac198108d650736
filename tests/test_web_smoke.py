"""The site's frame in a real browser: /releases lists the loaded releases."""

from __future__ import annotations

from typing import Any


def test_the_releases_page_lists_the_loaded_releases_in_a_browser(page: Any) -> None:
    page.goto("/releases")
    assert page.title() == "Loaded releases — medcode"
    table = page.locator("table")
    assert table.get_by_text("PPRRVU2025_Oct").first.is_visible()
    # The stylesheet and htmx are served by the app itself (no web server, no CDN).
    assert page.evaluate("typeof window.htmx") == "object"
    border = page.evaluate(
        "getComputedStyle(document.querySelector('header.site')).borderBottomStyle"
    )
    assert border == "solid"
