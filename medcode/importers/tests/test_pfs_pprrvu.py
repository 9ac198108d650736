from __future__ import annotations

import csv
import gzip
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from medcode.fees import indicators
from medcode.fees.models import PfsNotice, PfsRvu
from medcode.importers.base import Row, Source
from medcode.importers.pfs_pprrvu import PfsPprrvu
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "pfs_pprrvu_PPRRVU2025_Oct.csv"
TXT = FIXTURES / "pfs_pprrvu_PPRRVU2025_Oct.txt"
REAL = "pfs_rvu/rvu25d/PPRRVU2025_Oct"

# Columns the spreadsheet holds as numbers, as CMS's xlsx does (found by opening the real one).
_FLOAT_COLUMNS = {5, 6, 8, 10, 11, 12, 15, 16, 17, 24, 28, 29, 30}
_INT_COLUMNS = {0, 1, 13, 18, 19, 20, 21, 22, 23, 26, 27}


def _typed(value: str, column: int) -> object:
    """A csv cell as CMS's spreadsheet stores it: numbers as numbers, blanks as empty cells."""
    if value == "":
        return None
    if column in _FLOAT_COLUMNS:
        number = float(value)
        return int(number) if number.is_integer() else number
    if column in _INT_COLUMNS and value.isdigit():
        return int(value)
    return value


def write_xlsx(
    path: Path, source: Path = CSV, change: dict[tuple[int, int], object] | None = None
) -> Path:
    """An xlsx with the csv fixture's rows; ``change`` overrides cells by (row, column), 1-based."""
    with source.open(newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "PPRRVU2025_Oct"
    for number, row in enumerate(rows, start=1):
        if number <= 10:
            sheet.append([c if c else None for c in row])
        else:
            sheet.append([_typed(c, i) for i, c in enumerate(row)])
    for (row_no, col_no), value in (change or {}).items():
        sheet.cell(row=row_no, column=col_no, value=value)
    book.save(path)
    return path


def rvu_rows(rows: list[Row]) -> list[tuple[object, ...]]:
    return [values for model, values in rows if model is PfsRvu]


def notices(rows: list[Row]) -> list[str]:
    return [str(values[0]) for model, values in rows if model is PfsNotice]


# --- loading the fixtures ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_loads_every_column_of_the_csv_and_keeps_the_files_notice() -> None:
    outcome = load_file(CSV, "pfs_pprrvu")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_rvu")
    assert (release.version, release.label) == ("RVU25D", "Medicare PFS RVU25D (October 2025)")
    assert (release.period_start, release.period_end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert (release.rows_read, release.rows_loaded) == (11, 12)  # 11 codes and the notice

    visit = PfsRvu.objects.get(hcpcs="99213", modifier="")
    assert visit.description == "Office visit test description"
    assert (visit.status_code, visit.not_used_for_medicare_payment) == ("A", "")
    assert (visit.work_rvu, visit.nonfacility_pe_rvu, visit.facility_pe_rvu, visit.mp_rvu) == (
        Decimal("1.11"),
        Decimal("1.22"),
        Decimal("0.44"),
        Decimal("0.09"),
    )
    assert (visit.nonfacility_total, visit.facility_total) == (Decimal("2.42"), Decimal("1.64"))
    assert (visit.pctc_indicator, visit.global_days, visit.conversion_factor) == (
        "0",
        "XXX",
        Decimal("33.1234"),
    )
    assert (visit.physician_supervision, visit.calculation_flag, visit.imaging_family) == (
        "09",
        "0",
        "99",
    )

    debridement = PfsRvu.objects.get(hcpcs="11042")
    assert (debridement.global_days, debridement.preop_share, debridement.intraop_share) == (
        "000",
        Decimal("0.10"),
        Decimal("0.80"),
    )
    assert (
        debridement.multiple_procedure,
        debridement.bilateral_surgery,
        debridement.assistant_at_surgery,
        debridement.co_surgeons,
        debridement.team_surgery,
    ) == ("2", "1", "0", "1", "0")

    scope = PfsRvu.objects.get(hcpcs="43239")
    assert scope.description == "Endoscopy test description, with biopsy"
    assert (scope.multiple_procedure, scope.endoscopic_base_code) == ("3", "43235")

    technical = PfsRvu.objects.get(hcpcs="70551", modifier="TC")
    assert (technical.work_rvu, technical.physician_supervision, technical.imaging_family) == (
        Decimal("0.00"),
        "01",
        "88",
    )
    assert (
        technical.opps_nonfacility_pe_rvu,
        technical.opps_facility_pe_rvu,
        technical.opps_mp_rvu,
    ) == (Decimal("4.21"), Decimal("4.21"), Decimal("0.03"))
    assert PfsRvu.objects.filter(hcpcs="70551").count() == 3

    assert PfsRvu.objects.get(hcpcs="22526").not_used_for_medicare_payment == "+"
    assert PfsRvu.objects.get(hcpcs="G0283").facility_na_indicator == "NA"
    assert PfsRvu.objects.get(hcpcs="00100").status_code == "J"
    assert PfsRvu.objects.get(hcpcs="97110").physician_supervision == "6A"

    notice = PfsNotice.objects.get(release=release).text
    assert notice.startswith("CPT codes and descriptions only are copyright 2024 American Medical")
    assert "Dental codes (D codes) are copyright 2025/26 American Dental Association." in notice


def test_it_reads_the_fixed_width_txt_to_the_same_rows_as_the_csv() -> None:
    from_csv, _ = parse_all(Source(CSV), "pfs_pprrvu")
    from_txt, stats = parse_all(Source(TXT), "pfs_pprrvu")

    assert rvu_rows(from_txt) == rvu_rows(from_csv)
    assert [tuple(map(str, r)) for r in rvu_rows(from_txt)] == [
        tuple(map(str, r)) for r in rvu_rows(from_csv)
    ]
    assert stats.rows_read == 11
    # The text layout cuts the notice into 46-character pieces; they are joined back.
    assert notices(from_txt) == [
        "CPT CODES AND DESCRIPTIONS ONLY ARE COPYRIGHT 2026 AMERICAN MEDICAL ASSOCIATION.  "
        "ALL RIGHTS RESERVED.  APPLICABLE FARS/DFARS APPLY. THE FOLLOWING STATEMENT APPLIES TO "
        "ALL DENTAL CODES (HCPCS START WITH LETTER D):  COPYRIGHT 2025/26 AMERICAN DENTAL "
        "ASSOCIATION.  ALL RIGHTS RESERVED."
    ]


@pytest.mark.django_db
def test_it_reads_the_xlsx_to_the_same_rows_as_the_csv(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "PPRRVU2025_Oct.xlsx")
    from_csv, _ = parse_all(Source(CSV), "pfs_pprrvu")

    from_xlsx, _ = parse_all(Source(path), "pfs_pprrvu")

    # Codes stored as numbers (00100, 26, 43235) get their text back, decimals their places.
    assert [tuple(map(str, r)) for r in rvu_rows(from_xlsx)] == [
        tuple(map(str, r)) for r in rvu_rows(from_csv)
    ]
    assert notices(from_xlsx) == notices(from_csv)
    outcome = load_file(path, "pfs_pprrvu")
    assert outcome.status == "loaded", outcome.message
    assert PfsRvu.objects.get(hcpcs="00100").hcpcs == "00100"
    assert PfsRvu.objects.get(hcpcs="70551", modifier="26").work_rvu == Decimal("1.48")


@pytest.mark.django_db
def test_it_treats_the_csv_txt_and_xlsx_as_one_release(tmp_path: Path) -> None:
    folder = tmp_path / "rvu25d"
    folder.mkdir()
    shutil.copy(CSV, folder / "PPRRVU2025_Oct.csv")
    shutil.copy(TXT, folder / "PPRRVU2025_Oct.txt")
    write_xlsx(folder / "PPRRVU2025_Oct.xlsx")

    outcomes = [
        load_file(folder / f"PPRRVU2025_Oct.{ext}", "pfs_pprrvu") for ext in ("csv", "txt", "xlsx")
    ]

    assert [o.status for o in outcomes] == ["loaded", "skipped", "skipped"]
    assert PfsRvu.objects.count() == 11


def test_it_recognizes_each_form_by_its_content(tmp_path: Path) -> None:
    importer = PfsPprrvu()
    xlsx = write_xlsx(tmp_path / "anything.xlsx")
    renamed_csv = tmp_path / "anything.csv"
    shutil.copy(CSV, renamed_csv)
    for path in (renamed_csv, TXT, xlsx):
        source = Source(path)
        assert importer.recognize(source, source.head()), path.name
    gpci = Source(FIXTURES / "pfs_gpci_GPCI2025.csv")
    assert not importer.recognize(gpci, gpci.head())


@pytest.mark.django_db
def test_it_takes_the_release_from_the_rvu_folder_when_the_name_says_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "rvu24b"
    folder.mkdir()
    shutil.copy(TXT, folder / "relative_values.txt")

    outcome = load_file(folder / "relative_values.txt", "pfs_pprrvu")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="pfs_rvu")
    assert (release.version, release.period_start, release.period_end) == (
        "RVU24B",
        date(2024, 4, 1),
        date(2024, 6, 30),
    )


@pytest.mark.django_db
def test_it_refuses_a_txt_whose_release_cannot_be_told(tmp_path: Path) -> None:
    shutil.copy(TXT, tmp_path / "relative_values.txt")

    outcome = load_file(tmp_path / "relative_values.txt", "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "cannot tell the release" in outcome.message
    assert not Release.objects.exists()


# --- errors -----------------------------------------------------------------------------------


def _replace_in(source: Path, dest: Path, old: str, new: str) -> Path:
    text = source.read_text()
    assert text.count(old) == 1, old
    dest.write_text(text.replace(old, new), newline="")
    return dest


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_rvu_in_the_csv(tmp_path: Path) -> None:
    path = _replace_in(CSV, tmp_path / "PPRRVU2025_Oct.csv", "A,,1.11,1.22", "A,,1.1x,1.22")

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "PPRRVU2025_Oct.csv, line 19, field 'WORK RVU'" in outcome.message
    assert "'1.1x'" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()
    assert not PfsNotice.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_conversion_factor_in_the_txt(tmp_path: Path) -> None:
    lines = TXT.read_text().splitlines()
    assert lines[9].startswith("22526")
    lines[9] = lines[9][:132] + " 33.12x4" + lines[9][140:]
    path = tmp_path / "PPRRVU2025_Oct.txt"
    path.write_text("\r\n".join(lines) + "\r\n", newline="")

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "PPRRVU2025_Oct.txt, line 10, field 'CONV FACTOR'" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


@pytest.mark.django_db
def test_it_names_the_sheet_row_and_field_of_a_bad_cell_in_the_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "PPRRVU2025_Oct.xlsx", change={(14, 11): "n/a"})

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "line 14, field 'MP RVU'" in outcome.message
    assert "'n/a'" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_status_code_longer_than_one_letter(tmp_path: Path) -> None:
    path = _replace_in(
        CSV,
        tmp_path / "PPRRVU2025_Oct.csv",
        "D0120,,Periodic oral exam test description,R,",
        "D0120,,Periodic oral exam test description,RX,",
    )

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "line 20, field 'STATUS CODE'" in outcome.message


@pytest.mark.django_db
def test_it_rejects_a_csv_cut_off_in_a_row(tmp_path: Path) -> None:
    data = CSV.read_bytes()
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_bytes(data[: data.index(b"99213,,Office") + 40])

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "line 19" in outcome.message and "expected 31 columns" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_txt_cut_off_in_a_record(tmp_path: Path) -> None:
    data = TXT.read_bytes()
    path = tmp_path / "PPRRVU2025_Oct.txt"
    path.write_bytes(data[: data.index(b"G0283") + 100])

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "line 18" in outcome.message and "record is 100 characters long" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(CSV.read_bytes())
    path = tmp_path / "PPRRVU2025_Oct.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "truncated" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_truncated_xlsx(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "PPRRVU2025_Oct.xlsx"
    path.write_bytes(whole[: len(whole) // 2])

    outcome = load_file(path, "pfs_pprrvu")

    assert outcome.status == "failed"
    assert "not a readable xlsx workbook" in outcome.message
    assert not Release.objects.exists() and not PfsRvu.objects.exists()


def test_every_indicator_value_in_the_fixture_has_a_meaning() -> None:
    rows, _ = parse_all(Source(CSV), "pfs_pprrvu")
    fields = PfsRvu.LOAD_FIELDS
    for values in rvu_rows(rows):
        for field, value in zip(fields, values, strict=True):
            if field in indicators.BY_FIELD:
                assert indicators.meaning(field, str(value)), (field, value)


# --- the real files ---------------------------------------------------------------------------


def _by_key(rows: list[tuple[object, ...]]) -> dict[tuple[object, object], tuple[object, ...]]:
    return {(r[0], r[1]): r for r in rows}


@pytest.mark.realdata
def test_the_real_csv_txt_and_xlsx_hold_exactly_the_same_19090_rows() -> None:
    parsed = {
        ext: parse_all(Source(shared_file(f"{REAL}.{ext}")), "pfs_pprrvu")
        for ext in ("csv", "txt", "xlsx")
    }
    rows = {ext: rvu_rows(found) for ext, (found, _) in parsed.items()}

    for ext, (_, stats) in parsed.items():
        assert len(rows[ext]) == 19_090, ext
        assert stats.rows_read == 19_090, ext
        assert stats.rows_rejected == 0, ext
    as_text = {ext: [tuple(map(str, r)) for r in found] for ext, found in rows.items()}
    assert as_text["txt"] == as_text["csv"]
    assert as_text["xlsx"] == as_text["csv"]
    assert len(_by_key(rows["csv"])) == 19_090  # code + modifier is unique

    notice = {ext: notices(found) for ext, (found, _) in parsed.items()}
    assert "copyright 2024 American Medical Association" in notice["csv"][0]
    assert notice["xlsx"] == notice["csv"]
    assert "COPYRIGHT 2026 AMERICAN MEDICAL ASSOCIATION" in notice["txt"][0]


@pytest.mark.realdata
def test_the_real_csv_holds_the_published_values() -> None:
    found, _ = parse_all(Source(shared_file(f"{REAL}.csv")), "pfs_pprrvu")
    rows = {
        k: dict(zip(PfsRvu.LOAD_FIELDS, v, strict=True))
        for k, v in _by_key(rvu_rows(found)).items()
    }

    visit = rows[("99213", "")]
    assert visit["status_code"] == "A"
    assert [visit[f] for f in ("work_rvu", "nonfacility_pe_rvu", "facility_pe_rvu", "mp_rvu")] == [
        Decimal("1.30"),
        Decimal("1.35"),
        Decimal("0.57"),
        Decimal("0.10"),
    ]
    assert (visit["nonfacility_total"], visit["facility_total"]) == (
        Decimal("2.75"),
        Decimal("1.97"),
    )
    assert (visit["pctc_indicator"], visit["global_days"]) == ("0", "XXX")
    assert visit["conversion_factor"] == Decimal("32.3465")

    stim = rows[("G0283", "")]
    assert stim["status_code"] == "A"
    assert [stim[f] for f in ("work_rvu", "nonfacility_pe_rvu", "facility_pe_rvu", "mp_rvu")] == [
        Decimal("0.18"),
        Decimal("0.19"),
        Decimal("0.19"),
        Decimal("0.01"),
    ]
    assert (stim["nonfacility_total"], stim["facility_total"]) == (Decimal("0.38"), Decimal("0.38"))
    assert (stim["pctc_indicator"], stim["global_days"], stim["multiple_procedure"]) == (
        "7",
        "XXX",
        "5",
    )
    assert stim["facility_na_indicator"] == "NA"

    # A row flagged "not used for Medicare payment", read from the file by eye.
    idet = rows[("22526", "")]
    assert (idet["status_code"], idet["not_used_for_medicare_payment"]) == ("N", "+")
    assert (idet["work_rvu"], idet["global_days"], idet["preop_share"]) == (
        Decimal("5.85"),
        "010",
        Decimal("0.10"),
    )
    assert rows[("00100", "")]["status_code"] == "J"
    assert sum(1 for r in rows.values() if r["not_used_for_medicare_payment"] == "+") == 148
    assert sum(1 for r in rows.values() if r["modifier"] == "26") == 1127
    assert sum(1 for r in rows.values() if r["modifier"] == "TC") == 1108


@pytest.mark.realdata
def test_every_indicator_value_in_the_real_file_has_a_meaning() -> None:
    found, _ = parse_all(Source(shared_file(f"{REAL}.csv")), "pfs_pprrvu")
    missing: set[tuple[str, str]] = set()
    for values in rvu_rows(found):
        for field, value in zip(PfsRvu.LOAD_FIELDS, values, strict=True):
            if field in indicators.BY_FIELD and indicators.meaning(field, str(value)) is None:
                missing.add((field, str(value)))
    assert missing == set()


@pytest.mark.realdata
def test_the_real_file_is_named_as_the_october_2025_release() -> None:
    source = Source(shared_file(f"{REAL}.txt"))

    info = PfsPprrvu().release(source, source.head())

    assert (info.dataset, info.version, info.label) == (
        "pfs_rvu",
        "RVU25D",
        "Medicare PFS RVU25D (October 2025)",
    )
    assert (info.period_start, info.period_end) == (date(2025, 10, 1), date(2025, 12, 31))
