"""Findings as CSV, one row per finding, for batches worked through in a spreadsheet.

A claim without findings still gets one row (severity ``none``), so every claim of a batch is
accounted for and a filter on severity shows the clean ones. ``total_allowed`` (Medicare's
expected allowed amount for the claim), ``total_expected_payment`` and ``total_at_risk``
(what the findings leave of it, and the rest) and the patient's sex and birth date repeat on
each of the claim's rows; ``at_risk`` is what the row's finding puts at risk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

COLUMNS = (
    "claim_id",
    "rule",
    "severity",
    "lines",
    "message",
    "fix",
    "dataset",
    "release",
    "detail",
    "at_risk",
    "total_allowed",
    "total_expected_payment",
    "total_at_risk",
    "patient_sex",
    "patient_birth_date",
)
# A cell starting with one of these is a formula to a spreadsheet; claim ids come from users.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def finding_rows(claims: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
    """The CSV rows (without the header) of checked claims, as ``check_claims`` returns them."""
    for claim in claims:
        patient = claim.get("patient") or {}
        totals = [
            _money(claim.get("total_allowed")),
            _money(claim.get("total_expected_payment")),
            _money(claim.get("total_at_risk")),
            patient.get("sex") or "",
            patient.get("birth_date") or "",
        ]
        claim_id = _safe(str(claim["id"]))
        if not claim["findings"]:
            yield [claim_id, "", "none", "", "no findings", "", "", "", "", "", *totals]
        for finding in claim["findings"]:
            source = finding.get("source") or {}
            yield [
                claim_id,
                finding["rule"],
                finding["severity"],
                ";".join(str(n) for n in finding["lines"]),
                _safe(finding["message"]),
                _safe(finding["fix"]),
                source.get("dataset") or "",
                source.get("release") or "",
                _safe(source.get("detail") or ""),
                _money(_finding_at_risk(claim, finding)),
                *totals,
            ]


def write_findings(out: Any, claims: Iterable[dict[str, Any]], *, header: bool = True) -> None:
    """Write the rows to a text stream (a file, stdout, an HTTP response)."""
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(finding_rows(claims))


def findings_csv(result: dict[str, Any]) -> str:
    out = io.StringIO()
    write_findings(out, result["claims"])
    return out.getvalue()


def _finding_at_risk(claim: dict[str, Any], finding: dict[str, Any]) -> float | None:
    """What the finding puts at risk: the at-risk amounts of its lines (every line when it
    names none) that list its rule. A line two findings put at risk counts in both rows."""
    named = set(finding["lines"])
    amounts = [
        line["at_risk"]
        for line in claim.get("lines", [])
        if finding["rule"] in line.get("at_risk_rules", ())
        and (not named or line["line"] in named)
        and line.get("at_risk") is not None
    ]
    return round(sum(amounts), 2) if amounts else None


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text
