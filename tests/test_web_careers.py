"""The job board in a real browser (headless Chromium), with alert mail delivered by a real SMTP
server on loopback (aiosmtpd): a coder saves a search for CPC jobs open to Texas; an employer
posts one, a moderator approves it, the coder gets the alert, finds the job by credential and
remote state, applies with a PDF, and the employer sees the application. An expired posting
leaves the board; a posting asking for an upfront fee is flagged in the moderation queue.

Like the accounts browser test it drives the live server without a test transaction, so what it
creates stays in the session's database; its accounts and titles are its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from medcode.accounts.operators import create_user
from medcode.accounts.tests.smtp import Inbox, smtp_server, use_email_url
from medcode.careers.tests.jsonld import job_posting

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

PASSWORD = "a long careers browser passphrase 5"
TITLE = "Remote ortho coder (browser test)"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's ``db`` without its transaction: the live server's threads write."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def inbox(db: None, settings: Any, live_url: str, tmp_path: Any) -> Iterator[Inbox]:
    with smtp_server() as (received, url):
        use_email_url(settings, url)
        settings.MEDCODE_ACCESS = "metered"
        settings.MEDCODE_RESUMES_DIR = str(tmp_path / "resumes")
        settings.MEDCODE_SITE_URL = live_url
        yield received


VIOLATIONS: list[str] = []


def tab_for(browser: Any, live_url: str, email: str) -> Any:
    context = browser.new_context(base_url=live_url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # Every careers page runs under the strict Content-Security-Policy (the JSON-LD block too).
    tab.on(
        "console",
        lambda m: VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.on("pageerror", lambda e: VIOLATIONS.append(str(e)))
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", email)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_url("**/accounts/profile/")
    return tab


def wait_for_mail(inbox: Inbox, address: str, part: str) -> str:
    for _ in range(100):
        try:
            return inbox.link(address, part)
        except AssertionError:
            time.sleep(0.1)
    raise AssertionError(f"no mail to {address} linking {part}")


def post_job(tab: Any, title: str, description: str) -> int:
    tab.goto("/careers/post/")
    tab.fill("input[name=title]", title)
    tab.fill("input[name=organization]", "Browser Orthopedics")
    tab.fill("textarea[name=description]", description)
    tab.check("input[name=credentials_required][value=CPC]")
    tab.select_option("select[name=setting]", "professional_fee")
    tab.fill("input[name=specialties]", "orthopedics")
    tab.check("input[name=code_sets][value=CPT]")
    tab.fill("input[name=experience_years]", "0")
    tab.check("input[name=apprentice_friendly]")
    tab.select_option("select[name=employment_type]", "full_time")
    tab.select_option("select[name=location_type]", "remote")
    tab.fill("input[name=remote_states]", "TX, OK")
    tab.fill("input[name=pay_min]", "23")
    tab.fill("input[name=pay_max]", "29")
    tab.select_option("select[name=pay_unit]", "hour")
    tab.get_by_role("button", name="Save draft and preview").click()
    tab.wait_for_url("**/preview/")
    assert "Browser Orthopedics" in tab.get_by_test_id("job-facts").inner_text()
    job_id = int(tab.url.rstrip("/").split("/")[-2])
    tab.get_by_role("button", name="Submit for the board").click()
    tab.wait_for_url("**/careers/mine/")
    return job_id


def search_cpc_in_texas(tab: Any) -> None:
    tab.goto("/careers/")
    tab.select_option("select[name=credential]", "CPC")
    tab.select_option("select[name=location_type]", "remote")
    tab.fill("input[name=state]", "TX")
    tab.get_by_role("button", name="Search jobs").click()
    tab.wait_for_url("**/careers/?*")


def test_post_moderate_alert_find_apply_expire_and_flag(
    inbox: Inbox, browser: Any, live_url: str
) -> None:
    for email, roles in [
        ("boss@browser-ortho.example", ["employer"]),
        ("moderator@browser.example", ["admin"]),
        ("coder@browser.example", []),
    ]:
        create_user(email, password=PASSWORD, role_names=roles)
    coder = tab_for(browser, live_url, "coder@browser.example")
    boss = tab_for(browser, live_url, "boss@browser-ortho.example")
    moderator = tab_for(browser, live_url, "moderator@browser.example")

    # The coder saves a search for remote CPC jobs open to Texas, alerts at once.
    search_cpc_in_texas(coder)
    coder.fill("#save-name", "CPC in Texas")
    coder.select_option("#save-frequency", "instant")
    coder.get_by_role("button", name="Save this search").click()
    coder.wait_for_url("**/careers/searches/")
    assert "CPC in Texas" in coder.get_by_test_id("saved-searches").inner_text()

    # A new employer's posting waits for a moderator; nobody else sees it yet.
    job_id = post_job(boss, TITLE, "Code **E/M** visits (99213) and J1030 injections.")
    assert "Waiting for a moderator" in boss.get_by_test_id("my-jobs").inner_text()
    assert coder.goto(f"/careers/jobs/{job_id}/").status == 404

    moderator.goto("/careers/moderation/")
    pending = moderator.get_by_test_id("pending-job").filter(has_text=TITLE)
    assert pending.get_by_test_id("no-flags").is_visible()
    pending.get_by_role("button", name="Approve").click()
    moderator.wait_for_url("**/careers/moderation/")

    # The saved search's alert arrives by mail and links the job.
    link = wait_for_mail(inbox, "coder@browser.example", f"/careers/jobs/{job_id}/")
    search_cpc_in_texas(coder)
    found = coder.get_by_test_id("job").filter(has_text=TITLE)
    assert found.count() == 1
    found.get_by_role("link", name=TITLE).click()
    assert urlsplit(link).path == urlsplit(coder.url).path
    data = job_posting(coder.content())
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["baseSalary"]["value"]["unitText"] == "HOUR"
    assert coder.locator('a[href="/codes/99213"]').count() == 1

    # Applies with a PDF; the employer sees the application and can open the résumé.
    coder.get_by_test_id("apply-link").click()
    coder.fill("#message", "CPC-A with orthopedic coding practice.")
    coder.set_input_files(
        "#resume", files=[{"name": "resume.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    coder.get_by_role("button", name="Send application").click()
    coder.wait_for_url("**/careers/applications/")
    assert TITLE in coder.get_by_test_id("my-applications").inner_text()
    boss.goto(f"/careers/jobs/{job_id}/applications/")
    row = boss.get_by_test_id("application")
    assert "coder@browser.example" in row.inner_text()
    with boss.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF

    # Past its expiry the posting leaves the board at once.
    from medcode.careers.models import Job

    Job.objects.filter(pk=job_id).update(expires=timezone.localdate() - timedelta(days=1))
    search_cpc_in_texas(coder)
    assert coder.get_by_test_id("job").filter(has_text=TITLE).count() == 0
    assert coder.goto(f"/careers/jobs/{job_id}/").status == 404

    # Even an employer with an approved posting is held when asking for an upfront fee.
    fee_title = "Work-from-home coder, start today (browser test)"
    post_job(boss, fee_title, "Pay a $149 registration fee for your starter kit, refunded later.")
    assert "Waiting for a moderator" in boss.get_by_test_id("my-jobs").inner_text()
    moderator.goto("/careers/moderation/")
    flagged = moderator.get_by_test_id("pending-job").filter(has_text=fee_title)
    assert "asks the applicant for money" in flagged.get_by_test_id("flags").inner_text()
    assert VIOLATIONS == []
