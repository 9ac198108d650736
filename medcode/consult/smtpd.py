"""`medcode consult smtpd`: the desk's own SMTP server (aiosmtpd), and the IMAP poller.

Accepts mail for MEDCODE_CONSULT_ADDRESS only (any other recipient is refused at RCPT), up to
MEDCODE_CONSULT_MAX_MAIL_BYTES (refused at DATA, by aiosmtpd's size limit). Each accepted
message is handed to ``inbound.receive`` on a worker thread, since Django's ORM is synchronous.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import close_old_connections

from medcode.consult import inbound

log = logging.getLogger(__name__)


class DeskHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.lower() != str(settings.MEDCODE_CONSULT_ADDRESS).lower():
            return "550 5.1.1 not a mailbox of this desk"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        sender = envelope.mail_from
        try:
            outcome = await asyncio.to_thread(_receive, data, sender)
        except Exception:
            log.exception("consult mail could not be handled")
            return "451 4.3.0 try again later"
        log.info("consult smtpd: %s", outcome)
        return "250 Message accepted"


def _receive(data: bytes, sender: str) -> str:
    close_old_connections()
    try:
        return inbound.receive(data, sender)
    finally:
        close_old_connections()


@contextmanager
def running(host: str, port: int) -> Iterator[Any]:
    from aiosmtpd.controller import Controller

    controller = Controller(
        DeskHandler(),
        hostname=host,
        port=port,
        data_size_limit=int(settings.MEDCODE_CONSULT_MAX_MAIL_BYTES),
    )
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def serve(host: str, port: int) -> int:
    stop = threading.Event()
    import signal

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with running(host, port):
        print(
            f"medcode consult smtpd: mail for {settings.MEDCODE_CONSULT_ADDRESS} on {host}:{port}",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


def poll_imap(url: str, *, once: bool = False, every: float = 60) -> int:
    """Read unseen mail from ``imaps://user:password@host:993/INBOX``; mark it seen."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError(
            f"MEDCODE_CONSULT_IMAP_URL: expected imaps://user:pw@host/INBOX, got {parts.scheme}://..."
        )
    while True:
        client: imaplib.IMAP4
        if parts.scheme == "imaps":
            client = imaplib.IMAP4_SSL(parts.hostname, parts.port or 993)
        else:
            client = imaplib.IMAP4(parts.hostname, parts.port or 143)
        with client:
            client.login(unquote(parts.username or ""), unquote(parts.password or ""))
            client.select(parts.path.strip("/") or "INBOX")
            _, found = client.search(None, "UNSEEN")
            for number in found[0].split():
                _, fetched = client.fetch(number, "(RFC822)")
                raw = fetched[0][1] if fetched and isinstance(fetched[0], tuple) else b""
                if raw:
                    log.info("consult imap: %s", _receive(raw, None))  # type: ignore[arg-type]
                client.store(number, "+FLAGS", "\\Seen")
        if once:
            return 0
        time.sleep(every)
