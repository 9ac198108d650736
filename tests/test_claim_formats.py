"""One claim as JSON, CSV and X12 837P, through the CLI, the API and the web form, over the real
CMS files: every way in gives the same findings and the same amounts."""

from __future__ import annotations

import html
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medcode.cli import main
from medcode.releases.loader import Outcome
from tests.cms import gpcis, rvus

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

FIXTURES = Path(__file__).resolve().parent.parent / "medcode" / "claims" / "tests" / "fixtures"
FILES = {
    "json": FIXTURES / "claims.json",
    "csv": FIXTURES / "claims.csv",
    "x12": FIXTURES / "claims_837p.x12",
}


def summary(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a biller reads off a result: per claim, its findings and line amounts."""
    return [
        (
            claim["id"],
            [
                (f["rule"], f["severity"], tuple(f["lines"]), f["message"])
                for f in claim["findings"]
            ],
            [(line["code"], line["allowed_amount"]) for line in claim["lines"]],
            claim["total_allowed"],
        )
        for claim in result["claims"]
    ]


def cli_json(path: Path, capsys: Any) -> dict[str, Any]:
    code = main(["check", str(path), "--output", "json", "--locality", "10112-00"])
    out = capsys.readouterr().out
    assert code == 1, out  # claim c1 bills 97014 to Medicare: an error
    result: dict[str, Any] = json.loads(out)
    return result


def page_findings(page: str) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Per claim on the web page: (id, [(rule, severity, lines, message)])."""
    found = []
    for article in re.findall(r"<article class=\"claim-result\".*?</article>", page, re.S):
        claim_id = re.search(r"Claim (\S+)\s*<span", article)
        assert claim_id is not None
        rows = re.findall(
            r'<span class="badge (\w+)">\w+</span></td>\s*<td>(\w+)</td>\s*<td>([^<]*)</td>\s*'
            r"<td>([^<]*)</td>",
            article,
        )
        found.append(
            (
                claim_id.group(1),
                [(rule, sev, lines, html.unescape(msg)) for sev, rule, lines, msg in rows],
            )
        )
    return found


def test_json_csv_and_837_give_the_same_findings_in_the_cli(
    full_load: list[Outcome], capsys: Any
) -> None:
    results = {fmt: summary(cli_json(path, capsys)) for fmt, path in FILES.items()}

    assert results["csv"] == results["json"]
    assert results["x12"] == results["json"]
    c1 = results["json"][0]
    assert "MCS001" in [f[0] for f in c1[1]]  # 97014 under Medicare
    # 97110 x 2 in Alabama, non-facility: one unit in full, the other at half its PE (therapy
    # MPPR; 97014 is status I and takes no part), from CMS's PPRRVU and GPCI files.
    r = rvus("97110")
    work_g, pe_g, mp_g = gpcis("10112", "00")
    work_mp = (r["work"] * work_g + r["mp"] * mp_g) * r["cf"]  # type: ignore[operator]
    pe = r["nonfacility_pe"] * pe_g * r["cf"]  # type: ignore[operator]
    expected = (work_mp * 2 + pe * Decimal("1.5")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert c1[2] == [("97014", 0.0), ("97110", float(expected))]


def test_the_cli_findings_csv_lists_every_claim(full_load: list[Outcome], capsys: Any) -> None:
    code = main(["check", str(FILES["x12"]), "--output", "csv", "--locality", "10112-00"])

    rows = capsys.readouterr().out.splitlines()
    assert code == 1  # c1 has errors
    assert rows[0] == (
        "claim_id,rule,severity,lines,message,fix,dataset,release,detail,at_risk,total_allowed,"
        "total_expected_payment,total_at_risk,patient_sex,patient_birth_date"
    )
    assert {row.split(",")[0] for row in rows[1:]} == {"c1", "c2", "c3"}
    assert any(row.startswith("c1,MCS001,error,1,") for row in rows)


def test_a_bad_837_exits_2_naming_the_segment(
    full_load: list[Outcome], capsys: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.x12"
    bad.write_text(FILES["x12"].read_text().replace("*MJ*30*", "*MJ*-30*"))

    code = main(["check", str(bad)])

    err = capsys.readouterr().err
    assert code == 2
    assert re.search(r"bad.x12, segment \d+ \(SV1\), field SV1-04, claim c1, line 2", err), err


def test_the_api_gives_the_cli_findings_for_every_format(
    full_load: list[Outcome], capsys: Any
) -> None:
    expected = summary(cli_json(FILES["json"], capsys))
    client = Client()
    types = {"json": "application/json", "csv": "text/csv", "x12": "application/edi-x12"}

    for fmt, path in FILES.items():
        response = client.post(
            "/api/v1/claims/check?locality=10112-00",
            path.read_bytes(),
            content_type=types[fmt],
        )
        assert response.status_code == 200, response.content
        assert summary(response.json()) == expected, fmt


def test_the_web_form_gives_the_cli_findings_typed_or_uploaded(
    full_load: list[Outcome], capsys: Any
) -> None:
    expected = [
        (claim_id, [(r, s, ", ".join(map(str, lines)), m) for r, s, lines, m in findings])
        for claim_id, findings, _, _ in summary(cli_json(FILES["json"], capsys))
    ]
    client = Client()
    fields = {
        "claim_id": "c1",
        "payer": "medicare",
        "setting": "practitioner",
        "place_of_service": "11",
        "date_of_service": "2026-05-04",
        "locality": "10112-00",
        "diagnoses": "M17.11 M25.561",
        "line-1-code": "97014",
        "line-1-modifiers": "GP",
        "line-1-units": "1",
        "line-1-pointers": "1",
        "line-2-code": "97110",
        "line-2-modifiers": "GP",
        "line-2-units": "2",
        "line-2-minutes": "30",
        "line-2-pointers": "1 2",
    }

    typed = client.post("/claims/check", fields).content.decode()
    uploaded = {
        fmt: client.post(
            "/claims/check",
            fields | {"file": SimpleUploadedFile(path.name, path.read_bytes())},
        ).content.decode()
        for fmt, path in FILES.items()
    }

    assert page_findings(typed) == expected[:1]
    for fmt, page in uploaded.items():
        assert page_findings(page) == expected, fmt
