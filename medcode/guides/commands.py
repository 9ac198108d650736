"""What ``medcode guides check`` and ``medcode guides reviewed`` do (the CLI only parses)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from medcode.guides.content import GUIDES, guides
from medcode.guides.lint import check_guides
from medcode.guides.models import GuideReview
from medcode.guides.render import render_guide


def check(paths: list[Path], today: date, out: TextIO | None = None) -> int:
    """Exit 0 when every guide passes, 1 when any has a problem, 2 when no guide was found."""
    out = out or sys.stdout
    files: list[Path] = []
    for path in paths or [GUIDES]:
        files.extend(sorted(path.glob("*.md")) if path.is_dir() else [path])
    if not files:
        print(f"medcode guides check: no guides in {', '.join(map(str, paths))}", file=sys.stderr)
        return 2
    reports = check_guides(files, today)
    failed = 0
    for report in reports:
        if report.ok:
            print(f"ok    {report.slug}", file=out)
            continue
        failed += 1
        print(f"FAIL  {report.slug}", file=out)
        for problem in report.problems:
            print(f"      - {problem}", file=out)
    print(f"{len(reports) - failed} of {len(reports)} guides pass", file=out)
    return 1 if failed else 0


def mark_reviewed(slug: str, by: str, today: date, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    guide = guides().get(slug)
    if guide is None:
        known = ", ".join(sorted(guides())) or "none"
        print(f"medcode guides reviewed: no guide {slug!r} (guides: {known})", file=sys.stderr)
        return 2
    rendered = render_guide(guide, guide.default_date(today))
    GuideReview.objects.update_or_create(
        slug=slug,
        defaults={
            "fingerprint": rendered.fingerprint(),
            "facts": rendered.facts_map(),
            "reviewer": by[:200],
        },
    )
    print(
        f"{slug}: marked reviewed with {len(rendered.facts_map())} facts as of {rendered.day}",
        file=out,
    )
    return 0
