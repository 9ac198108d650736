"""Payer crosswalks: "payer P does not recognise code X for this purpose; report code Y".

The entries live in ``crosswalks.toml`` (read with the standard library's tomllib), each with
the sources that establish it and a short note in medcode's words. ``crosswalks_for(code)``
answers for either side of an entry: ``direction`` is "from" when the code asked about is the
one the payer does not take, "to" when it is the code the payer wants instead.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from medcode.content.descriptions import SYSTEMS, ContentError, normalize_code
from medcode.content.fields import check_keys, string

CROSSWALKS = Path(__file__).resolve().parent / "crosswalks.toml"

Direction = Literal["from", "to"]

_ENTRY_KEYS = (
    "id",
    "from_code",
    "from_system",
    "to_code",
    "to_system",
    "payer",
    "purpose",
    "note",
)
_SOURCE_KEYS = ("document", "section", "url", "date", "checked")


@dataclass(frozen=True)
class CrosswalkSource:
    document: str
    section: str
    url: str
    date: date
    #: How medcode checked the citation (which file and row it read, or what it could not read).
    checked: str

    def to_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "section": self.section,
            "url": self.url,
            "date": self.date.isoformat(),
            "checked": self.checked,
        }


@dataclass(frozen=True)
class Crosswalk:
    id: str
    from_code: str
    from_system: str
    to_code: str
    to_system: str
    payer: str
    purpose: str
    note: str
    sources: tuple[CrosswalkSource, ...]
    direction: Direction = "from"

    @property
    def code(self) -> str:
        """The code this answer was asked about."""
        return self.from_code if self.direction == "from" else self.to_code

    @property
    def other_code(self) -> str:
        """The code on the other side of the entry."""
        return self.to_code if self.direction == "from" else self.from_code

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction,
            "from": {"code": self.from_code, "system": self.from_system},
            "to": {"code": self.to_code, "system": self.to_system},
            "payer": self.payer,
            "purpose": self.purpose,
            "note": self.note,
            "sources": [source.to_dict() for source in self.sources],
        }


def crosswalks_for(code: str) -> list[Crosswalk]:
    """Entries where ``code`` is replaced (direction "from"), then where it replaces ("to")."""
    wanted = normalize_code(code)
    entries = _shipped()
    forwards = [entry for entry in entries if entry.from_code == wanted]
    backwards = [replace(entry, direction="to") for entry in entries if entry.to_code == wanted]
    return forwards + backwards


@cache
def _shipped() -> tuple[Crosswalk, ...]:
    return load_crosswalks(CROSSWALKS)


def load_crosswalks(path: Path) -> tuple[Crosswalk, ...]:
    """Every entry of a crosswalk file; raises ContentError naming the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"crosswalk"})
    if unknown:
        raise ContentError(f"{path}: unknown table {unknown[0]!r} (entries are [[crosswalk]])")
    raw = data.get("crosswalk", [])
    if not isinstance(raw, list):
        raise ContentError(f"{path}: 'crosswalk' must be an array of tables ([[crosswalk]])")
    entries = tuple(_entry(path, number, item) for number, item in enumerate(raw, start=1))
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ContentError(f"{path}: id {entry.id!r} is used by two entries")
        seen.add(entry.id)
    return entries


def _entry(path: Path, number: int, item: Any) -> Crosswalk:
    where = f"{path}: crosswalk {number}"
    if not isinstance(item, dict):
        raise ContentError(f"{where}: expected a table")
    if isinstance(item.get("id"), str):
        where = f"{where} ({item['id']})"
    check_keys(where, item, (*_ENTRY_KEYS, "source"))
    values = {key: string(where, item, key) for key in _ENTRY_KEYS}
    for side in ("from", "to"):
        values[f"{side}_code"] = normalize_code(values[f"{side}_code"])
        if values[f"{side}_system"] not in SYSTEMS:
            raise ContentError(
                f"{where}: {side}_system {values[f'{side}_system']!r} is not one of "
                f"{', '.join(SYSTEMS)}"
            )
    if values["from_code"] == values["to_code"]:
        raise ContentError(f"{where}: from_code and to_code are the same code")
    raw_sources = item.get("source")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ContentError(f"{where}: needs at least one [[crosswalk.source]]")
    sources = tuple(
        _source(f"{where}, source {n}", raw) for n, raw in enumerate(raw_sources, start=1)
    )
    return Crosswalk(
        id=values["id"],
        from_code=values["from_code"],
        from_system=values["from_system"],
        to_code=values["to_code"],
        to_system=values["to_system"],
        payer=values["payer"],
        purpose=values["purpose"],
        note=values["note"],
        sources=sources,
    )


def _source(where: str, item: Any) -> CrosswalkSource:
    if not isinstance(item, dict):
        raise ContentError(f"{where}: expected a table")
    check_keys(where, item, _SOURCE_KEYS)
    url = string(where, item, "url")
    if not url.startswith("https://"):
        raise ContentError(f"{where}: url {url!r} must start with https://")
    day = item.get("date")
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ContentError(f"{where}: date must be a TOML date (YYYY-MM-DD), got {day!r}")
    return CrosswalkSource(
        document=string(where, item, "document"),
        section=string(where, item, "section"),
        url=url,
        date=day,
        checked=string(where, item, "checked"),
    )
