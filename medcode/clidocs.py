"""Generate docs/cli.md from the argparse parser, so the CLI reference cannot drift.

python -m medcode.clidocs > docs/cli.md
"""

from __future__ import annotations

import argparse
import io
from contextlib import redirect_stdout

from medcode.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help(parser: argparse.ArgumentParser) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        parser.print_help()
    return out.getvalue().rstrip()


def render() -> str:
    parser = build_parser()
    parts = [
        "# The `medcode` command",
        "",
        "Generated from the parser by `python -m medcode.clidocs > docs/cli.md`; a test fails when",
        "this page and the command disagree.",
        "",
        "```",
        _help(parser),
        "```",
    ]

    def walk(prefix: str, p: argparse.ArgumentParser) -> None:
        for name, sub in _subparsers(p).items():
            full = f"{prefix} {name}"
            children = _subparsers(sub)
            parts.extend(["", f"## `{full}`", "", "```", _help(sub), "```"])
            if children:
                walk(full, sub)

    walk("medcode", parser)
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    import os

    os.environ.setdefault("COLUMNS", "100")
    print(render(), end="")
