"""The one home of per-process caches of what was read from the store.

A release's rows never change once loaded; only a load, a replacement or a removal changes what
the store holds, and each of those changes ``release_state()`` (``releases/store.py``). So
anything read from the store may be kept until that state changes. Every such cache in medcode
is a named dict from ``named()``; ``release_state()`` reports each state it reads to
``observe()``, and the first report of a new state drops every cache together.

Keys need not repeat the state: a cache holds answers of one state only. They do name the
release (its id, or its whole ``ReleaseRef``) the answer came from.
"""

from __future__ import annotations

import threading
from typing import Any

_caches: dict[str, dict[Any, Any]] = {}
_state: tuple[object, ...] | None = None
_lock = threading.Lock()


def named(name: str, limit: int | None = None) -> dict[Any, Any]:
    """The cache called ``name`` (by convention ``"<app>.<what>"``), created empty if new.

    With ``limit``, a cache holding that many entries starts afresh, so answers keyed by
    something a user chooses (a date, a code) cannot grow it without bound.
    """
    cache = _caches.get(name)
    if cache is None:
        with _lock:
            cache = _caches.setdefault(name, {})
    elif limit is not None and len(cache) >= limit:
        cache.clear()
    return cache


def observe(state: tuple[object, ...]) -> None:
    """Note the store's ``release_state()``; a new state drops every cache."""
    global _state
    if state != _state:
        with _lock:
            if state != _state:
                for cache in _caches.values():
                    cache.clear()
                _state = state


def drop_all() -> None:
    """Drop every cache now (tests that change the store behind the state's back)."""
    global _state
    with _lock:
        for cache in _caches.values():
            cache.clear()
        _state = None


def names() -> list[str]:
    """The caches created so far (for ``medcode`` diagnostics and tests)."""
    return sorted(_caches)
