from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import pytest

from medcode.icd10.models import Icd10CmTabularEntry
from medcode.importers.base import Source
from medcode.importers.icd10cm_tabular import Icd10CmTabular
from medcode.releases.loader import recognize
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURE = Path(__file__).parent / "fixtures" / "icd10cm_tabular_2030.xml"
REAL_XML = "icd10cm/icd10cm-tabular-April-1-2026.xml"


def fixture_text() -> str:
    return FIXTURE.read_bytes().decode()


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def entry(code: str) -> Icd10CmTabularEntry:
    return Icd10CmTabularEntry.objects.get(code=code)


def nothing_stored() -> bool:
    return not Release.objects.exists() and not Icd10CmTabularEntry.objects.exists()


# --- loading the fixture --------------------------------------------------------------------


@pytest.mark.django_db
def test_it_loads_chapters_sections_and_codes_of_a_fiscal_year_file() -> None:
    outcome = load_file(FIXTURE, "icd10cm_tabular")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version, release.label) == (
        "icd10cm_tabular",
        "FY2030",
        "ICD-10-CM Tabular List FY2030",
    )
    assert (release.period_start, release.period_end) == (date(2029, 10, 1), date(2030, 9, 30))
    kinds = {
        kind: Icd10CmTabularEntry.objects.filter(kind=kind).count()
        for kind in ("chapter", "section", "diag")
    }
    assert kinds == {"chapter": 3, "section": 4, "diag": 11}
    assert release.rows_loaded == 18
    in_book_order = list(
        Icd10CmTabularEntry.objects.order_by("sequence").values_list("code", flat=True)
    )
    assert in_book_order[:6] == ["4", "E08-E13", "E11", "E11.6", "E11.65", "7"]
    assert in_book_order[-5:] == ["S70-S79", "S72", "S72.0", "S72.00", "S72.001"]


@pytest.mark.django_db
def test_it_links_each_entry_to_its_parent_chapter_and_section() -> None:
    load_file(FIXTURE, "icd10cm_tabular")

    chapter = entry("4")
    assert (chapter.kind, chapter.parent_code, chapter.depth, chapter.chapter, chapter.section) == (
        "chapter",
        "",
        0,
        4,
        "",
    )
    assert chapter.title == "Endocrine, nutritional and metabolic diseases (E00-E89)"
    section = entry("E08-E13")
    assert (section.kind, section.parent_code, section.depth, section.chapter) == (
        "section",
        "4",
        1,
        4,
    )
    e11 = entry("E11")
    assert (e11.parent_code, e11.depth, e11.section, e11.chapter) == ("E08-E13", 2, "E08-E13", 4)
    e1165 = entry("E11.65")
    assert (e1165.code_nodot, e1165.parent_code, e1165.depth) == ("E1165", "E11.6", 4)
    assert e1165.title == "Type 2 diabetes mellitus with hyperglycemia"
    assert (entry("S72.001").parent_code, entry("S72.001").chapter) == ("S72.00", 19)
    assert entry("H54.0X").placeholder is True
    assert entry("H54.0X3").parent_code == "H54.0X"
    assert entry("H54").placeholder is False


@pytest.mark.django_db
def test_it_keeps_the_notes_each_element_states_and_inherits_none() -> None:
    load_file(FIXTURE, "icd10cm_tabular")

    assert entry("E11").notes == {
        "includes": ["diabetes NOS"],
        "useAdditionalCode": ["code to identify control using:", "insulin (Z79.4)"],
        "excludes1": ["type 1 diabetes mellitus (E10.-)"],
    }
    assert entry("E11.65").notes == {}
    assert entry("E11.65").notes_json == "{}"
    assert entry("4").notes == {
        "excludes2": ["transitory endocrine and metabolic disorders specific to newborn (P70-P74)"]
    }
    assert entry("H00-H59").notes == {"notes": ["A test note on a section that holds no codes"]}
    s72 = entry("S72").notes
    assert s72["sevenChrDef"] == {
        "A": "initial encounter for closed fracture",
        "B": "initial encounter for open fracture type I or II",
        "S": "sequela",
    }
    assert s72["sevenChrDefNotes"] == {"B": ["initial encounter for open fracture NOS"]}
    assert s72["sevenChrNote"] == [
        "The appropriate 7th character is to be added to all codes from category S72"
    ]
    assert entry("S72.001").notes == {}
    assert entry("H54.8").notes["visualImpairment"] == [
        {
            "category": "Category of visual impairment",
            "ranges": [
                {
                    "heading": "Visual acuity with best possible correction",
                    "max": "Maximum less than:",
                    "min": "Minimum equal to or better than:",
                }
            ],
        },
        {"category": "1", "ranges": [{"max": "6/18", "min": "6/60"}]},
    ]


# --- naming the release -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_names_a_mid_year_update_by_its_date(tmp_path: Path) -> None:
    path = write(tmp_path / "icd10cm-tabular-April-1-2030.xml", fixture_text())

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.version, release.label) == (
        "2030-04",
        "ICD-10-CM Tabular List, April 1, 2030 update",
    )
    assert (release.period_start, release.period_end) == (date(2030, 4, 1), date(2030, 9, 30))


@pytest.mark.django_db
def test_it_takes_the_fiscal_year_from_the_version_when_the_name_has_none(tmp_path: Path) -> None:
    path = write(tmp_path / "tabular.xml", fixture_text())

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "loaded", outcome.message
    assert Release.objects.get().version == "FY2030"


@pytest.mark.django_db
def test_it_rejects_a_name_that_contradicts_the_version_inside(tmp_path: Path) -> None:
    path = write(tmp_path / "icd10cm_tabular_2031.xml", fixture_text())

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "failed"
    assert "line 1, field 'version'" in outcome.message
    assert "<version>2030</version>" in outcome.message
    assert nothing_stored()


# --- recognizing ------------------------------------------------------------------------------


def test_it_recognizes_the_tabular_list_by_its_root_element(tmp_path: Path) -> None:
    index = write(
        tmp_path / "icd10cm_index_2030.xml",
        '<?xml version="1.0"?>\n<!-- test -->\n'
        "<ICD10CM.index><version>2030</version></ICD10CM.index>\n",
    )
    as_text = write(tmp_path / "icd10cm_tabular_2030.txt", fixture_text())

    assert isinstance(recognize(Source(FIXTURE)), Icd10CmTabular)
    assert not isinstance(recognize(Source(index)), Icd10CmTabular)
    assert not isinstance(recognize(Source(as_text)), Icd10CmTabular)


@pytest.mark.django_db
def test_it_loads_the_xml_from_a_zip(tmp_path: Path) -> None:
    archive_path = tmp_path / "icd10cm-table-index-2030.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.write(FIXTURE, "icd10cm_tabular_2030.xml")

    outcome = load_file(archive_path, "icd10cm_tabular", member="icd10cm_tabular_2030.xml")

    assert outcome.status == "loaded", outcome.message
    assert Icd10CmTabularEntry.objects.count() == 18


# --- failing --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "<name>E11.65</name>",
            "<name>E1165</name>",
            "line 38, field 'name'",
            "'E1165' is not an ICD-10-CM code",
        ),
        (
            "<name>H54.0X3</name>",
            "<name>H55.0X3</name>",
            "line 63, field 'name'",
            "H55.0X3 is filed under H54.0X",
        ),
        (
            '<extension char="S">',
            "<extension>",
            "line 97, field 'sevenChrDef'",
            "an <extension> of S72 has char=''",
        ),
        (
            '<extension char="S">',
            '<extension char="A">',
            "line 97, field 'sevenChrDef'",
            "7th character 'A' of S72 is defined twice",
        ),
        (
            "<desc>Fracture of head and neck of femur</desc>",
            "<desc> </desc>",
            "line 109, field 'desc'",
            "diag S72.0 has no <desc>",
        ),
        (
            "<name>19</name>",
            "<name>XIX</name>",
            "line 92, field 'chapter name'",
            "expected the chapter number, got 'XIX'",
        ),
        (
            '<section id="H53-H54">',
            "<section>",
            "line 55, field 'section id'",
            "a <section> without an id",
        ),
    ],
    ids=["code", "parent", "no-char", "twice", "no-desc", "chapter", "section"],
)
def test_it_rejects_a_bad_value_naming_the_line_and_field(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    path = write(tmp_path / "icd10cm_tabular_2030.xml", replace_once(fixture_text(), old, new))

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "failed"
    assert f"icd10cm_tabular_2030.xml, {where}: {message}" in outcome.message
    assert nothing_stored()


@pytest.mark.django_db
def test_it_rejects_malformed_xml_naming_the_line(tmp_path: Path) -> None:
    broken = replace_once(fixture_text(), "<name>H54.0X3</name>", "<name>H54.0X3</nam>")
    path = write(tmp_path / "icd10cm_tabular_2030.xml", broken)

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "failed"
    assert "icd10cm_tabular_2030.xml, line 64: malformed or truncated XML: mismatched tag" in (
        outcome.message
    )
    assert nothing_stored()


@pytest.mark.django_db
def test_it_fails_on_a_truncated_file_and_stores_nothing(tmp_path: Path) -> None:
    text = fixture_text()
    cut = text[: text.index("<name>S72.00</name>")]
    path = write(tmp_path / "icd10cm_tabular_2030.xml", cut)

    outcome = load_file(path, "icd10cm_tabular")

    assert outcome.status == "failed"
    assert "line 113: malformed or truncated XML: no element found" in outcome.message
    assert nothing_stored()


# --- the real file ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_rows() -> dict[str, tuple[object, ...]]:
    rows, stats = parse_all(Source(shared_file(REAL_XML)), "icd10cm_tabular")
    assert stats.rows_read == len(rows)
    assert stats.notes == []  # every element of the real file is understood
    return {f"{values[1]}:{values[2]}": values for _, values in rows}


def diag(rows: dict[str, tuple[object, ...]], code: str) -> tuple[object, ...]:
    return rows[f"diag:{code}"]


def notes_of(row: tuple[object, ...]) -> dict[str, object]:
    result: dict[str, object] = json.loads(str(row[10]))
    return result


@pytest.mark.realdata
def test_it_names_the_real_file_as_the_april_2026_update() -> None:
    source = Source(shared_file(REAL_XML))
    importer = recognize(source)
    assert isinstance(importer, Icd10CmTabular)

    info = importer.release(source, source.head())

    assert (info.dataset, info.version) == ("icd10cm_tabular", "2026-04")
    assert (info.period_start, info.period_end) == (date(2026, 4, 1), date(2026, 9, 30))


@pytest.mark.realdata
def test_it_reads_every_chapter_section_and_diag_of_the_real_file(
    real_rows: dict[str, tuple[object, ...]],
) -> None:
    kinds: dict[str, int] = {}
    for values in real_rows.values():
        kinds[str(values[1])] = kinds.get(str(values[1]), 0) + 1

    assert kinds == {"chapter": 22, "section": 297, "diag": 46_881}
    assert sorted(int(str(v[2])) for v in real_rows.values() if v[1] == "chapter") == list(
        range(1, 23)
    )
    assert sorted(int(str(v[0])) for v in real_rows.values()) == list(range(1, 47_201))


@pytest.mark.realdata
def test_it_reads_the_real_codes_with_their_parents_and_notes(
    real_rows: dict[str, tuple[object, ...]],
) -> None:
    e1165 = diag(real_rows, "E11.65")
    assert e1165[2:10] == (
        "E11.65",
        "E1165",
        "E11.6",
        4,
        4,
        "E08-E13",
        "Type 2 diabetes mellitus with hyperglycemia",
        False,
    )
    assert diag(real_rows, "E11.6")[4] == "E11"
    assert diag(real_rows, "E11")[4] == "E08-E13"
    assert real_rows["section:E08-E13"][4] == "4"
    e11 = notes_of(diag(real_rows, "E11"))
    assert "type 1 diabetes mellitus (E10.-)" in e11["excludes1"]  # type: ignore[operator]
    assert "insulin (Z79.4)" in e11["useAdditionalCode"]  # type: ignore[operator]
    assert "diabetes NOS" in e11["includes"]  # type: ignore[operator]
    assert notes_of(e1165) == {}


@pytest.mark.realdata
def test_it_keeps_the_real_seventh_character_rules_where_the_book_prints_them(
    real_rows: dict[str, tuple[object, ...]],
) -> None:
    s72 = notes_of(diag(real_rows, "S72"))
    seventh = s72["sevenChrDef"]
    assert isinstance(seventh, dict)
    assert len(seventh) == 16
    assert seventh["A"] == "initial encounter for closed fracture"
    assert seventh["S"] == "sequela"
    assert s72["sevenChrDefNotes"] == {"B": ["initial encounter for open fracture NOS"]}
    assert s72["sevenChrNote"] == [
        "The appropriate 7th character is to be added to all codes from category S72"
    ]
    s72001 = diag(real_rows, "S72.001")
    assert s72001[4] == "S72.00"
    assert s72001[8] == "Fracture of unspecified part of neck of right femur"
    assert notes_of(s72001) == {}
    h3481 = notes_of(diag(real_rows, "H34.81"))
    assert h3481["sevenChrDef"] == {
        "0": "with macular edema",
        "1": "with retinal neovascularization",
        "2": "stable",
    }
    assert h3481["sevenChrDefNotes"] == {"2": ["Old central retinal vein occlusion"]}
    with_rules = [v for v in real_rows.values() if "sevenChrDef" in str(v[10])]
    assert len(with_rules) == 508


@pytest.mark.realdata
def test_it_marks_the_real_placeholder_levels(real_rows: dict[str, tuple[object, ...]]) -> None:
    h211x = diag(real_rows, "H21.1X")
    assert (h211x[4], h211x[9]) == ("H21.1", True)
    assert diag(real_rows, "H21.1X1")[4] == "H21.1X"
    assert sum(1 for v in real_rows.values() if v[9] is True) == 246
    assert "visualImpairment" in notes_of(diag(real_rows, "H54.8"))


@pytest.mark.realdata
def test_every_real_tabular_code_is_in_the_fy2026_order_file(
    real_rows: dict[str, tuple[object, ...]],
) -> None:
    order_source = Source(
        shared_file("icd10cm/2026-code-descriptions-tabular-order.zip"), "icd10cm_order_2026.txt"
    )
    order_rows, _ = parse_all(order_source, "icd10cm_order")
    order_codes = {values[1] for _, values in order_rows}

    tabular_codes = {v[3] for v in real_rows.values() if v[1] == "diag"}

    assert len(tabular_codes) == 46_881
    assert tabular_codes <= order_codes


@pytest.mark.realdata
def test_the_real_file_parses_as_plain_xml_with_the_same_counts() -> None:
    # Cross-check the streaming reader against ElementTree's whole-document parse.
    root = ET.parse(shared_file(REAL_XML)).getroot()

    assert root.tag == "ICD10CM.tabular"
    assert len(root.findall("chapter")) == 22
    assert sum(1 for _ in root.iter("diag")) == 46_881
