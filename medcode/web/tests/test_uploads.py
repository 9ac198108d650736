"""Bodies over the limit are refused before they are read; uploads never touch the disk."""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import Client, override_settings

from medcode.wsgi import application

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A request body that records whether anything read it."""

    def __init__(self) -> None:
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return b"x" * (size if size and size > 0 else 1024)

    def readline(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return b"x\n"


def _call(path: str, length: int, content_type: str) -> tuple[str, bytes, int]:
    body = Unreadable()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(line)
        return lambda data: None

    chunks = application(environ, start_response)
    return status[0], b"".join(chunks), body.reads


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/api/v1/claims/check", "application/json"),
        ("/claims/check", "multipart/form-data; boundary=b"),
    ],
)
def test_a_body_declared_over_the_limit_is_refused_unread(path: str, content_type: str) -> None:
    status, body, reads = _call(path, 500 * 1024 * 1024, content_type)

    assert status.startswith("413")
    assert reads == 0
    assert "upload is 500 MB: the limit is 20 MB" in body.decode()
    if path.startswith("/api/"):
        assert json.loads(body)["ok"] is False


@pytest.fixture
def tmpdir_watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Python's temporary folder (where Django spools uploads by default) for this test."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path


def _token(client: Client) -> str:
    page = client.get("/claims/check").content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def test_a_large_upload_stays_in_memory(
    tmpdir_watched: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3 MB (over Django's default 2.5 MB, which spooled to a temporary file)."""
    seen: list[Any] = []
    from medcode.claims import views

    original = views.read_claims

    def spy(data: bytes, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(data))
        return original(data, *args, **kwargs)

    client = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("claims.csv", b"claim_id,code\r\n" + b"1,97110\r\n" * 330_000)
    monkeypatch.setattr(views, "read_claims", spy)
    response = client.post("/claims/check", {"csrfmiddlewaretoken": _token(client), "file": upload})
    assert seen == [upload.size]
    assert isinstance(response.wsgi_request.FILES["file"], InMemoryUploadedFile)
    assert list(tmpdir_watched.iterdir()) == []


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=64 * 1024)
def test_an_upload_past_the_limit_stops_being_read_and_is_named(tmpdir_watched: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("claims.csv", b"1,97110\r\n" * 20_000)  # 180 KB

    response = client.post("/claims/check", {"csrfmiddlewaretoken": _token(client), "file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="file-error">[^<]*the limit is 0\.1 MB', html)
    assert "file" not in response.wsgi_request.FILES
    assert list(tmpdir_watched.iterdir()) == []
