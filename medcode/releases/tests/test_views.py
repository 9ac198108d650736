from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from medcode.importers.tests.test_hcpcs_anweb import GOOD, write_anweb
from medcode.releases.loader import load_paths


@pytest.mark.django_db
def test_the_releases_page_lists_loaded_releases(tmp_path: Path) -> None:
    load_paths([write_anweb(tmp_path, GOOD)])

    page = Client().get("/releases")

    assert page.status_code == 200
    assert "HCPCS Level II Apr 2030" in page.content.decode()


@pytest.mark.django_db
def test_the_home_page_says_which_releases_answer_today(tmp_path: Path) -> None:
    load_paths([write_anweb(tmp_path, GOOD)])

    page = Client().get("/").content.decode()

    # The fixture release (April 2030) is the only HCPCS one: it answers today as the latest.
    assert "Answers as of today use: HCPCS Level II Apr 2030" in " ".join(page.split())
    assert "ICD-10-CM not loaded" in page
    assert "medcode data fetch" in page
    assert 'action="/search"' in page and 'href="/claims/check"' in page
    assert 'href="/guides/"' in page
    # The tools other apps add: the assistant, consultations and the job board.
    assert 'href="/assistant"' in page
    assert 'href="/consult/"' in page and 'href="/careers/"' in page


@pytest.mark.django_db
def test_the_code_box_opens_the_code_page_for_the_date(tmp_path: Path) -> None:
    load_paths([write_anweb(tmp_path, GOOD)])

    response = Client().get("/", {"code": "G0283", "date": "2030-05-01"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0] == "/codes/G0283?date=2030-05-01"
    body = response.content.decode()
    assert "Elec stim other than wound" in body
    assert 'value="2030-05-01"' in body  # the date picker keeps the date asked for


@pytest.mark.django_db
def test_a_hostile_code_box_entry_stays_on_the_code_page() -> None:
    response = Client().get("/", {"code": "../../admin?x=1", "date": "2026-01-01&evil=1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/codes/..%2F..%2Fadmin%3Fx%3D1?date=")
    assert Client().get(response["Location"]).status_code in (400, 404)
