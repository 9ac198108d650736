"""How `medcode data load` shows its progress: rows and rows per second per file."""

from __future__ import annotations

import time
from typing import Any, TextIO


def terminal_progress() -> tuple[Any, Any]:
    """A rich display: one line per file with a bar, rows, rows/s and elapsed time."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        # A file's row count is unknown until it is read: the bar pulses while it loads and
        # fills when the file is done.
        BarColumn(),
        TextColumn("{task.fields[rows]:>12,} rows"),
        TextColumn("{task.fields[rate]:>10,.0f} rows/s"),
        TimeElapsedColumn(),
    )
    tasks: dict[str, Any] = {}
    started: dict[str, float] = {}

    def update(source: Any, rows: int) -> None:
        if source.name not in tasks:
            started[source.name] = time.monotonic()
            for other in tasks.values():
                progress.update(other, total=1, completed=1)  # the previous file is done
            tasks[source.name] = progress.add_task(source.name, total=None, rows=0, rate=0.0)
        elapsed = max(time.monotonic() - started[source.name], 1e-6)
        progress.update(tasks[source.name], rows=rows, rate=rows / elapsed)

    class Finishing:
        """The rich display as a context manager that fills the last file's bar at the end."""

        def __enter__(self) -> Any:
            return progress.__enter__()

        def __exit__(self, *exc: Any) -> None:
            for task in tasks.values():
                progress.update(task, total=1, completed=1)
            progress.__exit__(*exc)

    return Finishing(), update


class LineProgress:
    """Without a terminal: one line per file as it finishes, with its rows and rows/s.

    The loader reports each file's rows as batches are written and once more at its end; a
    file is finished when the next one starts, or when the load is over (``__exit__``).
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.name: str | None = None
        self.rows = 0
        self.started = 0.0

    def update(self, source: Any, rows: int) -> None:
        if source.name != self.name:
            self._finish()
            self.name, self.started = source.name, time.monotonic()
        self.rows = rows

    def _finish(self) -> None:
        if self.name is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        print(
            f"read      {self.name}: {self.rows:,} rows in {elapsed:.1f} s "
            f"({self.rows / elapsed:,.0f} rows/s)",
            file=self.out,
            flush=True,
        )
        self.name = None

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish()
