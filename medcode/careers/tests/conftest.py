from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from medcode.careers.tests.jsonld import job_posting

_JOB_PAGE = re.compile(r"^/careers/jobs/\d+/$")


@pytest.fixture(autouse=True)
def _resumes_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDCODE_RESUMES_DIR = str(tmp_path / "resumes")
    settings.MEDCODE_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _every_job_page_has_json_ld(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every job page any test here fetches (200) is checked for its JobPosting JSON-LD."""
    checked: list[str] = []
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        response = original(self, **environ)
        path = environ.get("PATH_INFO", "")
        if _JOB_PAGE.match(path) and response.status_code == 200:
            job_posting(response.content.decode())
            checked.append(path)
        return response

    monkeypatch.setattr(Client, "request", request)
    yield checked
