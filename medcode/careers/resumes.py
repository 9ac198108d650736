"""Résumés: checked by content, kept in MEDCODE_HOME outside anything served, read back only
for the job's employer and the applicant (views.resume)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class BadResume(ValueError):
    pass


def max_bytes() -> int:
    return int(getattr(settings, "MEDCODE_RESUME_MAX_BYTES", 5 * 1024 * 1024))


def folder() -> Path:
    chosen = getattr(settings, "MEDCODE_RESUMES_DIR", None)
    path = Path(chosen) if chosen else Path(settings.MEDCODE_HOME) / "careers" / "resumes"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sniff(data: bytes) -> str:
    """'pdf' or 'docx' from the bytes themselves, whatever the file's name says."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    raise BadResume("résumé: not a PDF or a Word (.docx) document (the content was checked)")


def check(upload: Any) -> tuple[bytes, str]:
    if upload is None:
        raise BadResume("résumé: attach a PDF or a Word (.docx) document")
    limit = max_bytes()
    if upload.size > limit:
        raise BadResume(f"résumé: {upload.size:,} bytes is over the limit of {limit:,} bytes")
    data = upload.read()
    return data, sniff(data)


def store(token: str, data: bytes) -> None:
    path = folder() / token
    path.write_bytes(data)
    path.chmod(0o600)


def read(token: str) -> bytes:
    return (folder() / token).read_bytes()


def delete(token: str) -> None:
    (folder() / token).unlink(missing_ok=True)
