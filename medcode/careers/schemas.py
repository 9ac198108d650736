"""The typed answers of the job board's endpoints (docs/jobs.md)."""

from __future__ import annotations

from ninja import Schema


class JobAnswer(Schema):
    """A posting as the API shows it (``Job.to_dict``)."""

    id: int
    url: str
    title: str
    organization: str
    description: str
    credentials_required: list[str]
    credentials_preferred: list[str]
    setting: str
    specialties: list[str]
    code_sets: list[str]
    experience_years: int
    apprentice_friendly: bool
    coding_test: bool
    productivity: str
    employment_type: str
    location_type: str
    location: str
    remote_states: list[str]
    pay_min: float
    pay_max: float
    pay_unit: str
    apply_url: str
    expires: str
    status: str
    date_posted: str | None


class JobList(Schema):
    jobs: list[JobAnswer]


class JobPosted(Schema):
    ok: bool
    job: JobAnswer
