"""Our pages under their Content-Security-Policy in a real browser: nothing is refused.

The policy (medcode/settings.py) allows scripts, styles and requests from our own origin only,
with no inline script or style; a page that needed one would log a violation and lose a feature.
"""

from __future__ import annotations

from typing import Any

import pytest

PAGES = [
    "/",
    "/codes/97110?date=2026-01-15",
    "/codes/M17.11?date=2026-01-15",
    "/search?q=knee+pain",
    "/claims/check",
    # Guides (issue 13): JSON-LD is data, not script, so the policy lets it be.
    "/guides/",
    "/guides/unattended-electrical-stimulation-2026?date=2026-06-01",
    "/releases",
]


def _violations(page: Any) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: messages.append(str(e)))
    return messages


@pytest.mark.parametrize("path", PAGES)
def test_the_page_runs_under_its_policy(page: Any, path: str) -> None:
    violations = _violations(page)

    response = page.goto(path)

    assert response.status == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert page.evaluate("typeof window.htmx") == "object"
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_type_ahead_works_under_the_policy(page: Any) -> None:
    violations = _violations(page)
    page.goto("/")

    page.locator("#site-q").press_sequentially("knee")

    page.locator("#site-suggestions a").first.wait_for()
    assert violations == []


def test_swagger_ui_runs_from_our_origin_under_the_policy(page: Any) -> None:
    violations = _violations(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto("/api/v1/docs")

    page.locator(".swagger-ui .info .title").wait_for()
    assert "medcode" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary").first.wait_for()
    base = page.url.split("/api/")[0]
    assert requested and not [url for url in requested if not url.startswith(base)]
    assert violations == []
