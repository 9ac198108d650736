"""`medcode consult smtpd|imap|recheck` and `medcode worker` (wired into medcode/cli.py)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_smtpd(args: argparse.Namespace) -> int:
    from medcode.consult.smtpd import serve

    return serve(args.host, args.port)


def cmd_imap(args: argparse.Namespace) -> int:
    from django.conf import settings

    from medcode.consult.smtpd import poll_imap

    url = args.url or settings.MEDCODE_CONSULT_IMAP_URL
    if not url:
        print("medcode consult imap: set MEDCODE_CONSULT_IMAP_URL or pass --url", file=sys.stderr)
        return 2
    try:
        return poll_imap(url, once=args.once, every=args.every)
    except ValueError as exc:
        print(f"medcode consult imap: {exc}", file=sys.stderr)
        return 2


def cmd_recheck(args: argparse.Namespace) -> int:
    from medcode.consult.library import recheck_all

    changed = recheck_all(force=True)
    for entry in changed:
        print(f"{entry.consultation.tracking}: facts changed since this answer; queued for review")
    print(f"{len(changed)} published answers with changed facts")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from medcode.worker import run

    return run(args.threads)


def add_commands(commands: Any) -> None:
    consult = commands.add_parser("consult", help="the consultation desk's mail and library")
    actions = consult.add_subparsers(dest="consult_command", required=True, metavar="ACTION")
    smtpd = actions.add_parser(
        "smtpd", help="receive mail for MEDCODE_CONSULT_ADDRESS (an SMTP server)"
    )
    smtpd.add_argument("--host", default="127.0.0.1")
    smtpd.add_argument("--port", default=2525, type=int)
    smtpd.set_defaults(func=cmd_smtpd)
    imap = actions.add_parser("imap", help="read new mail from MEDCODE_CONSULT_IMAP_URL")
    imap.add_argument("--url", help="imaps://user:password@host:993/INBOX (default: the setting)")
    imap.add_argument("--once", action="store_true", help="read once and stop")
    imap.add_argument("--every", default=60, type=float, help="seconds between reads")
    imap.set_defaults(func=cmd_imap)
    recheck = actions.add_parser(
        "recheck", help="mark published answers whose cited facts changed in a loaded release"
    )
    recheck.set_defaults(func=cmd_recheck)

    worker = commands.add_parser("worker", help="run background tasks (consultation drafts)")
    worker.add_argument(
        "--threads",
        action="store_true",
        help="one process with threads instead of django-q2's process cluster",
    )
    worker.set_defaults(func=cmd_worker)
