"""The assistant in a real browser: answers appear without a page reload, with numbered
sources linking to code pages; a follow-up keeps the conversation; the code page's box."""

from __future__ import annotations

from typing import Any


def test_a_coder_asks_then_follows_up_without_reloading(page: Any) -> None:
    page.goto("/assistant")
    assert "identifiers" in page.get_by_test_id("privacy").inner_text()
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Your question").fill("Can I bill G0283 with 97032?")
    page.get_by_label("Date of service (optional)").fill("2024-08-01")
    page.get_by_role("button", name="Ask").click()
    answer = page.get_by_test_id("answer")
    answer.wait_for()
    assert "modifier indicator" in answer.inner_text()
    sources = page.get_by_test_id("sources")
    assert "v302r0" in sources.inner_text()
    assert page.locator("#source-1 a[href^='/codes/G0283']").count() == 1
    assert page.evaluate("window.notReloaded") is True
    # The follow-up leaves out G0283; the conversation field carries it.
    page.get_by_label("Your question").fill("and with 97530?")
    page.get_by_role("button", name="Ask").click()
    # Locator waits, not wait_for_function: the pages' CSP forbids the eval it relies on.
    page.get_by_test_id("answer").filter(has_text="97530").wait_for()
    text = page.get_by_test_id("answer").inner_text()
    assert "G0283" in text and "97530" in text
    assert page.locator("#assistant-history li").count() == 2
    assert page.evaluate("window.notReloaded") is True


def test_the_code_page_box_answers_about_its_code(page: Any) -> None:
    page.goto("/codes/97110?date=2026-05-01")
    page.get_by_role("textbox", name="Question about 97110").fill("How many units for 38 minutes?")
    page.locator("#ask").get_by_role("button", name="Ask").click()
    page.locator("#ask-answer", has_text="MUE").wait_for()
    text = page.locator("#ask-answer").inner_text()
    assert "38 minutes of timed treatment support 3 units" in text
    assert page.locator("#ask-answer ol.sources li").count() >= 2
