"""What the assistant asks the store before answering: does a code exist, which modifiers
and localities are loaded. Kept per ``release_state()`` so a question costs a few queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from medcode.assistant.understand import Place
from medcode.codes import facts as hcpcs_facts
from medcode.codes import queries as codes_queries
from medcode.codes.lookup import CodeNotFound, MalformedCode, candidate_systems
from medcode.edits import facts as edit_facts
from medcode.fees import facts as fee_facts
from medcode.fees import queries as fees_queries
from medcode.icd10 import facts as icd10_facts
from medcode.releases import cache
from medcode.releases.store import InForce, Snapshot, all_releases, release_state


def _quiet(snap: Snapshot) -> Any:
    def cite(dataset: str) -> InForce | None:
        return snap.in_force(dataset)

    return cite


def code_exists(code: str, systems: list[str], as_of: date) -> bool:
    """Whether ``code`` (as stored) is in a loaded release of one of ``systems``."""
    snap = Snapshot(as_of, all_releases())
    cite = _quiet(snap)
    for system in systems:
        if system == "HCPCS" and (
            hcpcs_facts.hcpcs(code, snap, cite)
            # Level II codes added after the HCPCS release in force, that the fee schedule
            # or NCCI already list.
            or fee_facts.cpt(code, snap, cite)
            or edit_facts.cpt(code, snap, cite)
        ):
            return True
        if system == "CPT" and (
            fee_facts.cpt(code, snap, cite) or edit_facts.cpt(code, snap, cite)
        ):
            return True
        if system == "ICD-10-CM" and icd10_facts.icd10cm(code, snap, cite):
            return True
        if system == "ICD-10-PCS" and icd10_facts.icd10pcs(code, snap, cite):
            return True
    return False


def exists_anywhere(text: str, as_of: date) -> bool:
    """Whether a code as written (dots allowed) is in a loaded release of any system."""
    try:
        code, systems = candidate_systems(text)
    except (MalformedCode, CodeNotFound):
        return False
    systems = [s for s in systems if s != "MODIFIER"]
    return bool(systems) and code_exists(code, systems, as_of)


def known_modifiers() -> frozenset[str]:
    release_state()  # drops the release caches when a release was loaded or removed
    known = cache.named("assistant.modifiers")
    found: frozenset[str] | None = known.get("all")
    if found is None:
        found = known["all"] = codes_queries.every_modifier_code()
    return found


STATES = {
    "AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA",
    "CO": "COLORADO", "CT": "CONNECTICUT", "DE": "DELAWARE", "DC": "DISTRICT OF COLUMBIA",
    "FL": "FLORIDA", "GA": "GEORGIA", "HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS",
    "IN": "INDIANA", "IA": "IOWA", "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA",
    "ME": "MAINE", "MD": "MARYLAND", "MA": "MASSACHUSETTS", "MI": "MICHIGAN", "MN": "MINNESOTA",
    "MS": "MISSISSIPPI", "MO": "MISSOURI", "MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA",
    "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY", "NM": "NEW MEXICO", "NY": "NEW YORK",
    "NC": "NORTH CAROLINA", "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA", "OR": "OREGON",
    "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA",
    "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT", "VA": "VIRGINIA",
    "WA": "WASHINGTON", "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING",
    "PR": "PUERTO RICO", "VI": "VIRGIN ISLANDS", "GU": "GUAM",
}  # fmt: skip


@dataclass(frozen=True)
class _Area:
    locality: str
    state: str  # two letters
    state_name: str
    name: str  # the GPCI file's locality name
    words: tuple[str, ...]  # names that pick it: area, counties, cities in the area name
    rest_of_state: bool


class Places:
    """The Medicare payment localities of the loaded locality (LOCCO) and GPCI files."""

    def __init__(self, areas: list[_Area], source: str | None) -> None:
        self.areas = areas
        self.source = source

    def find(self, text: str) -> Place | None:
        up = " " + re.sub(r"[^A-Z0-9-]+", " ", text.upper()) + " "
        direct = re.search(r"\b(\d{5}-\d{2})\b", text)
        if direct:
            for area in self.areas:
                if area.locality == direct[1]:
                    return Place(area.locality, area.name, area.state, direct[1])
        # The longest place name mentioned wins ("SAN FRANCISCO" over "FRANCISCO").
        best: tuple[int, _Area, str] | None = None
        for area in self.areas:
            for word in area.words:
                if len(word) >= 4 and f" {word} " in up and (best is None or len(word) > best[0]):
                    # County and city names are often English words ("Will", "Lake", "Orange"):
                    # only "in/at/near X" or "X County" names a place.
                    named = re.search(
                        rf"\b(IN|AT|NEAR|AROUND|FROM)\s+(THE\s+)?(RURAL\s+)?{re.escape(word)}\b"
                        rf"|\b{re.escape(word)}\s+(COUNTY|PARISH|AREA|CITY|BOROUGH)\b",
                        up,
                    )
                    if named:
                        best = (len(word), area, word)
        state = self._state(up)
        rural = bool(re.search(r"\b(RURAL|REST OF|OUTSIDE|COUNTRYSIDE|SMALL TOWN)\b", up))
        if best is not None and not (rural and state and best[2] == state[1]):
            area = best[1]
            if state is None or area.state == state[0] or best[0] > len(state[1]):
                return Place(area.locality, area.name, area.state, best[2].title())
        if state is not None:
            in_state = [a for a in self.areas if a.state == state[0]]
            if len(in_state) == 1:
                a = in_state[0]
                return Place(a.locality, a.name, a.state, state[1].title())
            rest = [a for a in in_state if a.rest_of_state]
            if rural and rest:
                a = rest[0]
                return Place(a.locality, a.name, a.state, f"rural {state[1].title()}")
        return None

    def state_localities(self, text: str) -> list[tuple[str, str]]:
        """(locality, name) of every locality in a state the text names, for "which one?"."""
        up = " " + re.sub(r"[^A-Z0-9-]+", " ", text.upper()) + " "
        state = self._state(up)
        if state is None:
            return []
        return [(a.locality, a.name) for a in self.areas if a.state == state[0]]

    def _state(self, up: str) -> tuple[str, str] | None:
        for abbr, name in sorted(STATES.items(), key=lambda kv: -len(kv[1])):
            if f" {name} " in up:
                return abbr, name
        return None


def places(as_of: date) -> Places:
    state = release_state()
    known = cache.named("assistant.places", limit=8)
    found: Places | None = known.get(as_of.year)
    if found is None:
        found = known[as_of.year] = _places(state, as_of.year)
    return found


def _places(state: tuple[object, ...], year: int) -> Places:
    snap = Snapshot(date(year, 7, 1), all_releases(state))
    gpci = snap.in_force("pfs_gpci")
    locco = snap.in_force("pfs_locality")
    if gpci is None:
        return Places([], None)
    names = {
        f"{r['mac']}-{r['locality']}": r for r in fees_queries.gpci_localities(gpci.release.id)
    }
    extra: dict[str, list[str]] = {}
    if locco is not None:
        for r in fees_queries.locality_counties(locco.release.id):
            key = f"{r['mac']}-{r['locality']}"
            words = extra.setdefault(key, [])
            for part in re.split(r"[/,()-]| AND ", f"{r['fee_schedule_area']},{r['counties']}"):
                part = re.sub(r"\b(CNTY|COUNTY|COUNTIES|CITY|CITIES)\b", " ", part)
                part = " ".join(re.sub(r"[^A-Z0-9 ]", " ", part.upper()).split())
                if part and part not in ("ALL", "ALL OTHER", "STATEWIDE", "REST OF STATE"):
                    words.append(part)
    areas = []
    for key, r in names.items():
        name = r["locality_name"]
        words = [*extra.get(key, [])]
        for part in re.split(r"[/,()-]", name):
            part = " ".join(re.sub(r"[^A-Z0-9 ]", " ", part.upper()).split())
            if part and not part.startswith("REST OF") and part not in STATES.values():
                words.append(part)
        areas.append(
            _Area(
                locality=key,
                state=r["state"],
                state_name=str(STATES.get(r["state"], r["state"])),
                name=name,
                words=tuple(dict.fromkeys(words)),
                rest_of_state=name.upper().startswith("REST OF")
                or name.upper() == STATES.get(r["state"], "").upper(),
            )
        )
    areas.sort(key=lambda a: a.locality)
    return Places(areas, gpci.release.label)
