"""The library of published answers, and noticing when the facts they cite change.

At publication we keep a fingerprint of the facts the answer relied on: the assistant's
answer to the same question as of the same date of service, read from the store, with the
release names and citation numbers taken out (so a new release that repeats the same fee or
edit changes nothing). When a release loaded later gives a different fingerprint, a fee, an
edit or a code's validity changed: the entry is marked "facts changed since this answer" and
queued for review. The check runs at read time for entries older than the newest release, and
on demand with ``medcode consult recheck``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from medcode.assistant.privacy import screen
from medcode.consult.desk import Refused
from medcode.consult.models import Consultation, LibraryEntry

_REF = re.compile(r"\s*\[\d+\]")


def facts(question: str, as_of: date | None) -> tuple[str, list[dict[str, Any]]]:
    """The fingerprint of what the store says about ``question`` today, and the citations."""
    from medcode.assistant.service import AssistantError, answer_question

    try:
        result = answer_question(question[:2000], as_of=as_of)
    except AssistantError:
        return hashlib.sha256(b"").hexdigest(), []
    text = str(result.get("answer") or "")
    citations = list(result.get("citations") or [])
    for label in {str(c.get("release", "")) for c in citations}:
        if label:
            text = text.replace(label, "")
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", _REF.sub("", text)):
        # Notes on which release stood in for the date say nothing about the facts.
        if sentence.strip() and not sentence.lstrip().startswith("("):
            kept.append(sentence.strip())
    cited = sorted(
        f"{c.get('dataset')}|{c.get('code')}|{c.get('detail')}"
        for c in citations
        if c.get("detail") != "release period"
    )
    digest = hashlib.sha256("\n".join([*kept, *cited]).encode()).hexdigest()
    return digest, citations


def publish(consultation: Consultation, title: str, question: str, answer: str) -> LibraryEntry:
    """Publish the answer de-identified (screened again; the consultant edits the wording)."""
    if not hasattr(consultation, "answer"):
        raise Refused("only an answered consultation can be published")
    parts = [screen(text) for text in (title, question, answer)]
    for part in parts:
        if part.refused:
            raise Refused(part.refused)
    digest, citations = facts(consultation.question, consultation.date_of_service)
    entry, _ = LibraryEntry.objects.update_or_create(
        consultation=consultation,
        defaults={
            "title": parts[0].text[:200] or consultation.subject,
            "question": parts[1].text,
            "answer": parts[2].text,
            "topic": consultation.topic,
            "date_of_service": consultation.date_of_service,
            "citations": citations or consultation.answer.citations,
            "fingerprint": digest,
            "published": timezone.now(),
            "checked": timezone.now(),
            "facts_changed": None,
            "needs_review": False,
        },
    )
    return entry


def recheck(entry: LibraryEntry) -> bool:
    """Compare the entry's facts with the store now; True when they changed (and marked)."""
    digest, _ = facts(entry.consultation.question, entry.date_of_service)
    now = timezone.now()
    entry.checked = now
    changed = digest != entry.fingerprint
    if changed and entry.facts_changed is None:
        entry.facts_changed = now
        entry.needs_review = True
    entry.save(update_fields=["checked", "facts_changed", "needs_review"])
    return changed


def newest_load() -> Any:
    from medcode.releases.models import Release

    return Release.objects.aggregate(newest=Max("loaded_at"))["newest"]


def recheck_all(*, force: bool = False) -> list[LibraryEntry]:
    """Recheck entries published or checked before the newest release was loaded."""
    entries = LibraryEntry.objects.select_related("consultation").filter(facts_changed__isnull=True)
    if not force:
        newest = newest_load()
        if newest is None:
            return []
        entries = entries.filter(checked__lt=newest)
    return [entry for entry in entries if recheck(entry)]


def search(query: str) -> QuerySet[LibraryEntry]:
    entries = LibraryEntry.objects.all()
    for word in query.split()[:8]:
        entries = entries.filter(
            Q(title__icontains=word) | Q(question__icontains=word) | Q(answer__icontains=word)
        )
    return entries
