"""Find CMS files, recognize each one, and load it as a release: all of it or none of it.

Each file is loaded inside one database transaction. If anything goes wrong (a bad
value, a truncated archive, the process being killed) the transaction is never committed
and the store is exactly as it was. A file whose bytes were loaded before is not loaded again.
"""

from __future__ import annotations

import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from medcode.importers import get_importer, importers
from medcode.importers.base import FieldError, Importer, LoadError, LoadStats, Source
from medcode.releases import hooks
from medcode.releases.bulk import BulkWriter
from medcode.releases.models import Release

#: Files shipped beside the data (record layouts, manuals) that hold nothing to load.
DOCUMENTATION_EXTENSIONS = {"pdf", "md", "doc", "docx", "htm", "html", "rtf"}


Progress = Callable[[Source, int], None]


@dataclass
class Outcome:
    """What happened to one file: ``loaded``, ``unchanged``, ``skipped`` or ``failed``."""

    source: str
    status: str
    message: str
    release: Release | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "status": self.status,
            "message": self.message,
            "release": self.release.to_dict() if self.release else None,
        }


def discover(paths: Iterable[Path]) -> Iterator[Source | LoadError]:
    """Every file under ``paths`` (folders recursively, zip archives member by member)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _expand(child)
        elif path.exists():
            yield from _expand(path)
        else:
            yield LoadError(str(path), "no such file or folder")


def _expand(path: Path) -> Iterator[Source | LoadError]:
    if path.suffix.lower() != ".zip":
        yield Source(path)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        yield LoadError(path.name, f"not a readable zip archive ({exc})")
        return
    for member in members:
        yield Source(path, member)


def recognize(source: Source) -> Importer | LoadError | None:
    """The importer that reads ``source``; None for documentation; LoadError when unknown."""
    if source.extension in DOCUMENTATION_EXTENSIONS:
        return None
    try:
        size = source.size()
    except (OSError, zipfile.BadZipFile) as exc:
        return LoadError(source.name, f"cannot be read ({exc})")
    if size == 0:
        return LoadError(source.name, "file is empty")
    head = source.head()
    if not head:
        return LoadError(source.name, "file cannot be read: it is corrupt or truncated")
    for importer in importers().values():
        if importer.recognize(source, head):
            return importer
    # Name it by what it looks like, so the user learns which format was expected.
    for importer in importers().values():
        pattern = getattr(importer, "filename_pattern", None)
        if pattern is not None and pattern.search(source.filename):
            return LoadError(
                source.name,
                f"named like a {importer.description.rstrip('.')} file, but its first lines "
                "are not in that layout (wrong file, wrong encoding, or damaged)",
                line=1,
            )
    return LoadError(source.name, "not a CMS file medcode recognizes")


def load_paths(
    paths: Iterable[Path],
    *,
    replace: bool = False,
    progress: Progress | None = None,
    force: bool = False,
) -> list[Outcome]:
    """Load every recognized file under ``paths``; each file succeeds or fails on its own.

    ``force`` lets ``replace`` swap in a file with far fewer rows (see REPLACE_MIN_SHARE).
    """
    outcomes: list[Outcome] = []
    changed: set[str] = set()
    for item in discover(paths):
        if isinstance(item, LoadError):
            outcomes.append(Outcome(item.source, "failed", str(item)))
            continue
        found = recognize(item)
        if found is None:
            outcomes.append(Outcome(item.name, "skipped", "documentation, nothing to load"))
        elif isinstance(found, LoadError):
            if item.member is not None:
                # Archives carry layouts, notes and spreadsheets beside the data file.
                outcomes.append(Outcome(item.name, "skipped", "not a data file medcode reads"))
            else:
                outcomes.append(Outcome(item.name, "failed", str(found)))
        else:
            outcome = load_source(item, found, replace=replace, progress=progress, force=force)
            outcomes.append(outcome)
            if outcome.status == "loaded":
                changed.update(model._meta.db_table for model in found.models)
    _analyze(changed)
    loaded = [o.release for o in outcomes if o.status == "loaded" and o.release is not None]
    if loaded:
        hooks.settled(loaded)
    return outcomes


def _analyze(tables: set[str]) -> None:
    """Refresh PostgreSQL's planner statistics for tables that just grew.

    Autovacuum would get there eventually, but until it does the planner believes a freshly
    loaded 2.5-million-row table is empty and picks plans that make the first queries after a
    load hundreds of times slower. SQLite plans from its indexes and needs nothing.
    """
    if connection.vendor != "postgresql" or not tables:
        return
    tables.update(hooks.derived_tables())
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def load_source(
    source: Source,
    importer: Importer | str,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    force: bool = False,
) -> Outcome:
    """Load one file as a release. Errors come back as a ``failed`` outcome, never half-stored."""
    if isinstance(importer, str):
        importer = get_importer(importer)
    try:
        return _load(source, importer, replace=replace, progress=progress, force=force)
    except LoadError as exc:
        return Outcome(source.name, "failed", str(exc))


def _load(
    source: Source,
    importer: Importer,
    *,
    replace: bool,
    progress: Progress | None,
    force: bool = False,
) -> Outcome:
    started = time.perf_counter()
    head = source.head()
    try:
        info = importer.release(source, head)
    except FieldError as exc:
        raise LoadError(source.name, exc.message, 1, exc.field) from None
    try:
        digest, size = source.sha256(), source.size()
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise LoadError(source.name, f"file cannot be read: {exc}") from None
    existing = Release.objects.filter(dataset=info.dataset, version=info.version).first()
    if existing is not None and existing.sha256 == digest:
        return Outcome(source.name, "unchanged", f"{info.label} is already loaded", existing)
    if existing is not None and not replace:
        return Outcome(
            source.name,
            "skipped",
            f"{info.label} is already loaded from {existing.source_name}; "
            "use --replace to load this file in its place",
            existing,
        )

    stats = LoadStats()
    with transaction.atomic():
        if existing is not None:
            _delete_release(existing, importer)
        release = Release.objects.create(
            dataset=info.dataset,
            version=info.version,
            label=info.label,
            period_start=info.period_start,
            period_end=info.period_end,
            format=importer.format,
            source_name=source.name,
            sha256=digest,
            size=size,
            loaded_at=timezone.now(),
        )
        writer = BulkWriter(release.pk)
        try:
            for model, values in importer.rows(source, stats):
                if writer.add(model, values) and progress is not None:
                    progress(source, writer.rows)
            writer.flush()
            # Apps that derive rows from a release (search's index) write them now, in the
            # same transaction (releases/hooks.py).
            hooks.loaded(release)
        except FieldError as exc:
            raise LoadError(source.name, exc.message, stats.line or None, exc.field) from None
        except LoadError:
            raise
        except (EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise LoadError(
                source.name, f"file is truncated or corrupt ({exc})", stats.line or None
            ) from None
        if writer.rows == 0:
            raise LoadError(
                source.name, f"no data rows found: not a complete {importer.description}"
            )
        if existing is not None and not force:
            _refuse_shrinking(source, existing, writer.rows)
        release.rows_read = stats.rows_read
        release.rows_loaded = writer.rows
        release.rows_rejected = stats.rows_rejected
        release.notes = "\n".join(stats.notes)
        release.load_seconds = time.perf_counter() - started
        release.save()
    if progress is not None:
        progress(source, writer.rows)
    verb = "replaced" if existing is not None else "loaded"
    return Outcome(source.name, "loaded", f"{verb} {info.label}: {writer.rows:,} rows", release)


#: A replacement with fewer rows than this share of the release it replaces is refused
#: unless forced: CMS's quarterly files change by a few percent, a file cut short by half.
REPLACE_MIN_SHARE = 0.9


def _refuse_shrinking(source: Source, existing: Release, rows: int) -> None:
    """Raise (rolling the replacement back) when ``rows`` is far below the release's own."""
    if rows >= REPLACE_MIN_SHARE * existing.rows_loaded:
        return
    raise LoadError(
        source.name,
        f"has {rows:,} rows, fewer than {REPLACE_MIN_SHARE:.0%} of the {existing.rows_loaded:,} "
        f"rows of {existing.label} ({existing.source_name}) it would replace; the file may be "
        "cut short. Nothing was changed; use --force to replace it anyway",
    )


def delete_release(release: Release) -> None:
    """Remove a release and every row loaded from it, in one transaction."""
    with transaction.atomic():
        _delete_release(release, get_importer(release.format))


def _delete_release(release: Release, importer: Importer) -> None:
    hooks.dropping(release)
    with connection.cursor() as cursor:
        for model in importer.models:
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE release_id = %s", [release.pk]
            )
    release.delete()
