from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medcode.fees.models import PfsAnesthesiaCf
from medcode.importers.base import Source
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "pfs_anesthesia_ANES2025.csv"


@pytest.mark.django_db
def test_it_loads_each_localitys_factor_beside_the_national_one() -> None:
    outcome = load_file(CSV, "pfs_anesthesia")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_anesthesia")
    assert (release.version, release.period_start, release.period_end) == (
        "2025",
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert release.rows_loaded == 5
    alabama = PfsAnesthesiaCf.objects.get(contractor="10112", locality="00")
    assert (alabama.locality_name, alabama.conversion_factor) == ("ALABAMA", Decimal("19.33"))
    assert alabama.national_conversion_factor == Decimal("20.3178")
    assert PfsAnesthesiaCf.objects.get(contractor="02102").locality_name == "ALASKA"
    assert PfsAnesthesiaCf.objects.get(contractor="01212").locality_name == "HAWAII, GUAM"
    assert set(PfsAnesthesiaCf.objects.values_list("national_conversion_factor", flat=True)) == {
        Decimal("20.3178")
    }


@pytest.mark.django_db
def test_it_takes_the_year_from_the_rvu_folder_when_the_name_has_none(tmp_path: Path) -> None:
    folder = tmp_path / "rvu26a"
    folder.mkdir()
    shutil.copy(CSV, folder / "anesthesia.csv")

    outcome = load_file(folder / "anesthesia.csv", "pfs_anesthesia")

    assert outcome.status == "loaded", outcome.message
    assert Release.objects.get(dataset="pfs_anesthesia").version == "2026"


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_factor(tmp_path: Path) -> None:
    path = tmp_path / "ANES2025.csv"
    path.write_text(CSV.read_text().replace("ALASKA*,27.81", "ALASKA*,27,81"))

    outcome = load_file(path, "pfs_anesthesia")

    assert outcome.status == "failed"
    assert "ANES2025.csv, line 3" in outcome.message and "expected 4 columns" in outcome.message
    assert not Release.objects.exists() and not PfsAnesthesiaCf.objects.exists()


@pytest.mark.django_db
def test_it_names_the_field_of_an_unreadable_factor(tmp_path: Path) -> None:
    path = tmp_path / "ANES2025.csv"
    path.write_text(CSV.read_text().replace("19.95", "19.9S"))

    outcome = load_file(path, "pfs_anesthesia")

    assert outcome.status == "failed"
    assert "ANES2025.csv, line 6, field 'Anes CF'" in outcome.message
    assert not PfsAnesthesiaCf.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_title_line_without_the_national_factor(tmp_path: Path) -> None:
    path = tmp_path / "ANES2025.csv"
    path.write_text(CSV.read_text().replace("National Anes CF of 20.3178", "National Anes CF"))

    outcome = load_file(path, "pfs_anesthesia")

    assert outcome.status == "failed"
    assert "line 1, field 'National Anes CF'" in outcome.message


@pytest.mark.django_db
def test_it_rejects_a_file_cut_off_in_a_row(tmp_path: Path) -> None:
    data = CSV.read_bytes()
    path = tmp_path / "ANES2025.csv"
    path.write_bytes(data[: data.index(b"01182 ,18 ,LOS") + 12])

    outcome = load_file(path, "pfs_anesthesia")

    assert outcome.status == "failed"
    assert "line 4" in outcome.message and "expected 4 columns" in outcome.message
    assert not Release.objects.exists() and not PfsAnesthesiaCf.objects.exists()


@pytest.mark.realdata
def test_the_real_file_holds_109_localities_and_the_national_factor() -> None:
    rows, stats = parse_all(Source(shared_file("pfs_rvu/rvu25d/ANES2025.csv")), "pfs_anesthesia")
    found = {(v[0], v[1]): v for _, v in rows}

    assert len(rows) == 109 and stats.rows_read == 109 and len(found) == 109
    assert {v[4] for v in found.values()} == {Decimal("20.3178")}
    assert found[("10112", "00")][2:4] == ("ALABAMA", Decimal("19.31"))
    assert found[("02102", "01")][2:4] == ("ALASKA", Decimal("27.86"))
    assert found[("01212", "01")][2:4] == ("HAWAII, GUAM", Decimal("20.24"))
    assert found[("02402", "99")][2:4] == ("REST OF WASHINGTON", Decimal("20.30"))
    assert found[("03602", "21")][2:4] == ("WYOMING", Decimal("19.97"))
