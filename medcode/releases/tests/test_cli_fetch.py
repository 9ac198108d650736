"""`medcode data fetch --mirror` end to end: download from a loopback mirror, then load."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode.cli import main
from medcode.codes.models import HcpcsCode
from medcode.releases.models import Release
from medcode.releases.tests.mirror import Mirror, staged_routes

HCPCS = "hcpcs-2025-jan"
MUE = "mue-2026q2-practitioner"


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    served = tmp_path / "served"
    served.mkdir()
    with Mirror(staged_routes([HCPCS, MUE], served)) as server:
        yield server


@pytest.mark.django_db
def test_fetch_downloads_from_the_mirror_and_loads(
    mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    args = ["data", "fetch", "--mirror", mirror.url, "--cache", str(cache)]

    status = main([*args, "--release", HCPCS, "--release", MUE, "--json"])

    assert status == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["failed"] == 0
    assert set(Release.objects.values_list("dataset", flat=True)) == {
        "hcpcs",
        "ncci_mue_practitioner",
    }
    assert HcpcsCode.objects.filter(code="G0283").exists()
    assert mirror.requests and all(seen.path.startswith("/files/zip/") for seen in mirror.requests)

    again = main([*args, "--release", HCPCS, "--release", MUE])
    assert again == 0
    assert "cached" in capsys.readouterr().out


@pytest.mark.django_db
def test_fetch_names_an_unknown_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--release", "hcpcs-1999-jan"]) == 2

    assert "hcpcs-1999-jan" in capsys.readouterr().err


@pytest.mark.django_db
def test_fetch_lists_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--list"]) == 0

    out = capsys.readouterr().out
    assert "hcpcs-2025-jan" in out and "https://www.cms.gov/files/zip/" in out
