"""Attachments: accepted by what their bytes are (not their name or declared type), read to text.

PDF (text extracted with pypdf), plain text (UTF-8 or Latin-1) and images (PNG, JPEG, GIF).
An image's pixels cannot be screened for identifiers, so only its type and size are kept; no
file name is kept either (they are often a patient's).
"""

from __future__ import annotations

import io

from django.conf import settings

from medcode.consult.desk import Refused

MAX_TEXT = 20_000


def kind_of(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if b"\x00" not in data[:4096]:
        try:
            data[:65536].decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as exc:
            # A cut multi-byte character at the sample's end is still text.
            if exc.start > 65530:
                return "text/plain"
    return ""


def read(name: str, data: bytes) -> tuple[str, str, int, str]:
    """(name, type, size, text) of one attachment; Refused names what is wrong."""
    limit = int(settings.MEDCODE_CONSULT_MAX_ATTACHMENT_BYTES)
    if len(data) > limit:
        raise Refused(f"attachment {name!r}: {len(data)} bytes; at most {limit}")
    kind = kind_of(data)
    if not kind:
        raise Refused(f"attachment {name!r}: not a PDF, text file or image (PNG, JPEG, GIF)")
    text = ""
    if kind == "text/plain":
        text = data.decode("utf-8", errors="replace")
    elif kind == "application/pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\n".join((page.extract_text() or "") for page in reader.pages[:50])
        except (PdfReadError, ValueError, KeyError) as exc:
            raise Refused(f"attachment {name!r}: PDF could not be read ({exc})") from exc
    # File names are often a patient's ("smith_j_chart.pdf"): none is kept.
    stored = f"attachment.{_EXTENSIONS[kind]}"
    return stored, kind, len(data), text[:MAX_TEXT]


_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "text/plain": "txt",
}
