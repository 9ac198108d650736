from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from medcode.edits.models import MueEdit
from medcode.importers.base import Source
from medcode.releases.loader import recognize
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURE = (
    Path(__file__).parent / "fixtures" / "ncci_mue_MCR_MUE_PractitionerServices_Eff_07-01-2030.csv"
)
NAME = "MCR_MUE_PractitionerServices_Eff_07-01-2030"


def fixture_text() -> str:
    return FIXTURE.read_bytes().decode("cp1252")


def write_csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("cp1252"))
    return path


def write_xlsx(folder: Path, name: str, records: Sequence[Sequence[object]]) -> Path:
    """A workbook laid out as CMS's: the notice in A1, headings in row 2, then the codes."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "PractitionerSvcEff-07-01-2030"
    for record in records:
        sheet.append(list(record))
    path = folder / name
    book.save(path)
    return path


def fixture_records() -> list[list[str]]:
    return list(csv.reader(io.StringIO(fixture_text(), newline="")))


@pytest.mark.django_db
def test_it_loads_units_indicators_and_rationales() -> None:
    outcome = load_file(FIXTURE, "ncci_mue")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version) == ("ncci_mue_practitioner", "2030-07-01")
    assert (release.period_start, release.period_end) == (date(2030, 7, 1), date(2030, 9, 30))
    assert release.label == "NCCI MUE practitioner services, effective 2030-07-01"
    assert (release.rows_read, MueEdit.objects.count()) == (6, 6)
    g0283 = MueEdit.objects.get(code="G0283")
    assert (g0283.value, g0283.adjudication_indicator) == (1, "3")
    assert g0283.adjudication_text == "Date of Service Edit: Clinical"
    assert g0283.rationale == "Code Descriptor / CPT Instruction"
    j1100 = MueEdit.objects.get(code="J1100")
    assert (j1100.value, j1100.adjudication_indicator, j1100.adjudication_text) == (
        120,
        "1",
        "Line Edit",
    )
    assert MueEdit.objects.get(code="V5364").value == 0


@pytest.mark.django_db
def test_it_takes_the_setting_from_the_headings(tmp_path: Path) -> None:
    text = fixture_text().replace("Practitioner Services MUE", "DME Supplier Services MUE")

    outcome = load_file(write_csv(tmp_path, "MUE_Table_Eff_10-01-2030.csv", text), "ncci_mue")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version) == ("ncci_mue_dme", "2030-10-01")
    assert release.period_end == date(2030, 12, 31)


@pytest.mark.django_db
def test_the_xlsx_and_the_csv_of_one_table_give_the_same_rows(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path, f"{NAME}.xlsx", fixture_records())

    from_csv, _ = parse_all(Source(FIXTURE), "ncci_mue")
    from_xlsx, stats = parse_all(Source(xlsx), "ncci_mue")

    assert from_xlsx == from_csv
    assert stats.rows_read == 6
    assert load_file(xlsx, "ncci_mue").status == "loaded"
    again = load_file(FIXTURE, "ncci_mue")
    assert again.status == "skipped" and "already loaded" in again.message
    assert MueEdit.objects.count() == 6


def test_it_reads_numbers_typed_into_the_workbook_as_numbers(tmp_path: Path) -> None:
    records: list[Sequence[object]] = [
        *fixture_records()[:2],
        [100, 2, "2 Date of Service Edit: Policy", "Anatomic Consideration"],
        ["97110", 4.0, "3 Date of Service Edit: Clinical", "Clinical: Data"],
    ]

    rows, _ = parse_all(Source(write_xlsx(tmp_path, f"{NAME}.xlsx", records)), "ncci_mue")

    assert [values[:3] for _, values in rows] == [("00100", 2, "2"), ("97110", 4, "3")]


def test_it_recognizes_csv_and_xlsx_tables_by_their_headings(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path, "table.xlsx", fixture_records())
    other = write_xlsx(tmp_path, "other.xlsx", [["HCPCS", "Units"], ["97110", 1]])

    assert getattr(recognize(Source(FIXTURE)), "format", None) == "ncci_mue"
    assert getattr(recognize(Source(xlsx)), "format", None) == "ncci_mue"
    assert getattr(recognize(Source(other)), "format", None) != "ncci_mue"


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_adjudication_indicator(tmp_path: Path) -> None:
    text = fixture_text().replace("2,3 Date of Service Edit: Clinical", "2,4 Date of Service Edit")

    outcome = load_file(write_csv(tmp_path, f"{NAME}.csv", text), "ncci_mue")

    assert outcome.status == "failed"
    assert f"{NAME}.csv, line 10, field 'MUE Adjudication Indicator'" in outcome.message
    assert not Release.objects.exists() and not MueEdit.objects.exists()


@pytest.mark.django_db
def test_it_names_the_row_and_field_of_a_bad_value_in_the_workbook(tmp_path: Path) -> None:
    records: list[Sequence[object]] = [*fixture_records()]
    records[4] = ["99213", "two", "3 Date of Service Edit: Clinical", "Clinical: Data"]

    outcome = load_file(write_xlsx(tmp_path, f"{NAME}.xlsx", records), "ncci_mue")

    assert outcome.status == "failed"
    assert "line 5, field 'MUE Values'" in outcome.message and "'two'" in outcome.message
    assert not MueEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_csv_cut_off_in_the_middle_of_a_record(tmp_path: Path) -> None:
    text = fixture_text()
    cut = text[: text.index("Prescribing Information")]  # "J1100,120,1 Line Edit,"
    cut = cut[: cut.rindex(",")]

    outcome = load_file(write_csv(tmp_path, f"{NAME}.csv", cut), "ncci_mue")

    assert outcome.status == "failed"
    assert "line 12" in outcome.message and "expected 4 columns, got 3" in outcome.message
    assert not Release.objects.exists() and not MueEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_truncated_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, f"{NAME}.xlsx", fixture_records())
    path.write_bytes(path.read_bytes()[:-300])

    outcome = load_file(path, "ncci_mue")

    assert outcome.status == "failed"
    assert "truncated or corrupt" in outcome.message
    assert not Release.objects.exists() and not MueEdit.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_medicaid_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "MCD_MUE_PractitionerServices_Eff_07-01-2030.csv", fixture_text())

    outcome = load_file(path, "ncci_mue")

    assert outcome.status == "failed" and "Medicaid" in outcome.message


def _by_code(path: str) -> tuple[dict[str, tuple[object, ...]], Counter[object], int]:
    rows, stats = parse_all(Source(shared_file(path)), "ncci_mue")
    by_code = {str(values[0]): values for _, values in rows}
    return by_code, Counter(values[2] for _, values in rows), stats.rows_read


@pytest.mark.realdata
def test_it_reads_the_real_april_2026_practitioner_table_from_csv_and_xlsx() -> None:
    csv_path = "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
    by_code, indicators, read = _by_code(csv_path)

    assert (len(by_code), read) == (15_095, 15_095)
    assert indicators == {"1": 41, "2": 5_417, "3": 9_637}
    assert by_code["G0283"] == (
        "G0283",
        1,
        "3",
        "Date of Service Edit: Clinical",
        "Code Descriptor / CPT Instruction",
    )
    assert by_code["99213"] == ("99213", 2, "3", "Date of Service Edit: Clinical", "Clinical: Data")
    assert by_code["0001U"][1:3] == (1, "2")
    assert by_code["V5364"][1:3] == (0, "3")

    from_csv, _ = parse_all(Source(shared_file(csv_path)), "ncci_mue")
    xlsx = Source(shared_file(csv_path.replace(".csv", ".xlsx")))
    from_xlsx, _ = parse_all(xlsx, "ncci_mue")
    assert from_xlsx == from_csv
    importer = recognize(xlsx)
    info = importer.release(xlsx, xlsx.head())  # type: ignore[union-attr]
    assert (info.dataset, info.version, info.period_start, info.period_end) == (
        "ncci_mue_practitioner",
        "2026-04-01",
        date(2026, 4, 1),
        date(2026, 6, 30),
    )


@pytest.mark.realdata
def test_it_reads_the_real_april_2026_outpatient_and_dme_tables() -> None:
    outpatient = "ncci_mue/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"
    by_code, indicators, read = _by_code(outpatient)
    assert (len(by_code), read) == (15_045, 15_045)
    assert indicators == {"1": 42, "2": 6_075, "3": 8_928}
    assert by_code["G0283"][1:3] == (1, "3") and by_code["99213"][1:3] == (2, "3")
    source = Source(shared_file(outpatient))
    assert recognize(source).release(source, source.head()).dataset == "ncci_mue_outpatient"  # type: ignore[union-attr]

    dme = "ncci_mue/MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv"
    by_code, indicators, read = _by_code(dme)
    assert (len(by_code), read) == (3_083, 3_083)
    assert indicators == {"1": 23, "2": 1_309, "3": 1_751}
    assert by_code["A4206"] == ("A4206", 0, "3", "Date of Service Edit: Clinical", "CMS Policy")
    source = Source(shared_file(dme))
    assert recognize(source).release(source, source.head()).dataset == "ncci_mue_dme"  # type: ignore[union-attr]
