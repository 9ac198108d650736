"""Load every CMS file into a fresh database and print seconds per file, rows per second, size.

    python bench/load.py [PATH]                                  # fresh SQLite in a temp folder
    python scripts/with_postgres.py --durable -- python bench/load.py [PATH]   # fresh PostgreSQL

PATH defaults to ../shared/cms. Results go in docs/benchmarks.md with the command used.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "cms"
    tmp = tempfile.mkdtemp(prefix="medcode-bench-")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from medcode.releases.loader import discover, load_source, recognize

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'file':<72} {'rows':>10} {'secs':>7} {'rows/s':>10}")
    total_rows = 0
    started = time.perf_counter()
    for source in discover([folder]):
        if isinstance(source, Exception):
            print(f"FAILED {source}")
            continue
        importer = recognize(source)
        if importer is None or isinstance(importer, Exception):
            continue
        t0 = time.perf_counter()
        outcome = load_source(source, importer)
        secs = time.perf_counter() - t0
        rows = outcome.release.rows_loaded if outcome.release and outcome.status == "loaded" else 0
        total_rows += rows
        rate = f"{rows / secs:,.0f}" if rows else "-"
        print(f"{source.name[-72:]:<72} {rows:>10,} {secs:>7.2f} {rate:>10}  {outcome.status}")
    elapsed = time.perf_counter() - started
    print(f"{'TOTAL':<72} {total_rows:>10,} {elapsed:>7.2f} {total_rows / elapsed:>10,.0f}")
    print(f"database size: {database_size(connection) / 1e6:,.1f} MB")
    return 0


def database_size(connection) -> int:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA page_count")
        pages = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        return pages * int(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
