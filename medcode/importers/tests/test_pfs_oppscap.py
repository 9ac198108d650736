from __future__ import annotations

import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medcode.fees.models import PfsOppsCapAmount
from medcode.importers.base import Source
from medcode.importers.pfs_oppscap import PfsOppsCap
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "pfs_oppscap_OPPSCAP_Oct.csv"


def in_release_folder(
    tmp_path: Path, folder: str = "rvu25d", name: str = "OPPSCAP_Oct.csv"
) -> Path:
    """The fixture where CMS's zip puts it: its name says the month, the folder the year."""
    (tmp_path / folder).mkdir()
    return Path(shutil.copy(CSV, tmp_path / folder / name))


@pytest.mark.django_db
def test_it_loads_the_capped_amounts_of_the_release_in_its_folder(tmp_path: Path) -> None:
    outcome = load_file(in_release_folder(tmp_path), "pfs_oppscap")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_oppscap")
    assert (release.version, release.label) == (
        "RVU25D",
        "Medicare PFS OPPS imaging caps RVU25D (October 2025)",
    )
    assert (release.period_start, release.period_end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert release.rows_loaded == 5
    row = PfsOppsCapAmount.objects.get(hcpcs="70551", modifier="TC", carrier="10112")
    assert (row.status_code, row.locality) == ("A", "00")
    assert (row.facility_price, row.nonfacility_price) == (Decimal("175.44"), Decimal("175.44"))
    assert PfsOppsCapAmount.objects.get(hcpcs="0633T").status_code == "C"
    assert PfsOppsCapAmount.objects.filter(hcpcs="70551", modifier="").count() == 1


@pytest.mark.django_db
def test_it_takes_the_year_from_the_zip_it_sits_in(tmp_path: Path) -> None:
    archive = tmp_path / "rvu24c.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(CSV, "OPPSCAP_Jul.csv")

    outcome = load_file(archive, "pfs_oppscap", member="OPPSCAP_Jul.csv")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_oppscap")
    assert (release.version, release.period_start) == ("RVU24C", date(2024, 7, 1))


@pytest.mark.django_db
def test_it_refuses_a_file_whose_year_cannot_be_told() -> None:
    outcome = load_file(CSV, "pfs_oppscap")

    assert outcome.status == "failed"
    assert "field '(file name)'" in outcome.message and "cannot tell the year" in outcome.message
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_month_that_contradicts_its_folder(tmp_path: Path) -> None:
    outcome = load_file(in_release_folder(tmp_path, name="OPPSCAP_Jul.csv"), "pfs_oppscap")

    assert outcome.status == "failed"
    assert "does not belong to RVU25D" in outcome.message


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_price(tmp_path: Path) -> None:
    path = in_release_folder(tmp_path)
    path.write_text(CSV.read_text().replace("301.22,301.22", "301.2.2,301.22"))

    outcome = load_file(path, "pfs_oppscap")

    assert outcome.status == "failed"
    assert "OPPSCAP_Oct.csv, line 3, field 'FACILITY PRICE'" in outcome.message
    assert not Release.objects.exists() and not PfsOppsCapAmount.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_file_cut_off_in_a_row(tmp_path: Path) -> None:
    path = in_release_folder(tmp_path)
    data = CSV.read_bytes()
    path.write_bytes(data[: data.index(b"93990,TC,A,") + 15])

    outcome = load_file(path, "pfs_oppscap")

    assert outcome.status == "failed"
    assert "line 6" in outcome.message and "expected 7 columns" in outcome.message
    assert not Release.objects.exists() and not PfsOppsCapAmount.objects.exists()


@pytest.mark.realdata
def test_the_real_file_holds_16100_capped_amounts() -> None:
    source = Source(shared_file("pfs_rvu/rvu25d/OPPSCAP_Oct.csv"))
    rows, stats = parse_all(source, "pfs_oppscap")
    values = [v for _, v in rows]

    # 16,102 lines: the title, 16,100 rows and a closing row of empty cells.
    assert len(values) == 16_100 and stats.rows_read == 16_100
    assert values[0] == (
        "0633T",
        "TC",
        "C",
        "01112",
        "05",
        Decimal("150.69"),
        Decimal("150.69"),
    )
    assert values[-1] == (
        "93990",
        "TC",
        "A",
        "15202",
        "00",
        Decimal("97.07"),
        Decimal("97.07"),
    )
    assert sum(1 for v in values if v[1] == "TC") == 8_855
    assert sum(1 for v in values if v[2] == "C") == 9_430
    assert len({v[0] for v in values}) == 77
    info = PfsOppsCap().release(source, source.head())
    assert (info.version, info.period_start, info.period_end) == (
        "RVU25D",
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
