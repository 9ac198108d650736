"""Guides: Markdown files in ``medcode/content/guides/<slug>.md`` with TOML front matter.

A guide opens with front matter between two ``+++`` lines, read by the standard library's
tomllib (nested lists and tables for sources and the change log, no hand-written parser)::

    +++
    title = "..."
    summary = "..."
    topics = ["therapy"]
    codes = ["97014", "G0283"]
    window = { start = 2026-01-01, end = 2026-12-31 }
    last_reviewed = 2026-11-30
    next_review = 2027-01-15
    [[authors]]
    name = "..."
    credentials = "CPC"
    [reviewer]
    name = "..."
    credentials = "CPC, CPMA"
    [[sources]]
    title = "..."
    url = "https://..."
    [[changes]]
    date = 2026-11-30
    note = "First published."
    +++

A file that breaks these rules raises ContentError naming the file and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from medcode.content.descriptions import ContentError

GUIDES = Path(__file__).resolve().parent.parent / "content" / "guides"
REQUIRED = (
    "title",
    "summary",
    "topics",
    "codes",
    "window",
    "authors",
    "reviewer",
    "last_reviewed",
    "next_review",
    "sources",
    "changes",
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Z0-9]{2,7}$")


@dataclass(frozen=True)
class Person:
    name: str
    credentials: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Change:
    date: date
    note: str


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]
    codes: tuple[str, ...]
    start: date
    end: date
    authors: tuple[Person, ...]
    reviewer: Person
    last_reviewed: date
    next_review: date
    sources: tuple[Source, ...]
    changes: tuple[Change, ...]
    body: str
    path: Path

    @property
    def updated(self) -> date:
        return max([c.date for c in self.changes] + [self.last_reviewed])

    @property
    def published(self) -> date:
        return min(c.date for c in self.changes) if self.changes else self.last_reviewed

    def default_date(self, today: date) -> date:
        """The date a reader sees facts for: today when within the window, else its start."""
        return today if self.start <= today <= self.end else self.start


def split_front_matter(text: str, where: str) -> tuple[str, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ContentError(f"{where}: a guide starts with a '+++' line opening its front matter")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "+++":
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :])
    raise ContentError(f"{where}: the front matter has no closing '+++' line")


def load_guide(path: Path) -> Guide:
    where = str(path)
    slug = path.stem
    if not _SLUG.match(slug):
        raise ContentError(f"{where}: the file name must be a slug (lower-case words and dashes)")
    front, body = split_front_matter(path.read_text(encoding="utf-8"), where)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{where}: front matter: {exc}") from None
    missing = [key for key in REQUIRED if key not in meta or meta[key] in ("", [], {})]
    if missing:
        raise ContentError(f"{where}: front matter lacks {', '.join(missing)}")
    unknown = sorted(set(meta) - set(REQUIRED))
    if unknown:
        raise ContentError(f"{where}: front matter has unknown keys {', '.join(unknown)}")
    window = _table(meta["window"], where, "window")
    start, end = (
        _date(window.get("start"), where, "window.start"),
        _date(window.get("end"), where, "window.end"),
    )
    if end < start:
        raise ContentError(f"{where}: window ends ({end}) before it starts ({start})")
    codes = tuple(_text(c, where, "codes").upper() for c in _list(meta["codes"], where, "codes"))
    bad = [c for c in codes if not _CODE.match(c)]
    if bad:
        raise ContentError(f"{where}: codes: not a code: {', '.join(bad)}")
    return Guide(
        slug=slug,
        title=_text(meta["title"], where, "title"),
        summary=_text(meta["summary"], where, "summary"),
        topics=tuple(_text(t, where, "topics") for t in _list(meta["topics"], where, "topics")),
        codes=codes,
        start=start,
        end=end,
        authors=tuple(
            _person(a, where, "authors") for a in _list(meta["authors"], where, "authors")
        ),
        reviewer=_person(meta["reviewer"], where, "reviewer"),
        last_reviewed=_date(meta["last_reviewed"], where, "last_reviewed"),
        next_review=_date(meta["next_review"], where, "next_review"),
        sources=tuple(
            Source(
                _text(_table(s, where, "sources").get("title"), where, "sources.title"),
                _text(s.get("url"), where, "sources.url"),
            )
            for s in _list(meta["sources"], where, "sources")
        ),
        changes=tuple(
            sorted(
                (
                    Change(
                        _date(_table(c, where, "changes").get("date"), where, "changes.date"),
                        _text(c.get("note"), where, "changes.note"),
                    )
                    for c in _list(meta["changes"], where, "changes")
                ),
                key=lambda c: c.date,
                reverse=True,
            )
        ),
        body=body,
        path=path,
    )


def _person(value: Any, where: str, key: str) -> Person:
    table = _table(value, where, key)
    return Person(
        _text(table.get("name"), where, f"{key}.name"),
        _text(table.get("credentials"), where, f"{key}.credentials"),
    )


def _table(value: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: {key}: expected a table")
    return value


def _list(value: Any, where: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ContentError(f"{where}: {key}: expected a list")
    return value


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: {key}: expected a non-empty string")
    return value.strip()


def _date(value: Any, where: str, key: str) -> date:
    if not isinstance(value, date):
        raise ContentError(f"{where}: {key}: expected a date (YYYY-MM-DD, unquoted)")
    return value


def load_guides(folder: Path) -> dict[str, Guide]:
    return {g.slug: g for g in (load_guide(p) for p in sorted(folder.glob("*.md")))}


@cache
def guides() -> dict[str, Guide]:
    """The shipped guides by slug, read once per process."""
    return load_guides(GUIDES)


def guides_for_code(code: str) -> list[Guide]:
    code = code.strip().upper()
    return [g for g in guides().values() if code in g.codes]
