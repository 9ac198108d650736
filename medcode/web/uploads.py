"""Request bodies: refused before they are read when too big, and kept in memory, never on disk.

Django's default upload handlers spool a file over 2.5 MB to a temporary file, where a claim
file with patient ids stayed behind when a worker died mid-upload; and they read a body of any
size before the view could say it was too big. Here:

- ``BodyLimitMiddleware`` answers 413 from the declared ``Content-Length`` alone, before one byte
  of the body is read (nginx in front refuses the same size itself, see medcode/server.py);
- ``MemoryUploadHandler`` (``FILE_UPLOAD_HANDLERS``) keeps each uploaded file in memory and stops
  reading as soon as it passes ``FILE_UPLOAD_MAX_MEMORY_SIZE``; the view reads
  ``upload_refused(request)`` to say why the file is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.html import escape

_REFUSED = "_medcode_upload_refused"


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size % (1024 * 1024) else f"{size >> 20} MB"


def too_large_message(size: int | None, limit: int) -> str:
    what = (
        f"the upload is {megabytes(size)}"
        if size is not None
        else f"the file was not read past {megabytes(limit)}"
    )
    return (
        f"{what}: the limit is {megabytes(limit)} (split the batch, or use "
        "`medcode check` on the command line)"
    )


class BodyLimitMiddleware:
    """413 for a declared body over ``MEDCODE_MAX_REQUEST_BYTES``, without reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = int(settings.MEDCODE_MAX_REQUEST_BYTES)
        if declared > limit:
            message = too_large_message(declared, settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
            if request.path.startswith("/api/"):
                return HttpResponse(
                    json.dumps({"ok": False, "error": message}),
                    status=413,
                    content_type="application/json",
                )
            return HttpResponse(
                "<!doctype html><title>Upload too large</title>"
                f"<p>{escape(message[0].upper() + message[1:])}.</p>"
                '<p><a href="/claims/check">Back to the claim checker</a></p>',
                status=413,
            )
        return self.get_response(request)


class MemoryUploadHandler(FileUploadHandler):
    """Each uploaded file in memory, up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``; past it, stop."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        if start + len(raw_data) > limit:
            self.buffer = BytesIO()  # drop what was read; nothing of it is kept
            if self.request is not None:
                setattr(self.request, _REFUSED, too_large_message(None, limit))
            # connection_reset: the rest of the body is not read (nor parsed) at all.
            raise StopUpload(connection_reset=True)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def upload_refused(request: HttpRequest) -> str | None:
    """Why an upload of this request was dropped (too large), or None."""
    return getattr(request, _REFUSED, None)
