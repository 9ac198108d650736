"""Background work of the desk: the assistant's draft of each new consultation.

Queued with django-q2 on its ORM broker (the queue is a table in medcode's own database, on
SQLite and PostgreSQL alike), run by ``medcode worker``. A request never waits for a draft.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def queue_draft(consultation_id: int) -> None:
    from django_q.tasks import async_task

    async_task(
        "medcode.consult.tasks.draft",
        consultation_id,
        task_name=f"consult-draft-{consultation_id}",
        group="consult",
    )


def draft(consultation_id: int) -> str:
    """Ask the assistant the consultation's question; store its answer and citations."""
    from medcode.assistant.service import AssistantError, answer_question
    from medcode.consult.models import Consultation, Status

    consultation = Consultation.objects.get(pk=consultation_id)
    question = consultation.question
    try:
        result: dict[str, Any] = answer_question(
            question[:2000], as_of=consultation.date_of_service
        )
        text = str(result.get("answer") or "")
        citations = list(result.get("citations") or [])
    except AssistantError as exc:
        text, citations = f"(no draft: {exc})", []
    with transaction.atomic():
        row = Consultation.objects.select_for_update().get(pk=consultation_id)
        row.draft = text
        row.draft_citations = citations
        row.drafted = timezone.now()
        if row.status == Status.NEW:
            row.status = Status.DRAFTED
        row.save(update_fields=["draft", "draft_citations", "drafted", "status"])
    log.info("consultation %s drafted with %d citations", row.tracking, len(citations))
    return row.tracking
