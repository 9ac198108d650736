"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import dj_email_url


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def text(message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        return str(body.get_content()) if body is not None else ""

    def link(self, address: str, path_part: str) -> str:
        """The last link to ``path_part`` mailed to ``address``."""
        for message in reversed(self.to(address)):
            found = re.search(rf"https?://\S*{re.escape(path_part)}\S*", self.text(message))
            if found:
                return found.group(0)
        raise AssertionError(f"no mail to {address} links to {path_part}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, str]]:
    """Start the server; yields its inbox and the EMAIL_URL that sends to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def use_email_url(settings: Any, url: str) -> None:
    """Apply an EMAIL_URL as medcode's settings do (dj-email-url)."""
    for name, value in dj_email_url.parse(url).items():
        setattr(settings, name, value)
