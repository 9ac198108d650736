"""The ``medcode`` command. Each subcommand parses its arguments and calls one domain function."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from medcode.releases.systems import SYSTEMS


def _setup() -> None:
    """Start Django and bring the database schema up to date (quietly, only when needed)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", verbosity=0, interactive=False)
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # Another process holds the SQLite file (a `data load`, a backup, a sqlite3 shell).
        waited = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
        print(
            f"medcode: the database {connection.settings_dict['NAME']} is locked by another "
            f"process (waited {waited:g} s). Try again when it has finished.",
            file=sys.stderr,
        )
        raise SystemExit(3) from None


def _date(text: str) -> date:
    from medcode.releases.dates import BadDate, parse_as_of

    try:
        return parse_as_of(text)
    except BadDate as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _bad_input(args: argparse.Namespace, exc: Exception) -> int:
    """Exit 2 with the error, as JSON (the API's error shape) when --json was asked for."""
    if args.json:
        _print_json({"ok": False, "error": str(exc)})
    else:
        print(f"error: {exc}", file=sys.stderr)
    return 2


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def _progress_printer() -> tuple[Any, Any]:
    """Load progress (issue 13): a rich bar per file with rows/s on a terminal, else one line
    per file on stderr as each one finishes (CI logs, ./scripts/run piped to a file)."""
    from medcode.releases.progress import LineProgress, terminal_progress

    if sys.stderr.isatty():
        return terminal_progress()
    lines = LineProgress(sys.stderr)
    return lines, lines.update


def cmd_data_load(args: argparse.Namespace) -> int:
    from medcode.releases.loader import load_paths

    progress, update = _progress_printer()
    if progress is not None:
        with progress:
            outcomes = load_paths(
                args.paths, replace=args.replace, progress=update, force=args.force
            )
    else:
        outcomes = load_paths(args.paths, replace=args.replace, force=args.force)
    return _report_outcomes(outcomes, args.json)


def _report_outcomes(outcomes: list[Any], as_json: bool) -> int:
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        _print_json({"outcomes": [o.to_dict() for o in outcomes], "failed": len(failed)})
    else:
        for outcome in outcomes:
            stream = sys.stderr if outcome.status == "failed" else sys.stdout
            if outcome.status == "failed":
                print(f"FAILED    {outcome.message}", file=stream)
            else:
                print(f"{outcome.status:<9} {outcome.source}: {outcome.message}", file=stream)
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        print(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no files")
    return 1 if failed else 0


def cmd_data_status(args: argparse.Namespace) -> int:
    from medcode.releases.models import Release

    releases = list(Release.objects.all())
    if args.json:
        _print_json({"releases": [r.to_dict() for r in releases]})
        return 0
    if not releases:
        print("No releases loaded. Load CMS files with: medcode data load PATH")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Loaded CMS releases")
    for column in ("dataset", "version", "covers", "source", "rows", "rejected", "loaded", "secs"):
        table.add_column(
            column, justify="right" if column in ("rows", "rejected", "secs") else "left"
        )
    for r in releases:
        covers = f"{r.period_start} to {r.period_end or 'replaced'}"
        table.add_row(
            r.dataset,
            r.version,
            covers,
            r.source_name,
            f"{r.rows_loaded:,}",
            f"{r.rows_rejected:,}",
            r.loaded_at.strftime("%Y-%m-%d %H:%M"),
            f"{r.load_seconds:.1f}",
        )
    Console(width=200).print(table)
    return 0


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from django.conf import settings

    from medcode.releases import catalog, fetch
    from medcode.releases.loader import load_paths

    if args.list:
        for entry in catalog.CATALOG:
            print(f"{entry.release_id:<36} {entry.title}\n{'':<36} {entry.url}")
        return 0
    cache = Path(args.cache) if args.cache else Path(settings.MEDCODE_CACHE)
    try:
        results = fetch.fetch(args.release or None, cache, mirror=args.mirror)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths: list[Path] = []
    for result in results:
        if result.ok:
            paths.extend(result.load_paths)
            print(f"{result.status:<10} {result.release_id}: {result.message}")
        else:
            print(f"FAILED     {result.release_id}: {result.message}", file=sys.stderr)
    failed = any(not r.ok for r in results)
    if args.no_load or not paths:
        return 1 if failed else 0
    status = _report_outcomes(load_paths(paths), args.json)
    return 1 if failed or status else 0


def cmd_code(args: argparse.Namespace) -> int:
    from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
    from medcode.releases.budget import BudgetExceeded

    as_of = args.date or date.today()
    try:
        info = lookup(args.code, as_of, system=args.system, locality=args.locality)
    except (CodeNotFound, MalformedCode, BudgetExceeded) as exc:
        if args.json:
            _print_json({"ok": False, "error": str(exc), "code": args.code})
        else:
            print(f"error: {exc}", file=sys.stderr)
        # A look-up stopped by its time budget is our fault, not the input's (exit 3).
        return 3 if isinstance(exc, BudgetExceeded) else 2
    if args.json:
        _print_json(info)
    else:
        from medcode.codes.render import print_code

        print_code(info)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from medcode.claims.checker import check_claims
    from medcode.claims.claim import ClaimError
    from medcode.claims.formats import read_claims
    from medcode.claims.formats.findings_csv import write_findings
    from medcode.claims.report import print_report

    try:
        data = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
    except OSError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        claims = read_claims(
            data, args.format, filename=str(args.file), locality=args.locality, payer=args.payer
        )
    except ClaimError as exc:
        # "claims.csv, row 3, column units, …", "claims.json, line 2: …", "x.837, segment 23 …"
        joint = ", " if exc.at else ": "
        print(f"error: {args.file}{joint}{exc}", file=sys.stderr)
        return 2
    output = "json" if args.json else args.output
    errors = False
    # Checked and printed a slice at a time, so a batch of thousands of claims shows results as
    # it goes and never holds every result in memory.
    batch = 200
    try:
        for start in range(0, len(claims), batch):
            result = check_claims(claims[start : start + batch])
            errors = errors or any(
                f["severity"] == "error" for c in result["claims"] for f in c["findings"]
            )
            if output == "csv":
                write_findings(sys.stdout, result["claims"], header=start == 0)
            elif output == "json":
                for index, claim in enumerate(result["claims"]):
                    lead = '{\n  "claims": [\n' if start + index == 0 else ",\n"
                    text = json.dumps(claim, indent=2, default=str).replace("\n", "\n    ")
                    sys.stdout.write(f"{lead}    {text}")
            else:
                print_report(result)
            sys.stdout.flush()
    except ClaimError as exc:
        print(f"\nerror: {args.file}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (``| head``) has gone; stop quietly, as other Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout is closed at exit
        return 1 if errors else 0
    if output == "json":
        sys.stdout.write("\n  ]\n}\n")
    return 1 if errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    from medcode.search.engine import SearchError, search

    if args.reindex:
        from medcode.search.index import reindex_all

        stats = reindex_all()
        print(f"indexed {stats.entries:,} codes from {stats.releases} releases")
        return 0
    if args.relevance:
        from medcode.search.relevance import print_report, run_suite

        report = run_suite()
        if args.json:
            _print_json(report.to_dict())
        else:
            print_report(report)
        return 0
    try:
        answer = search(
            args.query or "",
            args.date or date.today(),
            system=args.system,
            billable_only=args.billable,
            limit=args.limit,
        )
    except SearchError as exc:
        return _bad_input(args, exc)
    if args.json:
        _print_json(answer.to_dict())
    else:
        from medcode.search.render import print_answer

        print_answer(answer)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from medcode.assistant.service import AssistantError, answer_question

    try:
        result = answer_question(args.question, as_of=args.date, conversation=args.conversation)
    except AssistantError as exc:
        return _bad_input(args, exc)
    if args.json:
        _print_json(result)
    else:
        from medcode.assistant.render import print_answer

        print_answer(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    if args.dev:
        from django.core.management import call_command

        call_command("runserver", f"{args.host}:{args.port}", use_reloader=True)
        return 0
    from django.conf import settings

    from medcode.server import ServeError, serve
    from medcode.web.secretkey import ensure_secret_key

    try:
        # Never serve on the development placeholder key (docs/deploy.md, "Secret key").
        settings.SECRET_KEY, created = ensure_secret_key(settings.MEDCODE_HOME)
        if created:
            print(f"medcode: {created}", file=sys.stderr)
        return serve(
            args.host, args.port, workers=args.workers, threads=args.threads, proxy=args.proxy
        )
    except (ServeError, ValueError) as exc:
        print(f"medcode serve: {exc}", file=sys.stderr)
        return 2


def cmd_guides_check(args: argparse.Namespace) -> int:
    from medcode.guides.commands import check

    return check(args.paths, args.today or date.today())


def cmd_guides_reviewed(args: argparse.Namespace) -> int:
    from medcode.guides.commands import mark_reviewed

    return mark_reviewed(args.slug, args.by, date.today())


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["medcode manage", *args.rest])
    return 0


# --- exit codes (issue 8): the same for every command ---
EXIT_CODES = """exit codes:
  0  done; for check: no finding is an error
  1  check: some finding is an error (data load/fetch: a file failed)
  2  bad input: arguments, a claim file or a code (the message names claim, line and field)
  3  internal error: a bug in medcode (MEDCODE_TRACEBACK=1 prints the traceback)"""


def cmd_user_create(args: argparse.Namespace) -> int:
    from medcode.accounts.operators import OperatorError, create_user

    password = _read_password(args.password_stdin)
    try:
        user = create_user(args.email, password=password, plan=args.plan, role_names=args.role)
    except (OperatorError, ValueError) as exc:
        print(f"medcode user create: {exc}", file=sys.stderr)
        return 2
    roles = f", roles {', '.join(args.role)}" if args.role else ""
    print(f"created {user.email} (plan {args.plan}{roles})")
    if password is None:
        print(
            "no password set: the person sets one with 'Forgot your password?' on /accounts/login/"
        )
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n") or None
    if not sys.stdin.isatty():
        return None
    import getpass

    first = getpass.getpass("Password (empty for none): ")
    if first and getpass.getpass("Password again: ") != first:
        raise SystemExit("medcode user create: the passwords differ")
    return first or None


def cmd_user_plan(args: argparse.Namespace) -> int:
    from medcode.accounts.operators import OperatorError, set_plan

    try:
        user = set_plan(args.email, args.plan)
    except OperatorError as exc:
        print(f"medcode user plan: {exc}", file=sys.stderr)
        return 2
    print(f"{user.email} is now on the {args.plan} plan")
    return 0


def cmd_apikey_create(args: argparse.Namespace) -> int:
    from medcode.accounts.operators import OperatorError, create_api_key

    try:
        row, key = create_api_key(args.email, args.name or "")
    except OperatorError as exc:
        print(f"medcode apikey create: {exc}", file=sys.stderr)
        return 2
    print(key)
    print(f"API key {row.prefix} for {row.user.email}: shown once, keep it now", file=sys.stderr)
    return 0


def _add_account_commands(commands: Any) -> None:
    # accounts (issue 10): operators make accounts, set plans and issue API keys.
    user = commands.add_parser("user", help="create accounts and set their plan")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="create an account with a verified email")
    create.add_argument("email", metavar="EMAIL")
    create.add_argument("--plan", default="free", help="guest, free, member... (default free)")
    create.add_argument(
        "--role",
        action="append",
        default=[],
        choices=["editor", "consultant", "employer", "admin"],
        help="a staff role (repeatable); admin opens the Django admin",
    )
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(func=cmd_user_create)
    plan = user_commands.add_parser("plan", help="move an account to another plan")
    plan.add_argument("email", metavar="EMAIL")
    plan.add_argument("plan", metavar="PLAN")
    plan.set_defaults(func=cmd_user_plan)

    apikey = commands.add_parser("apikey", help="issue API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", required=True, metavar="ACTION")
    key = apikey_commands.add_parser("create", help="a new API key (printed once) for an account")
    key.add_argument("email", metavar="EMAIL")
    key.add_argument("--name", help="a name to tell the key apart")
    key.set_defaults(func=cmd_apikey_create)


def cmd_jobs_alerts(args: argparse.Namespace) -> int:
    from medcode.careers.alerts import send_digests

    checked, mailed = send_digests()
    print(f"{checked} saved search(es) due, {mailed} digest mail(s) sent")
    return 0


def cmd_jobs_archive(args: argparse.Namespace) -> int:
    from medcode.careers.board import archive_expired

    print(f"{archive_expired()} expired posting(s) archived")
    return 0


def _add_jobs_commands(commands: Any) -> None:
    # careers (issue 15): run from cron (docs/jobs.md) until a task queue does it.
    jobs = commands.add_parser("jobs", help="job board chores: alert digests, archiving")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    alerts = jobs_commands.add_parser("alerts", help="mail the daily and weekly digests now due")
    alerts.set_defaults(func=cmd_jobs_alerts)
    archive = jobs_commands.add_parser("archive", help="archive postings past their expiry")
    archive.set_defaults(func=cmd_jobs_archive)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medcode",
        description="Medical coding reference from CMS's own files, as of a date of service.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = commands.add_parser("data", help="load, fetch and list CMS releases")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")

    load = data_commands.add_parser("load", help="load CMS files or folders (recursively)")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument(
        "--replace", action="store_true", help="replace a release loaded from another file"
    )
    load.add_argument(
        "--force",
        action="store_true",
        help="with --replace: replace a release even by a file with under 90%% of its rows",
    )
    load.add_argument("--json", action="store_true", help="print the outcome as JSON")
    load.set_defaults(func=cmd_data_load)

    status = data_commands.add_parser("status", help="list the loaded releases")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_data_status)

    fetch = data_commands.add_parser("fetch", help="download CMS releases, then load them")
    fetch.add_argument(
        "--release", action="append", metavar="ID", help="a catalog id (repeatable); default all"
    )
    fetch.add_argument("--mirror", metavar="URL", help="fetch from this host instead of CMS's")
    fetch.add_argument(
        "--cache", metavar="DIR", help="download folder (default $MEDCODE_HOME/cache)"
    )
    fetch.add_argument("--list", action="store_true", help="list the catalog and exit")
    fetch.add_argument("--no-load", action="store_true", help="download only")
    fetch.add_argument("--json", action="store_true")
    fetch.set_defaults(func=cmd_data_fetch)

    code = commands.add_parser("code", help="what the store knows about a code")
    code.add_argument("code")
    code.add_argument("--date", type=_date, help="date of service (default today)")
    code.add_argument(
        "--system",
        choices=SYSTEMS,
        help="when a code exists in several systems",
    )
    code.add_argument("--json", action="store_true")
    code.add_argument(
        "--locality",
        help="Medicare payment locality as MAC-locality (e.g. 13202-01): adds the GPCI-adjusted "
        "amounts there",
    )
    code.set_defaults(func=cmd_code)

    check = commands.add_parser(
        "check",
        help="check claims (JSON, CSV or X12 837P) for denials before the payer does",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="claims as JSON, CSV or X12 837P (recognized by content); - for stdin",
    )
    check.add_argument("--format", choices=["json", "csv", "x12"], help="read FILE as this format")
    check.add_argument(
        "--output",
        choices=["text", "json", "csv"],
        default="text",
        help="text report (default), JSON result, or CSV of findings (one row per finding)",
    )
    check.add_argument("--json", action="store_true", help="the same as --output json")
    check.add_argument(
        "--locality",
        metavar="MAC-LOC",
        help="Medicare locality for 837 claims, which carry none (e.g. 10112-00)",
    )
    check.add_argument(
        "--payer",
        choices=["medicare", "medicaid", "commercial"],
        help="payer of 837 claims whose SBR-09 filing indicator is blank",
    )
    check.set_defaults(func=cmd_check)

    find = commands.add_parser("search", help="find codes by code, fragment or words")
    find.add_argument("query", nargs="?", help="a code, a fragment of one, or words")
    find.add_argument("--date", type=_date, help="date of service (default today)")
    find.add_argument("--system", choices=SYSTEMS)
    find.add_argument("--limit", type=int, default=20, help="results to show, 1-100 (default 20)")
    find.add_argument("--billable", action="store_true", help="only codes billable on the date")
    find.add_argument("--json", action="store_true")
    find.add_argument(
        "--reindex", action="store_true", help="rebuild the search index of every loaded release"
    )
    find.add_argument(
        "--relevance", action="store_true", help="run the relevance suite: recall@1 and recall@5"
    )
    find.set_defaults(func=cmd_search)

    ask = commands.add_parser("ask", help="answer a coding question, every fact cited")
    ask.add_argument("question", help='e.g. "Can I bill G0283 with 97032 on June 1, 2025?"')
    ask.add_argument(
        "--date", type=_date, help="date of service (default: in the question, else today)"
    )
    ask.add_argument("--conversation", help="the id a previous answer gave, for a follow-up")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)

    serve = commands.add_parser("serve", help="run the web app and API (nginx + gunicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default=8000, type=int)
    serve.add_argument(
        "--workers", default=2, type=int, help="gunicorn worker processes (default 2)"
    )
    serve.add_argument("--threads", default=4, type=int, help="threads per worker (default 4)")
    serve.add_argument(
        "--dev", action="store_true", help="Django's development server, reloading on changes"
    )
    serve.add_argument(
        "--proxy",
        choices=("auto", "nginx", "none"),
        default="auto",
        help="nginx in front of gunicorn (auto: when nginx is installed; see docs/deploy.md)",
    )
    serve.set_defaults(func=cmd_serve)

    # Guides (issue 13): the linter CI runs, and marking a guide's facts as reviewed.
    guides = commands.add_parser("guides", help="check guides against the store; mark reviewed")
    guide_commands = guides.add_subparsers(dest="guides_command", required=True, metavar="ACTION")
    guide_check = guide_commands.add_parser(
        "check", help="check every code, live fact and scenario of the guides"
    )
    guide_check.add_argument(
        "paths", nargs="*", type=Path, help="guide files or folders (default: the shipped guides)"
    )
    guide_check.add_argument(
        "--today", type=_date, help="the date next_review is compared with (default: today)"
    )
    guide_check.set_defaults(func=cmd_guides_check)
    reviewed = guide_commands.add_parser(
        "reviewed", help="record the facts a guide relies on as reviewed (clears the banner)"
    )
    reviewed.add_argument("slug", help="the guide's slug (its file name without .md)")
    reviewed.add_argument("--by", default="", help="the reviewer's name")
    reviewed.set_defaults(func=cmd_guides_reviewed)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    _add_account_commands(commands)
    _add_jobs_commands(commands)
    # consultations (issue 14): `medcode consult smtpd|imap|recheck`, `medcode worker`
    from medcode.consult.cli import add_commands as _add_consult_commands

    _add_consult_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _setup()
        return int(args.func(args))
    except Exception as exc:
        # A bug, not bad input (which each command answers with exit 2): a short message and
        # exit 3, so that scripts can tell it from "the claims have errors" (1).
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    import traceback

    from medcode.claims.claim import printable

    print(
        f"medcode: internal error ({type(exc).__name__}: {printable(str(exc), 200)}). "
        "This is a bug in medcode, not in the input; MEDCODE_TRACEBACK=1 prints where.",
        file=sys.stderr,
    )
    if os.environ.get("MEDCODE_TRACEBACK"):
        traceback.print_exc()
    return 3


if __name__ == "__main__":
    sys.exit(main())
