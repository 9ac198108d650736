"""The API's errors: raised anywhere below an endpoint, answered in one shape by medcode/api.py.

Every error answer is ``{"ok": false, "error": "<what is wrong and where>"}`` (plus, for some,
a field naming the details: ``detail``, ``fields``). Endpoints raise one of these instead of
building the answer themselves, so a new endpoint cannot invent another shape. ErrorAnswer is
that shape for the OpenAPI document. The module imports nothing of medcode: any app's router
may raise them.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ApiError(Exception):
    """An error answer: its HTTP status, the message, and any extra fields of the answer."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.message, **self.extra}


class BadRequest(ApiError):
    """A parameter or body that cannot be answered (400)."""

    status = 400


class Unauthorized(ApiError):
    """No credentials, or credentials that do not allow this (401)."""

    status = 401


class NotFound(ApiError):
    """Nothing by that name (404)."""

    status = 404


class TooLarge(ApiError):
    """A body over the upload limit (413)."""

    status = 413


class Unavailable(ApiError):
    """The answer ran past its time budget (503)."""

    status = 503


class ErrorAnswer(Schema):
    """What every error answers: ``ok`` is false and ``error`` says what is wrong and where."""

    ok: bool = Field(description="always false")
    error: str = Field(description="what is wrong and where (parameter, claim, line, field)")
    detail: list[dict[str, Any]] | None = Field(
        None, description="a malformed parameter or body: django-ninja's list (loc, msg, type)"
    )
    fields: dict[str, list[str]] | None = Field(
        None, description="a job posting: every field that is wrong, with its messages"
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorAnswer]]:
    """The ``response=`` entries of an endpoint's error statuses, all answered as ErrorAnswer."""
    return dict.fromkeys(statuses, ErrorAnswer)
