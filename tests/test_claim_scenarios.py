"""Whole claims a therapy clinic sends, checked over the real CMS files with ``check_claims``.

The scenarios are those of a typical unattended e-stim billing guide: knee edema after a total
knee replacement, chronic low back pain with TENS, truly attended e-stim, the same visit billed by
a private practice and by a hospital outpatient department, a patient crossing the KX threshold,
and a commercial payer that still takes 97014.

Expected amounts are worked out here from the figures in the CMS files (RVU25D's PPRRVU rows,
GPCI2025's Alabama row, CF 32.3465): (work x GPCI + PE x GPCI + MP x GPCI) x CF per unit, with
Medicare's therapy multiple procedure payment reduction — among indicator-5 services on a date,
one unit (the highest PE) keeps its full PE and every other unit's PE is paid at 50%.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from medcode.claims.checker import check_claims
from medcode.claims.claim import parse_claims
from medcode.releases.loader import Outcome
from tests.claims import claim as office_claim

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

CF = Decimal("32.3465")
#: GPCI2025.csv, MAC 10112 locality 00 (Alabama): work, PE, MP.
ALABAMA = (Decimal("1"), Decimal("0.869"), Decimal("0.575"))
#: PPRRVU2025_Oct.csv: work RVU, non-facility PE, facility PE, MP RVU.
RVU = {
    "97110": ("0.45", "0.43", "0.43", "0.01"),
    "G0283": ("0.18", "0.19", "0.19", "0.01"),
    "97032": ("0.25", "0.18", "0.18", "0.01"),
}


def unit_parts(code: str, facility: bool = False) -> tuple[Decimal, Decimal]:
    work, nonfacility_pe, facility_pe, mp = (Decimal(v) for v in RVU[code])
    pe = facility_pe if facility else nonfacility_pe
    return (work * ALABAMA[0] + mp * ALABAMA[2]) * CF, pe * ALABAMA[1] * CF


def cents(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A post-TKA knee patient of a PT practice, $600 of therapy allowed so far this year."""
    return office_claim(
        *lines,
        **{
            "id": "s1",
            "diagnoses": ["Z47.1", "Z96.651", "M25.461"],
            "therapy_amounts": {"pt_slp": 600.0, "ot": 0},
            **fields,
        },
    )


def check(data: dict[str, Any]) -> dict[str, Any]:
    [result] = check_claims(parse_claims(data))["claims"]
    return result


def rules(result: dict[str, Any], *severities: str) -> set[tuple[str, tuple[int, ...]]]:
    wanted = severities or ("error", "warning", "info")
    return {(f["rule"], tuple(f["lines"])) for f in result["findings"] if f["severity"] in wanted}


EXERCISE = {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30}


def test_post_tka_edema_billed_with_97014_to_medicare_is_told_to_use_g0283(
    full_load: list[Outcome],
) -> None:
    result = check(claim(EXERCISE, {"code": "97014", "modifiers": ["GP"], "units": 1}))

    [status] = [f for f in result["findings"] if f["rule"] == "MCS001"]
    assert status["lines"] == [2] and status["severity"] == "error"
    assert status["fix"].startswith("Bill G0283 instead")
    assert result["lines"][1]["allowed_amount"] == 0.0
    # The exercise line is billed right: nothing about therapy modifiers, minutes or 59.
    assert not {rule for rule, _ in rules(result)} & {
        "THR001",
        "THR002",
        "THR003",
        "TIM001",
        "TIM003",
        "MOD001",
        "MOD004",
    }


def test_post_tka_edema_billed_with_g0283_is_clean_and_priced(full_load: list[Outcome]) -> None:
    result = check(claim(EXERCISE, {"code": "G0283", "modifiers": ["GP"], "units": 1}))

    assert rules(result, "error", "warning") == set()
    exercise_work_mp, exercise_pe = unit_parts("97110")
    stim_work_mp, stim_pe = unit_parts("G0283")
    # 97110 has the higher PE: one of its units keeps it in full; the rest are paid at 50%.
    expected_exercise = cents(exercise_work_mp * 2 + exercise_pe * Decimal("1.5"))
    expected_stim = cents(stim_work_mp + stim_pe * Decimal("0.5"))
    assert [line["allowed_amount"] for line in result["lines"]] == [
        expected_exercise,
        expected_stim,
    ]
    assert result["total_allowed"] == pytest.approx(expected_exercise + expected_stim)


def test_chronic_low_back_pain_with_tens_after_exercise(full_load: list[Outcome]) -> None:
    diagnoses = {"diagnoses": ["M54.50", "G89.29"]}
    right = claim(
        {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 25},
        {"code": "G0283", "modifiers": ["GP"], "units": 1},
        **diagnoses,
    )
    # Two pads on two areas are still one unit; a precautionary 59 bypasses nothing here.
    wrong = claim(
        {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 25},
        {"code": "G0283", "modifiers": ["GP", "59"], "units": 2},
        **diagnoses,
    )

    assert rules(check(right), "error", "warning") == set()
    assert rules(check(wrong)) >= {("TIM003", (2,)), ("MUE001", (2,)), ("MOD001", (2,))}


def test_truly_attended_estim_is_billed_by_the_minute(full_load: list[Outcome]) -> None:
    attended = {"code": "97032", "modifiers": ["GP"], "units": 1, "minutes": 15}
    exercise = {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 25}

    # 15 + 25 = 40 minutes support 3 units: 1 + 2 is right, 2 + 2 is one too many.
    fits = check(claim(attended, exercise, diagnoses=["M62.81"]))
    over = check(claim({**attended, "units": 2}, exercise, diagnoses=["M62.81"]))

    assert rules(fits, "error", "warning") == set()
    assert ("TIM001", (1, 2)) in rules(over, "error")
    [eight_minutes] = [f for f in over["findings"] if f["rule"] == "TIM001"]
    assert "40 minutes support 3" in eight_minutes["message"]


def test_attended_and_unattended_estim_together_need_a_distinct_service_modifier(
    full_load: list[Outcome],
) -> None:
    unattended = {"code": "G0283", "modifiers": ["GP"], "units": 1}
    attended = {"code": "97032", "modifiers": ["GP"], "units": 1, "minutes": 15}

    bare = check(claim(unattended, attended))
    with_59 = check(claim(unattended, {**attended, "modifiers": ["GP", "59"]}))
    with_xs = check(claim(unattended, {**attended, "modifiers": ["GP", "XS"]}))

    assert ("PTP002", (2,)) in rules(bare, "error")
    assert rules(with_59, "error", "warning") == set()
    assert rules(with_59, "info") == {("MOD003", (2,))}
    assert rules(with_xs) == set()


def test_the_same_visit_in_a_private_practice_and_a_hospital_outpatient_department(
    full_load: list[Outcome],
) -> None:
    lines = (EXERCISE, {"code": "G0283", "modifiers": ["GP"], "units": 2})

    office = check(claim(*lines))
    hospital = check(claim(*lines, setting="outpatient_hospital", place_of_service="22"))

    def mue_dataset(result: dict[str, Any]) -> str:
        [mue] = [f for f in result["findings"] if f["rule"] == "MUE001"]
        return str(mue["source"]["dataset"])

    assert mue_dataset(office) == "ncci_mue_practitioner"
    assert mue_dataset(hospital) == "ncci_mue_outpatient"
    # The therapy rules do not depend on where the service was given.
    assert ("TIM003", (2,)) in rules(office) and ("TIM003", (2,)) in rules(hospital)
    # The hospital line is priced with the facility PE RVU (equal to the office one for these
    # therapy codes in RVU25D, so the amounts agree).
    work_mp, pe = unit_parts("97110", facility=True)
    stim_work_mp, stim_pe = unit_parts("G0283", facility=True)
    assert hospital["lines"][0]["allowed_amount"] == cents(work_mp * 2 + pe * Decimal("1.5"))
    assert hospital["lines"][1]["allowed_amount"] == cents(stim_work_mp * 2 + stim_pe)
    assert [line["allowed_amount"] for line in hospital["lines"]] == [
        line["allowed_amount"] for line in office["lines"]
    ]


def test_a_pt_patient_crossing_the_kx_threshold(full_load: list[Outcome]) -> None:
    exercise_work_mp, exercise_pe = unit_parts("97110")
    exercise = cents(exercise_work_mp * 2 + exercise_pe * Decimal("1.5"))
    # Already allowed this year: just under the line, so the exercise line crosses $2,480.
    so_far = 2480.0 - exercise + 5.0
    lines = [EXERCISE, {"code": "G0283", "modifiers": ["GP"], "units": 1}]

    without_kx = check(claim(*lines, therapy_amounts={"pt_slp": so_far, "ot": 2000.0}))
    with_kx = check(
        claim(
            *[{**line, "modifiers": ["GP", "KX"]} for line in lines],
            therapy_amounts={"pt_slp": so_far, "ot": 2000.0},
        )
    )
    occupational = check(
        claim(
            *[{**line, "modifiers": ["GO"]} for line in lines],
            therapy_amounts={"pt_slp": so_far, "ot": 2000.0},
        )
    )

    assert rules(without_kx, "error") == {("THR003", (1, 2))}
    [kx] = [f for f in without_kx["findings"] if f["rule"] == "THR003"]
    assert kx["message"].startswith("PT and SLP combined therapy reaches $")
    assert rules(with_kx) == set()
    assert rules(occupational) == set()  # OT has its own $2,480; $2,000 so far


def test_a_commercial_payer_takes_97014(full_load: list[Outcome]) -> None:
    result = check(
        claim(
            {"code": "97110", "units": 2, "minutes": 30},
            {"code": "97014", "units": 1},
            payer="commercial",
            therapy_amounts={},
        )
    )

    found = {rule for rule, _ in rules(result)}
    # Medicare's MUE of 0 for 97014 only restates that Medicare does not pay it.
    assert not found & {"MCS001", "MUE001", "THR001", "THR003", "MOD004", "TIM002", "TIM003"}
    assert [line["allowed_amount"] for line in result["lines"]] == [None, None]
