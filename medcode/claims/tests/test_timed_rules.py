"""TIM001-TIM004: Medicare's 8-minute rule, the per-code convention, untimed codes, minutes."""

from __future__ import annotations

from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.claims.rules.timed import units_for_minutes
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"


@pytest.fixture
def fee_schedule(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")


def claim(*lines: dict[str, Any], payer: str = "medicare") -> dict[str, Any]:
    return {"id": "t1", "payer": payer, "date_of_service": "2026-02-10", "lines": list(lines)}


def found(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == rule]


def exercise(units: int, minutes: int | None, code: str = "97110") -> dict[str, Any]:
    line: dict[str, Any] = {"code": code, "modifiers": ["GP"], "units": units}
    if minutes is not None:
        line["minutes"] = minutes
    return line


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4)],
)
def test_minutes_become_units_past_the_half_way_mark(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes) == units


@pytest.mark.parametrize(("minutes", "flagged"), [(7, True), (8, False)])
def test_one_unit_needs_eight_minutes_under_medicare(
    fee_schedule: None, minutes: int, flagged: bool
) -> None:
    assert bool(found(claim(exercise(1, minutes)), "TIM001")) is flagged


@pytest.mark.parametrize(("minutes", "flagged"), [(22, True), (23, False)])
def test_two_units_need_twenty_three_minutes_under_medicare(
    fee_schedule: None, minutes: int, flagged: bool
) -> None:
    assert bool(found(claim(exercise(2, minutes)), "TIM001")) is flagged


def test_medicare_adds_up_the_minutes_of_all_timed_codes_on_the_date(fee_schedule: None) -> None:
    # 7 + 7 + 9 = 23 minutes: two units in total, though no code reaches 8 minutes but one.
    two = claim(exercise(1, 7), exercise(1, 9, "97140"), exercise(1, 7, "97530"))

    [finding] = found(two, "TIM001")

    assert finding["severity"] == "error" and finding["lines"] == [1, 2, 3]
    assert "3 units" in finding["message"] and "23 minutes support 2" in finding["message"]
    assert finding["source"]["release"] == "therapy.toml"
    assert found(claim(exercise(1, 7), exercise(1, 16, "97140")), "TIM001") == []


def test_untimed_lines_do_not_count_toward_the_timed_minutes(fee_schedule: None) -> None:
    data = claim(exercise(2, 22), {"code": "G0283", "modifiers": ["GP"], "minutes": 15})

    assert [f["lines"] for f in found(data, "TIM001")] == [[1]]


def test_a_date_with_a_timed_line_without_minutes_is_not_judged(fee_schedule: None) -> None:
    data = claim(exercise(1, 5), exercise(3, None, "97140"))

    assert found(data, "TIM001") == []
    assert [f["lines"] for f in found(data, "TIM004")] == [[2]]


def test_lines_on_different_dates_are_counted_apart(fee_schedule: None) -> None:
    second = exercise(1, 8)
    second["date_of_service"] = "2026-02-12"
    data = claim(exercise(1, 5), second)

    [finding] = found(data, "TIM001")

    assert finding["lines"] == [1] and "2026-02-10" in finding["message"]


def test_other_payers_count_each_codes_own_minutes(fee_schedule: None) -> None:
    # 7 + 16 minutes: Medicare's total (23) supports 2 units, but 97110's own 7 support none.
    data = claim(exercise(1, 7), exercise(1, 16, "97140"), payer="commercial")

    [finding] = found(data, "TIM002")

    assert finding["lines"] == [1] and "97110" in finding["message"]
    assert "7 minutes support 0" in finding["message"]
    assert found(data, "TIM001") == []
    as_medicare = claim(exercise(1, 7), exercise(1, 16, "97140"))
    assert found(as_medicare, "TIM001") == [] and found(as_medicare, "TIM002") == []


@pytest.mark.parametrize(("minutes", "flagged"), [(22, True), (23, False)])
def test_two_units_of_one_code_need_twenty_three_of_its_minutes(
    fee_schedule: None, minutes: int, flagged: bool
) -> None:
    data = claim(exercise(2, minutes), payer="medicaid")

    assert bool(found(data, "TIM002")) is flagged


def test_an_untimed_code_takes_one_unit(fee_schedule: None) -> None:
    [finding] = found(claim({"code": "G0283", "modifiers": ["GP"], "units": 2}), "TIM003")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "2 units of G0283" in finding["message"]
    assert found(claim({"code": "G0283", "modifiers": ["GP"], "units": 1}), "TIM003") == []


def test_untimed_units_add_up_over_lines_of_the_date(fee_schedule: None) -> None:
    data = claim({"code": "97014", "units": 1}, {"code": "97014", "units": 1}, payer="commercial")

    assert [f["lines"] for f in found(data, "TIM003")] == [[1, 2]]


def test_a_timed_code_without_minutes_is_noted(fee_schedule: None) -> None:
    [finding] = found(claim(exercise(2, None)), "TIM004")

    assert finding["severity"] == "info" and "no minutes" in finding["message"]
    assert found(claim(exercise(2, 30)), "TIM004") == []
    assert found(claim({"code": "G0283", "modifiers": ["GP"]}), "TIM004") == []
