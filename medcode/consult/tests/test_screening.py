"""No patient identifier reaches the database or the mail: a corpus of 60 questions with
planted identifiers, asked through the form and by mail; what was removed is told."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail as django_mail
from django.test import Client

from medcode.accounts.operators import create_user
from medcode.consult import inbound
from medcode.consult.models import Attachment, Consultation, DeskPlan, Message
from medcode.consult.tests.phi_corpus import corpus

pytestmark = pytest.mark.django_db
PASSWORD = "a long test passphrase 17"


@pytest.fixture
def asker(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDCODE_CONSULT_PER_HOUR = 1000
    DeskPlan.objects.filter(plan__name="member").update(per_month=None)
    return create_user("coder@example.org", password=PASSWORD, plan="member")


def stored_text() -> str:
    parts: list[str] = []
    for model in (Consultation, Message, Attachment):
        for row in model.objects.all():
            parts += [str(getattr(row, f.attname)) for f in model._meta.concrete_fields]
    return "\n".join(parts)


def mailed_text() -> str:
    return "\n".join(
        f"{m.subject}\n{m.body}\n{getattr(m, 'alternatives', '')}" for m in django_mail.outbox
    )


def test_the_corpus_has_at_least_50_questions_each_with_identifiers() -> None:
    questions = corpus()
    assert len(questions) >= 50
    assert min(len(planted) for _, planted in questions) >= 2


def test_no_planted_identifier_survives_the_form_or_mail(asker: Any) -> None:
    client = Client()
    assert client.login(username="coder@example.org", password=PASSWORD)
    questions = corpus()
    for number, (text, _) in enumerate(questions):
        if number % 2:
            response = client.post(
                "/consult/new", {"question": text, "date_of_service": "2025-06-01"}
            )
            assert response.status_code == 302, response.content[:500]
        else:
            message = EmailMessage()
            message["From"] = "coder@example.org"
            message["To"] = "consult@localhost"
            message["Subject"] = "A coding question"
            message["Message-ID"] = f"<q{number}@example.org>"
            message.set_content(text)
            assert inbound.receive(bytes(message), "coder@example.org").startswith("new CC-")
    assert Consultation.objects.count() == len(questions)
    stored, mailed = stored_text(), mailed_text()
    leaked = [
        secret
        for _, planted in questions
        for secret in planted
        if secret in stored or secret in mailed
    ]
    assert leaked == []
    # The coding question itself is kept, and the asker is told what was removed.
    assert "97110" in stored and "2025-06-01" in stored
    assert Message.objects.exclude(removed="").count() == len(questions)
    assert all("removed what looked like patient identifiers" in m.body for m in django_mail.outbox)


def test_a_pasted_record_is_returned_not_stored(asker: Any) -> None:
    record = "\n".join(text for text, _ in corpus()[:8])
    client = Client()
    client.login(username="coder@example.org", password=PASSWORD)
    response = client.post("/consult/new", {"question": record})
    assert response.status_code == 400
    assert "reads like a record" in response.content.decode()
    assert Consultation.objects.count() == 0 and Message.objects.count() == 0


def test_the_senders_own_address_may_stay(asker: Any) -> None:
    client = Client()
    client.login(username="coder@example.org", password=PASSWORD)
    client.post(
        "/consult/new",
        {"question": "Reply to coder@example.org, not jdoe1962@gmail.com: 97110 units?"},
    )
    body = Message.objects.get().body
    assert "coder@example.org" in body and "jdoe1962" not in body
