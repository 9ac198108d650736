"""The library: a published answer is searchable, and is marked "facts changed since this
answer" (and queued for review) when a release loaded later changes a fee it cites; a later
release that repeats the same fee leaves it alone. Fixtures in CMS's PPRRVU layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode.accounts.operators import create_user
from medcode.accounts.roles import grant_role
from medcode.consult import desk, library, tasks
from medcode.consult.models import LibraryEntry
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db
FIXTURE = REPO / "medcode" / "importers" / "tests" / "fixtures" / "claims_PPRRVU2026_Jan.csv"
DOS = date(2026, 5, 4)
QUESTION = "What does Medicare pay for 97110 nationally?"


@pytest.fixture
def published(settings: Any) -> LibraryEntry:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_file(FIXTURE, "pfs_pprrvu")
    asker = create_user("coder@example.org", password="a long test passphrase 17")
    consultant = create_user("expert@example.org", password="a long test passphrase 18")
    grant_role(consultant, "consultant")
    consultation, _ = desk.ask(
        desk.Incoming(sender=asker, body=QUESTION, date_of_service=DOS, topic="payment")
    )
    tasks.draft(consultation.pk)
    consultation.refresh_from_db()
    assert "97110" in consultation.draft and consultation.draft_citations
    desk.send_answer(consultation, consultant, consultation.draft, "CPC")
    return library.publish(consultation, "Paying for 97110", QUESTION, consultation.draft)


def quarter_file(tmp_path: Path, work_rvu: str) -> Path:
    """The fixture as CMS's April release, with 97110's work RVU set to ``work_rvu``."""
    lines = FIXTURE.read_text(encoding="latin-1").splitlines()
    out = []
    for line in lines:
        cells = line.split(",")
        if cells[0] == "97110" and not cells[1]:
            cells[5] = work_rvu
            cells[11] = f"{float(work_rvu) + 0.52:.2f}"
        out.append(",".join(cells).replace("January Release", "April Release"))
    path = tmp_path / "PPRRVU2026_Apr.csv"
    path.write_text("\n".join(out) + "\n", encoding="latin-1")
    return path


def test_a_changed_fee_marks_the_published_answer(published: LibraryEntry, tmp_path: Path) -> None:
    client = Client()
    page = client.get("/consult/library?q=97110").content.decode()
    assert "Paying for 97110" in page and "facts changed" not in page

    load_file(quarter_file(tmp_path, "0.90"), "pfs_pprrvu")

    page = client.get("/consult/library?q=97110").content.decode()
    assert "facts changed since this answer" in page
    entry = LibraryEntry.objects.get()
    assert entry.needs_review and entry.facts_changed is not None
    assert (
        "Facts changed since this answer"
        in client.get(f"/consult/library/{entry.pk}").content.decode()
    )


def test_a_release_repeating_the_same_fee_changes_nothing(
    published: LibraryEntry, tmp_path: Path
) -> None:
    load_file(quarter_file(tmp_path, "0.45"), "pfs_pprrvu")
    assert library.recheck_all() == []
    entry = LibraryEntry.objects.get()
    assert not entry.needs_review and entry.facts_changed is None
    assert "facts changed" not in Client().get("/consult/library").content.decode()


def test_the_library_search_finds_by_words_and_not_others(published: LibraryEntry) -> None:
    client = Client()
    assert "Paying for 97110" in client.get("/consult/library?q=pay 97110").content.decode()
    assert "Paying for 97110" not in client.get("/consult/library?q=modifier").content.decode()


def test_the_site_search_lists_answered_questions(published: LibraryEntry) -> None:
    page = Client().get("/search?q=97110").content.decode()
    assert "Answered questions" in page and "Paying for 97110" in page
    assert "Answered questions" not in Client().get("/search?q=G0283").content.decode()


def test_the_assistant_points_to_answered_questions_on_its_codes(
    published: LibraryEntry,
) -> None:
    page = Client().post("/assistant", {"question": "What is 97110?"}).content.decode()
    assert "Answered questions" in page and "Paying for 97110" in page
