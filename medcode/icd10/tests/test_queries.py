"""icd10/queries.py on hand-written ICD-10 files (CMS's order-file and Tabular List layouts):
the single-code and batched forms agree, and each fiscal year answers from its own rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode.icd10 import queries
from medcode.releases.models import Release
from medcode.testing import load_file, write_order_file

pytestmark = pytest.mark.django_db

# (code, billable, title): E11.65 is new in FY2030 and E11.9 gone from it.
FY2029 = [("E11", 0, "Type 2 diabetes mellitus"), ("E119", 1, "Type 2 diabetes without comp")]
FY2030 = [
    ("E11", 0, "Type 2 diabetes mellitus"),
    ("E116", 0, "Type 2 diabetes with other complications"),
    ("E1165", 1, "Type 2 diabetes with hyperglycemia"),
]
TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2030</version>
  <chapter>
    <name>4</name>
    <desc>Endocrine diseases (E00-E89)</desc>
    <section id="E08-E13">
      <desc>Diabetes mellitus (E08-E13)</desc>
      <diag>
        <name>E11</name>
        <desc>Type 2 diabetes mellitus</desc>
        <inclusionTerm><note>invented inclusion term</note></inclusionTerm>
        <diag>
          <name>E11.6</name>
          <desc>Type 2 diabetes with other complications</desc>
          <diag>
            <name>E11.65</name>
            <desc>Type 2 diabetes with hyperglycemia</desc>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def _order_file(folder: Path, year: int, codes: list[tuple[str, int, str]]) -> Path:
    return write_order_file(folder / f"icd10cm_order_{year}.txt", codes)


@pytest.fixture
def years(db: None, tmp_path: Path) -> dict[int, int]:
    for year, codes in ((2029, FY2029), (2030, FY2030)):
        assert load_file(_order_file(tmp_path, year, codes), "icd10cm_order").status == "loaded"
    by_start = Release.objects.filter(dataset="icd10cm").order_by("period_start")
    return dict(zip((2029, 2030), (r.pk for r in by_start), strict=True))


@pytest.fixture
def tabular(db: None, tmp_path: Path) -> int:
    path = tmp_path / "icd10cm_tabular_2030.xml"
    path.write_text(TABULAR)
    assert load_file(path, "icd10cm_tabular").status == "loaded"
    return Release.objects.get(dataset="icd10cm_tabular").pk


def test_one_code_and_many_codes_at_once_agree(years: dict[int, int]) -> None:
    fy = years[2030]
    codes = ["E11", "E116", "E1165", "E119"]
    batched = {r["code"]: r for r in queries.icd10cm_brief_of(fy, codes)}

    assert {c: queries.icd10cm_brief(fy, c) for c in codes if c in batched} == batched
    assert queries.icd10cm_brief(fy, "E119") is None  # gone in FY2030
    assert bool(batched["E1165"]["billable"]) and not batched["E11"]["billable"]


def test_each_fiscal_year_answers_from_its_own_rows(years: dict[int, int]) -> None:
    both = list(years.values())

    assert {r["release_id"] for r in queries.order_rows("icd10cm", both, "E11")} == set(both)
    assert [r["release_id"] for r in queries.order_rows("icd10cm", both, "E119")] == [years[2029]]
    history = queries.order_history("icd10cm", both, "E1165")
    assert [(r["release_id"], r["long_title"]) for r in history] == [
        (years[2030], "Type 2 diabetes with hyperglycemia")
    ]


def test_search_is_given_every_code_of_the_order_file(years: dict[int, int]) -> None:
    entries = sorted(queries.index_entries("icd10cm", years[2030]))

    assert [(code, bool(flag)) for code, flag, _ in entries] == [
        ("E11", False),
        ("E116", False),
        ("E1165", True),
    ]


def test_a_tabular_entry_and_its_levels_above(tabular: int) -> None:
    entry = queries.tabular_entry(tabular, "E1165")
    assert entry is not None and entry["code"] == "E11.65"

    above = queries.tabular_ancestors(tabular, "E116", entry["depth"] - 1)

    assert [r["code"] for r in above][-2:] == ["E11", "E11.6"]
    assert [r["depth"] for r in above] == sorted(r["depth"] for r in above)
    assert queries.tabular_entry(tabular, "E119") is None


def test_the_patient_group_reads_find_a_category_and_its_codes(tabular: int) -> None:
    category = queries.group_category(tabular, "E11")

    assert category is not None and category["title"] == "Type 2 diabetes mellitus"
    below = queries.group_below(tabular, ["E116", "E1165", "E11"])
    assert sorted(r["code_nodot"] for r in below) == ["E116", "E1165"]
    inclusion = dict(queries.index_entries("icd10cm_tabular", tabular))
    assert "invented inclusion term" in inclusion["E11"]
