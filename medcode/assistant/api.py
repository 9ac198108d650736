"""``POST /api/v1/assistant/ask``: the assistant's JSON answer (docs/assistant.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from medcode.assistant.service import (
    AssistantError,
    answer_question,
    delete_conversation,
    list_conversations,
)

router = Router(tags=["assistant"])


class AskBody(Schema):
    question: str
    date: datetime.date | None = None
    conversation: str | None = None


@router.post("/ask", summary="Answer a coding question from the CMS data, every fact cited")
def ask(request: HttpRequest, body: AskBody) -> Any:
    from medcode.api import api

    try:
        return answer_question(
            body.question,
            as_of=body.date,
            conversation=body.conversation,
            user=getattr(request, "user", None),
        )
    except AssistantError as exc:
        return api.create_response(request, {"ok": False, "error": str(exc)}, status=400)


@router.get("/conversations", summary="Your stored conversations (questions redacted)")
def conversations(request: HttpRequest) -> Any:
    from medcode.api import api

    found = list_conversations(getattr(request, "user", None))
    if found is None:
        return api.create_response(
            request,
            {"ok": False, "error": "sign in: without an account nothing is stored"},
            status=401,
        )
    return {"conversations": found}


@router.delete("/conversations/{conversation}", summary="Delete one of your conversations")
def delete(request: HttpRequest, conversation: str) -> Any:
    from medcode.api import api

    if not delete_conversation(conversation, getattr(request, "user", None)):
        return api.create_response(
            request, {"ok": False, "error": "no such conversation of yours"}, status=404
        )
    return {"ok": True}
