"""The readable text form of a claim check (the JSON form is the result itself).

Claim ids, codes and messages come from the claim file: they are printed as text, never read as
Rich markup (an id ``[/x]`` or ``[link=…]`` is shown as typed), with control characters shown
as escapes so that nothing in a claim file can drive the terminal.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from medcode.claims.claim import printable

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _text(*parts: str | tuple[str, str]) -> Text:
    """A line of plain text pieces, each optionally styled; markup in them is not read."""
    line = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, "")
        line.append(printable(str(text), limit=10_000), style=style)
    return line


def print_report(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(highlight=False, width=110)
    for claim in result["claims"]:
        findings = claim["findings"]
        console.print(_text((f"Claim {claim['id']}", "bold"), f": {len(findings)} finding(s)"))
        for f in findings:
            where = f"line {', '.join(map(str, f['lines']))}" if f["lines"] else "claim"
            severity = f["severity"].upper()
            console.print(
                _text(
                    "  ",
                    (f"{severity:<7}", STYLE[f["severity"]]),
                    f" {f['rule']} {where}: {f['message']}",
                )
            )
            console.print(_text(f"          fix: {f['fix']}"))
            source = f["source"]
            console.print(
                _text((f"          source: {source['release']} — {source['detail']}", "dim"))
            )
        for line in claim["lines"]:
            amount = line["allowed_amount"]
            shown = "not priced" if amount is None else f"${amount:,.2f}"
            expected = line.get("expected_payment")
            paid = "" if expected is None else f"  expected ${expected:,.2f}"
            risk = ""
            if line.get("at_risk_rules"):
                at_risk = line.get("at_risk")
                amount_text = "" if at_risk is None else f"${at_risk:,.2f} "
                risk = f"  {amount_text}at risk ({', '.join(line['at_risk_rules'])})"
            console.print(
                _text(f"  line {line['line']}: {line['code']:<6} {shown:>12}{paid}", (risk, "red"))
            )
            for adjustment in line.get("adjustments", []):
                console.print(_text((f"          {adjustment['note']}", "dim")))
        if claim["total_allowed"] is not None:
            console.print(_text(f"  total allowed:          ${claim['total_allowed']:,.2f}"))
            console.print(
                _text(f"  total expected payment: ${claim['total_expected_payment']:,.2f}")
            )
            if claim.get("total_at_risk"):
                console.print(
                    _text((f"  total at risk:          ${claim['total_at_risk']:,.2f}", "red"))
                )
        for note in claim.get("notes", []):
            console.print(_text((f"  note: {note}", "dim")))
        console.print()
