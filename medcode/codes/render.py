"""The text form of a code look-up, for ``medcode code`` (the JSON form is the dict itself)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def print_code(info: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(highlight=False, width=110)
    title = f"[bold]{info['code']}[/bold]  {info['system']}"
    if info.get("status"):
        title += f"  ({info['status']} on {info['as_of']})"
    console.print(title)
    if info.get("short_description"):
        console.print(f"Short:  {info['short_description']}")
    if info.get("long_description"):
        console.print(f"Long:   {info['long_description']}")
    if info.get("descriptor_notice"):
        console.print(f"        [dim]{info['descriptor_notice']}[/dim]")
    if info.get("also_known_as"):
        # Our own index terms, under CMS's short descriptor as on the code page.
        console.print(
            "Aka:    "
            + escape("; ".join(info["also_known_as"]))
            + "  [dim](medcode's index terms)[/dim]"
        )
    dates = f"Effective {info.get('effective_date') or 'date not published in the loaded files'}"
    if info.get("termination_date"):
        dates += f", terminated {info['termination_date']}"
    console.print(dates)
    for key in ("billable", "valid"):
        if key in info and info[key] is not None:
            console.print(
                f"{key.title()}: {'yes' if info[key] else 'no (a header, not a code to report)'}"
            )
    if info.get("hierarchy"):
        console.print(
            "In:     " + " > ".join(f"{h['code']} {h['title']}" for h in info["hierarchy"])
        )

    _print_crosswalks(console, info.get("crosswalks"))
    _print_fees(console, info.get("fees"))
    _print_locality(console, info.get("locality_fees"))
    _print_modifiers(console, info.get("modifiers"))
    _print_mue(console, info.get("mue"))
    _print_ptp(console, info.get("ptp"))
    _print_add_on(console, info.get("add_on"))
    _print_coverage(console, info.get("coverage"))
    _print_history(console, info.get("history"))
    _print_listed_by(console, info.get("listed_by"))
    if info.get("plain_language"):
        console.print(
            f"\n[bold]Plain language[/bold]: {info['plain_language']['title']} "
            "(medcode's own description; see --json or the code page)"
        )
    if info.get("other_systems"):
        console.print(f"\nAlso a code in: {', '.join(info['other_systems'])} (use --system)")
    if info.get("notes"):
        console.print()
        for note in info["notes"]:
            console.print(f"[yellow]Note:[/yellow] {note}")
    console.print("\n[bold]Sources[/bold]")
    for source in info.get("sources", []):
        console.print(f"  {source['label']} — {source['source_name']}")


def _print_fees(console: Console, fees: dict[str, Any] | None) -> None:
    if not fees:
        return
    console.print("\n[bold]Medicare Physician Fee Schedule[/bold]")
    status = fees.get("status") or {}
    console.print(f"Status {status.get('code')}: {status.get('meaning') or ''}")
    table = Table(show_edge=False)
    # Short headings so the table fits a terminal; the JSON spells each one out.
    headings = ("mod", "work", "PE nf", "PE f", "MP", "RVU nf", "RVU f", "$ nf", "$ f")
    for column in (*headings, "global", "PC/TC", "mult"):
        table.add_column(column, justify="right")
    for line in fees.get("rows", []):
        table.add_row(
            line.get("modifier") or "",
            _s(line.get("work_rvu")),
            _s(line.get("non_facility_pe_rvu")),
            _s(line.get("facility_pe_rvu")),
            _s(line.get("mp_rvu")),
            _s(line.get("non_facility_total")),
            _s(line.get("facility_total")),
            _s(line.get("national_non_facility_amount")),
            _s(line.get("national_facility_amount")),
            _s(line.get("global_days")),
            _s(line.get("pctc_indicator")),
            _s(line.get("multiple_procedure")),
        )
    console.print(table)
    console.print(
        "[dim]nf = non-facility, f = facility; $ = national amount (RVUs x conversion factor "
        f"{fees.get('conversion_factor')}), before GPCI adjustment[/dim]"
    )


def _print_mue(console: Console, mue: dict[str, Any] | None) -> None:
    if not mue:
        return
    console.print("\n[bold]Medically unlikely edits[/bold]")
    for setting, edit in mue.items():
        if edit:
            console.print(
                f"  {setting.replace('_', ' ')}: {edit['value']} units "
                f"(MAI {edit['adjudication_indicator']}: {edit['adjudication_text']}); "
                f"{edit['rationale']}"
            )


def _print_ptp(console: Console, ptp: dict[str, Any] | None) -> None:
    if not ptp:
        return
    console.print("\n[bold]NCCI procedure-to-procedure edits in effect[/bold]")
    for setting, counts in ptp.items():
        if counts:
            console.print(
                f"  {setting.replace('_', ' ')}: {counts['as_column1']:,} as column 1, "
                f"{counts['as_column2']:,} as column 2"
            )


def _print_add_on(console: Console, add_on: dict[str, Any] | None) -> None:
    if not add_on:
        return
    if add_on.get("is_add_on"):
        console.print(
            f"\n[bold]Add-on code[/bold] (type {', '.join(map(str, add_on['edit_types']))}): "
            f"{add_on['primary_codes']:,} primary codes"
        )
    elif add_on.get("add_on_codes"):
        console.print(f"\n[bold]Primary code[/bold] for {add_on['add_on_codes']:,} add-on codes")


def _print_coverage(console: Console, coverage: dict[str, Any] | None) -> None:
    if not coverage or not coverage.get("ncds"):
        return
    console.print("\n[bold]National coverage determinations[/bold]")
    for ncd in coverage["ncds"]:
        if "diagnosis_codes" in ncd:
            detail = f"{ncd['diagnosis_codes']:,} ICD-10 codes listed"
        else:
            detail = f"resolution {ncd['resolution']}: {ncd['resolution_meaning']}"
        console.print(f"  NCD {ncd['ncd']} {ncd['title']} ({detail})")


def _print_crosswalks(console: Console, crosswalks: list[dict[str, Any]] | None) -> None:
    for entry in crosswalks or []:
        if entry["direction"] == "from":
            console.print(
                f"\n[bold]{entry['payer']} wants {entry['to']['code']} instead[/bold] "
                f"for {entry['purpose'][:1].lower()}{entry['purpose'][1:]}"
            )
        else:
            console.print(
                f"\n[bold]{entry['payer']} takes this code in place of "
                f"{entry['from']['code']}[/bold]"
            )


def _print_locality(console: Console, local: dict[str, Any] | None) -> None:
    if not local or not local.get("selected"):
        return
    chosen = local["selected"]
    console.print(
        f"\n[bold]Payment in {chosen['state']} {chosen['name']} ({chosen['locality']})[/bold] "
        f"GPCI work {chosen['work_gpci']}, PE {chosen['pe_gpci']}, MP {chosen['mp_gpci']}"
    )
    for amount in chosen["amounts"]:
        console.print(
            f"  {amount['modifier'] or '(global)':<9} non-facility "
            f"${amount['non_facility_amount']:,.2f}  facility ${amount['facility_amount']:,.2f}"
        )
    if not local.get("priced_by_fee_schedule"):
        console.print(f"  [yellow]Status {local['status_code']}: not paid from these RVUs[/yellow]")


def _print_modifiers(console: Console, modifiers: dict[str, Any] | None) -> None:
    if not modifiers or not modifiers.get("modifiers"):
        return
    console.print("\n[bold]Modifiers that may apply[/bold]")
    for entry in modifiers["modifiers"]:
        console.print(f"  {entry['modifier']}  {entry['why']}")


def _print_history(console: Console, history: dict[str, Any] | None) -> None:
    if not history or not history.get("events"):
        return
    console.print("\n[bold]History in the loaded releases[/bold]")
    for event in history["events"]:
        console.print(f"  {event['date']}  {event['text']}")


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _print_listed_by(console: Console, listing: list[dict[str, Any]] | None) -> None:
    """Which loaded releases list the code and which do not (codes some files lack)."""
    if not listing:
        return
    having = [e["label"] for e in listing if e["lists_code"]]
    lacking = [e["label"] for e in listing if not e["lists_code"]]
    console.print("\n[bold]Listed by[/bold]: " + ("; ".join(having) or "none"))
    if lacking:
        console.print("[bold]Not listed by[/bold]: " + "; ".join(lacking))
