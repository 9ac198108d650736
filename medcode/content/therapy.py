"""Outpatient therapy facts medcode maintains: code lists, timed codes and KX thresholds.

The data live in ``therapy.toml`` (standard-library tomllib, no Django). Each list keeps the
document that establishes it, so a claim finding that relies on a list can cite it.
``therapy()`` reads the shipped file once; ``load_therapy(path)`` reads any file and raises
``ContentError`` naming the file and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from medcode.content.descriptions import ContentError, normalize_code
from medcode.content.fields import check_keys, string

THERAPY = Path(__file__).resolve().parent / "therapy.toml"

LISTS = ("always_therapy", "sometimes_therapy", "timed", "untimed")
_LIST_KEYS = ("codes", "source", "url", "checked")
_CODE = re.compile(r"[0-9A-Z]{4}[0-9A-Z]")

#: Which yearly amount a therapy discipline modifier counts toward.
DISCIPLINE_OF_MODIFIER = {"GP": "pt_slp", "GN": "pt_slp", "GO": "ot"}
DISCIPLINE_MODIFIERS = tuple(DISCIPLINE_OF_MODIFIER)
DISCIPLINE_NAMES = {"pt_slp": "PT and SLP combined", "ot": "OT"}


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: frozenset[str]
    source: str
    url: str
    #: How medcode checked the list (what it compared, or what it could not read).
    checked: str

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalize_code(code) in self.codes

    @property
    def citation(self) -> str:
        return f"{self.name}: {self.source}"


@dataclass(frozen=True)
class KxThreshold:
    year: int  # the year whose amount applies
    amount: int
    asked_year: int  # the year of service asked about; differs when medcode lacks its amount

    @property
    def note(self) -> str:
        if self.year == self.asked_year:
            return ""
        return f"medcode has no KX threshold for {self.asked_year}; used {self.year}'s"


@dataclass(frozen=True)
class Therapy:
    always: CodeList
    sometimes: CodeList
    timed: CodeList
    untimed: CodeList
    minutes_per_unit: int
    thresholds: dict[int, int]
    targeted_review: int
    kx_source: str
    kx_url: str

    def kx_threshold(self, year: int) -> KxThreshold:
        """The year's threshold; the nearest year medcode knows when it lacks that one."""
        if year in self.thresholds:
            return KxThreshold(year, self.thresholds[year], year)
        earlier = [y for y in self.thresholds if y < year]
        nearest = max(earlier) if earlier else min(self.thresholds)
        return KxThreshold(nearest, self.thresholds[nearest], year)

    @property
    def kx_citation(self) -> str:
        return f"kx: {self.kx_source}"


@cache
def therapy() -> Therapy:
    return load_therapy(THERAPY)


def load_therapy(path: Path) -> Therapy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - {*LISTS, "kx"})
    if unknown:
        raise ContentError(f"{path}: unknown table [{unknown[0]}] (known: {', '.join(LISTS)}, kx)")
    lists = {name: _list(path, name, data.get(name)) for name in LISTS}
    timed_table = data.get("timed")
    minutes = timed_table.get("minutes_per_unit") if isinstance(timed_table, dict) else None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise ContentError(f"{path}: [timed] minutes_per_unit must be a whole number above 0")
    for first, second in (("always_therapy", "sometimes_therapy"), ("timed", "untimed")):
        both = sorted(lists[first].codes & lists[second].codes)
        if both:
            raise ContentError(f"{path}: {both[0]} is in both [{first}] and [{second}]")
    kx = data.get("kx")
    if not isinstance(kx, dict):
        raise ContentError(f"{path}: missing table [kx]")
    check_keys(
        f"{path}: [kx]",
        kx,
        ("thresholds", "targeted_review", "pt_slp_and_ot_separate", "source", "url", "checked"),
    )
    thresholds: dict[int, int] = {}
    raw = kx.get("thresholds")
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{path}: [kx] thresholds must be a non-empty array of tables")
    for number, item in enumerate(raw, start=1):
        where = f"{path}: [kx] threshold {number}"
        if not isinstance(item, dict):
            raise ContentError(f"{where}: expected {{ year = 2026, amount = 2480 }}")
        check_keys(where, item, ("year", "amount"))
        year, amount = _whole(where, item, "year"), _whole(where, item, "amount")
        if year in thresholds:
            raise ContentError(f"{where}: year {year} is listed twice")
        thresholds[year] = amount
    return Therapy(
        always=lists["always_therapy"],
        sometimes=lists["sometimes_therapy"],
        timed=lists["timed"],
        untimed=lists["untimed"],
        minutes_per_unit=minutes,
        thresholds=thresholds,
        targeted_review=_whole(f"{path}: [kx]", kx, "targeted_review"),
        kx_source=string(f"{path}: [kx]", kx, "source"),
        kx_url=string(f"{path}: [kx]", kx, "url"),
    )


def _list(path: Path, name: str, table: Any) -> CodeList:
    where = f"{path}: [{name}]"
    if not isinstance(table, dict):
        raise ContentError(f"{where} is missing")
    check_keys(where, table, (*_LIST_KEYS, "minutes_per_unit") if name == "timed" else _LIST_KEYS)
    raw = table.get("codes")
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: codes must be a non-empty array of strings")
    codes: set[str] = set()
    for value in raw:
        code = normalize_code(value) if isinstance(value, str) else ""
        if not _CODE.fullmatch(code):
            raise ContentError(f"{where}: {value!r} is not a five-character procedure code")
        if code in codes:
            raise ContentError(f"{where}: {code} is listed twice")
        codes.add(code)
    url = string(where, table, "url")
    if not url.startswith("https://"):
        raise ContentError(f"{where}: url {url!r} must start with https://")
    return CodeList(
        name=name,
        codes=frozenset(codes),
        source=string(where, table, "source"),
        url=url,
        checked=string(where, table, "checked"),
    )


def _whole(where: str, item: dict[str, Any], key: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ContentError(f"{where}: {key} must be a whole number above 0, got {value!r}")
    return value
