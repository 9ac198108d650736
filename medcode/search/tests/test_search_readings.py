"""Search reads more than the words typed: a Tabular inclusion term at a header leads to the
code to report below it, a procedure is read again in ICD-10-PCS's words, and a query no code
has every word of still gets the codes that have most of them. Small files in CMS's layouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medcode.search.engine import search
from medcode.search.pcs import PcsWordsError, load, read_pcs
from medcode.testing import load_file, write_order_file

DAY = date(2030, 1, 15)


CM = [
    ("S72", False, "Fracture of femur"),
    ("S720", False, "Fracture of head and neck of femur"),
    ("S7200", False, "Fracture of unspecified part of neck of femur"),
    ("S72001", False, "Fracture of unspecified part of neck of right femur"),
    (
        "S72001A",
        True,
        "Fracture of unspecified part of neck of right femur, initial encounter for "
        "closed fracture",
    ),
    ("S72009", False, "Fracture of unspecified part of neck of unspecified femur"),
    (
        "S72009A",
        True,
        "Fracture of unspecified part of neck of unspecified femur, initial encounter for "
        "closed fracture",
    ),
    (
        "S72009D",
        True,
        "Fracture of unspecified part of neck of unspecified femur, subsequent encounter for "
        "closed fracture with routine healing",
    ),
    ("E11", False, "Type 2 diabetes mellitus"),
    ("E1165", True, "Type 2 diabetes mellitus with hyperglycemia"),
]

TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2030</version>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning and certain other consequences of external causes (S00-T88)</desc>
    <section id="S70-S79">
      <desc>Injuries to the hip and thigh (S70-S79)</desc>
      <diag>
        <name>S72</name>
        <desc>Fracture of femur</desc>
        <diag>
          <name>S72.0</name>
          <desc>Fracture of head and neck of femur</desc>
          <diag>
            <name>S72.00</name>
            <desc>Fracture of unspecified part of neck of femur</desc>
            <inclusionTerm>
              <note>Fracture of hip NOS</note>
            </inclusionTerm>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""

PCS = [
    ("0DTJ0ZZ", True, "Resection of Appendix, Open Approach"),
    ("0DTJ4ZZ", True, "Resection of Appendix, Percutaneous Endoscopic Approach"),
    ("0DBJ4ZZ", True, "Excision of Appendix, Percutaneous Endoscopic Approach"),
    ("0FT44ZZ", True, "Resection of Gallbladder, Percutaneous Endoscopic Approach"),
]


RVU = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"


def _write_rvu(path: Path) -> Path:
    # The fixture's header and one row re-used for 44970, whose searchable words are our own
    # index terms (laparoscopic appendectomy...), as for any CPT code.
    lines = (RVU / "pfs_pprrvu_PPRRVU2025_Oct.csv").read_text(encoding="latin-1").splitlines()
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("HCPCS,")) + 1]
    row = next(line for line in lines if line.startswith("43239,"))
    row = "44970,,Appendix test description," + row.split('",', 1)[1]
    path.write_bytes(("\r\n".join([*header, row]) + "\r\n").encode("latin-1"))
    return path


@pytest.fixture
def store(db: None, tmp_path: Path) -> None:
    cm = write_order_file(tmp_path / "icd10cm_order_2030.txt", CM)
    pcs = write_order_file(tmp_path / "icd10pcs_order_2030.txt", PCS)
    tabular = tmp_path / "icd10cm_tabular_2030.xml"
    tabular.write_text(TABULAR, encoding="utf-8")
    for path, fmt in [
        (cm, "icd10cm_order"),
        (pcs, "icd10pcs_order"),
        (tabular, "icd10cm_tabular"),
        (_write_rvu(tmp_path / "PPRRVU2030_Jan.csv"), "pfs_pprrvu"),
    ]:
        assert load_file(path, fmt).status == "loaded"


def codes(query: str) -> list[str]:
    return [r.display_code for r in search(query, DAY).results]


def test_a_header_found_by_its_inclusion_term_brings_the_code_to_report(store: None) -> None:
    found = codes("fracture of hip")

    # Unspecified side, initial encounter: what a coder reports for the words as given, just
    # above the header it was found by (which cannot be reported).
    assert found[:2] == ["S72.009A", "S72.00"]
    assert "S72.009D" not in found[:2]


def test_a_procedure_is_read_again_in_icd10pcs_words(store: None) -> None:
    found = codes("laparoscopic appendectomy")

    # The CPT code has the words typed; the PCS code is offered among the first five, its
    # root operation and approach as typed before the others.
    assert found[0] == "44970"
    assert "0DTJ4ZZ" in found[:5]
    later = [c for c in ("0DTJ0ZZ", "0DBJ4ZZ") if c in found]
    assert all(found.index("0DTJ4ZZ") < found.index(c) for c in later)
    # Another organ is not what was asked.
    assert "0FT44ZZ" not in found[:5]


def test_a_query_no_code_has_every_word_of_gets_the_codes_with_most_of_them(
    store: None,
) -> None:
    # No code has all four words, nor three of them: codes with two still answer.
    found = codes("hyperglycemia cholera femur neck")

    assert found and found[0].startswith("S72")


def test_pcs_words_translate_clinical_names_and_leave_other_words() -> None:
    assert read_pcs(["laparoscopic", "appendectomy"]) == (
        ["percutaneous", "endoscopic", "resection", "appendix"],
        frozenset({"percutaneous", "endoscopic", "resection", "appendix"}),
    )
    # A joint replacement is of the joint, with a synthetic substitute (not a spacer); the side
    # typed passes through and names no operation.
    knee = read_pcs(["right", "tka"])
    assert knee is not None
    assert set(knee[0]) == {"right", "knee", "joint", "replacement", "synthetic", "substitute"}
    assert "right" not in knee[1]
    # Body words alone name no operation: "knee pain" is not read as a procedure.
    assert read_pcs(["knee", "pain"]) is None


def test_the_pcs_word_list_names_a_bad_entry(tmp_path: Path) -> None:
    bad = tmp_path / "pcs_words.toml"
    bad.write_text('[[word]]\ntyped = ["lap"]\npcs = "a"\n\n[[word]]\ntyped = ["lap"]\npcs = "b"\n')
    with pytest.raises(PcsWordsError, match="entry 2: 'lap' is already an entry"):
        load(bad)
    bad.write_text('[[word]]\ntyped = ["lap"]\n')
    with pytest.raises(PcsWordsError, match="entry 1: 'pcs' must be"):
        load(bad)
