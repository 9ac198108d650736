"""The census: every code that any loaded release lists answers, through the function behind
``medcode code``, ``GET /api/v1/codes/<code>`` and ``/codes/<code>``, each within a time budget.

Issue 8 found codes that never answered (the ICD-10-CM parent walk looped on C50.911, Z68.41
and 1,052 other FY2026 codes) and codes that "were not in any loaded release" although an MUE,
PTP or add-on file named them (Q2057, 0583U, E1022). Looking every listed code up is how
the next bug of that kind is found. The census proper (about 200,000 look-ups) runs on SQLite
only; the named cases below run on both databases.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.cli import main
from medcode.codes.listings import PROCEDURE_DATASETS
from medcode.codes.lookup import lookup
from medcode.releases.budget import BudgetExceeded
from medcode.releases.loader import Outcome
from medcode.releases.store import Snapshot
from medcode.testing import shared_file
from tests.claims import claim

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

DAY = date(2026, 5, 4)
#: Each look-up's budget in the census: a look-up takes a millisecond or two, so only a bug
#: (a loop, a runaway query) comes near it; such a code is reported, not waited for.
PER_CODE_SECONDS = 5.0

#: Values in code columns that are not codes: the add-on file writes CCCCC as the primary
#: code of an edit whose primary codes each contractor defines (type 2 edits).
PLACEHOLDERS = {"CCCCC"}

#: (dataset of the release, SQL giving the codes it lists) for every table that lists codes.
_PROCEDURE_SQL = {
    "codes_hcpcscode": ["code"],
    "fees_pfsrvu": ["hcpcs"],
    "fees_pfspaymentamount": ["hcpcs"],
    "fees_pfsoppscapamount": ["hcpcs"],
    "edits_mueedit": ["code"],
    "edits_ptpedit": ["column1", "column2"],
    "edits_addoncodeedit": ["addon_code", "primary_code"],
    "coverage_ncdprocedure": ["hcpcs_code"],
}


def _listed(table: str, column: str) -> list[tuple[str, str]]:
    """Every (dataset, code) a loaded table lists."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT r.dataset, t.{column} FROM {table} t "
            "JOIN releases_release r ON r.id = t.release_id"
        )
        return [(dataset, code) for dataset, code in cursor.fetchall()]


def procedure_codes() -> dict[str, set[str]]:
    """Every CPT or HCPCS code any loaded release lists, with the datasets listing it."""
    found: dict[str, set[str]] = defaultdict(set)
    for table, columns in _PROCEDURE_SQL.items():
        for column in columns:
            for dataset, code in _listed(table, column):
                if code not in PLACEHOLDERS:
                    found[code].add(dataset)
    return found


def _census(codes: dict[str, Any], check: Any) -> tuple[int, list[str], list[tuple[float, str]]]:
    """Look every code up; the failures (code: what went wrong) and the five slowest."""
    snap = Snapshot(DAY)
    failures: list[str] = []
    slowest: list[tuple[float, str]] = []
    for code, expected in sorted(codes.items()):
        started = time.perf_counter()
        try:
            info = lookup(code, DAY, snap=snap)
            problem = check(code, expected, info)
        except BudgetExceeded as exc:
            problem = str(exc)
        except Exception as exc:  # the census reports every kind of failure
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        slowest = sorted([*slowest, (elapsed, code)], reverse=True)[:5]
        if problem:
            failures.append(f"{code}: {problem}")
    return len(codes), failures, slowest


@pytest.fixture
def census_budget(settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the census runs on SQLite only (the named cases run on both databases)")
    settings.MEDCODE_LOOKUP_SECONDS = PER_CODE_SECONDS


def test_every_icd10cm_code_of_every_fiscal_year_answers(
    full_load: list[Outcome], census_budget: None
) -> None:
    versions: dict[str, set[str]] = defaultdict(set)
    for version, code in _query(
        "SELECT DISTINCT r.version, c.code FROM icd10_icd10cmcode c "
        "JOIN releases_release r ON r.id = c.release_id"
    ):
        versions[code].add(version)

    def check(code: str, listed_in: set[str], info: dict[str, Any]) -> str | None:
        if info["system"] != "ICD-10-CM":
            return None if "ICD-10-CM" in info["other_systems"] else f"answered as {info['system']}"
        if not listed_in <= set(info["releases_listing_code"]):
            return f"listed in {sorted(listed_in)}, answer says {info['releases_listing_code']}"
        return None

    count, failures, slowest = _census(versions, check)

    assert count > 90_000  # both fiscal years' order files, headers included
    assert failures == [], f"{len(failures)} of {count} codes fail; first: {failures[:20]}"
    assert slowest[0][0] < PER_CODE_SECONDS, slowest


def test_every_icd10pcs_code_answers(full_load: list[Outcome], census_budget: None) -> None:
    codes = {code: None for (code,) in _query("SELECT DISTINCT code FROM icd10_icd10pcscode")}

    def check(code: str, _: None, info: dict[str, Any]) -> str | None:
        if "ICD-10-PCS" in (info["system"], *info["other_systems"]):
            return None
        return f"answered as {info['system']} only"

    count, failures, _ = _census(codes, check)

    assert count > 75_000
    assert failures == [], f"{len(failures)} of {count} codes fail; first: {failures[:20]}"


def test_every_procedure_code_and_modifier_any_release_lists_answers(
    full_load: list[Outcome], census_budget: None
) -> None:
    listed = procedure_codes()

    def check(code: str, datasets: set[str], info: dict[str, Any]) -> str | None:
        if info["system"] not in ("HCPCS", "CPT"):
            return f"answered as {info['system']} although {sorted(datasets)} list it"
        says = {e["dataset"] for e in info["listed_by"] if e["lists_code"]}
        if not datasets <= says:
            return f"listed by {sorted(datasets)}, answer says {sorted(says)}"
        return None

    count, failures, _ = _census(listed, check)
    modifiers = {code: None for (code,) in _query("SELECT DISTINCT code FROM codes_hcpcsmodifier")}
    modifier_count, modifier_failures, _ = _census(
        modifiers,
        lambda code, _, info: None if info["system"] == "MODIFIER" else info["system"],
    )

    assert count > 15_000 and modifier_count > 300
    assert failures == [], f"{len(failures)} of {count} codes fail; first: {failures[:20]}"
    assert modifier_failures == []
    # Every dataset that lists procedure codes is asked by the answer's listing.
    assert {d for ds in listed.values() for d in ds} <= set(PROCEDURE_DATASETS)


def _query(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


# --- named cases, on both databases -------------------------------------------------------


def _tabular_path(code: str) -> list[tuple[str, str]]:
    """(code, kind) of every level above ``code`` in the Tabular List XML, read from the file."""
    tree = ET.parse(shared_file("icd10cm/icd10cm-tabular-April-1-2026.xml"))

    def walk(element: ET.Element, above: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
        for child in element:
            if child.tag == "chapter":
                level = [(child.findtext("name", "").strip(), "chapter")]
            elif child.tag == "section":
                level = [(child.get("id", "").strip(), "section")]
            elif child.tag == "diag":
                name = child.findtext("name", "").strip()
                if name == code:
                    return above
                level = [(name, "diag")]
            else:
                continue
            found = walk(child, above + level)
            if found is not None:
                return found
        return None

    path = walk(tree.getroot(), [])
    assert path is not None, f"{code} is not in the Tabular List"
    return path


@pytest.mark.parametrize("code", ["C50.911", "Z68.41", "B20", "F99", "T14.90XA"])
def test_codes_whose_section_shares_an_id_answer_with_their_whole_hierarchy(
    full_load: list[Outcome], code: str
) -> None:
    # T14.90XA has a 7th character: its hierarchy ends at T14.90, whose level is its own.
    own = code if len(code.replace(".", "")) < 7 else code[:6]
    expected = _tabular_path(own)
    if own != code:
        expected.append((own, "diag"))

    started = time.perf_counter()
    info = lookup(code, DAY)

    assert time.perf_counter() - started < PER_CODE_SECONDS
    assert info["code"] == code
    assert [(h["code"], h["kind"]) for h in info["hierarchy"]] == expected
    # The section shares its id with the category (C50, Z68, B20): the section is there.
    assert (code[:3], "section") in expected


def test_c50_911_answers_through_the_cli_the_api_and_the_page(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["code", "C50.911", "--date", DAY.isoformat(), "--json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    response = Client().get("/api/v1/codes/C50.911", {"date": DAY.isoformat()})
    page = Client().get("/codes/C50.911", {"date": DAY.isoformat()})

    assert response.status_code == 200 and response.json() == from_cli
    assert [h["code"] for h in from_cli["hierarchy"]][:3] == ["2", "C50", "C50"]
    assert page.status_code == 200
    assert from_cli["long_description"] in page.content.decode()


def _only_listed_by(datasets: set[str], lacking: set[str]) -> list[str]:
    """Procedure codes a release of ``datasets`` lists and no release of ``lacking`` does."""
    return sorted(
        code
        for code, having in procedure_codes().items()
        if having & datasets and not having & lacking
    )


MUE = {"ncci_mue_practitioner", "ncci_mue_outpatient", "ncci_mue_dme"}


def test_codes_only_edit_files_list_answer_through_the_api_and_the_page(
    full_load: list[Outcome],
) -> None:
    # HCPCS-style codes the MUE tables name but the HCPCS file does not (Q2057), and codes
    # only the add-on file names (0583U).
    codes = [c for c in _only_listed_by(MUE, {"hcpcs"}) if c[0].isalpha()]
    codes += _only_listed_by({"ncci_aoc"}, {"hcpcs", "pfs_rvu", *MUE})
    client = Client()
    failures = []
    for code in codes:
        api = client.get(f"/api/v1/codes/{code}", {"date": DAY.isoformat()})
        page = client.get(f"/codes/{code}", {"date": DAY.isoformat(), "system": "HCPCS"})
        if api.status_code != 200:
            failures.append(f"{code}: API {api.status_code} {api.content[:100]!r}")
            continue
        info = api.json()
        system = info["system"]
        if system == "CPT":
            page = client.get(f"/codes/{code}", {"date": DAY.isoformat(), "system": "CPT"})
        if page.status_code != 200 or "Not listed by" not in page.content.decode():
            failures.append(f"{code}: page {page.status_code}")

    # The issue counted 156 HCPCS-style MUE codes and 7 add-on codes no other file knows.
    assert len(codes) > 100
    assert {"Q2057", "0583U", "0993T", "1006T", "1022T", "1023T", "1024T", "97009"} <= set(codes)
    assert failures == []


def test_q2057_says_what_each_release_says_and_which_do_not_list_it(
    full_load: list[Outcome],
) -> None:
    mue = _query(
        "SELECT r.dataset, m.value, m.adjudication_indicator FROM edits_mueedit m "
        "JOIN releases_release r ON r.id = m.release_id WHERE m.code = 'Q2057'"
    )

    info = lookup("Q2057", DAY)

    assert info["system"] == "HCPCS" and info["short_description"] is None
    listed = {e["dataset"]: e["lists_code"] for e in info["listed_by"]}
    assert listed["hcpcs"] is False
    assert {dataset for dataset, _, _ in mue} <= {d for d, yes in listed.items() if yes}
    practitioner = next(m for m in mue if m[0] == "ncci_mue_practitioner")
    assert info["mue"]["practitioner"]["value"] == practitioner[1]
    assert info["mue"]["practitioner"]["adjudication_indicator"] == int(practitioner[2])


def test_e1022_named_by_a_hcpcs_style_file_is_not_silently_e10_22(
    full_load: list[Outcome],
) -> None:
    assert _query("SELECT 1 FROM edits_mueedit WHERE code = 'E1022'")
    assert _query("SELECT 1 FROM icd10_icd10cmcode WHERE code = 'E1022'")

    info = lookup("E1022", DAY)
    page = Client().get("/codes/E1022", {"date": DAY.isoformat()})

    assert info["system"] == "HCPCS"
    assert info["other_systems"] == ["ICD-10-CM"]
    # Two systems: the page asks which one is meant rather than choosing.
    assert page.status_code == 200
    assert "ICD-10-CM" in page.content.decode() and "HCPCS" in page.content.decode()
    assert lookup("E10.22", DAY)["system"] == "ICD-10-CM"


def test_val001_does_not_fire_for_codes_a_release_in_force_lists(
    full_load: list[Outcome],
) -> None:
    elsewhere = {"hcpcs", "pfs_rvu", *MUE}
    add_on = _only_listed_by({"ncci_aoc"}, elsewhere)
    payment = _only_listed_by({"pfs_revision"}, {*elsewhere, "ncci_aoc"})
    listed = procedure_codes()
    # Codes only the practitioner PTP table names, in an edit not deleted.
    ptp = sorted(
        code
        for (code,) in _query(
            "SELECT DISTINCT e.column1 FROM edits_ptpedit e JOIN releases_release r "
            "ON r.id = e.release_id WHERE r.dataset = 'ncci_ptp_practitioner' "
            "AND e.deletion_date IS NULL AND e.modifier_indicator <> '9'"
        )
        if not listed[code] & {*elsewhere, "ncci_aoc", "pfs_revision"}
    )[:20]
    codes = [*add_on, *payment, *ptp]
    unknown = "9701X"
    assert unknown not in listed

    # A claim holds at most 50 lines (MEDCODE_CLAIM_MAX_LINES): one claim per 49 codes, each
    # closed by the unknown code, which alone must get VAL001.
    assert add_on and payment and ptp
    for start in range(0, len(codes), 49):
        chunk = codes[start : start + 49]
        data = claim(*({"code": code} for code in [*chunk, unknown]))
        found = check_claim(parse_claim(data))["findings"]
        val001 = [f for f in found if f["rule"] == "VAL001"]
        assert [f["lines"] for f in val001] == [[len(chunk) + 1]], chunk
