"""A look-up past its time budget answers 503 (API, page) or exit 3 (CLI), naming the budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode.cli import main
from medcode.testing import load_file

FIXTURES = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_time(settings: Any) -> None:
    load_file(FIXTURES / "pfs_pprrvu_PPRRVU2025_Oct.csv", "pfs_pprrvu")
    settings.MEDCODE_LOOKUP_SECONDS = 0


def test_the_api_answers_503_when_a_look_up_runs_out_of_time(no_time: None) -> None:
    response = Client().get("/api/v1/codes/11042", {"date": "2025-11-01"})

    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "error": "the look-up took longer than its time budget of 0 s and was stopped; "
        "try again, and report it if it keeps happening",
    }


def test_the_code_page_answers_503_when_it_runs_out_of_time(no_time: None) -> None:
    page = Client().get("/codes/11042", {"date": "2025-11-01"})

    assert page.status_code == 503
    assert "took longer than its time budget of 0 s" in page.content.decode()


def test_the_cli_exits_3_when_a_look_up_runs_out_of_time(
    no_time: None, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["code", "11042", "--date", "2025-11-01"])

    assert status == 3
    assert "took longer than its time budget of 0 s" in capsys.readouterr().err


def test_with_time_left_the_same_look_up_answers(no_time: None, settings: Any) -> None:
    settings.MEDCODE_LOOKUP_SECONDS = 5

    response = Client().get("/api/v1/codes/11042", {"date": "2025-11-01"})

    assert response.status_code == 200
    assert response.json()["code"] == "11042"
