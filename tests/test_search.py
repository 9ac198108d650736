"""Search over the real CMS files: the relevance suite, synonyms, and the API's answers."""

from __future__ import annotations

from datetime import date

from django.test import Client

from medcode.releases.loader import Outcome
from medcode.releases.sql import scalar
from medcode.search.engine import search
from medcode.search.relevance import load_suite, run_suite
from medcode.search.synonyms import load


def test_the_relevance_suite_finds_the_wanted_code_in_the_top_five(
    full_load: list[Outcome],
) -> None:
    cases = load_suite()
    assert len(cases) >= 80
    assert len({c.kind.split(",")[0] for c in cases}) >= 6
    report = run_suite(cases)
    print(f"\nrecall@1 {report.recall_at_1:.1%}, recall@5 {report.recall_at_5:.1%}")
    for miss in report.misses:
        print(f"miss: {miss.case.query!r} expected {miss.case.expect}, got {miss.top}")
    assert report.recall_at_5 >= 0.95


def test_every_code_a_synonym_points_at_exists_in_the_real_files(
    full_load: list[Outcome],
) -> None:
    missing = sorted(
        {
            code
            for entry in load().values()
            for code in entry.codes
            if not scalar("SELECT 1 FROM search_searchentry WHERE code = %s", [code])
        }
    )
    assert missing == []


def test_a_brand_name_leads_to_the_drug_code(full_load: list[Outcome]) -> None:
    first = search("Toradol", date(2025, 2, 1)).results[0]
    assert (first.display_code, first.system) == ("J1885", "HCPCS")
    assert "ketorolac" in first.description.lower()


def test_the_api_lists_a_cpt_code_first_with_its_file_descriptor(full_load: list[Outcome]) -> None:
    body = Client().get("/api/v1/search", {"q": "97014", "date": "2025-11-03"}).json()
    first = body["results"][0]
    assert (first["code"], first["system"]) == ("97014", "CPT")
    assert first["description"] == scalar(
        "SELECT description FROM fees_pfsrvu WHERE hcpcs = '97014' AND modifier = ''"
    )


def test_billable_only_leaves_out_icd_headers(full_load: list[Outcome]) -> None:
    answer = search("E11.6", date(2026, 1, 15), billable_only=True, system="ICD-10-CM")
    assert answer.results and all(r.billable for r in answer.results)
    assert "E11.6" not in [r.display_code for r in answer.results]


def test_a_date_chooses_the_icd10_release_in_force(full_load: list[Outcome]) -> None:
    fy2025 = search("diabetes", date(2025, 1, 15)).sources
    fy2026 = search("diabetes", date(2026, 1, 15)).sources
    labels = lambda sources: {s.release.dataset: s.release.version for s in sources}  # noqa: E731
    assert labels(fy2025)["icd10cm"] == "FY2025"
    assert labels(fy2026)["icd10cm"] == "FY2026"
