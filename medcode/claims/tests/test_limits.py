"""Claim limits (docs/claims.md, "Limits"): lines per claim, claims per request, findings per
claim; and PTP pairs found from the edits of a claim's codes rather than every pair of lines.

The store is the hand-written 2026 Q1 PPRRVU file and PTP table whose invented edits include
G0283 / 97032 (modifier indicator 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medcode.claims.checker import check_claims
from medcode.claims.claim import ClaimError, ClaimLine
from medcode.claims.formats import read_claims
from medcode.claims.rules.ptp import pairs_among
from medcode.claims.tests.x12 import interchange
from medcode.cli import main
from medcode.testing import REPO, load_file

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"


@pytest.fixture
def store(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "claims_ccipra-v320r0.txt", "ncci_ptp")


def stim_claim(each: int, claim_id: str = "big") -> dict[str, Any]:
    """``each`` lines of G0283 then ``each`` of 97032, one date: every 97032 line forms the
    G0283 / 97032 edit with every G0283 line."""
    lines: list[dict[str, Any]] = [{"code": "G0283", "modifiers": ["GP"]}] * each
    lines += [{"code": "97032", "modifiers": ["GP"], "minutes": 15}] * each
    return {
        "id": claim_id,
        "payer": "medicare",
        "date_of_service": "2026-02-10",
        "lines": lines,
    }


def as_csv(claim: dict[str, Any]) -> str:
    rows = ["claim_id,payer,date_of_service,code,modifiers"]
    rows += [
        f"{claim['id']},medicare,{claim['date_of_service']},{line['code']},GP"
        for line in claim["lines"]
    ]
    return "\n".join(rows) + "\n"


def as_x12(claim: dict[str, Any]) -> str:
    return interchange(
        [f"SV1*HC:{line['code']}:GP*10*UN*1" for line in claim["lines"]], claim["id"], "20260210"
    )


# --- lines per claim ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["json", "csv", "x12"])
def test_a_claim_of_1400_lines_is_refused_naming_the_claim_and_the_limit(form: str) -> None:
    claim = stim_claim(700)
    data = {"json": json.dumps(claim), "csv": as_csv(claim), "x12": as_x12(claim)}[form]

    with pytest.raises(ClaimError) as caught:
        read_claims(data)

    message = str(caught.value)
    assert caught.value.claim == "big" and caught.value.field == "lines"
    assert caught.value.line == 51
    assert "1,400 lines" in message and "at most 50" in message
    assert "MEDCODE_CLAIM_MAX_LINES" in message
    where = {"json": "", "csv": "row 52, column claim_id", "x12": "(SV1)"}[form]
    assert where in message


def test_the_api_answers_a_1400_line_claim_with_a_short_400(db: None) -> None:
    body = json.dumps(stim_claim(700))

    response = Client().post("/api/v1/claims/check", body, content_type="application/json")

    assert response.status_code == 400
    assert len(response.content) < 1000
    assert "claim big, line 51, field 'lines'" in response.json()["error"]


def test_the_form_refuses_a_1400_line_upload_at_the_file_field(db: None) -> None:
    upload = SimpleUploadedFile("big.csv", as_csv(stim_claim(700)).encode(), "text/csv")

    response = Client().post("/claims/check", {"payer": "medicare", "file": upload})

    assert response.status_code == 400
    assert "at most 50" in response.content.decode()


def test_the_cli_refuses_a_1400_line_claim_with_exit_2(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(stim_claim(700)))

    status = main(["check", str(path)])

    assert status == 2
    assert "claim big, line 51, field 'lines'" in capsys.readouterr().err


def test_the_line_limit_is_a_setting(settings: Any) -> None:
    claim = stim_claim(30)
    with pytest.raises(ClaimError, match="at most 50"):
        read_claims(json.dumps(claim))

    settings.MEDCODE_CLAIM_MAX_LINES = 60
    [read] = read_claims(json.dumps(claim))
    assert len(read.lines) == 60

    settings.MEDCODE_CLAIM_MAX_LINES = 4
    with pytest.raises(ClaimError, match="at most 4"):
        read_claims(json.dumps(stim_claim(3)))


# --- findings per claim ------------------------------------------------------------------------


def test_repeated_findings_are_grouped_with_a_count_and_the_answer_stays_small(
    store: None,
) -> None:
    # 25 x 25 lines form the G0283 / 97032 edit 625 times: 625 PTP002 findings before grouping.
    [claim] = read_claims(json.dumps(stim_claim(25)))

    [result] = check_claims([claim])["claims"]

    ptp = [f for f in result["findings"] if f["rule"] == "PTP002"]
    assert len(ptp) == 1
    assert ptp[0]["count"] == 625
    assert ptp[0]["lines"] == list(range(26, 51))
    assert "624 more like this" in ptp[0]["message"]
    assert len(result["findings"]) <= 100
    assert any("findings of one rule on one CMS row are grouped" in n for n in result["notes"])
    assert len(json.dumps(result)) < 40_000


def test_a_few_findings_are_each_their_own(store: None) -> None:
    data = stim_claim(1)
    data["lines"].append({"code": "97032", "modifiers": ["GP"], "minutes": 15})
    [claim] = read_claims(json.dumps(data))

    [result] = check_claims([claim])["claims"]

    ptp = [f for f in result["findings"] if f["rule"] == "PTP002"]
    assert [f["lines"] for f in ptp] == [[2], [3]]
    assert all("count" not in f for f in ptp) and len(ptp) == 2


def test_past_the_limit_after_grouping_the_rest_is_counted_in_a_note(
    store: None, settings: Any
) -> None:
    # 9 PTP002 findings (one group) and a TIM003 one: two groups, one shown.
    settings.MEDCODE_CLAIM_MAX_FINDINGS = 1
    [claim] = read_claims(json.dumps(stim_claim(3)))

    [result] = check_claims([claim])["claims"]

    [shown] = result["findings"]
    assert shown["rule"] == "PTP002" and shown["count"] == 9
    [note] = [n for n in result["notes"] if "not shown" in n]
    assert note.startswith("1 more finding(s)")
    assert "at most 1" in note and "MEDCODE_CLAIM_MAX_FINDINGS" in note


# --- claims per request ------------------------------------------------------------------------


def test_more_claims_than_a_request_takes_are_refused_by_the_api(db: None, settings: Any) -> None:
    settings.MEDCODE_CLAIMS_PER_REQUEST = 3
    body = json.dumps([stim_claim(1, f"c{n}") for n in range(4)])

    response = Client().post("/api/v1/claims/check", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert "4 claims" in error and "at most 3" in error
    assert "MEDCODE_CLAIMS_PER_REQUEST" in error


def test_the_cli_reads_more_claims_than_a_request_takes(
    store: None, settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.MEDCODE_CLAIMS_PER_REQUEST = 3
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([stim_claim(1, f"c{n}") for n in range(4)]))

    status = main(["check", str(path), "--json"])

    assert status == 1  # PTP002 is an error
    assert len(json.loads(capsys.readouterr().out)["claims"]) == 4


# --- the pair search ---------------------------------------------------------------------------


class CountingIndex(dict[str, dict[str, dict]]):
    """An edit index (column 1 -> column 2 -> edit) that counts the look-ups made in it."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lookups = 0

    def get(self, key: Any, default: Any = None) -> Any:
        self.lookups += 1
        return super().get(key, default)

    def __getitem__(self, key: str) -> dict[str, dict]:
        self.lookups += 1
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.lookups += 1
        return super().__contains__(key)

    def items(self) -> Any:
        raise AssertionError("the pair search must not walk every edit of the store")


def lines_of(codes: list[str]) -> dict[str, list[ClaimLine]]:
    by_code: dict[str, list[ClaimLine]] = {}
    for number, code in enumerate(codes, start=1):
        by_code.setdefault(code, []).append(ClaimLine(number, code, (), 1))
    return by_code


def test_the_pair_search_looks_up_each_code_once_not_each_pair() -> None:
    codes = [f"9{n:04d}" for n in range(50)]
    edit = {"column1": "90001", "column2": "90002", "modifier_indicator": "1"}
    index = CountingIndex({"90001": {"90002": edit, "99999": {}}})
    # Edits among codes no line carries are in the store too (a batch's other claims).
    index.update({f"8{n:04d}": {"90002": {}} for n in range(1000)})

    found = list(pairs_among(lines_of(codes), index))

    assert [(a.code, b.code) for a, b, _ in found] == [("90001", "90002")]
    assert index.lookups == 50  # one per code; 50 x 49 pairs would be 2,450


def test_the_pair_search_pairs_every_line_of_the_two_codes() -> None:
    edit = {"column1": "G0283", "column2": "97032", "modifier_indicator": "1"}
    by_code = lines_of(["G0283", "97032", "G0283", "97110", "97032"])

    found = list(pairs_among(by_code, {"G0283": {"97032": edit}, "97110": {}}))

    assert sorted((a.number, b.number) for a, b, _ in found) == [(1, 2), (1, 5), (3, 2), (3, 5)]
