"""What other apps do when a release is loaded or removed, without the loader knowing them.

An app that derives rows from a release (search's index) registers its hooks in its
``AppConfig.ready()``. The loader calls ``loaded`` inside the transaction that loads a release
(after its rows are written) and ``dropping`` inside the one that deletes it (before its rows
go), so derived rows commit or roll back with their release. So releases import nothing above
them, and the import graph has no loader <-> search cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medcode.releases.models import Release

ReleaseHook = Callable[[Release], object]


@dataclass(frozen=True)
class Hooks:
    app: str
    loaded: ReleaseHook | None = None
    dropping: ReleaseHook | None = None
    #: Tables the hooks write, for PostgreSQL's ANALYZE after a load.
    tables: Callable[[], list[str]] | None = None
    #: Run once after a batch of loads has committed, with the releases it loaded (search
    #: merges its full-text index when one of them was indexed).
    settled: Callable[[list[Release]], object] | None = None


_registered: dict[str, Hooks] = {}


def register(
    app: str,
    *,
    loaded: ReleaseHook | None = None,
    dropping: ReleaseHook | None = None,
    tables: Callable[[], list[str]] | None = None,
    settled: Callable[[list[Release]], object] | None = None,
) -> None:
    """Register (or replace) ``app``'s hooks; called from its ``AppConfig.ready()``."""
    _registered[app] = Hooks(app, loaded, dropping, tables, settled)


def unregister(app: str) -> None:
    """Forget ``app``'s hooks (tests that register their own)."""
    _registered.pop(app, None)


def loaded(release: Release) -> None:
    """Run every app's load hook for ``release`` (in the loading transaction)."""
    for hooks in _registered.values():
        if hooks.loaded is not None:
            hooks.loaded(release)


def dropping(release: Release) -> None:
    """Run every app's drop hook for ``release``, before its rows are deleted."""
    for hooks in _registered.values():
        if hooks.dropping is not None:
            hooks.dropping(release)


def settled(loaded: list[Release]) -> None:
    """Run every app's after-the-batch hook, once the loads of one command have committed."""
    for hooks in _registered.values():
        if hooks.settled is not None:
            hooks.settled(loaded)


def derived_tables() -> list[str]:
    """The tables the registered hooks write."""
    return [table for hooks in _registered.values() if hooks.tables for table in hooks.tables()]


def registered() -> list[str]:
    return sorted(_registered)
