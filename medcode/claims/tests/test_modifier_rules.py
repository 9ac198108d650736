"""MOD001-MOD004 over hand-written fixtures: a 2026 Q1 PPRRVU file and a 2026 Q1 PTP table with
three invented edits (97161/97140 indicator 0, 97530/97140 and G0283/97032 indicator 1)."""

from __future__ import annotations

from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"


@pytest.fixture
def store(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "claims_ccipra-v320r0.txt", "ncci_ptp")


def claim(*lines: dict[str, Any], payer: str = "medicare", **fields: Any) -> dict[str, Any]:
    data = {"id": "m1", "payer": payer, "date_of_service": "2026-02-10", "lines": list(lines)}
    data.update(fields)
    return data


def found(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == rule]


def line(code: str, *modifiers: str, minutes: int = 15) -> dict[str, Any]:
    return {"code": code, "modifiers": list(modifiers), "minutes": minutes}


def test_59_where_no_edit_pairs_the_codes_is_flagged(store: None) -> None:
    data = claim(line("97110", "GP", "59"), line("97140", "GP"))

    [finding] = found(data, "MOD001")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "no NCCI edit pairs 97110 with 97140" in finding["message"]
    assert finding["source"]["dataset"] == "ncci_ptp_practitioner"
    assert "v320r0" in finding["source"]["release"]


@pytest.mark.parametrize("modifier", ["XE", "XS", "XP", "XU"])
def test_an_x_modifier_where_no_edit_pairs_the_codes_is_flagged(store: None, modifier: str) -> None:
    data = claim(line("97110", "GP", modifier), line("97140", "GP"))

    assert [f["lines"] for f in found(data, "MOD001")] == [[1]]


def test_a_modifier_the_edit_needs_is_not_flagged(store: None) -> None:
    data = claim(line("97530", "GP"), line("97140", "GP", "XU"))

    assert found(data, "MOD001") == [] and found(data, "MOD002") == []
    assert found(data, "PTP002") == []


def test_59_on_a_repeated_code_is_left_to_the_mue_rules(store: None) -> None:
    data = claim(line("97110", "GP"), line("97110", "GP", "59"))

    assert found(data, "MOD001") == []


def test_without_a_ptp_table_nothing_is_said_about_59(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")

    assert found(claim(line("97110", "GP", "59"), line("97140", "GP")), "MOD001") == []


def test_59_on_the_column_1_code_is_flagged_and_names_the_column_2_line(store: None) -> None:
    data = claim(line("G0283", "GP", "59"), line("97032", "GP"))

    [finding] = found(data, "MOD002")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert (
        "column 1" in finding["message"] and "line 2 (97032) will be denied" in finding["message"]
    )
    assert "line 2" in finding["fix"]
    assert "G0283 / 97032: modifier indicator 1" in finding["source"]["detail"]
    assert found(data, "MOD001") == []
    assert [f["lines"] for f in found(data, "PTP002")] == [[2]]


def test_a_modifier_on_both_lines_of_an_edit_is_not_called_misplaced(store: None) -> None:
    # 97140 is column 2 of 97530 (it needs XU) and nothing is column 2 of 97140 here.
    data = claim(line("97530", "GP", "XS"), line("97140", "GP", "XU"))

    [finding] = found(data, "MOD002")

    assert finding["lines"] == [1] and "will be denied" not in finding["message"]


def test_medicare_prefers_an_x_modifier_to_59(store: None) -> None:
    data = claim(line("G0283", "GP"), line("97032", "GP", "59"))

    [finding] = found(data, "MOD003")

    assert finding["severity"] == "info" and finding["lines"] == [2]
    assert "XE, XS, XP or XU" in finding["message"]
    assert found(claim(line("G0283", "GP"), line("97032", "GP", "XU")), "MOD003") == []
    assert found(claim(line("G0283"), line("97032", "59"), payer="commercial"), "MOD003") == []


def test_a_therapy_modifier_on_an_office_visit_is_flagged(store: None) -> None:
    [finding] = found(claim(line("99213", "GP")), "MOD004")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "99213 is not a therapy service" in finding["message"]
    assert finding["source"]["dataset"] == "pfs_rvu"
    assert "multiple procedure indicator 0" in finding["source"]["detail"]


def test_therapy_modifiers_on_therapy_codes_are_not_flagged(store: None) -> None:
    # 97110: indicator 5; 97014: medcode's always list; 20560: sometimes therapy.
    data = claim(line("97110", "GP"), line("97014", "GP"), line("20560", "GP"))

    assert found(data, "MOD004") == []
