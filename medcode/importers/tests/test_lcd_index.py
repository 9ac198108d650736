from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from medcode.coverage.models import LcdDocument
from medcode.importers.base import Source
from medcode.importers.lcd_index import LcdIndex
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURE = Path(__file__).parent / "fixtures" / "lcd_index_documents.csv"


def variant(tmp_path: Path, old: str, new: str, name: str = "lcd_lca_documents_latest.csv") -> Path:
    """The fixture with one piece of text replaced, written under ``name``."""
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
    return path


def assert_nothing_stored() -> None:
    assert not Release.objects.exists()
    assert not LcdDocument.objects.exists()


@pytest.mark.django_db
def test_it_loads_each_document_version_with_its_contractors_and_dates() -> None:
    outcome = load_file(FIXTURE, "lcd_index")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="lcd_index")
    # The newest update in the file (08/08/2031) dates the index, not the first row's.
    assert (release.version, release.period_start, release.period_end) == (
        "2031-08-08",
        date(2031, 8, 8),
        None,
    )
    assert (release.rows_read, release.rows_loaded) == (4, 4)
    versions = LcdDocument.objects.filter(display_id="L99001").order_by("document_version")
    assert [(d.document_version, d.effective_date, d.note) for d in versions] == [
        (9, date(2029, 11, 1), ""),
        (12, date(2031, 9, 7), "Future(Notice Ends 09/06/2031)"),
    ]
    lcd = versions[1]
    assert (lcd.document_id, lcd.document_type, lcd.title) == (
        99001,
        "LCD",
        "Example Testing of Something",
    )
    assert lcd.contractor == "Example Administrators, LLC\n(MAC - Part A, MAC - Part B)"
    assert (lcd.retirement_date, lcd.updated_on, lcd.updated_on_sort) == (
        None,
        date(2031, 7, 16),
        "20310716101833",
    )
    assert lcd.url.endswith("lcd.aspx?lcdid=99001&ver=12")
    shared = LcdDocument.objects.get(display_id="A99002")
    assert shared.contractor == (
        "Sample Health Solutions, Inc.\n(DME MAC)\n\nOther Sample Contractor, LLC\n(DME MAC)"
    )
    assert shared.title == "Billing and Coding: Example Supplies \u2013 Policy Article"
    retired = LcdDocument.objects.get(display_id="A99003")
    assert (retired.document_type, retired.note, retired.retirement_date) == (
        "Article",
        "Retired",
        date(2030, 3, 13),
    )
    assert retired.title == "Billing and Coding: Example, Retired Article"


def test_it_recognizes_the_index_by_its_header_not_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "anything.csv"
    renamed.write_bytes(FIXTURE.read_bytes())
    other = tmp_path / "lcd_documents.csv"
    other.write_text("code,description\nA0001,Something\n", encoding="utf-8")

    assert LcdIndex().recognize(Source(renamed), Source(renamed).head())
    assert not LcdIndex().recognize(Source(other), Source(other).head())


@pytest.mark.django_db
def test_it_names_the_physical_line_and_field_of_a_bad_date_after_multi_line_records(
    tmp_path: Path,
) -> None:
    # The third record spans lines 6-10; its dates sit on line 10.
    path = variant(tmp_path, "Article,3,10/01/2030", "Article,3,10/41/2030")

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "lcd_lca_documents_latest.csv, line 10, field 'effective_date'" in outcome.message
    assert "10/41/2030" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_document_type_it_does_not_know(tmp_path: Path) -> None:
    path = variant(tmp_path, "99001,LCD,9,", "99001,NCD,9,")

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "line 5, field 'document_type'" in outcome.message and "'NCD'" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_link_to_another_version(tmp_path: Path) -> None:
    path = variant(tmp_path, "articleid=99003&ver=7", "articleid=99003&ver=8")

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "line 12, field 'url'" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_file_cut_inside_a_quoted_field(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    path = tmp_path / "lcd_lca_documents_latest.csv"
    # Cut after the first line of the last record's contractor: its quote never closes.
    path.write_bytes(data[: data.index(b"(MAC - Part B)")])

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "line 11" in outcome.message and "unexpected end of data" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_file_cut_between_fields(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    path = tmp_path / "lcd_lca_documents_latest.csv"
    path.write_bytes(data[: data.index(b",02/01/2030")])

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "line 12" in outcome.message and "expected 12 fields, got 9" in outcome.message
    assert_nothing_stored()


@pytest.mark.django_db
def test_it_rejects_a_file_whose_last_line_has_no_ending(tmp_path: Path) -> None:
    path = tmp_path / "lcd_lca_documents_latest.csv"
    path.write_bytes(FIXTURE.read_bytes()[:-1])

    outcome = load_file(path, "lcd_index")

    assert outcome.status == "failed"
    assert "line 12" in outcome.message and "truncated" in outcome.message
    assert_nothing_stored()


@pytest.mark.realdata
def test_it_reads_every_document_of_the_real_index() -> None:
    source = Source(shared_file("mcd/lcd_lca_documents_latest.csv"))

    info = LcdIndex().release(source, source.head())
    rows, stats = parse_all(source, "lcd_index")

    assert (info.version, info.period_start) == ("2025-08-08", date(2025, 8, 8))
    docs = [dict(zip(LcdDocument.LOAD_FIELDS, values, strict=True)) for _, values in rows]
    assert (len(docs), stats.rows_read, stats.line) == (3133, 3133, 6690)
    assert Counter(d["document_type"] for d in docs) == {"LCD": 972, "Article": 2161}
    # Twelve documents are listed twice: the version in force and a future one.
    per_document = Counter(d["display_id"] for d in docs)
    assert (len(per_document), sum(n == 2 for n in per_document.values())) == (3121, 12)
    assert Counter(d["note"] for d in docs)["Retired"] == 94
    assert sum(d["retirement_date"] is not None for d in docs) == 94

    by_version = {(d["display_id"], d["document_version"]): d for d in docs}
    urine = by_version[("L36668", 45)]
    assert urine["title"] == "Urine Drug Testing"
    assert urine["contractor"] == "Noridian Healthcare Solutions, LLC\n(MAC - Part A, MAC - Part B)"
    assert (urine["effective_date"], urine["updated_on"], urine["retirement_date"]) == (
        date(2025, 8, 14),
        date(2025, 8, 6),
        None,
    )
    assert urine["url"] == (
        "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=36668&ver=45"
    )
    rituximab = [by_version[("L39297", 3)], by_version[("L39297", 6)]]
    assert [(d["effective_date"], d["note"]) for d in rituximab] == [
        (date(2022, 11, 1), ""),
        (date(2025, 9, 7), "Future(Notice Ends 09/06/2025)"),
    ]
    retired = by_version[("L34011", 18)]
    assert (retired["note"], retired["effective_date"], retired["retirement_date"]) == (
        "Retired",
        date(2019, 10, 1),
        date(2025, 6, 26),
    )
    dme = [d for d in docs if "(DME MAC)\n\n" in str(d["contractor"])]
    assert len(dme) == 141
    assert dme[0]["contractor"] == (
        "CGS Administrators, LLC\n(DME MAC)\n\nNoridian Healthcare Solutions, LLC\n(DME MAC)"
    )
    last = docs[-1]
    assert (last["display_id"], last["document_version"], last["title"]) == (
        "A52840",
        2,
        "Clinical Trials \u2013 Medical Policy Article",
    )
