"""THR001-THR005 over small hand-written fixtures: a 2026 Q1 PPRRVU file with national GPCIs
(no locality on the claims), so a line's amount is (work + PE + MP RVU) x CF x units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"

CF = Decimal("33.1234")
#: Non-facility RVUs of the fixture rows (claims_PPRRVU2026_Jan.csv): work, PE, MP.
RVUS = {
    "97110": ("0.45", "0.50", "0.02"),
    "97530": ("0.44", "0.70", "0.02"),
    "G0283": ("0.18", "0.19", "0.01"),
}


def amount(code: str, units: int = 1) -> float:
    total = sum(Decimal(v) for v in RVUS[code]) * CF * units
    return float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture
def fee_schedule(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "t1",
        "payer": "medicare",
        "date_of_service": "2026-02-10",
        "lines": list(lines),
    }
    data.update(fields)
    return data


def found(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == rule]


def test_an_always_therapy_code_without_a_discipline_modifier_is_an_error(
    fee_schedule: None,
) -> None:
    [finding] = found(claim({"code": "97110", "units": 1, "minutes": 15}), "THR001")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert "GP, GO or GN" in finding["message"]
    assert finding["source"]["dataset"] == "pfs_rvu"
    assert "multiple procedure indicator 5" in finding["source"]["detail"]


def test_a_therapy_code_with_its_discipline_modifier_passes(fee_schedule: None) -> None:
    for modifier in ("GP", "GO", "GN"):
        data = claim({"code": "97110", "modifiers": [modifier], "minutes": 15})
        assert found(data, "THR001") == []


def test_a_code_the_file_does_not_mark_is_still_therapy_by_medcodes_list(
    fee_schedule: None,
) -> None:
    [finding] = found(claim({"code": "97010"}), "THR001")

    assert finding["source"]["dataset"] == "medcode-content"
    assert finding["source"]["release"] == "therapy.toml"
    assert "always_therapy" in finding["source"]["detail"]
    assert "Annual Therapy Update" in finding["source"]["detail"]


def test_an_office_visit_needs_no_therapy_modifier(fee_schedule: None) -> None:
    assert found(claim({"code": "99213"}), "THR001") == []


def test_other_payers_are_not_held_to_medicares_therapy_modifiers(fee_schedule: None) -> None:
    assert found(claim({"code": "97110", "minutes": 15}, payer="commercial"), "THR001") == []


def test_two_discipline_modifiers_on_one_line_conflict(fee_schedule: None) -> None:
    [finding] = found(claim({"code": "97530", "modifiers": ["GP", "GO"], "minutes": 15}), "THR002")

    assert finding["lines"] == [1] and "GP and GO" in finding["message"]
    assert found(claim({"code": "97530", "modifiers": ["GP"], "minutes": 15}), "THR002") == []


def test_kx_is_needed_once_the_year_passes_the_threshold(fee_schedule: None) -> None:
    before = 2480 - amount("97110") + 0.01  # this line takes the year just past $2,480
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "minutes": 15},
        therapy_amounts={"pt_slp": before},
    )

    [finding] = found(data, "THR003")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert "$2,480.00" in finding["message"] and "PT and SLP" in finding["message"]
    assert finding["source"]["dataset"] == "medcode-content"
    assert "KX threshold 2026" in finding["source"]["detail"]


def test_exactly_at_the_threshold_needs_no_kx(fee_schedule: None) -> None:
    at = 2480 - amount("97110")
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "minutes": 15}, therapy_amounts={"pt_slp": at}
    )

    assert found(data, "THR003") == []


def test_kx_on_the_line_that_passes_the_threshold_satisfies_it(fee_schedule: None) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "minutes": 15},
        therapy_amounts={"pt_slp": 2479.0},
    )

    assert found(data, "THR003") == [] and found(data, "THR005") == []


def test_only_the_lines_past_the_threshold_need_kx(fee_schedule: None) -> None:
    # The first line stays under $2,480; the second crosses it.
    before = 2480 - amount("97110") - 1
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "minutes": 15},
        {"code": "97530", "modifiers": ["GP"], "minutes": 15},
        therapy_amounts={"pt_slp": before},
    )

    [finding] = found(data, "THR003")

    assert finding["lines"] == [2]


def test_occupational_therapy_counts_apart_from_pt_and_slp(fee_schedule: None) -> None:
    data = claim(
        {"code": "97530", "modifiers": ["GO"], "minutes": 15},
        therapy_amounts={"pt_slp": 2470.0, "ot": 100.0},
    )
    assert found(data, "THR003") == []

    data["therapy_amounts"] = {"pt_slp": 0, "ot": 2470.0}
    [finding] = found(data, "THR003")
    assert finding["message"].startswith("OT therapy")


def test_speech_language_pathology_counts_with_physical_therapy(fee_schedule: None) -> None:
    data = claim(
        {"code": "92507", "modifiers": ["GN"]},
        therapy_amounts={"pt_slp": 2470.0, "ot": 0},
    )

    assert [f["lines"] for f in found(data, "THR003")] == [[1]]


def test_a_line_without_a_discipline_is_left_out_of_the_kx_sum(fee_schedule: None) -> None:
    data = claim({"code": "97110", "minutes": 15}, therapy_amounts={"pt_slp": 2479.0})

    assert found(data, "THR003") == []
    assert [f["lines"] for f in found(data, "THR001")] == [[1]]


def test_the_years_threshold_is_used(fee_schedule: None) -> None:
    # $2,420 is past 2025's $2,410 but within 2026's $2,480.
    line = {"code": "G0283", "modifiers": ["GP"]}
    in_2026 = claim(line, therapy_amounts={"pt_slp": 2420.0})
    in_2025 = claim(line, therapy_amounts={"pt_slp": 2420.0}, date_of_service="2025-06-02")

    assert found(in_2026, "THR003") == []
    assert "2025 KX threshold of $2,410.00" in found(in_2025, "THR003")[0]["message"]


def test_kx_below_the_threshold_is_a_warning(fee_schedule: None) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "minutes": 15},
        therapy_amounts={"pt_slp": 300.0},
    )

    [finding] = found(data, "THR005")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert f"${300 + amount('97110'):,.2f}" in finding["message"]


def test_kx_exactly_at_the_threshold_is_still_too_early(fee_schedule: None) -> None:
    at = 2480 - amount("97110")
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "minutes": 15},
        therapy_amounts={"pt_slp": at},
    )

    assert [f["lines"] for f in found(data, "THR005")] == [[1]]


def test_passing_3000_notes_targeted_review(fee_schedule: None) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "minutes": 15},
        therapy_amounts={"pt_slp": 2990.0},
    )

    [finding] = found(data, "THR004")

    assert finding["severity"] == "info" and "$3,000.00" in finding["message"]
    under = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "minutes": 15},
        therapy_amounts={"pt_slp": 2900.0},
    )
    assert found(under, "THR004") == []


def test_therapy_amount_rules_are_medicare_only(fee_schedule: None) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "minutes": 15},
        therapy_amounts={"pt_slp": 5000.0},
        payer="medicaid",
    )

    rules = {f["rule"] for f in check_claim(parse_claim(data))["findings"]}

    assert not rules & {"THR003", "THR004", "THR005"}
