"""Posting, validation, flags and moderation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from medcode.careers import flags, moderation
from medcode.careers.forms import JobForm
from medcode.careers.models import Job
from medcode.careers.render import codes_mentioned, description_html
from medcode.careers.tests.factories import POSTING, draft, live_job, logged_in, person

pytestmark = pytest.mark.django_db


def errors(**changes: Any) -> dict[str, list[str]]:
    form = JobForm({**POSTING, **changes})
    form.is_valid()
    return {k: [str(e) for e in v] for k, v in form.errors.items()}


def test_pay_range_and_unit_are_required() -> None:
    found = errors(pay_min="", pay_unit="")
    assert "pay range" in found["pay_min"][0]
    assert "pay_unit" in found
    assert "pay_max" in errors(pay_min="40", pay_max="30")


def test_expiry_defaults_to_30_days_and_is_at_most_90() -> None:
    form = JobForm(POSTING)
    assert form.is_valid()
    assert form.cleaned_data["expires"] == timezone.localdate() + timedelta(days=30)
    too_far = (timezone.localdate() + timedelta(days=91)).isoformat()
    assert "at most 90 days" in errors(expires=too_far)["expires"][0]


def test_remote_needs_states_and_onsite_a_location() -> None:
    assert "remote_states" in errors(remote_states="")
    assert "not a two-letter state code: XX" in errors(remote_states="TX, XX")["remote_states"][0]
    assert "location" in errors(location_type="onsite", location="")


def test_markdown_is_sanitised() -> None:
    html = description_html(
        "Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**\n\n"
        '<img src=x onerror="alert(1)">'
    )
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


def test_codes_mentioned_skip_amounts() -> None:
    job = Job(description="Codes 99213, G0283 and E11.9; pay $45000 or 52,000 a year.")
    assert codes_mentioned(job) == ["99213", "G0283", "E11.9"]


def test_a_new_employers_posting_waits_and_is_not_public() -> None:
    boss = person("boss@lakeside.example", "employer")
    job = moderation.submit(draft(boss))
    assert job.status == Job.PENDING
    assert job.flags == []
    assert logged_in(person("coder@example.org")).get(f"/careers/jobs/{job.pk}/").status_code == 404


def test_an_established_employer_skips_the_queue_unless_flagged() -> None:
    boss = person("boss@lakeside.example", "employer")
    moderator = person("mod@example.org", staff=True)
    live_job(boss, moderator)
    second = moderation.submit(
        draft(
            boss,
            title="Inpatient DRG coder",
            setting="inpatient",
            description="Assign MS-DRGs from inpatient records.",
        )
    )
    assert second.status == Job.APPROVED
    flagged = moderation.submit(
        draft(boss, title="Coder", description="Pay a $99 training fee before you start.")
    )
    assert flagged.status == Job.PENDING


@pytest.mark.parametrize(
    "text",
    [
        "You must purchase your own laptop and software from our vendor.",
        "A one-time registration fee of $150 is reimbursed after 90 days.",
        "Send a check to buy the starter kit.",
    ],
)
def test_asking_applicants_for_money_is_flagged(text: str) -> None:
    job = draft(person("x@lakeside.example", "employer"), description=text)
    assert any("asks the applicant for money" in f for f in flags.trouble(job))


def test_other_signs_of_trouble() -> None:
    boss = person("recruiter@gmail.com", "employer")
    job = draft(boss, pay_min="150", pay_max="200", pay_unit="hour")
    found = flags.trouble(job)
    assert any("personal email domain: gmail.com" in f for f in found)
    assert any("far outside the usual range" in f for f in found)
    honest = draft(person("hr@clinic.example", "employer"))
    assert flags.trouble(honest) == []


def test_a_near_duplicate_is_flagged() -> None:
    boss = person("boss@lakeside.example", "employer")
    first = moderation.submit(draft(boss))
    copy = draft(
        person("other@elsewhere.example", "employer"),
        description=POSTING["description"] + " Apply today.",
    )
    found = flags.duplicate_flag(copy)
    assert found is not None and f"#{first.pk}" in found
    assert (
        flags.duplicate_flag(draft(boss, title="Auditor", description="Audit ED charts.")) is None
    )


def test_moderator_approves_rejects_or_asks_for_changes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    boss = person("boss@lakeside.example", "employer")
    staff = logged_in(person("mod@example.org", staff=True))
    jobs = [moderation.submit(draft(boss, title=f"Coder {n}")) for n in range(3)]
    queue = staff.get("/careers/moderation/").content.decode()
    assert all(job.title in queue for job in jobs) and len(jobs) == 3
    refused = staff.post(f"/careers/moderation/{jobs[1].pk}/", {"action": "reject", "note": ""})
    assert refused.status_code == 302
    jobs[1].refresh_from_db()
    assert jobs[1].status == Job.PENDING  # a rejection needs its reason
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/careers/moderation/{jobs[0].pk}/", {"action": "approve"})
        staff.post(f"/careers/moderation/{jobs[1].pk}/", {"action": "reject", "note": "Not coding"})
        staff.post(f"/careers/moderation/{jobs[2].pk}/", {"action": "changes", "note": "Add pay"})
    statuses = [Job.objects.get(pk=j.pk).status for j in jobs]
    assert statuses == [Job.APPROVED, Job.REJECTED, Job.CHANGES]
    mine = logged_in(boss).get("/careers/mine/").content.decode()
    assert "Not coding" in mine and "Add pay" in mine
    # The employer hears of a rejection or a request for changes, with the moderator's words.
    assert [(m.to, "Not coding" in m.body) for m in mail.outbox] == [
        (["boss@lakeside.example"], True),
        (["boss@lakeside.example"], False),
    ]
    assert "needs changes" in mail.outbox[1].subject and "Add pay" in mail.outbox[1].body


def test_only_staff_moderate_and_only_employers_post() -> None:
    coder = logged_in(person("coder@example.org"))
    assert coder.get("/careers/moderation/").status_code == 403
    assert coder.get("/careers/post/").status_code == 403
    boss = logged_in(person("boss@lakeside.example", "employer"))
    assert boss.get("/careers/moderation/").status_code == 403


def test_employer_drafts_previews_edits_submits_and_closes() -> None:
    user = person("boss@lakeside.example", "employer")
    boss = logged_in(user)
    form = {k: v for k, v in POSTING.items() if not isinstance(v, list)}
    form.update(credentials_required="CPC", code_sets="CPT")
    missing = boss.post("/careers/post/", {**form, "pay_min": ""})
    assert missing.status_code == 200 and 'data-testid="error-pay_min"' in missing.content.decode()
    saved = boss.post("/careers/post/", form)
    job = Job.objects.get(employer=user)
    assert saved["Location"] == f"/careers/jobs/{job.pk}/preview/" and job.status == Job.DRAFT
    preview = boss.get(saved["Location"]).content.decode()
    assert "Preview" in preview and "Lakeside Orthopedics" in preview
    boss.post(f"/careers/jobs/{job.pk}/edit/", {**form, "title": "Remote ortho coder"})
    boss.post(f"/careers/jobs/{job.pk}/submit/")
    job.refresh_from_db()
    assert (job.title, job.status) == ("Remote ortho coder", Job.PENDING)
    # Editing a pending posting takes it back to a draft, to be submitted (and checked) again.
    boss.post(f"/careers/jobs/{job.pk}/edit/", {**form, "title": "Remote orthopedic coder"})
    job.refresh_from_db()
    assert (job.title, job.status) == ("Remote orthopedic coder", Job.DRAFT)
    boss.post(f"/careers/jobs/{job.pk}/close/")
    job.refresh_from_db()
    assert job.status == Job.CLOSED
    other = logged_in(person("other@elsewhere.example", "employer"))
    assert other.get(f"/careers/jobs/{job.pk}/edit/").status_code == 404
