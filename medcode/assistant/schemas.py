"""The typed answers of the assistant's endpoints (docs/assistant.md)."""

from __future__ import annotations

from ninja import Field, Schema


class AskBody(Schema):
    question: str
    # Read by the one date parser (releases/dates.py), as every date of service is.
    date: str | None = Field(
        None,
        description="date of service, YYYY-MM-DD (default: a date the question names, or today)",
    )
    conversation: str | None = None


class AnsweredCode(Schema):
    code: str
    system: str | None
    valid_on_date: bool


class Citation(Schema):
    """What a ``[n]`` in the answer cites: a release row or one of our content files."""

    ref: int
    dataset: str
    release: str
    detail: str
    code: str | None


class AssistantAnswer(Schema):
    answer: str = Field(description="Markdown, every fact followed by its [n] citation")
    abstained: bool = Field(description="true when the data cannot answer the question")
    intent: str
    codes: list[AnsweredCode]
    citations: list[Citation]
    conversation: str | None = Field(
        description="pass back to ask a follow-up (signed, or the stored conversation's id)"
    )
    as_of: str


class Conversation(Schema):
    conversation: str
    created: str
    questions: list[str] = Field(description="as stored: identifiers redacted")


class Conversations(Schema):
    conversations: list[Conversation]


class Deleted(Schema):
    ok: bool
