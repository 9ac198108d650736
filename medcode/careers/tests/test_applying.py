"""Applying with a résumé: checked by content, stored outside the web root, served only to the
job's employer and the applicant; statuses, withdrawal and deletion."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medcode.careers import resumes
from medcode.careers.models import Application
from medcode.careers.tests.factories import live_job, logged_in, person

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def setup() -> dict[str, Any]:
    boss = person("boss@lakeside.example", "employer")
    return {"boss": boss, "job": live_job(boss, person("mod@example.org", staff=True))}


def apply(client: Any, job: Any, data: bytes, name: str = "resume.pdf") -> Any:
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(
        f"/careers/jobs/{job.pk}/apply/", {"message": "I code ortho.", "resume": upload}
    )


def test_apply_and_only_the_two_parties_read_the_resume(setup: dict[str, Any]) -> None:
    coder = logged_in(person("coder@example.org"))
    assert apply(coder, setup["job"], PDF).status_code == 302
    row = Application.objects.get()
    stored = resumes.folder() / row.token
    assert stored.read_bytes() == PDF and row.resume_kind == "pdf"
    url = f"/careers/applications/{row.token}/resume"
    assert coder.get(url).content == PDF
    boss = logged_in(setup["boss"])
    answer = boss.get(url)
    assert answer.content == PDF and answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    listing = boss.get(f"/careers/jobs/{setup['job'].pk}/applications/").content.decode()
    assert "coder@example.org" in listing and "I code ortho." in listing
    other_boss = logged_in(person("rival@elsewhere.example", "employer"))
    assert other_boss.get(url).status_code == 404
    assert other_boss.get(f"/careers/jobs/{setup['job'].pk}/applications/").status_code == 404
    assert logged_in(person("nosy@example.org")).get(url).status_code == 404
    assert boss.get(f"/careers/applications/{row.token[:-1]}x/resume").status_code == 404
    assert boss.get(f"/careers/applications/{row.pk}/resume").status_code == 404
    assert len(row.token) >= 43  # 256 random bits


def test_a_renamed_non_pdf_is_refused(setup: dict[str, Any]) -> None:
    coder = logged_in(person("coder@example.org"))
    answer = apply(coder, setup["job"], b"MZ\x90\x00 this is an executable", "resume.pdf")
    assert answer.status_code == 400
    assert "not a PDF or a Word (.docx) document" in answer.content.decode()
    fake_docx = apply(coder, setup["job"], b"PK\x03\x04 not really a zip", "resume.docx")
    assert fake_docx.status_code == 400
    assert not Application.objects.exists()
    assert apply(coder, setup["job"], docx(), "cv.docx").status_code == 302
    assert Application.objects.get().resume_kind == "docx"


def test_a_resume_over_the_limit_is_refused(setup: dict[str, Any], settings: Any) -> None:
    settings.MEDCODE_RESUME_MAX_BYTES = 1000
    answer = apply(logged_in(person("coder@example.org")), setup["job"], PDF + b" " * 1000)
    assert answer.status_code == 400 and "over the limit of 1,000 bytes" in answer.content.decode()


def test_status_withdraw_and_delete(setup: dict[str, Any]) -> None:
    coder = logged_in(person("coder@example.org"))
    apply(coder, setup["job"], PDF)
    row = Application.objects.get()
    boss = logged_in(setup["boss"])
    boss.post(
        f"/careers/jobs/{setup['job'].pk}/applications/",
        {"application": row.pk, "status": "interview"},
    )
    mine = coder.get("/careers/applications/").content.decode()
    assert "Interview" in mine
    coder.post(f"/careers/applications/{row.token}/withdraw")
    row.refresh_from_db()
    assert row.status == Application.WITHDRAWN
    # Someone else cannot delete it; the applicant can, résumé file included.
    logged_in(person("nosy@example.org")).post(f"/careers/applications/{row.token}/delete")
    assert Application.objects.filter(pk=row.pk).exists()
    stored = resumes.folder() / row.token
    assert stored.exists()
    coder.post(f"/careers/applications/{row.token}/delete")
    assert not Application.objects.exists() and not stored.exists()


def test_deleting_the_account_deletes_the_resume(setup: dict[str, Any]) -> None:
    user = person("coder@example.org")
    apply(logged_in(user), setup["job"], PDF)
    stored = resumes.folder() / Application.objects.get().token
    assert stored.exists()
    user.delete()
    assert not Application.objects.exists() and not stored.exists()
