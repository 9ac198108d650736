from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medcode.fees.models import PfsGpciIndex
from medcode.importers.base import Source
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "pfs_gpci_GPCI2025.csv"
TXT = FIXTURES / "pfs_gpci_GPCI2025.txt"
ALASKA_NOTE = "Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA."
FRONTIER_NOTE = "PE GPCI reflects a 1.0 floor for frontier states established by the ACA."


def values(path: Path) -> list[tuple[object, ...]]:
    rows, _ = parse_all(Source(path), "pfs_gpci")
    return [v for _, v in rows]


@pytest.mark.django_db
def test_it_loads_each_locality_with_its_indices_and_footnote() -> None:
    outcome = load_file(CSV, "pfs_gpci")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_gpci")
    assert (release.version, release.label) == ("2025", "Medicare PFS GPCIs 2025")
    assert (release.period_start, release.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (release.rows_read, release.rows_loaded) == (5, 5)

    alabama = PfsGpciIndex.objects.get(mac="10112", locality="00")
    assert (alabama.state, alabama.locality_name, alabama.footnote) == ("AL", "ALABAMA", "")
    assert (alabama.work_gpci, alabama.pe_gpci, alabama.mp_gpci) == (
        Decimal("1.000"),
        Decimal("0.871"),
        Decimal("0.577"),
    )
    alaska = PfsGpciIndex.objects.get(mac="02102")
    assert (alaska.locality, alaska.locality_name, alaska.work_gpci) == (
        "01",
        "ALASKA",
        Decimal("1.5"),
    )
    assert alaska.footnote == ALASKA_NOTE
    wyoming = PfsGpciIndex.objects.get(mac="03602")
    assert (wyoming.locality_name, wyoming.footnote) == ("WYOMING", FRONTIER_NOTE)
    assert PfsGpciIndex.objects.get(mac="01212").locality_name == "HAWAII, GUAM"
    assert PfsGpciIndex.objects.get(mac="01112").locality_name == (
        "SAN FRANCISCO-OAKLAND-BERKELEY (SAN FRANCISCO/SAN MATEO/ALAMEDA/CONTRA COSTA CNTY)"
    )


def test_it_reads_the_txt_to_the_same_values_as_the_csv() -> None:
    assert values(TXT) == values(CSV)
    assert len(values(TXT)) == 5


@pytest.mark.django_db
def test_it_loads_the_txt_and_skips_it_after_the_csv() -> None:
    first = load_file(CSV, "pfs_gpci")
    second = load_file(TXT, "pfs_gpci")

    assert (first.status, second.status) == ("loaded", "skipped")
    assert PfsGpciIndex.objects.count() == 5


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_index(tmp_path: Path) -> None:
    path = tmp_path / "GPCI2025.csv"
    path.write_text(CSV.read_text().replace("1.5,1.082,", "1.5,1.0x2,"))

    outcome = load_file(path, "pfs_gpci")

    assert outcome.status == "failed"
    assert "GPCI2025.csv, line 5, field 'PE GPCI'" in outcome.message
    assert "'1.0x2'" in outcome.message
    assert not Release.objects.exists() and not PfsGpciIndex.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_mac_in_the_txt(tmp_path: Path) -> None:
    path = tmp_path / "GPCI2025.txt"
    path.write_text(TXT.read_text().replace("03602  ", "036O2  "))

    outcome = load_file(path, "pfs_gpci")

    assert outcome.status == "failed"
    assert "GPCI2025.txt, line 8, field 'MAC'" in outcome.message
    assert not PfsGpciIndex.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_csv_cut_off_in_a_row(tmp_path: Path) -> None:
    data = CSV.read_bytes()
    path = tmp_path / "GPCI2025.csv"
    path.write_bytes(data[: data.index(b"01212,HI,01,") + 20])

    outcome = load_file(path, "pfs_gpci")

    assert outcome.status == "failed"
    assert "line 7" in outcome.message and "expected 7 columns" in outcome.message
    assert not Release.objects.exists() and not PfsGpciIndex.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_txt_cut_off_in_a_record(tmp_path: Path) -> None:
    data = TXT.read_bytes()
    path = tmp_path / "GPCI2025.txt"
    path.write_bytes(data[: data.index(b"01212  ") + 40])

    outcome = load_file(path, "pfs_gpci")

    assert outcome.status == "failed"
    assert "line 7" in outcome.message
    assert not Release.objects.exists() and not PfsGpciIndex.objects.exists()


@pytest.mark.realdata
@pytest.mark.parametrize("ext", ["csv", "txt"])
def test_the_real_file_holds_109_localities(ext: str) -> None:
    source = Source(shared_file(f"pfs_rvu/rvu25d/GPCI2025.{ext}"))
    rows, stats = parse_all(source, "pfs_gpci")
    found = {(v[0], v[2]): v for _, v in rows}

    assert len(rows) == 109 and stats.rows_read == 109 and len(found) == 109
    assert found[("10112", "00")][1:] == (
        "AL",
        "00",
        "ALABAMA",
        Decimal("1"),
        Decimal("0.869"),
        Decimal("0.575"),
        "",
    )
    assert found[("02102", "01")][3:5] == ("ALASKA", Decimal("1.5"))
    assert found[("02102", "01")][7] == ALASKA_NOTE
    assert found[("03602", "21")][3] == "WYOMING"
    assert found[("03602", "21")][7] == FRONTIER_NOTE
    assert found[("01112", "05")][4:7] == (Decimal("1.088"), Decimal("1.419"), Decimal("0.445"))
    assert found[("11402", "16")][6] == Decimal("1.333")
    assert {v[3] for v in found.values() if v[7] == FRONTIER_NOTE} == {
        "MONTANA",
        "NEVADA",
        "NORTH DAKOTA",
        "SOUTH DAKOTA",
        "WYOMING",
    }
    assert {v[3] for v in found.values() if v[7] == ALASKA_NOTE} == {"ALASKA"}


@pytest.mark.realdata
def test_the_real_csv_and_txt_agree() -> None:
    assert values(shared_file("pfs_rvu/rvu25d/GPCI2025.txt")) == values(
        shared_file("pfs_rvu/rvu25d/GPCI2025.csv")
    )
