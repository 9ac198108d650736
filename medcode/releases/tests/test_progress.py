"""Load progress without a terminal: one line per file as it finishes, with rows per second."""

from __future__ import annotations

import io
from dataclasses import dataclass

from medcode.releases.progress import LineProgress


@dataclass
class _Source:
    name: str


def test_one_line_per_file_as_it_finishes() -> None:
    out = io.StringIO()
    with LineProgress(out) as lines:
        lines.update(_Source("a.csv"), 1000)
        lines.update(_Source("a.csv"), 2500)
        assert out.getvalue() == ""  # a.csv is still loading
        lines.update(_Source("b.txt"), 10)
        assert out.getvalue().startswith("read      a.csv: 2,500 rows in ")

    shown = out.getvalue().splitlines()
    assert len(shown) == 2
    assert shown[1].startswith("read      b.txt: 10 rows in ")
    assert all(line.endswith("rows/s)") for line in shown)
