"""Reading a job page's schema.org JobPosting as a search engine would, and checking it."""

from __future__ import annotations

import json
import re
from typing import Any

_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
REQUIRED = (
    "title",
    "description",
    "datePosted",
    "validThrough",
    "hiringOrganization",
    "employmentType",
    "baseSalary",
    "qualifications",
)


def job_posting(html: str) -> dict[str, Any]:
    """The page's one JobPosting, checked for the fields issue 15 requires."""
    blocks = [json.loads(text) for text in _SCRIPT.findall(html)]
    postings = [b for b in blocks if b.get("@type") == "JobPosting"]
    assert len(postings) == 1, f"expected one JobPosting, found {len(postings)}"
    data = postings[0]
    missing = [name for name in REQUIRED if not data.get(name)]
    assert not missing, f"JobPosting without {missing}"
    assert data["hiringOrganization"]["name"]
    value = data["baseSalary"]["value"]
    assert value["minValue"] <= value["maxValue"]
    assert value["unitText"] in ("HOUR", "YEAR")
    if data.get("jobLocationType") == "TELECOMMUTE":
        assert data["applicantLocationRequirements"], "a remote job names where applicants live"
    else:
        assert data["jobLocation"]["address"]["addressLocality"]
    return data
