from __future__ import annotations

import gzip
import zipfile
from datetime import date
from pathlib import Path

import pytest

from medcode.icd10.codes import format_icd10cm, normalize_icd10
from medcode.icd10.models import Icd10CmCode, Icd10PcsCode
from medcode.importers.base import LoadError, Source
from medcode.importers.icd10_order import Icd10CmOrder, Icd10PcsOrder
from medcode.releases.loader import load_paths, recognize
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
CM_FIXTURE = FIXTURES / "icd10cm_order_2030.txt"
PCS_FIXTURE = FIXTURES / "icd10pcs_order_2030.txt"


def fixture_lines(path: Path) -> list[str]:
    return path.read_bytes().decode().split("\r\n")[:-1]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_bytes("".join(f"{line}\r\n" for line in lines).encode())
    return path


def order_line(number: int, code: str, flag: str, short: str, long: str) -> str:
    """A line in CMS's order-file layout: the long title starts in column 78."""
    return f"{number:05d} {code:<7} {flag} {short:<60} {long}"


def with_columns(line: str, start: int, text: str) -> str:
    """``line`` with ``text`` written over it from column ``start`` (1-based, as CMS counts)."""
    return line[: start - 1] + text + line[start - 1 + len(text) :]


def nothing_stored() -> bool:
    return (
        not Release.objects.exists()
        and not Icd10CmCode.objects.exists()
        and not Icd10PcsCode.objects.exists()
    )


# --- loading the fixtures -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_loads_every_cm_line_with_its_billable_flag_and_titles() -> None:
    outcome = load_file(CM_FIXTURE, "icd10cm_order")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version, release.label) == (
        "icd10cm",
        "FY2030",
        "ICD-10-CM FY2030",
    )
    assert (release.period_start, release.period_end) == (date(2029, 10, 1), date(2030, 9, 30))
    assert release.rows_read == release.rows_loaded == 8
    codes = {c.code: c for c in Icd10CmCode.objects.all()}
    assert list(codes) == ["A00", "A000", "E11", "E116", "E1165", "QA00101", "S72001", "S72001A"]
    e1165 = codes["E1165"]
    assert (e1165.order_number, e1165.billable) == (5, True)
    assert e1165.short_title == "Type 2 diabetes mellitus with hyperglycemia"
    assert e1165.long_title == "Type 2 diabetes mellitus with hyperglycemia"
    assert e1165.display_code == "E11.65"
    assert codes["E11"].billable is False
    assert codes["E116"].long_title == "Type 2 diabetes mellitus with other specified complications"
    assert codes["E116"].short_title == "Type 2 diabetes mellitus with oth complications"
    # A short title that fills all 60 columns runs straight into the blank before the long one.
    assert (
        codes["QA00101"].short_title
        == "Test neurodevelopmental disorder, exactly sixty characters x"
    )
    assert codes["S72001A"].billable is True
    assert codes["S72001A"].long_title == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )


@pytest.mark.django_db
def test_it_loads_pcs_codes_and_table_headers_with_the_valid_flag() -> None:
    outcome = load_file(PCS_FIXTURE, "icd10pcs_order")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version, release.label) == (
        "icd10pcs",
        "FY2030",
        "ICD-10-PCS FY2030",
    )
    assert (release.period_start, release.period_end) == (date(2029, 10, 1), date(2030, 9, 30))
    rows = list(Icd10PcsCode.objects.order_by("order_number").values_list("code", "valid"))
    assert rows == [
        ("001", False),
        ("0016070", True),
        ("0W3", False),
        ("0W3P8ZZ", True),
        ("XW0", False),
        ("XW033H5", True),
    ]
    code = Icd10PcsCode.objects.get(code="0W3P8ZZ")
    assert code.order_number == 4
    assert code.short_title == "Control Bleeding in GI Tract, Endo"
    assert code.long_title == (
        "Control Bleeding in Gastrointestinal Tract, Via Natural or Artificial Opening Endoscopic"
    )
    assert not Icd10CmCode.objects.exists()


@pytest.mark.django_db
def test_it_loads_the_order_file_from_a_cms_zip_and_skips_the_codes_and_addenda_files(
    tmp_path: Path,
) -> None:
    archive_path = tmp_path / "2030-code-descriptions-tabular-order.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.write(CM_FIXTURE, "icd10cm_order_2030.txt")
        archive.writestr(
            "icd10cm_codes_2030.txt",
            "A000    Cholera due to Vibrio cholerae 01, biovar cholerae\r\n"
            "E1165   Type 2 diabetes mellitus with hyperglycemia\r\n",
        )
        archive.writestr(
            "icd10cm_order_addenda_2030.txt",
            "Add:         1 E1166   Test added code" + " " * 45 + "Test added code\r\n",
        )
        archive.writestr("icd10OrderFiles.pdf", b"%PDF-1.4 not data")

    outcomes = {o.source.split("!")[1]: o for o in load_paths([archive_path])}

    assert outcomes["icd10cm_order_2030.txt"].status == "loaded"
    for member in (
        "icd10cm_codes_2030.txt",
        "icd10cm_order_addenda_2030.txt",
        "icd10OrderFiles.pdf",
    ):
        assert outcomes[member].status == "skipped", member
    assert Icd10CmCode.objects.count() == 8
    assert Release.objects.get().source_name.endswith("!icd10cm_order_2030.txt")


# --- recognizing ------------------------------------------------------------------------------


def test_it_tells_cm_from_pcs_by_the_codes_when_the_name_does_not_say(tmp_path: Path) -> None:
    cm = write_lines(tmp_path / "order.txt", fixture_lines(CM_FIXTURE))
    pcs = write_lines(tmp_path / "order_file.txt", fixture_lines(PCS_FIXTURE))

    assert isinstance(recognize(Source(cm)), Icd10CmOrder)
    assert isinstance(recognize(Source(pcs)), Icd10PcsOrder)


def test_it_does_not_take_pcs_lines_for_cm_because_of_the_name(tmp_path: Path) -> None:
    misnamed = write_lines(tmp_path / "icd10cm_order_2030.txt", fixture_lines(PCS_FIXTURE))

    found = recognize(Source(misnamed))

    assert isinstance(found, LoadError)
    assert "named like a ICD-10-CM order file" in str(found)


def test_it_leaves_lines_that_fit_both_code_sets_to_the_name(tmp_path: Path) -> None:
    # B-section PCS headers and 7-character PCS codes can look like CM codes.
    lines = [
        order_line(1, "B02", "0", "Test imaging header", "Test imaging header"),
        order_line(2, "B020ZZZ", "1", "Test imaging code", "Test imaging code"),
    ]
    pcs = write_lines(tmp_path / "icd10pcs_order_2030.txt", lines)
    unnamed = write_lines(tmp_path / "order.txt", lines)

    assert isinstance(recognize(Source(pcs)), Icd10PcsOrder)
    assert isinstance(recognize(Source(unnamed)), LoadError)


@pytest.mark.parametrize(
    "content",
    [
        "A000    Cholera due to Vibrio cholerae 01, biovar cholerae\r\n",
        "Add:         1 E1166   Test added code" + " " * 45 + "Test added code\r\n",
        "00001 A00     0 Cholera\r\n",
    ],
    ids=["codes-file", "addenda", "no-long-title"],
)
def test_it_does_not_recognize_other_icd10_text_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "icd10cm_other_2030.txt"
    path.write_text(content)

    assert not isinstance(recognize(Source(path)), Icd10CmOrder | Icd10PcsOrder)


# --- failing --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line_no", "start", "text", "field", "message"),
    [
        (5, 15, "X", "field 'billable'", "expected 1 or 0, got 'X'"),
        (3, 1, "0A003", "field 'order number'", "expected 5 digits"),
        (4, 7, "E11.6  ", "field 'code'", "'E11.6' is not an ICD-10-CM code"),
        (6, 7, "1A00101", "field 'code'", "'1A00101' is not an ICD-10-CM code"),
        (2, 16, "X", "field '(layout)'", "columns are shifted"),
        (7, 7, "E1165  ", "field 'code'", "E1165 is listed twice (first on line 5)"),
        (8, 17, " " * 60, "field 'short title'", "is blank"),
    ],
    ids=["flag", "order-number", "dotted-code", "digit-first", "shifted", "duplicate", "no-short"],
)
def test_it_rejects_a_bad_value_naming_the_line_and_field(
    tmp_path: Path, line_no: int, start: int, text: str, field: str, message: str
) -> None:
    lines = fixture_lines(CM_FIXTURE)
    lines[line_no - 1] = with_columns(lines[line_no - 1], start, text)
    path = write_lines(tmp_path / "icd10cm_order_2030.txt", lines)

    outcome = load_file(path, "icd10cm_order")

    assert outcome.status == "failed"
    assert f"icd10cm_order_2030.txt, line {line_no}, {field}" in outcome.message
    assert message in outcome.message
    assert nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_pcs_code_of_the_wrong_length(tmp_path: Path) -> None:
    lines = fixture_lines(PCS_FIXTURE)
    lines[3] = with_columns(lines[3], 7, "0W3P8Z ")
    path = write_lines(tmp_path / "icd10pcs_order_2030.txt", lines)

    outcome = load_file(path, "icd10pcs_order")

    assert outcome.status == "failed"
    assert "line 4, field 'code': '0W3P8Z' is not an ICD-10-PCS code" in outcome.message
    assert nothing_stored()


@pytest.mark.django_db
def test_it_fails_on_a_file_cut_off_in_the_middle_of_a_line(tmp_path: Path) -> None:
    data = CM_FIXTURE.read_bytes()
    cut = data[: data.index(b"00008 S72001A") + 40]
    path = tmp_path / "icd10cm_order_2030.txt"
    path.write_bytes(cut)

    outcome = load_file(path, "icd10cm_order")

    assert outcome.status == "failed"
    assert "line 8, field 'long title'" in outcome.message
    assert "cut short" in outcome.message
    assert nothing_stored()


@pytest.mark.django_db
def test_it_fails_on_a_truncated_gzip_and_stores_nothing(tmp_path: Path) -> None:
    packed = gzip.compress(CM_FIXTURE.read_bytes())
    path = tmp_path / "icd10cm_order_2030.txt.gz"
    path.write_bytes(packed[: len(packed) // 2])

    outcome = load_file(path, "icd10cm_order")

    assert outcome.status == "failed"
    assert "truncated" in outcome.message
    assert nothing_stored()


@pytest.mark.django_db
def test_it_needs_the_fiscal_year_from_the_file_name(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "order.txt", fixture_lines(CM_FIXTURE))

    outcome = load_file(path, "icd10cm_order")

    assert outcome.status == "failed"
    assert "cannot tell the fiscal year" in outcome.message
    assert "icd10cm_order_2026.txt" in outcome.message
    assert nothing_stored()


# --- code display -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("E1165", "E11.65"),
        ("E11", "E11"),
        ("S72001A", "S72.001A"),
        ("A000", "A00.0"),
        ("E11.65", "E11.65"),
    ],
)
def test_it_shows_cm_codes_with_the_dot_after_the_category(stored: str, shown: str) -> None:
    assert format_icd10cm(stored) == shown


def test_it_turns_what_a_user_typed_into_the_stored_code() -> None:
    assert normalize_icd10(" e11.65 ") == "E1165"
    assert normalize_icd10("0016070") == "0016070"


# --- the real files -------------------------------------------------------------------------

CM_2026 = ("icd10cm/2026-code-descriptions-tabular-order.zip", "icd10cm_order_2026.txt")
CM_2025 = ("icd10cm/2025-code-descriptions-tabular-order.zip", "icd10cm_order_2025.txt")
PCS_2026 = (
    "icd10pcs/2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
    "icd10pcs_order_2026.txt",
)


def real(zip_and_member: tuple[str, str]) -> Source:
    return Source(shared_file(zip_and_member[0]), zip_and_member[1])


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("file", "format_id", "dataset", "version", "lines", "flagged", "last"),
    [
        (CM_2026, "icd10cm_order", "icd10cm", "FY2026", 98_186, 74_719, "U099"),
        (CM_2025, "icd10cm_order", "icd10cm", "FY2025", 97_584, 74_260, "U099"),
        (PCS_2026, "icd10pcs_order", "icd10pcs", "FY2026", 80_029, 79_115, "XY0YX37"),
    ],
    ids=["cm-2026", "cm-2025", "pcs-2026"],
)
def test_it_reads_every_line_of_the_real_order_files(
    file: tuple[str, str],
    format_id: str,
    dataset: str,
    version: str,
    lines: int,
    flagged: int,
    last: str,
) -> None:
    source = real(file)
    source_recognized = recognize(source)
    assert getattr(source_recognized, "format", None) == format_id

    rows, stats = parse_all(source, format_id)

    info = source_recognized.release(source, source.head())  # type: ignore[union-attr]
    year = int(version[2:])
    assert (info.dataset, info.version) == (dataset, version)
    assert (info.period_start, info.period_end) == (date(year - 1, 10, 1), date(year, 9, 30))
    assert len(rows) == stats.rows_read == lines
    assert sum(1 for _, values in rows if values[2]) == flagged
    assert [values[0] for _, values in rows] == list(range(1, lines + 1))
    assert rows[-1][1][:2] == (lines, last)


@pytest.mark.realdata
def test_it_reads_the_real_fy2026_cm_codes_as_cms_publishes_them() -> None:
    rows, _ = parse_all(real(CM_2026), "icd10cm_order")
    by_code = {values[1]: values for _, values in rows}

    assert by_code["E1165"] == (
        4413,
        "E1165",
        True,
        "Type 2 diabetes mellitus with hyperglycemia",
        "Type 2 diabetes mellitus with hyperglycemia",
    )
    assert by_code["E11"][2] is False
    assert by_code["E11"][4] == "Type 2 diabetes mellitus"
    assert by_code["E116"][2] is False
    assert by_code["M1711"][:3] == (18150, "M1711", True)
    assert by_code["M1711"][4] == "Unilateral primary osteoarthritis, right knee"
    assert by_code["S72001"][2] is False
    assert by_code["S72001A"][2:] == (
        True,
        "Fracture of unsp part of neck of right femur, init",
        "Fracture of unspecified part of neck of right femur, "
        "initial encounter for closed fracture",
    )
    # New in FY2026: a chapter whose codes have a letter in the second position.
    assert by_code["QA00101"][2:4] == (True, "SCN2A-related neurodevelopmental disorder")
    assert rows[0][1] == (1, "A00", False, "Cholera", "Cholera")


@pytest.mark.realdata
def test_it_reads_the_real_fy2025_cm_file_with_its_own_order_numbers() -> None:
    rows, _ = parse_all(real(CM_2025), "icd10cm_order")
    by_code = {values[1]: values for _, values in rows}

    assert by_code["E1165"][:3] == (4404, "E1165", True)
    assert "QA00101" not in by_code


@pytest.mark.realdata
def test_it_reads_the_real_pcs_codes_and_headers() -> None:
    rows, _ = parse_all(real(PCS_2026), "icd10pcs_order")
    by_code = {values[1]: values for _, values in rows}

    assert by_code["0016070"] == (
        2,
        "0016070",
        True,
        "Bypass Cereb Vent to Nasophar with Autol Sub, Open Approach",
        "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach",
    )
    assert by_code["001"][:3] == (1, "001", False)
    assert by_code["001"][4] == "Central Nervous System and Cranial Nerves, Bypass"
    assert all(len(str(code)) == 3 for code, values in by_code.items() if not values[2])
    assert all(len(str(code)) == 7 for code, values in by_code.items() if values[2])
