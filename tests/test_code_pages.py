"""Code pages over the real CMS files: what a coder reads on /codes/<code>."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.test import Client

from medcode.releases.loader import Outcome
from tests.cms import allowed, gpci_rows, ptp_edits, ptp_in_force

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

DAY = "2026-01-15"


def get(url: str, **params: str) -> tuple[int, str, str]:
    """Status, raw HTML and the words a reader sees."""
    response = Client(HTTP_HOST="127.0.0.1").get(url, {"date": DAY, **params})
    html = response.content.decode()
    return response.status_code, html, " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_97014_says_medicare_does_not_take_it_and_names_g0283(full_load: list[Outcome]) -> None:
    status, html, text = get("/codes/97014")

    assert status == 200
    assert re.search(r'data-testid="status">\s*not valid for Medicare: use G0283', html)
    assert "Fee schedule status I" in text
    assert "Medicare wants G0283 instead" in text
    assert "Electric stimulation therapy" in text  # the CPT short descriptor from PPRRVU
    assert "copyright 2024 American Medical Association" in text


def test_g0283_shows_its_mue_of_one_and_the_97032_edit(full_load: list[Outcome]) -> None:
    status, html, text = get("/codes/G0283", q="9703")

    assert status == 200
    assert re.search(r'data-testid="mue-practitioner">\s*1<', html)
    assert "Elec stim other than wound" in text
    row = re.search(r"<tr><td>G0283</td><td><a [^>]*>97032</a></td><td>.*?</tr>", html)
    assert row is not None
    assert "allowed" in row.group(0) and "not allowed" not in row.group(0)
    assert "Source: HCPCS Level II Jan 2025" in text


def test_99213_pages_through_thousands_of_ptp_edits(full_load: list[Outcome]) -> None:
    counts = Client().get("/api/v1/codes/99213", {"date": DAY}).json()["ptp"]["practitioner"]
    _, first, text = get("/codes/99213/edits", role="column2")
    _, second, _ = get("/codes/99213/edits", role="column2", page="2")
    pages = -(-counts["as_column2"] // 50)

    in_table = ptp_edits(
        "practitioner", lambda f: f[1] == "99213" and ptp_in_force(f, date.fromisoformat(DAY))
    )
    assert counts["as_column2"] == len(list(in_table))
    assert f"{counts['as_column2']} practitioner edits in force" in text
    assert f"Page 1 of {pages}" in text
    column1_first = re.findall(r"<tr><td><a [^>]*>(\w+)</a></td><td>99213</td>", first)
    column1_second = re.findall(r"<tr><td><a [^>]*>(\w+)</a></td><td>99213</td>", second)
    assert len(column1_first) == len(column1_second) == 50
    assert column1_first == sorted(column1_first) and column1_first[-1] <= column1_second[0]
    _, last, last_text = get("/codes/99213/edits", role="column2", page=str(pages))
    assert f"Page {pages} of {pages}" in last_text and 'rel="next"' not in last


def test_locality_amounts_follow_the_gpci_arithmetic(full_load: list[Outcome]) -> None:
    # Expected amounts from PPRRVU2025_Oct.csv and GPCI2025.csv as CMS wrote them (tests/cms.py).
    _, ny, ny_text = get("/codes/97110/fees", locality="13202-01")
    _, al, _ = get("/codes/97110/fees", locality="10112-00")

    ny_amount = f"${allowed('97110', '13202', '01', facility=False):,}"
    al_amount = f"${allowed('97110', '10112', '00', facility=False):,}"
    assert ny_amount != al_amount
    assert re.search(rf'data-amount="non-facility">\s*{re.escape(ny_amount)}<', ny)
    assert re.search(rf'data-amount="non-facility">\s*{re.escape(al_amount)}<', al)
    facility = f"${allowed('97110', '13202', '01', facility=True):,}"
    assert re.search(rf'data-amount="facility">\s*{re.escape(facility)}<', ny)
    assert "MANHATTAN" in ny_text
    # The chart lists every locality of the GPCI file.
    assert f"All {len(gpci_rows())} localities" in ny_text


def test_e11_65_shows_its_hierarchy_billable_flag_and_excludes(full_load: list[Outcome]) -> None:
    status, html, text = get("/codes/E11.65")

    assert status == 200
    assert "Type 2 diabetes mellitus with hyperglycemia" in text
    assert re.search(r'data-testid="billable">\s*Yes', html)
    assert "Chapter 4 Endocrine, nutritional and metabolic diseases" in text
    assert "E11 Type 2 diabetes mellitus" in text
    assert "Excludes1 (never coded together)" in text
    assert "type 1 diabetes mellitus (E10.-)" in text
    assert "Use additional code" in text and "insulin (Z79.4)" in text
    assert "NCD 190.21A" in text  # an NCD that lists it, with its resolution


def test_m17_1_is_a_header_not_a_billable_code(full_load: list[Outcome]) -> None:
    status, html, _ = get("/codes/M17.1")

    assert status == 200
    assert re.search(r'data-testid="billable">\s*No: a header', html)


def test_history_shows_codes_added_and_retitled_between_fiscal_years(
    full_load: list[Outcome],
) -> None:
    _, _, added = get("/codes/B88.01")
    _, _, retitled = get("/codes/L02.212")
    _, _, dropped = get("/codes/S30.1XXA", date="2025-06-01")

    assert "2025-10-01 Listed in ICD-10-CM FY2026, billable." in added
    assert "Descriptor changed from" in retitled and "except buttock and flank" in retitled
    assert "Not listed in ICD-10-CM FY2026" in dropped


def test_an_add_on_code_lists_its_primary_codes(full_load: list[Outcome]) -> None:
    _, html, text = get("/codes/11045")

    assert "11045 is an add-on code" in text
    assert re.search(r'<a href="/codes/11042[^"]*">11042</a>', html)


def test_a_lab_code_lists_the_ncd_diagnoses(full_load: list[Outcome]) -> None:
    _, _, text = get("/codes/85730")

    assert "NCD 190.16" in text
    assert re.search(r"\d+ ICD-10-CM codes listed: \d+ covered", text)


def test_an_ncd_list_of_thousands_of_codes_is_paged_and_filterable(
    full_load: list[Outcome],
) -> None:
    from medcode.coverage.models import NcdDiagnosis

    listed = NcdDiagnosis.objects.filter(ncd_number="190.15").exclude(icd10_code="@@@@@@@")
    s82 = sorted(listed.filter(icd10_code__startswith="S82").values_list("icd10_code", flat=True))
    _, code_html, _ = get("/codes/85004")
    assert '<a href="/ncds/190.15?date=2026-01-15">' in code_html
    # The NCD's first codes on the code page keep the page's date of service too.
    assert re.search(r'href="/codes/[A-Z][0-9A-Z.]+\?date=2026-01-15"', code_html)

    _, first_html, first = get("/ncds/190.15")
    _, second_html, second = get("/ncds/190.15", page="2")
    status, _, filtered = get("/ncds/190.15", q="S82")

    assert listed.count() > 1000 and "Page 1 of" in first and "Page 2 of" in second
    assert set(re.findall(r"/codes/([A-Z0-9.]+)", first_html)).isdisjoint(
        re.findall(r"/codes/([A-Z0-9.]+)", second_html)
    )
    assert status == 200 and f"{len(s82)} codes starting with S82" in filtered
    assert f"{s82[0][:3]}.{s82[0][3:]}" in filtered  # the first S82 code, dotted
    assert get("/ncds/999.99")[0] == 404


def test_an_unknown_code_is_a_404_page(full_load: list[Outcome]) -> None:
    status, _, text = get("/codes/Z9999")

    assert status == 404
    assert "Z9999 is not in any loaded release" in text


def test_a_seventh_character_code_shows_its_category_rules(full_load: list[Outcome]) -> None:
    status, html, text = get("/codes/S72.001A")

    assert status == 200
    assert re.search(r'data-testid="seventh">\s*A: initial encounter for closed fracture', html)
    assert "(defined at S72)" in text
    assert "Notes at S72" in text and "7th characters" in text
    assert "S72.001 Fracture of unspecified part of neck of right femur" in text
