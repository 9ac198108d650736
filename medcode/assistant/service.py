"""One question in, one answer out: the function behind the CLI, the API and the pages.

Follow-ups need what the last question named. For a signed-in user the conversation is a
stored row (the question redacted first); for anyone else nothing is stored: the conversation
id handed back is a signed token holding only the last codes, intents, modifiers and
locality, so the next question can leave them out.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core import signing

from medcode.assistant import llm
from medcode.assistant.answer import Answer, ask
from medcode.assistant.privacy import redact
from medcode.web.text import unsafe_character, what_it_is

_SALT = "medcode.assistant.conversation"


class AssistantError(ValueError):
    """A question the assistant cannot take (empty, too long, a bad date or conversation)."""


MAX_QUESTION = 1000


def _context_of(answer: Answer) -> dict[str, Any]:
    q = answer.question
    return {
        "codes": q.codes,
        "intents": [i for i in q.intents],
        "modifiers": q.modifiers,
        "locality": q.place.locality if q.place else None,
        "locality_name": q.place.name if q.place else None,
        "as_of": q.as_of.isoformat() if q.as_of else None,
    }


def _user(request_user: Any) -> Any:
    return request_user if getattr(request_user, "is_authenticated", False) else None


def load_context(conversation: str | None, user: Any) -> dict[str, Any] | None:
    if not conversation:
        return None
    user = _user(user)
    if user is not None:
        from medcode.assistant.models import Turn

        try:
            key = uuid.UUID(conversation)
        except ValueError:
            key = None
        if key is not None:
            turn = (
                Turn.objects.filter(conversation_id=key, conversation__user=user)
                .order_by("-created", "-id")
                .first()
            )
            if turn is None:
                raise AssistantError(f"conversation {conversation!r} is not one of yours")
            return dict(turn.context)
    try:
        return signing.loads(conversation, salt=_SALT, max_age=60 * 60 * 24)  # type: ignore[no-any-return]
    except signing.BadSignature:
        raise AssistantError(
            "conversation: not an id this server handed out (or it expired); leave it out "
            "to start a new conversation"
        ) from None


def answer_question(
    question: str,
    *,
    as_of: date | None = None,
    conversation: str | None = None,
    user: Any = None,
    about: str | None = None,
) -> dict[str, Any]:
    """The JSON answer; ``about`` (a code page's code) stands in for a code left out."""
    text = (question or "").strip()
    if not text:
        raise AssistantError("question: empty; ask about a code, e.g. \u201cWhat is 99213?\u201d")
    if len(text) > MAX_QUESTION:
        raise AssistantError(f"question: {len(text)} characters; at most {MAX_QUESTION}")
    # The characters claims refuse, less the line breaks and tabs a question box holds.
    bad = unsafe_character(text, line_breaks=True)
    if bad:
        raise AssistantError(
            f"question: U+{ord(bad.group()):04X} at character {bad.start() + 1} "
            f"is {what_it_is(bad.group())}"
        )
    context = load_context(conversation, user)
    if context is None and about:
        context = {"codes": [about.upper().replace(".", "")], "intents": [], "about": True}
    answer = ask(text, as_of=as_of, context=context)
    result = answer.to_dict(None)
    if llm.configured() and not answer.abstained:
        result = llm.rephrase(text, result) or result
    ctx = _context_of(answer)
    owner = _user(user)
    if owner is not None:
        result["conversation"] = str(_store(owner, conversation, text, result, ctx))
    else:
        result["conversation"] = signing.dumps(ctx, salt=_SALT, compress=True)
    return result


def _store(
    user: Any, conversation: str | None, text: str, result: dict[str, Any], ctx: dict[str, Any]
) -> uuid.UUID:
    from medcode.assistant.models import Conversation, Turn

    convo = None
    if conversation:
        try:
            convo = Conversation.objects.filter(id=uuid.UUID(conversation), user=user).first()
        except ValueError:
            convo = None
    if convo is None:
        convo = Conversation.objects.create(user=user)
    Turn.objects.create(
        conversation=convo,
        question=redact(text),
        answer=result["answer"],
        intent=result["intent"][:100],
        context=ctx,
    )
    return convo.id


def delete_conversation(conversation: str, user: Any) -> bool:
    from medcode.assistant.models import Conversation

    owner = _user(user)
    if owner is None:
        return False
    try:
        key = uuid.UUID(conversation)
    except ValueError:
        return False
    deleted, _ = Conversation.objects.filter(id=key, user=owner).delete()
    return bool(deleted)


def list_conversations(user: Any) -> list[dict[str, Any]] | None:
    """A signed-in user's conversations, newest first (None without an account)."""
    from medcode.assistant.models import Conversation

    owner = _user(user)
    if owner is None:
        return None
    found = []
    for convo in Conversation.objects.filter(user=owner).order_by("-created"):
        turns = list(convo.turns.all())
        found.append(
            {
                "conversation": str(convo.id),
                "created": convo.created.isoformat(),
                "questions": [t.question for t in turns],  # as stored: redacted
            }
        )
    return found
