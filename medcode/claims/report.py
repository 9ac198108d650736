"""The readable text form of a claim check (the JSON form is the result itself)."""

from __future__ import annotations

from typing import Any

from rich.console import Console

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_report(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(highlight=False, width=110)
    for claim in result["claims"]:
        findings = claim["findings"]
        console.print(f"[bold]Claim {claim['id']}[/bold]: {len(findings)} finding(s)")
        for f in findings:
            where = f"line {', '.join(map(str, f['lines']))}" if f["lines"] else "claim"
            severity = f["severity"].upper()
            console.print(
                f"  [{STYLE[f['severity']]}]{severity:<7}[/] {f['rule']} {where}: {f['message']}"
            )
            console.print(f"          fix: {f['fix']}")
            source = f["source"]
            console.print(f"          [dim]source: {source['release']} — {source['detail']}[/dim]")
        for line in claim["lines"]:
            amount = line["allowed_amount"]
            shown = "not priced" if amount is None else f"${amount:,.2f}"
            expected = line.get("expected_payment")
            paid = "" if expected is None else f"  expected ${expected:,.2f}"
            risk = ""
            if line.get("at_risk_rules"):
                at_risk = line.get("at_risk")
                amount_text = "" if at_risk is None else f"${at_risk:,.2f} "
                risk = f"  [red]{amount_text}at risk ({', '.join(line['at_risk_rules'])})[/]"
            console.print(f"  line {line['line']}: {line['code']:<6} {shown:>12}{paid}{risk}")
            for adjustment in line.get("adjustments", []):
                console.print(f"          [dim]{adjustment['note']}[/dim]")
        if claim["total_allowed"] is not None:
            console.print(f"  total allowed:          ${claim['total_allowed']:,.2f}")
            console.print(f"  total expected payment: ${claim['total_expected_payment']:,.2f}")
            if claim.get("total_at_risk"):
                console.print(f"  [red]total at risk:          ${claim['total_at_risk']:,.2f}[/]")
        for note in claim.get("notes", []):
            console.print(f"  [dim]note: {note}[/dim]")
        console.print()
