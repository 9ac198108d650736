"""A consultation end to end with real parts, over the real CMS files.

A coder mails a question to the desk's SMTP server (aiosmtpd on loopback, the server
`medcode consult smtpd` runs) and gets the acknowledgment with its tracking id in their own
mailbox (a second aiosmtpd, reached through Django's SMTP backend from EMAIL_URL); django-q2's
worker (pusher, worker and monitor on threads, as `medcode worker --threads` runs them) drafts
an answer with the assistant; a consultant claims it, edits the draft and signs it in headless
Chromium; the coder receives the signed answer threaded under the question, replies, and the
reply joins the thread with the quoted history cut; the asker's page shows the answer.

Like the accounts browser test, this runs without a test transaction (the servers write from
their own threads), with addresses no other test uses.
"""

from __future__ import annotations

import re
import smtplib
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any, TypeVar

import pytest

from medcode.accounts.tests.smtp import Inbox, _free_port, smtp_server, use_email_url

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

DESK = "consult@desk.test"
ASKER = "e2e-asker@example.org"
EXPERT = "e2e-expert@example.org"
PASSWORD = "a long browser passphrase 41"
T = TypeVar("T")


@pytest.fixture
def db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's ``db`` without the test transaction (see tests/test_web_accounts.py)."""
    with django_db_blocker.unblock():
        yield


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


@pytest.fixture
def desk(db: None, settings: Any, live_url: str) -> Iterator[tuple[Inbox, int]]:
    from medcode.accounts.operators import create_user
    from medcode.accounts.roles import grant_role
    from medcode.consult.smtpd import running
    from medcode.worker import threaded_worker

    settings.MEDCODE_CONSULT_ADDRESS = DESK
    settings.MEDCODE_SITE_URL = live_url
    create_user(ASKER, password=PASSWORD, plan="member")
    expert = create_user(EXPERT, password=PASSWORD)
    expert.first_name, expert.last_name = "Dana", "Reyes"
    expert.save()
    grant_role(expert, "consultant")
    port = _free_port()
    with smtp_server() as (mailbox, url), running("127.0.0.1", port), threaded_worker():
        use_email_url(settings, url)
        yield mailbox, port


def send(port: int, subject: str, body: str, message_id: str, **headers: str) -> None:
    message = EmailMessage()
    message["From"] = ASKER
    message["To"] = DESK
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def log_in(browser: Any, live_url: str, email: str) -> Any:
    context = browser.new_context(base_url=live_url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", email)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_url(re.compile(r"/accounts/profile/"))
    return tab


def test_a_mailed_question_is_drafted_answered_in_the_browser_and_threaded(
    desk: tuple[Inbox, int], browser: Any, live_url: str
) -> None:
    from medcode.consult.models import Consultation, Message

    mailbox, port = desk
    question = (
        "How many units of 97110 may I bill for 38 minutes on 2026-01-15? "
        "Patient Jane Roe, DOB 04/05/1961."
    )
    send(port, "Units for 97110", question, "<e2e-question@example.org>")

    # The acknowledgment, in the coder's mailbox, names the tracking id and threads under
    # the question.
    ack = wait_for("the acknowledgment", lambda: mailbox.to(ASKER) and mailbox.to(ASKER)[0], 30)
    tracking = re.search(r"CC-\d{4}-\d{6}", str(ack["Subject"]))
    assert tracking is not None
    tracking_id = tracking.group(0)
    assert ack["In-Reply-To"] == "<e2e-question@example.org>"
    assert tracking_id in mailbox.text(ack)
    assert "removed what looked like patient identifiers" in mailbox.text(ack)
    consultation = Consultation.objects.get(tracking=tracking_id)
    assert "Jane" not in consultation.question and "1961" not in consultation.question

    # The worker drafts an answer with the assistant, with citations.
    wait_for(
        "the draft",
        lambda: Consultation.objects.filter(pk=consultation.pk, drafted__isnull=False).exists(),
    )

    # The consultant's desk: the queue, claiming, the draft, signing and sending.
    tab = log_in(browser, live_url, EXPERT)
    tab.goto("/consult/desk")
    row = tab.locator(f"tr[data-tracking='{tracking_id}']")
    assert "Units for 97110" in row.inner_text()
    row.get_by_role("link", name=tracking_id).click()
    assert tab.get_by_test_id("claimed-by").inner_text() == "nobody yet"
    tab.get_by_role("button", name="Claim").click()
    assert tab.get_by_test_id("claimed-by").inner_text() == EXPERT
    draft = tab.get_by_test_id("draft")
    assert "97110" in draft.input_value()
    assert tab.get_by_test_id("sources").count() == 1
    draft.fill(
        draft.input_value() + "\n\nBill 3 units: 38 minutes is 3 units under the 8-minute rule."
    )
    tab.fill("input[name=credentials]", "CPC, CCS")
    tab.get_by_role("button", name="Sign and send").click()
    assert tab.get_by_test_id("status").inner_text() == "answered"
    assert "Dana Reyes, CPC, CCS" in tab.get_by_test_id("signature").inner_text()

    # The signed answer arrives threaded under the question, in text and HTML.
    answer = wait_for(
        "the answer",
        lambda: next((m for m in mailbox.to(ASKER) if "Answer:" in str(m["Subject"])), None),
    )
    assert tracking_id in str(answer["Subject"])
    assert "<e2e-question@example.org>" in str(answer["References"])
    assert answer["In-Reply-To"]
    text = mailbox.text(answer)
    assert "Dana Reyes, CPC, CCS" in text and "3 units" in text
    assert "Date of service: 2026-01-15" in text and "Releases relied on:" in text
    html = answer.get_body(preferencelist=("html",))
    assert html is not None and "<strong>Dana Reyes, CPC, CCS</strong>" in str(html.get_content())

    # The coder replies to the answer; the reply joins the thread without the quoted answer.
    send(
        port,
        f"Re: {answer['Subject']}",
        f"Thank you. And with 97140 the same day?\n\nOn Mon, {DESK} wrote:\n> {text[:40]}",
        "<e2e-reply@example.org>",
        In_Reply_To=str(answer["Message-ID"]),
        References=f"<e2e-question@example.org> {answer['Message-ID']}",
    )
    reply = wait_for(
        "the reply in the thread",
        lambda: Message.objects.filter(consultation=consultation, kind="reply").first(),
        30,
    )
    assert reply.body == "Thank you. And with 97140 the same day?"
    assert Consultation.objects.filter(tracking__startswith="CC-").count() >= 1
    assert not Consultation.objects.filter(root_message_id="<e2e-reply@example.org>").exists()

    # The asker's page shows the signed answer and the reply.
    page = log_in(browser, live_url, ASKER)
    page.goto(f"/consult/{tracking_id}")
    assert "Dana Reyes, CPC, CCS" in page.get_by_test_id("signature").inner_text()
    assert "And with 97140 the same day?" in page.get_by_test_id("thread").inner_text()

    # The status page counts the answer in the 30-day median.
    page.goto("/consult/status")
    assert "hours" in page.get_by_test_id("median").inner_text()
