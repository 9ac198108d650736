"""The therapy, timed-unit and modifier-use rules over the real CMS files: one test per rule,
asserting what a biller sees — the finding, its severity, its line and the release it cites.

Claims are dated 2026-05-04: the PFS answers from RVU25D, the PTP edits from 2024 Q3 (v302r0),
the MUEs from 2026 Q2 (see ../shared/cms/SOURCES.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from medcode.claims.checker import check_claim
from medcode.claims.claim import parse_claim
from medcode.content.therapy import therapy
from medcode.fees.models import PfsRvu
from medcode.releases.loader import Outcome
from tests.claims import claim as office_claim

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def claim(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return office_claim(*lines, **{"id": "r1", **fields})


def found(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in check_claim(parse_claim(data))["findings"] if f["rule"] == rule]


def only(data: dict[str, Any], rule: str) -> dict[str, Any]:
    findings = found(data, rule)
    assert len(findings) == 1, findings
    return findings[0]


def test_the_maintained_always_therapy_list_holds_only_what_the_pfs_file_does_not_mark(
    full_load: list[Outcome],
) -> None:
    marked = set(
        PfsRvu.objects.filter(modifier="", multiple_procedure="5").values_list("hcpcs", flat=True)
    )

    assert not therapy().always.codes & marked
    assert {"97110", "97140", "97530", "97032", "97161", "92507", "G0283"} <= marked
    assert not therapy().sometimes.codes & marked


def test_thr001_names_a_therapy_line_without_gp_go_or_gn(full_load: list[Outcome]) -> None:
    finding = only(claim({"code": "97140", "units": 1, "minutes": 15}), "THR001")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert finding["message"] == (
        "97140 is always a therapy service; Medicare needs GP, GO or GN on it"
    )
    assert finding["source"]["dataset"] == "pfs_rvu"
    assert "RVU25D" in finding["source"]["release"]
    assert finding["source"]["detail"].startswith("97140: multiple procedure indicator 5")


def test_thr002_names_a_line_with_two_disciplines(full_load: list[Outcome]) -> None:
    finding = only(claim({"code": "97530", "modifiers": ["GP", "GO"], "minutes": 15}), "THR002")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert "carries GP and GO" in finding["message"]
    assert finding["source"]["release"] == "therapy.toml"


def test_thr003_asks_for_kx_past_the_2026_threshold(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 30},
        therapy_amounts={"pt_slp": 2450.0, "ot": 0},
    )

    finding = only(data, "THR003")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert "past the 2026 KX threshold of $2,480.00" in finding["message"]
    assert "KX" in finding["fix"]
    assert finding["source"]["dataset"] == "medcode-content"
    assert finding["source"]["detail"].startswith("KX threshold 2026: $2,480.00")


def test_thr004_notes_targeted_review_past_3000(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "units": 2, "minutes": 30},
        therapy_amounts={"pt_slp": 2990.0},
    )

    finding = only(data, "THR004")

    assert finding["severity"] == "info" and finding["lines"] == [1]
    assert "passes $3,000.00" in finding["message"] and "targeted" in finding["message"]
    assert found(data, "THR003") == []


def test_thr005_warns_of_kx_early_in_the_year(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP", "KX"], "units": 1, "minutes": 15},
        therapy_amounts={"pt_slp": 250.0},
    )

    finding = only(data, "THR005")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "within the 2026 KX threshold of $2,480.00" in finding["message"]


def test_tim001_applies_the_8_minute_rule_over_the_day(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "units": 2, "minutes": 10},
        {"code": "97140", "modifiers": ["GP"], "units": 1, "minutes": 10},
    )

    finding = only(data, "TIM001")

    assert finding["severity"] == "error" and finding["lines"] == [1, 2]
    assert finding["message"] == (
        "3 units of 15-minute timed codes on 2026-05-04, but their 20 minutes support 1 under "
        "Medicare's 8-minute rule"
    )
    assert finding["source"]["release"] == "therapy.toml"
    assert "ch. 5, section 20.2" in finding["source"]["detail"]


def test_tim002_counts_each_codes_minutes_for_a_commercial_payer(
    full_load: list[Outcome],
) -> None:
    data = claim(
        {"code": "97110", "units": 2, "minutes": 20},
        {"code": "97140", "units": 1, "minutes": 10},
        payer="commercial",
    )

    finding = only(data, "TIM002")

    assert finding["severity"] == "error" and finding["lines"] == [1]
    assert finding["message"] == "2 units of 97110 on 2026-05-04, but its 20 minutes support 1"
    assert found(data, "TIM001") == []


def test_tim003_flags_two_units_of_g0283(full_load: list[Outcome]) -> None:
    data = claim({"code": "G0283", "modifiers": ["GP"], "units": 2})

    finding = only(data, "TIM003")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "2 units of G0283" in finding["message"] and "untimed" in finding["message"]
    assert finding["source"]["detail"].startswith("G0283: untimed")


def test_tim004_notes_a_timed_line_without_minutes(full_load: list[Outcome]) -> None:
    finding = only(claim({"code": "97530", "modifiers": ["GP"], "units": 2}), "TIM004")

    assert finding["severity"] == "info" and finding["lines"] == [1]
    assert "gives no minutes" in finding["message"]


def test_mod001_flags_59_where_no_edit_pairs_the_codes(full_load: list[Outcome]) -> None:
    # 97110 and 97140 have only an edit deleted in 1999 (indicator 9) between them.
    data = claim(
        {"code": "97110", "modifiers": ["GP"], "minutes": 15},
        {"code": "97140", "modifiers": ["GP", "59"], "minutes": 15},
    )

    finding = only(data, "MOD001")

    assert finding["severity"] == "warning" and finding["lines"] == [2]
    assert "no NCCI edit pairs 97140 with 97110" in finding["message"]
    assert finding["source"]["dataset"] == "ncci_ptp_practitioner"
    assert "v302r0" in finding["source"]["release"]


def test_mod002_flags_59_on_the_column_1_code(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "G0283", "modifiers": ["GP", "59"]},
        {"code": "97032", "modifiers": ["GP"], "minutes": 15},
    )

    finding = only(data, "MOD002")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert "line 2 (97032) will be denied" in finding["message"]
    assert finding["source"]["detail"] == "G0283 / 97032: modifier indicator 1"
    assert [f["lines"] for f in found(data, "PTP002")] == [[2]]


def test_mod003_prefers_an_x_modifier_to_59_for_medicare(full_load: list[Outcome]) -> None:
    data = claim(
        {"code": "G0283", "modifiers": ["GP"]},
        {"code": "97032", "modifiers": ["GP", "59"], "minutes": 15},
    )

    finding = only(data, "MOD003")

    assert finding["severity"] == "info" and finding["lines"] == [2]
    assert "XE, XS, XP or XU" in finding["fix"]
    assert found(data, "PTP002") == [] and found(data, "MOD001") == []


def test_mod004_flags_gp_on_an_office_visit(full_load: list[Outcome]) -> None:
    finding = only(claim({"code": "99213", "modifiers": ["GP"]}), "MOD004")

    assert finding["severity"] == "warning" and finding["lines"] == [1]
    assert finding["message"] == "GP on line 1, but 99213 is not a therapy service"
    assert finding["source"]["dataset"] == "pfs_rvu"
    assert "multiple procedure indicator 0" in finding["source"]["detail"]
