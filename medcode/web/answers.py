"""Typed answers sent as they were built.

Every endpoint declares its answers with ninja Schemas (the OpenAPI document shows every
field), but django-ninja's validation of a whole code answer costs about as much as the look-up
itself. So endpoints send the dict their domain function built (same keys, same order, same
numbers as ``--json`` on the CLI), and the schema is enforced
where it costs nothing in production: with ``settings.MEDCODE_CHECK_ANSWERS`` (on for the
whole test suite, conftest.py) every answer is first validated against its schema and must
come back from it unchanged, so a key the schema does not declare, or a value of another type,
fails the test that produced it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder


class AnswerMismatch(AssertionError):
    """An answer its declared schema does not describe exactly."""


def check_answer(schema: type[Schema], answer: Any) -> None:
    """Raise AnswerMismatch unless ``answer`` validates and dumps back to itself."""
    plain = json.loads(json.dumps(answer, cls=NinjaJSONEncoder))
    typed = schema.model_validate(plain).model_dump(mode="json", by_alias=True, exclude_unset=True)
    if json.dumps(typed, sort_keys=True) != json.dumps(plain, sort_keys=True):
        raise AnswerMismatch(f"{schema.__name__} does not describe the answer exactly: {plain}")


def as_built(schema: type[Schema], answer: Any, status: int = 200) -> HttpResponse:
    """``answer`` as JSON, as ninja renders it, declared by ``schema`` (see the module's doc)."""
    if getattr(settings, "MEDCODE_CHECK_ANSWERS", False):
        check_answer(schema, answer)
    return HttpResponse(
        json.dumps(answer, cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
