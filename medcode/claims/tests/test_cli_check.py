"""`medcode check`: exit codes (0 clean, 1 errors, 2 bad input, 3 internal error) and claim text
printed as text (no Rich markup read from it, control characters escaped)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from medcode.claims.report import print_report
from medcode.cli import build_parser, main
from medcode.clidocs import _subparsers
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "medcode" / "claims" / "tests" / "fixtures"


@pytest.fixture
def store(db: None) -> None:
    load_file(FIXTURES / "claims_PPRRVU2026_Jan.csv", "pfs_pprrvu")
    load_file(FIXTURES / "claims_ccipra-v320r0.txt", "ncci_ptp")


def claims_file(tmp_path: Path, *claims: dict[str, Any]) -> str:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(list(claims)))
    return str(path)


def claim(claim_id: str, *codes: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "payer": "commercial",
        "date_of_service": "2026-02-10",
        "lines": [{"code": code} for code in codes],
    }


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_claim_without_errors_exits_0(
    store: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(["check", claims_file(tmp_path, claim("ok", "97110"))], capsys)

    assert "Claim ok" in out and "ERROR" not in out
    assert status == 0


def test_a_claim_with_an_error_finding_exits_1(
    store: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = claims_file(tmp_path, claim("bad", "G0283", "97032"))

    status, out, _ = run(["check", path], capsys)

    assert "PTP002" in out and "ERROR" in out
    assert status == 1


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.json"
    path.write_text('{"payer": "medicare"}')

    status, out, err = run(["check", str(path)], capsys)

    assert status == 2 and out == ""
    assert "field 'date_of_service': is missing" in err


def test_an_unexpected_exception_exits_3_with_a_short_message(
    store: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    # A bug stood in for by a checker that fails: not bad input, not findings.
    def broken(claims: Any) -> Any:
        raise KeyError("pfs_rvu")

    monkeypatch.setattr("medcode.claims.checker.check_claims", broken)
    monkeypatch.delenv("MEDCODE_TRACEBACK", raising=False)

    status, _, err = run(["check", claims_file(tmp_path, claim("c1", "97110"))], capsys)

    assert status == 3
    assert "internal error (KeyError: 'pfs_rvu')" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_the_exit_codes_are_in_the_help() -> None:
    check = _subparsers(build_parser())["check"]

    text = check.format_help()

    for line in ("0  done", "1  check: some finding is an error", "2  bad input", "3  internal"):
        assert line in text
    assert "exit codes:" in (REPO / "docs" / "cli.md").read_text()


@pytest.mark.parametrize("claim_id", ["[/x]", "[link=https://example.invalid]c2[/link]", "[bold]"])
def test_claim_ids_that_look_like_markup_are_printed_as_typed(
    store: None, claim_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["check", claims_file(tmp_path, claim(claim_id, "97110"))], capsys)

    assert status == 0, err
    assert f"Claim {claim_id}: " in out


def test_control_characters_in_a_report_are_shown_escaped() -> None:
    finding = {
        "rule": "VAL001",
        "severity": "error",
        "lines": [1],
        "message": "code \x1b[2J\x1b]8;;http://x\x07 is unknown",
        "fix": "check \u202eit",
        "source": {"release": "r", "detail": "d\x9b"},
    }
    result = {
        "claims": [
            {
                "id": "c\x1b[31m1",
                "findings": [finding],
                "lines": [{"line": 1, "code": "9\x00", "allowed_amount": None}],
                "total_allowed": None,
                "notes": ["n\x08"],
            }
        ]
    }
    out = io.StringIO()

    print_report(result, Console(file=out, force_terminal=True, width=200, highlight=False))

    text = out.getvalue()
    for raw in ("\x1b[2J", "\x1b]8", "\x07", "\u202e", "\x9b", "\x00", "\x08", "\x1b[31m1"):
        assert raw not in text
    for escaped in ("\\x1b[2J", "\\x1b]8;;http://x\\x07", "\\u202e", "\\x9b", "\\x00", "\\x08"):
        assert escaped in text
