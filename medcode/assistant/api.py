"""``POST /api/v1/assistant/ask``: the assistant's JSON answer (docs/assistant.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from medcode.assistant.schemas import AskBody, AssistantAnswer, Conversations, Deleted
from medcode.assistant.service import answer_question, delete_conversation, list_conversations
from medcode.releases.dates import parse_as_of
from medcode.web.answers import as_built
from medcode.web.errors import NotFound, Unauthorized, error_responses

router = Router(tags=["assistant"])


@router.post(
    "/ask",
    summary="Answer a coding question from the CMS data, every fact cited",
    response={200: AssistantAnswer, **error_responses(400)},
)
def ask(request: HttpRequest, body: AskBody) -> HttpResponse:
    # An AssistantError (empty, too long, a bad conversation) is answered by medcode/api.py.
    answer = answer_question(
        body.question,
        as_of=parse_as_of(body.date) if body.date and body.date.strip() else None,
        conversation=body.conversation,
        user=getattr(request, "user", None),
    )
    return as_built(AssistantAnswer, answer)


@router.get(
    "/conversations",
    summary="Your stored conversations (questions redacted)",
    response={200: Conversations, **error_responses(401)},
)
def conversations(request: HttpRequest) -> HttpResponse:
    found = list_conversations(getattr(request, "user", None))
    if found is None:
        raise Unauthorized("sign in: without an account nothing is stored")
    return as_built(Conversations, {"conversations": found})


@router.delete(
    "/conversations/{conversation}",
    summary="Delete one of your conversations",
    response={200: Deleted, **error_responses(404)},
)
def delete(request: HttpRequest, conversation: str) -> HttpResponse:
    if not delete_conversation(conversation, getattr(request, "user", None)):
        raise NotFound("no such conversation of yours")
    return as_built(Deleted, {"ok": True})
