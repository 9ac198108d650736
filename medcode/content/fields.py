"""Checks shared by the loaders of our TOML tables: each error names the file and entry."""

from __future__ import annotations

from typing import Any

from medcode.content.descriptions import ContentError


def check_keys(where: str, item: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise ContentError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(allowed)})")


def string(where: str, item: dict[str, Any], key: str) -> str:
    """A non-empty string with its whitespace folded (TOML multi-line strings read as prose)."""
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: {key} must be a non-empty string")
    return " ".join(value.split())
