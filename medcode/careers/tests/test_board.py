"""The board: filters, sorting, expiry, job pages and their JSON-LD, the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from medcode.accounts.apikeys import create_key
from medcode.careers.board import archive_expired
from medcode.careers.models import Job
from medcode.careers.tests.factories import POSTING, age, live_job, person
from medcode.careers.tests.jsonld import job_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs() -> dict[str, Job]:
    boss = person("boss@lakeside.example", "employer")
    mod = person("mod@example.org", staff=True)
    return {
        "remote": live_job(boss, mod),
        "onsite": live_job(
            boss,
            mod,
            title="Inpatient DRG coder",
            description="Assign ICD-10-PCS codes to inpatient stays; 3 years required.",
            credentials_required=["CCS"],
            credentials_preferred=[],
            setting="inpatient",
            code_sets=["ICD-10-CM", "ICD-10-PCS"],
            specialties="",
            apprentice_friendly="",
            experience_years="3",
            location_type="onsite",
            location="Austin, TX",
            remote_states="",
            pay_min="60000",
            pay_max="75000",
            pay_unit="year",
        ),
        "old": age(
            live_job(
                boss, mod, title="Risk adjustment coder", credentials_required=["CRC"],
                credentials_preferred=[], description="HCC coding from progress notes.",
                remote_states="OH", specialties="",
            ),
            10,
        ),
    }  # fmt: skip


def titles(query: dict[str, Any]) -> list[str]:
    answer = Client().get("/careers/", query)
    assert answer.status_code == 200
    return [job["title"] for job in Client().get("/api/v1/jobs", query).json()["jobs"]]


def test_every_filter(jobs: dict[str, Job]) -> None:
    remote, onsite, old = (jobs[k].title for k in ("remote", "onsite", "old"))
    assert titles({"credential": "CPC"}) == [remote]
    assert titles({"credential": "COC"}) == [remote]  # preferred counts too
    assert titles({"setting": "inpatient"}) == [onsite]
    assert titles({"specialty": "Orthopedics"}) == [remote]
    assert titles({"code_set": "HCPCS"}) == [remote, old]
    assert titles({"code_set": "ICD-10-PCS"}) == [onsite]
    assert titles({"location_type": "remote", "state": "fl"}) == [remote]
    assert titles({"state": "TX"}) == [onsite, remote]
    assert titles({"pay_at_least": "70000", "pay_unit": "year"}) == [onsite]
    assert titles({"apprentice": "on"}) == [remote, old]
    assert titles({"max_experience": "1"}) == [remote, old]
    assert titles({"posted_within": "7"}) == [onsite, remote]
    assert titles({"q": "DRG inpatient"}) == [onsite]
    assert titles({"employment_type": "contract"}) == []


def test_sorted_by_date_or_pay(jobs: dict[str, Job]) -> None:
    assert titles({}) == [jobs["onsite"].title, jobs["remote"].title, jobs["old"].title]
    # 30 an hour is 62,400 a year; the on-site job pays up to 75,000.
    assert titles({"sort": "pay"})[0] == jobs["onsite"].title
    assert titles({"pay_at_least": "29", "pay_unit": "hour"}) == [
        jobs["onsite"].title,
        jobs["remote"].title,
        jobs["old"].title,
    ]
    assert titles({"pay_at_least": "31", "pay_unit": "hour"}) == [jobs["onsite"].title]


def test_a_bad_filter_is_named() -> None:
    answer = Client().get("/api/v1/jobs", {"state": "ZZ"})
    assert answer.status_code == 400 and answer.json()["error"].startswith("state:")


def test_an_expired_posting_leaves_the_board_and_is_archived(jobs: dict[str, Job]) -> None:
    Job.objects.filter(pk=jobs["old"].pk).update(expires=timezone.localdate() - timedelta(days=1))
    assert jobs["old"].title not in titles({})
    assert Client().get(f"/careers/jobs/{jobs['old'].pk}/").status_code == 404
    assert archive_expired() == 1
    assert Job.objects.get(pk=jobs["old"].pk).status == Job.ARCHIVED


def test_job_page_facts_links_and_json_ld(jobs: dict[str, Job]) -> None:
    html = Client().get(f"/careers/jobs/{jobs['remote'].pk}/").content.decode()
    assert 'data-testid="job-facts"' in html and "$24.00-$30.00 per hour" in html
    for code in ("J1030", "20610", "M17.11"):
        assert f'href="/codes/{code}"' in html
    data = job_posting(html)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert [s["name"] for s in data["applicantLocationRequirements"]] == ["FL", "TX"]
    assert data["baseSalary"]["value"] == {
        "@type": "QuantitativeValue", "minValue": 24.0, "maxValue": 30.0, "unitText": "HOUR",
    }  # fmt: skip
    assert data["employmentType"] == "FULL_TIME"
    onsite = job_posting(Client().get(f"/careers/jobs/{jobs['onsite'].pk}/").content.decode())
    assert onsite["jobLocation"]["address"]["addressRegion"] == "TX"
    assert "Required: CCS" in onsite["qualifications"]


def test_json_ld_cannot_close_its_script() -> None:
    boss = person("boss@lakeside.example", "employer")
    job = live_job(boss, None, title="Coder </script><script>alert(1)</script>")
    html = Client().get(f"/careers/jobs/{job.pk}/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert job_posting(html)["title"] == job.title


def _post(key: str | None, body: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client().post("/api/v1/jobs", body, content_type="application/json", headers=headers)


API_BODY = {
    **{k: v for k, v in POSTING.items() if k != "contact_email"},
    "specialties": ["orthopedics"],
    "remote_states": ["TX", "FL"],
    "apprentice_friendly": True,
    "coding_test": False,
    "experience_years": 1,
    "pay_min": 24,
    "pay_max": 30,
}


def test_api_posting_enters_moderation() -> None:
    _, key = create_key(person("ats@lakeside.example", "employer"))
    answer = _post(key, API_BODY)
    assert answer.status_code == 201, answer.json()
    job = answer.json()["job"]
    assert job["status"] == "pending" and job["remote_states"] == ["FL", "TX"]
    assert Job.objects.get(pk=job["id"]).coding_test is False


def test_api_refuses_no_pay_no_key_and_non_employers() -> None:
    _, key = create_key(person("ats@lakeside.example", "employer"))
    body = {k: v for k, v in API_BODY.items() if k != "pay_min"}
    answer = _post(key, body)
    assert answer.status_code == 400 and answer.json()["error"].startswith("pay_min:")
    assert _post(key, {**API_BODY, "pay_unit": "week"}).json()["error"].startswith("pay_unit:")
    assert _post(key, {**API_BODY, "salary": 1}).json()["error"].startswith("salary:")
    assert _post(None, API_BODY).status_code == 401
    _, coder_key = create_key(person("coder@example.org"))
    assert _post(coder_key, API_BODY).status_code == 401
    assert not Job.objects.exists()
