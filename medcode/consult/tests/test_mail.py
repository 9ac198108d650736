"""Inbound mail over a real SMTP server on loopback (the desk's aiosmtpd): loops are dropped
unanswered, strangers are told how to register, replies join their thread, limits hold."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail as django_mail

from medcode.accounts.operators import create_user
from medcode.accounts.tests.smtp import _free_port
from medcode.consult import inbound
from medcode.consult.models import Consultation, Message
from medcode.consult.smtpd import running

pytestmark = pytest.mark.django_db
DESK = "consult@desk.example"


@pytest.fixture
def asker(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDCODE_CONSULT_ADDRESS = DESK
    return create_user("coder@example.org", password="a long test passphrase 17", plan="member")


def mail(
    subject: str = "Units of 97110",
    body: str = "How many units of 97110 for 38 minutes?",
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "coder@example.org")
    message["To"] = DESK
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("Message_ID", "<first@example.org>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Return_Path": "<>"},
        {"From": "MAILER-DAEMON@mx.example.org"},
        {"List_Id": "<coders.lists.example.org>"},
    ],
)
def test_bounces_and_auto_replies_are_not_answered(asker: Any, headers: dict[str, str]) -> None:
    outcome = inbound.receive(bytes(mail(**headers)), "coder@example.org")
    assert outcome.startswith("dropped")
    assert django_mail.outbox == [] and Consultation.objects.count() == 0


def test_an_empty_envelope_sender_is_a_bounce(asker: Any) -> None:
    assert inbound.receive(bytes(mail()), "").startswith("dropped")
    assert django_mail.outbox == []


def test_a_stranger_is_told_how_to_register_and_nothing_is_kept(asker: Any) -> None:
    inbound.receive(bytes(mail(From="someone@else.example")), "someone@else.example")
    [reply] = django_mail.outbox
    assert reply.to == ["someone@else.example"]
    assert "/accounts/signup/" in reply.body and reply.extra_headers["Auto-Submitted"]
    assert Consultation.objects.count() == 0


def test_replies_join_the_thread_by_header_or_tracking_id_without_quoted_history(
    asker: Any,
) -> None:
    outcome = inbound.receive(bytes(mail()), "coder@example.org")
    consultation = Consultation.objects.get()
    assert outcome == f"new {consultation.tracking}"
    [ack] = django_mail.outbox
    assert consultation.tracking in ack.subject
    assert ack.extra_headers["In-Reply-To"] == "<first@example.org>"

    quoted = "It was 38 minutes of 97110.\n\nOn Mon, 30 Nov 2026, desk wrote:\n> Received"
    inbound.receive(
        bytes(
            mail(
                "Re: Received",
                quoted,
                Message_ID="<second@example.org>",
                In_Reply_To=ack.extra_headers["Message-ID"],
            )
        ),
        "coder@example.org",
    )
    inbound.receive(
        bytes(
            mail(
                f"More on {consultation.tracking}",
                "> old line\nAlso 97140.",
                Message_ID="<third@example.org>",
            )
        ),
        "coder@example.org",
    )
    bodies = list(consultation.messages.values_list("kind", "body"))
    assert bodies[1:] == [("reply", "It was 38 minutes of 97110."), ("reply", "Also 97140.")]
    assert Consultation.objects.count() == 1


def test_the_per_sender_rate_limit_returns_the_question(asker: Any, settings: Any) -> None:
    settings.MEDCODE_CONSULT_PER_HOUR = 2
    outcomes = [
        inbound.receive(bytes(mail(Message_ID=f"<n{i}@example.org>")), "coder@example.org")
        for i in range(3)
    ]
    assert [o.split()[0] for o in outcomes] == ["new", "new", "returned"]
    assert "questions an hour" in django_mail.outbox[-1].body


@pytest.fixture
def desk_server(asker: Any, settings: Any) -> Iterator[int]:
    settings.MEDCODE_CONSULT_MAX_MAIL_BYTES = 20_000
    port = _free_port()
    with running("127.0.0.1", port):
        yield port


def test_the_smtp_server_takes_the_desks_mail_only_and_refuses_big_mail(
    desk_server: int, django_db_blocker: Any
) -> None:
    with smtplib.SMTP("127.0.0.1", desk_server) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail("coder@example.org", ["other@desk.example"], bytes(mail()))
        big = mail(body="97110 " * 5000)
        with pytest.raises(smtplib.SMTPException) as refused:
            smtp.sendmail("coder@example.org", [DESK], bytes(big))
        assert "552" in str(refused.value) or "exceeded" in str(refused.value).lower()
    assert Message.objects.count() == 0


def test_the_same_mail_delivered_twice_is_asked_once(asker: Any) -> None:
    first = inbound.receive(bytes(mail()), "coder@example.org")
    again = inbound.receive(bytes(mail()), "coder@example.org")
    assert first.startswith("new") and again.startswith("dropped")
    assert Consultation.objects.count() == 1 and len(django_mail.outbox) == 1


def test_a_question_is_kept_when_the_acknowledgment_cannot_be_sent(
    asker: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    assert inbound.receive(bytes(mail()), "coder@example.org").startswith("new CC-")
    assert Consultation.objects.count() == 1
