"""Which NCCI edits a code page, the API and the CLI count and list on a date of service.

The PTP fixtures (2026 Q1, see medcode/claims/tests/test_ncci_boundaries.py for the table) have
edits with indicators 0, 1 and 9 in both settings, two deleted on 2026-02-15 (the last day they
apply) and one effective 2026-02-01. The claim checker reads the same definition
(``medcode.edits.queries.PTP_IN_FORCE``); its tests are in test_ncci_boundaries.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from medcode import cli
from medcode.codes.lookup import lookup
from medcode.edits import facts
from medcode.releases.store import Snapshot
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "edits" / "tests" / "fixtures"
FEES = REPO / "medcode" / "fees" / "tests" / "fixtures"
SETTINGS = ("practitioner", "outpatient_hospital")


@pytest.fixture
def ncci(db: None) -> None:
    load_file(FIXTURES / "boundary_ccipra-v320r0.txt", "ncci_ptp")
    load_file(FIXTURES / "boundary_ccioph-v320r0.txt", "ncci_ptp")
    load_file(FIXTURES / "boundary_MCR_MUE_PractitionerServices_Eff_01-01-2026.csv", "ncci_mue")
    load_file(
        FIXTURES / "boundary_MCR_MUE_OutpatientHospitalServices_Eff_01-01-2026.csv", "ncci_mue"
    )
    # The fee schedule lists the column 2 codes, so their code pages exist.
    load_file(FEES / "boundary_PPRRVU2026_Jan.csv", "pfs_pprrvu")


def listed(code: str, setting: str, role: str, day: date, **kwargs: object) -> list[str]:
    snap = Snapshot(day)
    page = facts.ptp_page(code, setting, role, snap, snap.in_force, **kwargs)  # type: ignore[arg-type]
    assert page is not None
    assert page["total"] == len(page["edits"])
    return [e["other_code"] for e in page["edits"]]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 14), ["97110", "97535"]),  # the day before the deletion date
        (date(2026, 2, 15), ["97110", "97535"]),  # the deletion date itself
        (date(2026, 2, 16), []),  # the day after
    ],
)
def test_deleted_edits_are_counted_and_listed_through_their_deletion_date(
    ncci: None, setting: str, day: date, expected: list[str]
) -> None:
    counts = lookup("97116", day)["ptp"][setting]

    assert (counts["as_column1"], counts["as_column2"]) == (0, len(expected))
    assert listed("97116", setting, "column2", day) == expected


@pytest.mark.parametrize(
    ("day", "practitioner", "outpatient"),
    [
        # 97112/97140 has indicator 9 in both tables: never counted. 97750/97140 starts 02-01.
        (date(2026, 1, 31), ["97161", "97530"], ["97161"]),
        (date(2026, 2, 1), ["97161", "97530", "97750"], ["97161"]),
    ],
)
def test_indicator_9_edits_are_never_counted_and_edits_count_from_their_effective_date(
    ncci: None, day: date, practitioner: list[str], outpatient: list[str]
) -> None:
    counts = lookup("97140", day)["ptp"]

    assert counts["practitioner"]["as_column2"] == len(practitioner)
    assert counts["outpatient_hospital"]["as_column2"] == len(outpatient)
    assert listed("97140", "practitioner", "column2", day) == practitioner
    assert listed("97140", "outpatient_hospital", "column2", day) == outpatient


def test_the_outpatient_table_answers_for_the_outpatient_setting(ncci: None) -> None:
    day = date(2026, 2, 10)
    counts = lookup("97530", day)["ptp"]

    assert counts["practitioner"]["as_column1"] == 1
    assert counts["outpatient_hospital"]["as_column1"] == 1
    assert listed("97530", "practitioner", "column1", day) == ["97140"]
    assert listed("97530", "outpatient_hospital", "column1", day) == ["97110"]
    [edit] = facts.ptp_page(
        "97530", "outpatient_hospital", "column1", Snapshot(day), Snapshot(day).in_force
    )["edits"]  # type: ignore[index]
    assert edit["modifier_indicator"] == "0"


def test_a_page_can_keep_one_modifier_indicator(ncci: None) -> None:
    day = date(2026, 2, 10)

    assert listed("97140", "practitioner", "column2", day, indicator="0") == ["97161", "97750"]
    assert listed("97140", "practitioner", "column2", day, indicator="1") == ["97530"]
    assert listed("97140", "outpatient_hospital", "column2", day, indicator="0") == []


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("97116", date(2026, 2, 15), True),  # 97535/97116, indicator 1, on its deletion date
        ("97116", date(2026, 2, 16), False),  # deleted the day before
        ("97161", date(2026, 2, 10), True),  # indicator 1 in the outpatient table only
        ("97112", date(2026, 2, 10), False),  # indicator 9 only
        ("97110", date(2026, 2, 10), False),  # indicator 0 only (and 97110/97116 deleted later)
    ],
)
def test_whether_a_modifier_can_bypass_an_edit_of_the_code(
    ncci: None, code: str, day: date, expected: bool
) -> None:
    assert facts.has_ptp_modifier_edits(code, Snapshot(day)) is expected


@pytest.mark.parametrize(
    ("table", "day", "shown"),
    [
        ("practitioner", "2026-02-15", True),
        ("practitioner", "2026-02-16", False),
        ("outpatient", "2026-02-15", True),
        ("outpatient", "2026-02-16", False),
    ],
)
def test_the_code_page_lists_a_deleted_edit_through_its_deletion_date(
    ncci: None, client: Client, table: str, day: str, shown: bool
) -> None:
    query = {"date": day, "table": table, "role": "column2"}
    page = client.get("/codes/97116", query)
    partial = client.get("/codes/97116/edits", query)

    assert page.status_code == 200 and partial.status_code == 200
    assert ('href="/codes/97110' in partial.content.decode()) is shown
    assert ('href="/codes/97535' in partial.content.decode()) is shown
    assert ('href="/codes/97110' in page.content.decode()) is shown


def test_the_api_and_cli_count_the_edits_in_force(
    ncci: None, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    for day, expected in (("2026-02-15", 2), ("2026-02-16", 0)):
        body = client.get("/api/v1/codes/97116", {"date": day}).json()
        assert body["ptp"]["outpatient_hospital"]["as_column2"] == expected
        assert cli.main(["code", "97116", "--date", day, "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer["ptp"]["practitioner"]["as_column2"] == expected


@pytest.mark.parametrize(
    ("code", "practitioner", "outpatient"),
    [("J1100", (2, 1), (5, 1)), ("97750", (2, 2), (5, 2)), ("97110", (2, 3), (5, 3))],
)
def test_the_mue_of_each_setting_is_shown_with_its_mai(
    ncci: None, code: str, practitioner: tuple[int, int], outpatient: tuple[int, int]
) -> None:
    snap = Snapshot(date(2026, 2, 10))
    answer = facts.mue(code, snap, snap.in_force)

    assert answer is not None
    for setting, (value, mai) in (
        ("practitioner", practitioner),
        ("outpatient_hospital", outpatient),
    ):
        assert (answer[setting]["value"], answer[setting]["adjudication_indicator"]) == (value, mai)
    assert "dme" not in answer
