"""The one cache of store answers: named caches, all dropped together when a release is loaded,
replaced or removed; and the loader's hooks, which is how search indexes a release."""

from __future__ import annotations

import pytest

from medcode.releases import cache, hooks
from medcode.releases.loader import delete_release
from medcode.releases.models import Release
from medcode.releases.store import all_releases, release_state
from medcode.testing import REPO, load_file

pytestmark = pytest.mark.django_db

GPCI = REPO / "medcode" / "fees" / "tests" / "fixtures" / "boundary_GPCI2026.csv"
RVU = REPO / "medcode" / "fees" / "tests" / "fixtures" / "boundary_PPRRVU2026_Jan.csv"


def test_every_named_cache_is_dropped_when_a_release_is_loaded_and_removed() -> None:
    release_state()
    first, second = cache.named("test.first"), cache.named("test.second")
    first["x"], second["y"] = 1, 2
    release_state()  # nothing changed: kept
    assert (first, second) == ({"x": 1}, {"y": 2})
    assert cache.named("test.first") is first

    load_file(GPCI, "pfs_gpci")
    release_state()
    assert (first, second) == ({}, {})

    first["x"] = 3
    delete_release(Release.objects.get())
    all_releases()  # any read of the store notices the change
    assert first == {}
    assert {"test.first", "test.second"} <= set(cache.names())


def test_the_release_list_is_read_again_after_a_load() -> None:
    before = all_releases()
    load_file(GPCI, "pfs_gpci")

    assert [r.dataset for r in all_releases()] == [*(r.dataset for r in before), "pfs_gpci"]


def test_search_indexes_a_release_through_the_loader_hooks() -> None:
    from medcode.search.models import SearchEntry

    assert "search" in hooks.registered()
    load_file(RVU, "pfs_pprrvu")
    release = Release.objects.get(dataset="pfs_rvu")
    assert SearchEntry.objects.filter(release=release, code="97110").exists()

    delete_release(release)
    assert not SearchEntry.objects.exists()


def test_a_cache_with_a_limit_starts_afresh_when_full() -> None:
    small = cache.named("test.small", limit=2)
    small.update({"a": 1, "b": 2})

    assert cache.named("test.small", limit=2) == {}
    assert cache.named("test.small") is small


def test_a_batch_of_loads_ends_with_one_settled_hook_call_and_none_when_nothing_loaded() -> None:
    from medcode.releases.loader import load_paths

    calls: list[list[str]] = []
    hooks.register("test-settled", settled=lambda loaded: calls.append([r.dataset for r in loaded]))
    try:
        outcomes = load_paths([GPCI, RVU])
        assert [o.status for o in outcomes] == ["loaded", "loaded"]
        assert calls == [["pfs_gpci", "pfs_rvu"]]

        load_paths([GPCI])  # already loaded: skipped, nothing changed
        assert calls == [["pfs_gpci", "pfs_rvu"]]
    finally:
        hooks.unregister("test-settled")
