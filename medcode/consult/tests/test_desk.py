"""The desk over the web: consultants only, claiming, follow-ups by mail and page, the queue's
order and filters, attachments accepted by their bytes, bad input named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from medcode.accounts.operators import create_user
from medcode.accounts.roles import grant_role
from medcode.consult.models import Attachment, Consultation, Status

pytestmark = pytest.mark.django_db
PASSWORD = "a long test passphrase 19"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people(settings: Any) -> tuple[Client, Client]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    create_user("coder@example.org", password=PASSWORD, plan="member")
    expert = create_user("expert@example.org", password=PASSWORD)
    grant_role(expert, "consultant")
    asker, consultant = Client(), Client()
    asker.login(username="coder@example.org", password=PASSWORD)
    consultant.login(username="expert@example.org", password=PASSWORD)
    return asker, consultant


def ask(client: Client, question: str, **fields: Any) -> Consultation:
    response = client.post("/consult/new", {"question": question, **fields})
    assert response.status_code == 302, response.content.decode()[:400]
    return Consultation.objects.get(tracking=response["Location"].rsplit("/", 1)[1])


def test_the_desk_is_for_consultants_only(people: tuple[Client, Client]) -> None:
    asker, consultant = people
    assert asker.get("/consult/desk").status_code == 403
    assert consultant.get("/consult/desk").status_code == 200
    assert Client().get("/consult/new").status_code == 302  # to the login page


def test_claim_follow_up_and_the_askers_reply_on_the_page(people: tuple[Client, Client]) -> None:
    asker, consultant = people
    c = ask(asker, "Is 97140 with 97530 allowed on 2025-06-01?", topic="edits", payer="Medicare")
    url = f"/consult/desk/{c.tracking}"
    consultant.post(url, {"action": "claim"})
    consultant.post(url, {"action": "follow_up", "follow_up": "Which body regions were treated?"})
    c.refresh_from_db()
    assert c.status == Status.WAITING and c.consultant is not None
    follow = django_mail.outbox[-1]
    assert follow.to == ["coder@example.org"] and c.tracking in follow.subject
    assert "Which body regions" in follow.body
    assert follow.extra_headers["References"] == c.root_message_id
    page = asker.get(f"/consult/{c.tracking}").content.decode()
    assert "Which body regions were treated?" in page
    asker.post(f"/consult/{c.tracking}", {"body": "Lumbar and cervical."})
    c.refresh_from_db()
    assert c.status == Status.CLAIMED
    assert "Lumbar and cervical." in consultant.get(url).content.decode()


def test_another_consultant_cannot_take_a_claimed_consultation(
    people: tuple[Client, Client],
) -> None:
    asker, consultant = people
    c = ask(asker, "What is G0283?")
    consultant.post(f"/consult/desk/{c.tracking}", {"action": "claim"})
    other = create_user("other@example.org", password=PASSWORD)
    grant_role(other, "consultant")
    second = Client()
    second.login(username="other@example.org", password=PASSWORD)
    page = second.post(f"/consult/desk/{c.tracking}", {"action": "claim"}, follow=True)
    assert "another consultant has claimed" in page.content.decode()
    c.refresh_from_db()
    assert c.consultant is not None and c.consultant.email == "expert@example.org"


def test_the_queue_is_ordered_by_promised_time_and_filtered(people: tuple[Client, Client]) -> None:
    asker, consultant = people
    first = ask(asker, "What is 97110?", topic="coding", payer="Medicare")
    second = ask(asker, "Is 97014 payable?", topic="payment", payer="Aetna")
    Consultation.objects.filter(pk=second.pk).update(
        promised=timezone.now() + timedelta(hours=1), created=timezone.now() - timedelta(hours=30)
    )
    page = consultant.get("/consult/desk").content.decode()
    assert page.index(second.tracking) < page.index(first.tracking)
    only = consultant.get("/consult/desk?topic=payment").content.decode()
    assert second.tracking in only and first.tracking not in only
    assert first.tracking not in consultant.get("/consult/desk?payer=aetna").content.decode()
    waiting = consultant.get("/consult/desk?waiting=24").content.decode()
    assert second.tracking in waiting and first.tracking not in waiting


def test_attachments_are_judged_by_their_bytes(people: tuple[Client, Client]) -> None:
    asker, _ = people
    c = ask(
        asker,
        "Units of 97110?",
        attachments=[
            SimpleUploadedFile("jane_roe_note.txt", b"pt Jane Roe had 38 minutes of 97110"),
            SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
        ],
    )
    stored = {a.content_type: a for a in Attachment.objects.filter(message__consultation=c)}
    assert set(stored) == {"text/plain", "image/png"}
    assert "Jane" not in stored["text/plain"].text and "97110" in stored["text/plain"].text
    assert stored["text/plain"].name == "attachment.txt" and stored["image/png"].text == ""
    bad = asker.post(
        "/consult/new",
        {
            "question": "Units of 97110?",
            "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03" + b"\x00" * 40)],
        },
    )
    assert bad.status_code == 400
    assert "not a PDF, text file or image" in bad.content.decode()


def test_a_bad_date_of_service_is_named(people: tuple[Client, Client]) -> None:
    asker, _ = people
    bad = asker.post("/consult/new", {"question": "What is 97110?", "date_of_service": "13/45"})
    assert bad.status_code == 400 and "date of service" in bad.content.decode()
    assert Consultation.objects.count() == 0


def test_a_promise_skips_the_weekend() -> None:
    from datetime import UTC, datetime

    from medcode.consult.desk import promise

    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert promise(friday, 24) == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert promise(friday, 4) == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert promise(friday, 48) == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_the_draft_is_for_consultants_only(people: tuple[Client, Client]) -> None:
    asker, consultant = people
    c = ask(asker, "What is 97110?")
    Consultation.objects.filter(pk=c.pk).update(draft="A DRAFT ONLY CONSULTANTS READ")
    assert "A DRAFT ONLY" not in asker.get(f"/consult/{c.tracking}").content.decode()
    assert asker.get(f"/consult/desk/{c.tracking}").status_code == 403
    assert "A DRAFT ONLY" in consultant.get(f"/consult/desk/{c.tracking}").content.decode()


def test_a_plans_monthly_allowance_is_kept(settings: Any) -> None:
    from medcode.consult.models import DeskPlan

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    create_user("free@example.org", password=PASSWORD, plan="free")
    allowance = DeskPlan.objects.get(plan__name="free").per_month
    assert allowance is not None
    client = Client()
    client.login(username="free@example.org", password=PASSWORD)
    codes = [
        client.post("/consult/new", {"question": f"What is 9711{n}?"}).status_code
        for n in range(allowance + 1)
    ]
    assert codes == [302] * allowance + [400]
    assert (
        "consultations a month" in client.post("/consult/new", {"question": "x"}).content.decode()
    )


def test_a_reply_after_the_answer_puts_it_back_in_the_queue(
    people: tuple[Client, Client],
) -> None:
    asker, consultant = people
    c = ask(asker, "What is 97110?")
    url = f"/consult/desk/{c.tracking}"
    consultant.post(url, {"action": "claim"})
    consultant.post(url, {"action": "send", "body": "A therapy code.", "credentials": "CPC"})
    row = f'data-tracking="{c.tracking}"'
    assert row not in consultant.get("/consult/desk").content.decode()
    asker.post(f"/consult/{c.tracking}", {"body": "And 97112?"})
    c.refresh_from_db()
    assert c.status == Status.CLAIMED and c.answered is not None
    assert row in consultant.get("/consult/desk").content.decode()


def test_the_status_page_shows_the_30_day_median_and_consultations_per_plan(
    people: tuple[Client, Client],
) -> None:
    asker, _ = people
    now = timezone.now()
    for hours, days_ago in ((2, 1), (4, 2), (100, 40)):
        c = ask(asker, f"What is 9711{hours % 10}?")
        created = now - timedelta(days=days_ago)
        Consultation.objects.filter(pk=c.pk).update(
            created=created, answered=created + timedelta(hours=hours), status=Status.ANSWERED
        )
    page = Client().get("/consult/status").content.decode()
    assert '<dd data-testid="median">3.0 hours</dd>' in page
    members_this_month = Consultation.objects.filter(
        created__gte=now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    ).count()
    assert f'<td>Member</td><td class="n">{members_this_month}</td>' in page
