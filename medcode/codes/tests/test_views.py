"""Code pages and modifier pages over small hand-written fixtures, through Django's test client."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from medcode.importers.base import Source
from medcode.importers.tests.test_hcpcs_anweb import GOOD, record, write_anweb
from medcode.releases.loader import load_source
from medcode.testing import load_file

FIXTURES = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"
PTP_HEADER = (FIXTURES / "ncci_ptp_ccipra-v330r1-f2.txt").read_text().splitlines()[:6]


def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def text_of(html: bytes) -> str:
    """The page's words, without tags, spaces collapsed: what a reader sees."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode())).split())


def load_fees() -> None:
    load_file(FIXTURES / "pfs_pprrvu_PPRRVU2025_Oct.csv", "pfs_pprrvu")
    load_file(FIXTURES / "pfs_gpci_GPCI2025.csv", "pfs_gpci")


def write_ptp(folder: Path, edits: list[tuple[str, str, str]]) -> Path:
    """A practitioner PTP table (2027 Q1) in CMS's tab-separated layout."""
    lines = [*PTP_HEADER]
    for column1, column2, indicator in edits:
        lines.append(f"{column1}\t{column2}\t\t20200101\t*\t{indicator}\tRationale for a test")
    path = folder / "ccipra-v330r0-f1.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.django_db
def test_a_coder_sees_an_hcpcs_code_page_with_descriptors_status_and_source(
    tmp_path: Path,
) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    page = client().get("/codes/G0283", {"date": "2030-05-01"})

    assert page.status_code == 200
    text = text_of(page.content)
    assert "other than wound care, as part of a therapy plan of care" in text
    assert "Elec stim other than wound" in text
    assert "Source: HCPCS Level II Apr 2030" in text
    assert re.search(r'data-testid="status">\s*active', page.content.decode())
    assert 'value="2030-05-01"' in page.content.decode()


@pytest.mark.django_db
def test_a_terminated_code_says_so_on_a_date_after_its_last_day(tmp_path: Path) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    page = client().get("/codes/A9999", {"date": "2031-01-02"})

    assert page.status_code == 200
    assert re.search(r'data-testid="status">\s*terminated', page.content.decode())
    assert "2030-12-31 (last day it may be reported)" in text_of(page.content)


@pytest.mark.django_db
def test_an_unknown_code_gets_a_404_page_naming_it(tmp_path: Path) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    page = client().get("/codes/G9999", {"date": "2030-05-01"})

    assert page.status_code == 404
    assert "G9999 is not in any loaded release" in text_of(page.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/codes/%3Cscript%3E", "is not a code"),
        ("/codes/G0283?date=2030-13-01", "is not a date: write it as YYYY-MM-DD"),
        ("/codes/G0283?system=NOPE", "unknown code system"),
        ("/modifiers/G%3F1", "is not a modifier"),
    ],
)
def test_malformed_input_gets_a_400_page_saying_what_is_wrong(url: str, says: str) -> None:
    page = client().get(url)

    assert page.status_code == 400
    body = page.content.decode()
    assert "<script>" not in body
    assert says in text_of(page.content)


@pytest.mark.django_db
def test_a_two_character_code_opens_the_modifier_page(tmp_path: Path) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    response = client().get("/codes/gp", {"date": "2030-05-01"}, follow=True)

    assert response.redirect_chain[0][0] == "/modifiers/GP?date=2030-05-01"
    text = text_of(response.content)
    assert "Services delivered under an outpatient physical therapy plan of care" in text
    assert "physical therapy plan of care" in text and "When medcode suggests it" in text


@pytest.mark.django_db
def test_a_cpt_modifier_page_explains_its_ncci_role_without_an_ama_descriptor() -> None:
    page = client().get("/modifiers/59")

    assert page.status_code == 200
    text = text_of(page.content)
    assert "is a CPT modifier" in text
    assert "NCCI PTP-associated modifier" in text


@pytest.mark.django_db
def test_an_unknown_modifier_gets_a_404_page(tmp_path: Path) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    page = client().get("/modifiers/Q7", {"date": "2030-05-01"})

    assert page.status_code == 404
    assert "Q7 is not a Level II modifier in HCPCS Level II Apr 2030" in text_of(page.content)


@pytest.mark.django_db
def test_a_code_in_two_systems_asks_which_one_was_meant(tmp_path: Path) -> None:
    records = [
        *GOOD,
        record("A0100", "3", "Test transport service", "Test transport", add="20000101"),
    ]
    load_file(write_anweb(tmp_path, records), "hcpcs_anweb")
    order = tmp_path / "icd10cm_order_2030.txt"
    order.write_text(f"00001 {'A0100':<7} 1 {'Test fever title':<60} Test fever title long\n")
    load_file(order, "icd10cm_order")

    page = client().get("/codes/A0100", {"date": "2030-05-01"})

    assert page.status_code == 200
    text = text_of(page.content)
    assert "Which one did you mean?" in text
    assert "HCPCS A0100 — Test transport" in text and "ICD-10-CM A0100" in text
    chosen = client().get("/codes/A0100", {"date": "2030-05-01", "system": "ICD-10-CM"})
    assert "Test fever title long" in text_of(chosen.content)


@pytest.mark.django_db
def test_the_fee_section_shows_rvus_indicators_and_the_plain_language_text() -> None:
    load_fees()

    page = client().get("/codes/97110", {"date": "2025-11-01"})

    assert page.status_code == 200
    text = text_of(page.content)
    assert "Fee schedule status A" in text
    assert "Multiple procedure 5: Therapy service" in text
    assert "Therapeutic procedure test description" in text  # CPT short descriptor from the file
    assert "American Medical Association" in text  # the notice the file carries
    assert "Written by medcode's editors" in text
    # Therapy (indicator 5) brings the discipline modifiers, each linked to its own page.
    assert 'href="/modifiers/GP?date=2025-11-01"' in page.content.decode()


@pytest.mark.django_db
def test_a_code_without_our_description_says_it_has_none() -> None:
    load_fees()

    page = client().get("/codes/70551", {"date": "2025-11-01"})

    assert "medcode has no plain-language description of 70551 yet" in text_of(page.content)
    # PC/TC indicator 1: the professional and technical modifiers apply.
    assert 'href="/modifiers/26?date=2025-11-01"' in page.content.decode()
    assert 'href="/modifiers/TC?date=2025-11-01"' in page.content.decode()


def expected_amount(work: str, pe: str, mp: str, gpci: tuple[str, str, str], cf: str) -> str:
    total = (
        Decimal(work) * Decimal(gpci[0])
        + Decimal(pe) * Decimal(gpci[1])
        + Decimal(mp) * Decimal(gpci[2])
    )
    amount = (total * Decimal(cf)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"${amount:,}"


@pytest.mark.django_db
def test_choosing_a_locality_shows_the_gpci_adjusted_amounts() -> None:
    load_fees()

    fees = client().get("/codes/97110/fees", {"date": "2025-11-01", "locality": "01112-05"})

    assert fees.status_code == 200
    # 97110 in the fixture: work 0.45, PE 0.50 both settings, MP 0.02, CF 33.1234;
    # San Francisco's GPCIs are 1.091, 1.42 and 0.444.
    sf = ("1.091", "1.42", "0.444")
    want = expected_amount("0.45", "0.50", "0.02", sf, "33.1234")
    body = fees.content.decode()
    assert re.search(rf'data-amount="non-facility">\s*{re.escape(want)}', body)
    assert "SAN FRANCISCO" in text_of(fees.content)
    alabama = client().get("/codes/97110/fees", {"date": "2025-11-01", "locality": "10112-00"})
    al_want = expected_amount("0.45", "0.50", "0.02", ("1", "0.871", "0.577"), "33.1234")
    assert al_want != want
    assert re.search(
        rf'data-amount="non-facility">\s*{re.escape(al_want)}', alabama.content.decode()
    )


@pytest.mark.django_db
def test_an_unknown_locality_is_named_on_the_page_instead_of_failing() -> None:
    load_fees()

    page = client().get("/codes/97110", {"date": "2025-11-01", "locality": "99999-99"})

    assert page.status_code == 200
    assert "no Medicare payment locality '99999-99'" in text_of(page.content)


@pytest.mark.django_db
def test_the_api_and_the_cli_answer_with_locality_amounts() -> None:
    load_fees()

    answer = (
        client().get("/api/v1/codes/97110", {"date": "2025-11-01", "locality": "01112-05"}).json()
    )

    selected = answer["locality_fees"]["selected"]
    assert (selected["locality"], selected["state"]) == ("01112-05", "CA")
    want = expected_amount("0.45", "0.50", "0.02", ("1.091", "1.42", "0.444"), "33.1234")
    assert f"${selected['amounts'][0]['non_facility_amount']:,.2f}" == want
    bad = client().get("/api/v1/codes/97110", {"date": "2025-11-01", "locality": "nowhere"})
    assert bad.status_code == 400
    assert "no Medicare payment locality 'nowhere'" in bad.json()["error"]


@pytest.mark.django_db
def test_ptp_edits_are_listed_fifty_a_page_with_filters(tmp_path: Path) -> None:
    edits = [("97110", f"{10000 + n}", "1" if n % 4 == 0 else "0") for n in range(120)]
    edits += [("97530", "97110", "1"), ("97150", "97110", "0")]
    load_file(write_ptp(tmp_path, edits), "ncci_ptp")
    day = {"date": "2027-02-01"}

    first = client().get("/codes/97110/edits", {**day, "role": "column1"})
    third = client().get("/codes/97110/edits", {**day, "role": "column1", "page": "3"})
    filtered = client().get(
        "/codes/97110/edits", {**day, "role": "column1", "q": "1001", "indicator": "1"}
    )
    as_column2 = client().get("/codes/97110/edits", {**day, "role": "column2"})

    assert first.content.decode().count("<tr><td>") == 50
    assert "120 practitioner edits in force" in text_of(first.content)
    assert "Page 1 of 3" in text_of(first.content)
    assert third.content.decode().count("<tr><td>") == 20
    assert "Page 3 of 3" in text_of(third.content) and 'rel="next"' not in third.content.decode()
    # 10010..10019 start with 1001; every fourth has indicator 1: 10012 and 10016.
    assert "2 practitioner edits in force" in text_of(filtered.content)
    assert ">10012<" in filtered.content.decode() and ">10016<" in filtered.content.decode()
    assert "2 practitioner edits in force" in text_of(as_column2.content)
    assert ">97530<" in as_column2.content.decode()


@pytest.mark.django_db
def test_a_bad_ptp_filter_is_ignored_with_a_message(tmp_path: Path) -> None:
    load_file(write_ptp(tmp_path, [("97110", "10001", "1")]), "ncci_ptp")

    page = client().get(
        "/codes/97110/edits", {"date": "2027-02-01", "q": "%'--", "indicator": "7", "page": "x"}
    )

    assert page.status_code == 200
    text = text_of(page.content)
    assert "Filter ignored" in text and "must be 0 or 1" in text
    assert "1 practitioner edit in force" in text


@pytest.mark.django_db
def test_history_shows_a_descriptor_change_and_a_termination_between_releases(
    tmp_path: Path,
) -> None:
    load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")
    later = [
        record(
            "G0283",
            "3",
            "Electrical stimulation (unattended), reworded for a test fixture",
            "Elec stim reworded",
            add="20030101",
            term="20300930",
            action="D",
        )
    ]
    load_file(write_anweb(tmp_path, later, "HCPC2030_JUL_ANWEB_06012030.txt"), "hcpcs_anweb")

    page = client().get("/codes/G0283", {"date": "2030-08-01"})

    text = text_of(page.content)
    assert "Descriptor changed from" in text and "reworded for a test fixture" in text
    assert "2030-09-30 Terminated" in text
    assert "2003-01-01 Added to HCPCS" in text


@pytest.mark.django_db
def test_the_cli_prints_the_amounts_in_the_locality_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from medcode.cli import main

    load_fees()

    status = main(["code", "97110", "--date", "2025-11-01", "--locality", "01112-05"])

    out = capsys.readouterr().out
    assert status == 0
    want = expected_amount("0.45", "0.50", "0.02", ("1.091", "1.42", "0.444"), "33.1234")
    assert "Payment in CA SAN FRANCISCO" in out
    assert f"non-facility {want}" in out
    assert main(["code", "97110", "--date", "2025-11-01", "--locality", "x"]) == 2
    assert "no Medicare payment locality 'x'" in capsys.readouterr().err


@pytest.mark.django_db
def test_an_icd10_page_shows_billable_hierarchy_notes_and_the_seventh_character() -> None:
    load_file(FIXTURES / "icd10cm_order_2030.txt", "icd10cm_order")
    load_file(FIXTURES / "icd10cm_tabular_2030.xml", "icd10cm_tabular")

    header = client().get("/codes/S72.001", {"date": "2030-05-01"})
    seventh = client().get("/codes/S72.001A", {"date": "2030-05-01"})

    assert re.search(r'data-testid="billable">\s*No: a header', header.content.decode())
    body = seventh.content.decode()
    assert re.search(r'data-testid="billable">\s*Yes', body)
    assert re.search(r'data-testid="seventh">\s*A: ', body)
    text = text_of(seventh.content)
    assert "(defined at S72)" in text and "Notes at S72" in text
    assert "Source: ICD-10-CM FY2030" in text


@pytest.mark.django_db
def test_a_page_number_past_the_end_lists_nothing_instead_of_failing(tmp_path: Path) -> None:
    load_file(write_ptp(tmp_path, [("97110", "10001", "1")]), "ncci_ptp")

    page = client().get("/codes/97110/edits", {"date": "2027-02-01", "page": "9" * 30})

    assert page.status_code == 200
    assert "1 practitioner edit in force" in text_of(page.content)
    assert "<tr><td>" not in page.content.decode()


@pytest.mark.django_db
def test_the_locality_chart_is_sent_only_when_a_reader_opens_it() -> None:
    load_fees()
    gpci = (FIXTURES / "pfs_gpci_GPCI2025.csv").read_text()
    localities = len(re.findall(r"^\d{5},[A-Z]{2},", gpci, re.M))
    day = {"date": "2025-11-01", "locality": "01112-05"}

    page = client().get("/codes/97110", day)
    chart = client().get("/codes/97110/fees", {**day, "chart": "1"})
    opened = client().get("/codes/97110", {**day, "chart": "1"})

    html = page.content.decode()
    # The page keeps the chosen locality's amounts but not the chart's rows...
    assert "SAN FRANCISCO" in text_of(page.content) and 'data-amount="non-facility"' in html
    assert 'class="bars"' not in html
    # ...and fetches them when the folded part opens, or follows a plain link without htmx.
    assert 'hx-trigger="toggle once"' in html
    assert re.search(r'href="/codes/97110\?[^"]*chart=1[^"]*"', html)
    rows = re.findall(r'<tr( class="selected")?><th scope="row">', chart.content.decode())
    assert chart.status_code == 200 and len(rows) == localities > 1
    assert rows.count(' class="selected"') == 1
    assert "SAN FRANCISCO" in text_of(chart.content) and "ALABAMA" in text_of(chart.content)
    assert re.search(r'<details class="chart" id="locality-chart" open>', opened.content.decode())
    assert 'class="bars"' in opened.content.decode()


@pytest.mark.django_db
def test_ptp_counts_follow_a_table_loaded_again_with_other_edits(tmp_path: Path) -> None:
    load_file(write_ptp(tmp_path, [("97110", "10001", "1")]), "ncci_ptp")
    day = {"date": "2027-02-01"}
    before = text_of(client().get("/codes/97110", day).content)

    edits = [("97110", f"{10000 + n}", "0") for n in range(7)]
    replaced = load_source(Source(write_ptp(tmp_path, edits)), "ncci_ptp", replace=True)
    after = text_of(client().get("/codes/97110", day).content)

    assert replaced.status == "loaded"
    assert "Practitioner: 1 as column 1, 0 as column 2" in before
    assert "Practitioner: 7 as column 1, 0 as column 2" in after
    assert "7 practitioner edits in force" in after
