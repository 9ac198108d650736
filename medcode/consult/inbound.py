"""Mail into the desk: from the SMTP server (`medcode consult smtpd`) or an IMAP mailbox.

``receive`` decides what one message is: a loop (bounce, auto-reply, list mail: dropped
unanswered), mail from an address with no account (told how to register), a reply to a
thread (by In-Reply-To/References, or the tracking id in the subject; quoted history cut), or
a new question. Nothing of a message is stored before it is screened; logs name outcomes and
tracking ids only, never the text.
"""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from medcode.consult import attachments, desk, mail
from medcode.consult.models import Consultation, Message

log = logging.getLogger(__name__)

TRACKING = re.compile(r"\bCC-\d{4}-\d{6}\b")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Where quoted history starts in a reply: "On ... wrote:", Outlook's header block, a rule.
_QUOTE_START = re.compile(
    r"^(On .{0,200}wrote:\s*$|-{2,}\s*Original Message\s*-{2,}|_{10,}\s*$"
    r"|From:\s.+$|Le .{0,200}a écrit\s*:\s*$|Am .{0,200}schrieb .{0,80}:\s*$)",
    re.I | re.M,
)


def is_automatic(message: EmailMessage, envelope_from: str | None) -> str:
    """Why a message is a bounce or an auto-reply (so it gets no answer); "" when it is not."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"):
        if message.get(header) is not None:
            return header
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return "empty Return-Path"
    if envelope_from is not None and envelope_from.strip() in ("", "<>"):
        return "empty envelope sender"
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    local = sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or local.startswith(("noreply", "no-reply")):
        return f"sender {local}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    return ""


def strip_quoted(text: str) -> str:
    """The new part of a reply: quoted lines (">") and the history under them cut off."""
    found = _QUOTE_START.search(text)
    if found:
        text = text[: found.start()]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def _body_and_files(message: EmailMessage) -> tuple[str, list[tuple[str, bytes]]]:
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = str(body.get_content())
        if body.get_content_type() == "text/html":
            text = re.sub(r"<[^>]+>", " ", text)
    files = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append((part.get_filename() or "attachment", data))
    return text, files


def _thread_of(message: EmailMessage, user: Any) -> Consultation | None:
    ids = _MESSAGE_ID.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")
    mine = Consultation.objects.filter(asker=user)
    if ids:
        match = Q(root_message_id__in=ids) | Q(messages__message_id__in=ids)
        for one in ids[-20:]:
            match |= Q(mail_ids__contains=one)
        found = mine.filter(match).first()
        if found is not None:
            return found
    tracking = TRACKING.search(str(message.get("Subject", "")))
    if tracking:
        return mine.filter(tracking=tracking.group(0)).first()
    return None


def receive(raw: bytes, envelope_from: str | None = None) -> str:
    """Handle one inbound message; returns what was done (for the log, no content)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    why = is_automatic(message, envelope_from)
    if why:
        log.info("consult mail dropped: automatic (%s)", why)
        return f"dropped: {why}"
    sender = parseaddr(str(message.get("Reply-To") or message.get("From", "")))[1]
    from_address = parseaddr(str(message.get("From", "")))[1]
    if not from_address:
        return "dropped: no From"
    subject = str(message.get("Subject", "") or "(no subject)")
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id and Message.objects.filter(message_id=message_id).exists():
        # The same mail delivered twice (a retry after a timeout): once is enough.
        return "dropped: already received"
    user = get_user_model().objects.filter(email__iexact=from_address, is_active=True).first()
    if user is None:
        mail.how_to_register(sender or from_address, subject, message_id)
        log.info("consult mail from an unknown address: told how to register")
        return "unknown sender"
    # Everyone the mail went to besides the desk would receive our answer too: not allowed.
    others = [a for _, a in getaddresses(message.get_all("Cc", [])) if a]
    if others:
        log.info("consult mail had Cc recipients; they get nothing from the desk")
    body, files = _body_and_files(message)
    thread = _thread_of(message, user)
    try:
        read = [attachments.read(name, data) for name, data in files]
        incoming = desk.Incoming(
            sender=user,
            body=strip_quoted(body) if thread is not None else body.strip(),
            subject=TRACKING.sub("", re.sub(r"^(re|fwd?|aw):\s*", "", subject, flags=re.I)),
            attachments=read,
            message_id=message_id,
            via="mail",
        )
        if thread is not None:
            desk.reply(thread, incoming)
            log.info("consult mail joined %s", thread.tracking)
            return f"reply {thread.tracking}"
        consultation, _ = desk.ask(incoming)
    except desk.Refused as exc:
        mail.returned(from_address, subject, str(exc), message_id)
        log.info("consult mail returned: %s", str(exc).split(":")[0])
        return "returned"
    log.info("consult mail opened %s", consultation.tracking)
    return f"new {consultation.tracking}"
