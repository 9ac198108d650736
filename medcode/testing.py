"""Helpers for tests: where the real CMS files are, and loading small hand-made fixtures."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from medcode.importers import get_importer
from medcode.importers.base import LoadStats, Row, Source
from medcode.releases.loader import Outcome, load_source

REPO = Path(__file__).resolve().parent.parent
#: The real CMS release files. CI checks them out beside the repository as ../shared.
SHARED_CMS = Path(os.environ.get("MEDCODE_SHARED_CMS", REPO.parent / "shared" / "cms"))


def shared_file(relative: str) -> Path:
    """A real CMS file; fails loudly (never skips) when ../shared is missing."""
    path = SHARED_CMS / relative
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the real CMS files must sit in ../shared/cms beside the checkout "
            "(or set MEDCODE_SHARED_CMS)"
        )
    return path


def parse_all(source: Source, format_id: str) -> tuple[list[Row], LoadStats]:
    """Run an importer over a file without a database: every row it would store, and its stats."""
    stats = LoadStats()
    rows = list(get_importer(format_id).rows(source, stats))
    return rows, stats


def load_file(path: Path, format_id: str, member: str | None = None) -> Outcome:
    """Load one fixture file through the real loader (inside the test's transaction)."""
    return load_source(Source(path, member), format_id)


def write_order_file(path: Path, codes: Sequence[tuple[str, int, str]]) -> Path:
    """An ICD-10-CM or ICD-10-PCS order file of ``codes`` (code, 1 billable or valid / 0 header,
    title) in CMS's fixed columns: order number, code, flag, short title (60), long title."""
    lines = [
        f"{n:05d} {code:<7} {int(flag)} {title[:60]:<60} {title}"
        for n, (code, flag, title) in enumerate(codes, 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path
