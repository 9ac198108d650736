from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medcode.fees.models import PfsLocalityCounties
from medcode.importers.base import Source
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "pfs_locality_25LOCCO.csv"
TXT = FIXTURES / "pfs_locality_25LOCCO.txt"
TWO_CARRIERS = "Payment locality is serviced by two carriers."


@pytest.mark.django_db
def test_it_loads_localities_with_their_state_counties_and_footnote() -> None:
    outcome = load_file(CSV, "pfs_locality")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_locality")
    assert (release.version, release.period_start, release.period_end) == (
        "2025",
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert (release.rows_read, release.rows_loaded) == (7, 7)

    # The csv drops leading zeros; they come back.
    alabama = PfsLocalityCounties.objects.get(mac="10112", locality="00")
    assert (alabama.state, alabama.fee_schedule_area, alabama.counties) == (
        "ALABAMA",
        "STATEWIDE",
        "ALL COUNTIES",
    )
    harbor = PfsLocalityCounties.objects.get(mac="01182", locality="18")
    assert (harbor.state, harbor.counties) == ("CALIFORNIA", "HARBOR /BAYSIDE CNTY")
    # A locality without a state belongs to the state above it.
    river = PfsLocalityCounties.objects.get(mac="01112", locality="63")
    assert (river.state, river.counties) == ("CALIFORNIA", "RIVERBEND, OAKDALE, PINEWOOD")
    rest = PfsLocalityCounties.objects.get(mac="01112", locality="75")
    assert (rest.state, rest.fee_schedule_area, rest.footnote) == (
        "CALIFORNIA",
        "REST OF STATE",
        TWO_CARRIERS,
    )
    # A row with only county text continues the locality above it.
    palm = PfsLocalityCounties.objects.get(mac="09102", locality="03")
    assert palm.counties == (
        "NORTH, SOUTH, EAST, WEST, CENTRAL, UPPER, LOWER, INNER, OUTER AND MIDDLE"
    )
    assert PfsLocalityCounties.objects.get(mac="09102", locality="99").state == "FLORIDA"
    kansas = PfsLocalityCounties.objects.get(mac="05202")
    assert (kansas.fee_schedule_area, kansas.footnote) == ("STATEWIDE", TWO_CARRIERS)


@pytest.mark.django_db
def test_it_reads_the_fixed_width_txt_and_notes_cut_county_lists() -> None:
    outcome = load_file(TXT, "pfs_locality")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_locality")
    assert "1 county lists fill all 58 columns" in release.notes
    rows = {(r.mac, r.locality): r for r in PfsLocalityCounties.objects.all()}
    assert len(rows) == 7
    assert (rows[("01112", "63")].state, rows[("01112", "63")].fee_schedule_area) == (
        "CALIFORNIA",
        "RIVERBEND-OAKDALE",
    )
    assert rows[("09102", "03")].counties == (
        "NORTH, SOUTH, EAST, WEST, CENTRAL, UPPER, LOWER, INNER, OU"
    )
    assert (rows[("05202", "00")].fee_schedule_area, rows[("05202", "00")].footnote) == (
        "STATEWIDE",
        TWO_CARRIERS,
    )


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_mac(tmp_path: Path) -> None:
    path = tmp_path / "25LOCCO.csv"
    path.write_text(CSV.read_text().replace("1112,75,", "11l2,75,"))

    outcome = load_file(path, "pfs_locality")

    assert outcome.status == "failed"
    assert "25LOCCO.csv, line 9, field 'Medicare Administrative Contractor'" in outcome.message
    assert "'11l2'" in outcome.message
    assert not Release.objects.exists() and not PfsLocalityCounties.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_csv_cut_off_in_a_row(tmp_path: Path) -> None:
    data = CSV.read_bytes()
    path = tmp_path / "25LOCCO.csv"
    path.write_bytes(data[: data.index(b"1112,63,,RIVERB") + 15])

    outcome = load_file(path, "pfs_locality")

    assert outcome.status == "failed"
    assert "line 8" in outcome.message and "expected 5 columns" in outcome.message
    assert not Release.objects.exists() and not PfsLocalityCounties.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_txt_cut_off_before_the_counties(tmp_path: Path) -> None:
    data = TXT.read_bytes()
    path = tmp_path / "25LOCCO.txt"
    path.write_bytes(data[: data.index(b"    01112       63") + 60])

    outcome = load_file(path, "pfs_locality")

    assert outcome.status == "failed"
    assert "line 8, field 'Counties'" in outcome.message
    assert not Release.objects.exists() and not PfsLocalityCounties.objects.exists()


@pytest.mark.realdata
def test_the_real_csv_lists_110_locality_rows() -> None:
    rows, stats = parse_all(Source(shared_file("pfs_rvu/rvu25d/25LOCCO.csv")), "pfs_locality")
    values = [v for _, v in rows]

    # 109 localities; CMS lists Missouri's "REST OF STATE*" (05302/99) twice.
    assert len(values) == 110 and stats.rows_read == 110
    assert len({(v[0], v[1]) for v in values}) == 109
    assert [v for v in values if (v[0], v[1]) == ("05302", "99")] == [
        ("05302", "99", "MISSOURI", "REST OF STATE", "ALL OTHER COUNTIES", TWO_CARRIERS),
    ] * 2
    by_key = {(v[0], v[1]): v for v in values}
    assert by_key[("10112", "00")] == ("10112", "00", "ALABAMA", "STATEWIDE", "ALL COUNTIES", "")
    assert by_key[("01112", "52")][2:5] == (
        "CALIFORNIA",
        "SAN FRANCISCO-OAKLAND-BERKELEY (MARIN CNTY)",
        "MARIN",
    )
    assert by_key[("12202", "01")][2:5] == (
        "DISTRICT OF COLUMBIA",
        "DC + MD/VA SUBURBS",
        "DISTRICT OF COLUMBIA; ALEXANDRIA CITY, ARLINGTON, FAIRFAX, FAIRFAX CITY, FALLS CHURCH "
        "CITY IN VIRGINIA; MONTGOMERY AND PRINCE GEORGE'S IN MARYLAND",
    )
    assert by_key[("13202", "03")][2] == "NEW YORK"
    assert all(v[2] for v in values)
    assert {v[2] for v in values if v[0] in ("01112", "01182")} == {"CALIFORNIA"}
    assert by_key[("05202", "00")][3:] == ("STATEWIDE", "ALL COUNTIES", TWO_CARRIERS)
    assert by_key[("09202", "50")][2:4] == ("VIRGIN ISLANDS", "VIRGIN ISLANDS")


@pytest.mark.realdata
def test_the_real_txt_has_the_same_localities_with_cut_county_lists() -> None:
    rows, stats = parse_all(Source(shared_file("pfs_rvu/rvu25d/25LOCCO.txt")), "pfs_locality")
    values = [v for _, v in rows]

    assert len(values) == 110 and stats.rows_read == 110
    from_csv, _ = parse_all(Source(shared_file("pfs_rvu/rvu25d/25LOCCO.csv")), "pfs_locality")
    assert [(v[0], v[1]) for v in values] == [(v[0], v[1]) for _, v in from_csv]
    by_key = {(v[0], v[1]): v for v in values}
    assert by_key[("12202", "01")][4] == (
        "DISTRICT OF COLUMBIA; ALEXANDRIA CITY, ARLINGTON, FAIRFAX,"
    )
    # The txt leaves California's first line without its state, so its block has none.
    assert {v[2] for v in values if v[0] in ("01112", "01182")} == {""}
    assert "line 13: no state is given for the block starting with 01182/18" in stats.notes[0]
    assert sum(1 for v in values if not v[2]) == 29  # lines 13-41 of the file
    assert any("county lists fill all 58 columns" in note for note in stats.notes)
