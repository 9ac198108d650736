"""Mail out of the desk: acknowledgments, follow-ups, signed answers, the how-to-register reply.

Every mail of a consultation threads under the asker's first message (In-Reply-To and
References name it) and carries the tracking id in its subject, so a reply finds its thread
whichever header the asker's program keeps. Sent through Django's mail backend (EMAIL_URL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from medcode.consult.models import Consultation


def desk_address() -> str:
    return str(settings.MEDCODE_CONSULT_ADDRESS)


def _domain() -> str:
    return desk_address().rpartition("@")[2] or "localhost"


def site_url(path: str = "") -> str:
    return str(settings.MEDCODE_SITE_URL).rstrip("/") + path


def send(
    to: str,
    subject: str,
    text: str,
    *,
    html: str = "",
    consultation: Consultation | None = None,
    in_reply_to: str = "",
    automatic: bool = True,
) -> str:
    """Send one mail; returns its Message-ID. ``automatic`` marks it Auto-Submitted."""
    message_id = make_msgid(domain=_domain())
    headers = {
        "Message-ID": message_id,
        # Our own mail is automatic: a well-behaved responder on the other side stays quiet.
        "Auto-Submitted": "auto-replied" if automatic else "no",
    }
    if consultation is not None:
        root = consultation.root_message_id
        refs = [r for r in (root, in_reply_to) if r]
        if refs:
            headers["In-Reply-To"] = in_reply_to or root
            headers["References"] = " ".join(dict.fromkeys(refs))
        subject = f"[{consultation.tracking}] {subject}"
    mail = EmailMultiAlternatives(
        subject, text, from_email=desk_address(), to=[to], headers=headers
    )
    if html:
        mail.attach_alternative(html, "text/html")
    mail.send()
    if consultation is not None:
        consultation.mail_ids = f"{consultation.mail_ids} {message_id}".strip()
        type(consultation).objects.filter(pk=consultation.pk).update(mail_ids=consultation.mail_ids)
    return message_id


def acknowledge(consultation: Consultation, removed: str = "", in_reply_to: str = "") -> str:
    context = {
        "c": consultation,
        "removed": removed,
        "url": site_url(f"/consult/{consultation.tracking}"),
    }
    return send(
        consultation.asker.email,
        f"Received: {consultation.subject}",
        render_to_string("consult/mail/ack.txt", context),
        consultation=consultation,
        in_reply_to=in_reply_to,
    )


def how_to_register(to: str, subject: str, in_reply_to: str = "") -> None:
    text = render_to_string(
        "consult/mail/register.txt",
        {"signup": site_url("/accounts/signup/"), "address": desk_address()},
    )
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    EmailMultiAlternatives(
        f"Re: {subject}"[:200], text, from_email=desk_address(), to=[to], headers=headers
    ).send()


def returned(to: str, subject: str, reason: str, in_reply_to: str = "") -> None:
    """The question could not be kept (identifiers, size, limits): say why, keep nothing."""
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    text = render_to_string("consult/mail/returned.txt", {"reason": reason})
    EmailMultiAlternatives(
        f"Not received: {subject}"[:200], text, from_email=desk_address(), to=[to], headers=headers
    ).send()
