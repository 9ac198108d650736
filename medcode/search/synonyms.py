"""The synonym list: what coders type (HTN, lap chole, Toradol) and what it stands for.

``synonyms.toml`` is written by us. Each entry lists the ``terms`` people type, the words it
``means`` (searched instead of the term) and, optionally, ``codes`` it points at (ranked first
when they are in force). A test checks every entry's form and that each code exists in the real
CMS files.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
#: Drugs and devices by brand name, kept apart from the clinical list because they change
#: with the market (a term may be in only one of the files).
BRANDS_FILE = Path(__file__).with_name("brands.toml")


class SynonymError(ValueError):
    pass


@dataclass(frozen=True)
class Synonym:
    term: str  # lower-case words separated by one space
    expand: tuple[str, ...]
    codes: tuple[str, ...]
    #: The entry's other terms: names of the same thing, which index terms may use too.
    also: tuple[str, ...] = ()


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def load(*paths: Path) -> dict[str, Synonym]:
    """Every term of the files (by default the synonym list and the brands), keyed by its
    normalized words; SynonymError names a bad entry or a term listed twice."""
    table: dict[str, Synonym] = {}
    for path in paths or (SYNONYMS_FILE, BRANDS_FILE):
        _read(path, table)
    return table


def _read(path: Path, table: dict[str, Synonym]) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for number, entry in enumerate(data.get("entry", []), 1):
        where = f"{path.name}, entry {number}"
        terms = entry.get("terms")
        means = entry.get("means", [])
        codes = entry.get("codes", [])
        if not terms or not all(isinstance(t, str) and _key(t) for t in terms):
            raise SynonymError(f"{where}: 'terms' must list the words people type")
        if not isinstance(means, list) or not all(isinstance(m, str) and _key(m) for m in means):
            raise SynonymError(f"{where}: 'means' must list words to search for")
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise SynonymError(f"{where}: 'codes' must list codes")
        if not means and not codes:
            raise SynonymError(f"{where}: needs 'means', 'codes' or both")
        keys = [_key(t) for t in terms]
        for term, key in zip(terms, keys, strict=True):
            if key in table:
                raise SynonymError(f"{where}: {term!r} is already an entry")
            table[key] = Synonym(
                key,
                tuple(_key(m) for m in means),
                tuple(c.replace(".", "").upper() for c in codes),
                tuple(k for k in keys if k != key),
            )


@lru_cache(maxsize=1)
def synonyms() -> dict[str, Synonym]:
    return load()
