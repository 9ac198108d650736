"""What the rules may ask of the store about one claim, answered as of its date of service.

Every answer carries the release it came from, so each finding can cite its CMS source.

Answers come from a ``StoreCache`` shared by the claims of one batch (or made for one claim):
claims checked together mostly share their releases and codes, so each table is read once per
release with every code of the batch in one ``IN (...)`` query, and PTP edits once per date of
service for every pair of the batch's codes. A rule asking about a code no claim of the batch
carries still gets an answer, with one query of its own. What was read is kept in the process
for later batches and requests until a release is loaded, replaced or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medcode.claims.claim import Claim
from medcode.codes import queries as codes_queries
from medcode.edits import queries as edits_queries
from medcode.edits.models import ptp_releases_in_force
from medcode.edits.queries import MUE_DATASETS, PTP_DATASETS
from medcode.fees import queries as fees_queries
from medcode.icd10 import queries as icd10_queries
from medcode.icd10.patient_groups import PatientGroups, read_groups
from medcode.releases import cache
from medcode.releases.store import InForce, ReleaseRef, Snapshot, all_releases, release_state

# A date of service with more distinct procedure codes than this reads PTP edits claim by claim
# rather than among all of them at once: the edits among thousands of codes would be held in
# memory for a few pairs each claim needs.
PTP_PREFETCH_LIMIT = 3000

Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """Where a finding's fact comes from: dataset, release, and the row or rule detail."""

    dataset: str
    release: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"dataset": self.dataset, "release": self.release, "detail": self.detail}


# How each per-code table is read: the owning app's batched query (release id, codes, and the
# date of service for dated ones), the column that holds the code, and how rows of one code
# become the answer.
def _first(found: list[Row]) -> Row | None:
    return found[0] if found else None


def _by_modifier(found: list[Row]) -> dict[str, Row]:
    result: dict[str, Row] = {}
    for r in found:
        result.setdefault(r["modifier"], r)
    return result


def _exists(found: list[Row]) -> bool:
    return bool(found)


def _addon_edits(found: list[Row]) -> list[Row]:
    return [{"edit_type": r["edit_type"], "primary_code": r["primary_code"]} for r in found]


def _listed(read: Callable[[int, list[str]], set[str]], key: str) -> Callable[..., list[Row]]:
    return lambda release_id, codes, day: [{key: c} for c in read(release_id, codes)]


@dataclass(frozen=True)
class _Table:
    read: Callable[[int, list[str], Any], Iterable[Row]]  # (release id, codes, date or None)
    key: str
    answer: Callable[[list[Row]], Any]
    wants: str  # which codes of a claim it is asked about: "procedure", "diagnosis", "modifier"
    dated: bool = False  # answers depend on the date of service


TABLES: dict[str, _Table] = {
    "hcpcs": _Table(
        lambda rid, codes, day: codes_queries.hcpcs_brief_of(rid, codes),
        "code",
        _first,
        "procedure",
    ),
    "rvu": _Table(
        lambda rid, codes, day: fees_queries.rvus_of(rid, codes), "hcpcs", _by_modifier, "procedure"
    ),
    "mue": _Table(
        lambda rid, codes, day: edits_queries.mues(rid, codes), "code", _first, "procedure"
    ),
    "icd10cm": _Table(
        lambda rid, codes, day: icd10_queries.icd10cm_brief_of(rid, codes),
        "code",
        _first,
        "diagnosis",
    ),
    "modifier": _Table(
        _listed(codes_queries.modifiers_listed, "code"), "code", _exists, "modifier"
    ),
    "addon": _Table(
        lambda rid, codes, day: edits_queries.addon_edits_of(rid, codes, day),
        "addon_code",
        _addon_edits,
        "procedure",
        dated=True,
    ),
    # Whether the add-on code file lists a code at all (as add-on or primary), for VAL001.
    "aoc_addon_listed": _Table(
        _listed(lambda rid, codes: edits_queries.addon_listed(rid, codes, "addon_code"), "c"),
        "c",
        _exists,
        "procedure",
    ),
    "payment_listed": _Table(
        _listed(fees_queries.payment_amounts_listed, "c"), "c", _exists, "procedure"
    ),
    "aoc_primary_listed": _Table(
        _listed(lambda rid, codes: edits_queries.addon_listed(rid, codes, "primary_code"), "c"),
        "c",
        _exists,
        "procedure",
    ),
}


@dataclass
class _PtpEdits:
    """The PTP edits in force on one date among the codes read so far."""

    parts: tuple[int, ...]
    covered: set[str] = field(default_factory=set)
    edits: dict[tuple[str, str], Row] = field(default_factory=dict)
    #: The same edits by column 1 code, then column 2 code: a claim's pairs are found from the
    #: edits its codes have, never by trying every pair of its lines.
    by_column1: dict[str, dict[str, Row]] = field(default_factory=dict)


class _Shared:
    """Store answers kept from batch to batch (and request to request) in this process.

    Kept in the release cache ``claims.store`` (``releases/cache.py``), so dropped with every
    other cache when a release is loaded, replaced or removed. Bounded: past ``MAX_SHARED``
    answers and edits it starts afresh (with the payment cache ``claims.prices``).
    """

    def __init__(self) -> None:
        self.answers: dict[tuple[str, int, date | None], dict[str, Any]] = {}
        self.ptp: dict[tuple[str, date], _PtpEdits] = {}
        self.gpci: dict[tuple[int, str], Row | None] = {}
        self.size = 0


MAX_SHARED = 200_000


def _shared() -> _Shared:
    box = cache.named("claims.store")
    prices = cache.named("claims.prices")
    shared: _Shared | None = box.get("shared")
    if shared is None or shared.size + len(prices) > MAX_SHARED:
        prices.clear()
        shared = box["shared"] = _Shared()
    return shared


class StoreCache:
    """Store answers for the claims checked together, read once per release and code.

    ``add(claims)`` names the codes the batch will ask about; the first question about a
    table in a release then reads that table for all of them not yet known, in one query (per
    2,000 codes). Nothing is read that no rule asks for. Answers are kept in the process for
    the next batch while the loaded releases stay the same (one small query per batch checks).
    """

    def __init__(self, releases: list[ReleaseRef] | None = None) -> None:
        state = release_state()
        self._releases = releases if releases is not None else all_releases(state)
        self._shared = _shared()
        self._snapshots: dict[date, Snapshot] = {}
        self._wanted: dict[str, set[str]] = {
            "procedure": set(),
            "diagnosis": set(),
            "modifier": set(),
        }
        self._procedures_on: dict[date, set[str]] = {}
        # The scopes (table, release id, date or None) whose wanted codes this batch has read;
        # a later miss in them reads only the code asked about.
        self._checked: set[tuple[str, int, date | None]] = set()
        self._ptp_checked: set[tuple[str, date]] = set()
        #: Results other modules work out from store answers alone (payment's per-unit parts),
        #: kept like the answers themselves: the release cache ``claims.prices``.
        self.memo = cache.named("claims.prices")

    def add(self, claims: Iterable[Claim]) -> None:
        for claim in claims:
            codes = {line.code for line in claim.lines}
            self._wanted["procedure"] |= codes
            self._procedures_on.setdefault(claim.date_of_service, set()).update(codes)
            self._wanted["diagnosis"].update(claim.diagnoses)
            for line in claim.lines:
                self._wanted["modifier"].update(line.modifiers)

    def snapshot(self, day: date) -> Snapshot:
        snap = self._snapshots.get(day)
        if snap is None:
            snap = self._snapshots[day] = Snapshot(day, self._releases)
        return snap

    def answer(self, table: str, release_id: int, code: str, day: date | None = None) -> Any:
        """The answer of ``table`` (see TABLES) for ``code`` in the release, on ``day`` if dated."""
        scope = (table, release_id, day)
        answers = self._shared.answers
        known = answers.get(scope)
        if known is None:
            known = answers.setdefault(scope, {})
        if scope in self._checked:
            try:
                return known[code]
            except KeyError:
                codes = [code]
        else:
            self._checked.add(scope)
            wanted = self._wanted[TABLES[table].wants]
            codes = sorted(c for c in wanted | {code} if c not in known)
        if codes:
            self._read(TABLES[table], scope, codes, known)
        return known[code]

    def _read(
        self, spec: _Table, scope: tuple[str, int, date | None], codes: list[str], known: dict
    ) -> None:
        _, release_id, day = scope
        found: dict[str, list[Row]] = {c: [] for c in codes}
        for r in spec.read(release_id, codes, day):
            found[r[spec.key]].append(r)
        for c, rows in found.items():
            known[c] = spec.answer(rows)
        self._shared.size += len(codes)

    def ptp_edits(
        self, dataset: str, snap: Snapshot, codes: set[str]
    ) -> dict[tuple[str, str], Row]:
        """The PTP edits in force on the snapshot's date among (at least) ``codes``."""
        return self._ptp_table(dataset, snap, codes).edits

    def ptp_index(self, dataset: str, snap: Snapshot, codes: set[str]) -> dict[str, dict[str, Row]]:
        """``ptp_edits`` by column 1 code, then column 2 code."""
        return self._ptp_table(dataset, snap, codes).by_column1

    def _ptp_table(self, dataset: str, snap: Snapshot, codes: set[str]) -> _PtpEdits:
        day = snap.as_of
        key = (dataset, day)
        table = self._shared.ptp.get(key)
        if table is None or len(table.covered) > PTP_PREFETCH_LIMIT:
            found, _ = ptp_releases_in_force(dataset, day, snap.releases(dataset))
            table = self._shared.ptp[key] = _PtpEdits(tuple(p.id for p in found))
        if key not in self._ptp_checked:
            self._ptp_checked.add(key)
            same_day = self._procedures_on.get(day, set())
            if len(same_day) <= PTP_PREFETCH_LIMIT:
                codes = codes | same_day
        if codes <= table.covered:
            return table
        new = codes - table.covered
        if table.parts:
            # Edits with a new code in column 1, then those with an old one in column 1 and a
            # new one in column 2: every pair among the codes is read once.
            old = sorted(table.covered)
            self._read_ptp(table, sorted(new), sorted(table.covered | new), day)
            if old:
                self._read_ptp(table, old, sorted(new), day)
        table.covered |= new
        return table

    def _read_ptp(self, table: _PtpEdits, first: list[str], second: list[str], day: date) -> None:
        for edit in edits_queries.ptp_edits_among(table.parts, first, second, day):
            table.edits[(edit["column1"], edit["column2"])] = edit
            table.by_column1.setdefault(edit["column1"], {})[edit["column2"]] = edit
            self._shared.size += 1

    def gpci(self, release_id: int, locality: str) -> Row | None:
        """The GPCI row of ``MAC-locality`` in the release, or None."""
        key = (release_id, locality)
        known = self._shared.gpci
        if key not in known:
            mac, _, number = locality.partition("-")
            known[key] = fees_queries.gpci_of_locality(release_id, mac, number)
            self._shared.size += 1
        return known[key]


class ClaimContext:
    def __init__(
        self, claim: Claim, snapshot: Snapshot | None = None, store: StoreCache | None = None
    ) -> None:
        self.claim = claim
        if store is None:
            store = StoreCache()
            store.add([claim])
        self.store = store
        self.snap = snapshot or store.snapshot(claim.date_of_service)
        #: The releases this claim's checks read, so the report cites (and notes) only those.
        self.consulted: dict[str, InForce] = {}
        #: Per-claim results other modules keep (payment's prices), dying with the claim.
        self.memo: dict[str, Any] = {}
        self._ptp_cache: dict[tuple[str, str], Row] | None = None
        self._codes = frozenset(line.code for line in claim.lines)
        # The answers this claim has had, by (table, code): rules ask about the same codes many
        # times, and the first question of each table is also the one that cites its release.
        self._answers: dict[tuple[str, str], Any] = {}

    def in_force(self, dataset: str) -> InForce | None:
        answer = self.consulted.get(dataset)
        if answer is None:
            answer = self.snap.in_force(dataset)
            if answer is not None:
                self.consulted[dataset] = answer
        return answer

    def source(self, dataset: str, detail: str) -> Source:
        answer = self.in_force(dataset)
        label = answer.release.label if answer else "not loaded"
        return Source(dataset, label, detail)

    def known_code(self, code: str) -> bool:
        """Whether a CMS table in force lists the procedure code (HCPCS, PFS, MUE, add-on)."""
        return bool(
            self.hcpcs(code)
            or self.rvu(code, "")
            or self.mue(code)
            or self._ask("aoc_addon_listed", "ncci_aoc", code, False)
            or self._ask("aoc_primary_listed", "ncci_aoc", code, False)
            or self._ask("payment_listed", "pfs_revision", code, False)
            or self._ptp_lists(code)
        )

    def _ptp_lists(self, code: str) -> bool:
        """Whether an edit of the PTP table in force, itself in force on the date, names the code.

        Asked only of codes no other table lists (rare), so one query per code is enough.
        """
        key = ("ptp_listed", code)
        if key in self._answers:
            return bool(self._answers[key])
        dataset = PTP_DATASETS.get(self.claim.setting)
        parts: list[ReleaseRef] = []
        if dataset is not None:
            parts, _ = ptp_releases_in_force(dataset, self.snap.as_of, self.snap.releases(dataset))
        found = False
        if parts:
            ids = [part.id for part in parts]
            found = any(
                edits_queries.ptp_lists(ids, code, column, self.snap.as_of)
                for column in edits_queries.PTP_ROLES
            )
        self._answers[key] = found
        return found

    def _ask(self, table: str, dataset: str, code: str, missing: Any) -> Any:
        """The answer of ``table`` for ``code`` in ``dataset``'s release in force (``missing``
        when none is loaded), kept for the claim."""
        key = (table, code)
        try:
            return self._answers[key]
        except KeyError:
            pass
        answer = self.in_force(dataset)
        if answer is None:
            return missing
        day = self.snap.as_of if TABLES[table].dated else None
        found = self._answers[key] = self.store.answer(table, answer.release.id, code, day)
        return found

    def hcpcs(self, code: str) -> Row | None:
        return self._ask("hcpcs", "hcpcs", code, None)

    def rvu(self, code: str, modifier: str) -> Row | None:
        """The code's full PFS RVU row for the modifier ("" for the global row), if any."""
        rows: dict[str, Row] = self._ask("rvu", "pfs_rvu", code, {})
        return rows.get(modifier)

    def mue(self, code: str) -> Row | None:
        return self._ask("mue", MUE_DATASETS[self.claim.setting], code, None)

    def icd10cm(self, code: str) -> Row | None:
        return self._ask("icd10cm", "icd10cm", code, None)

    def modifier(self, code: str) -> bool:
        """Whether the HCPCS file in force lists the modifier (True when none is loaded)."""
        return bool(self._ask("modifier", "hcpcs", code, True))

    def ptp_edit(self, column1: str, column2: str) -> Row | None:
        """The PTP edit in force on the claim's date for the pair, if any."""
        edits = self.ptp_edits()
        found = edits.get((column1, column2))
        if found is None and (column1 not in self._codes or column2 not in self._codes):
            # A pair not both on the claim (a rule asking ahead): read it on its own.
            dataset = PTP_DATASETS.get(self.claim.setting)
            if dataset is not None and self.in_force(dataset) is not None:
                pair = {column1, column2}
                found = self.store.ptp_edits(dataset, self.snap, pair).get((column1, column2))
        return found

    def ptp_edits(self) -> dict[tuple[str, str], Row]:
        """The PTP edits in force on the claim's date by (column 1, column 2), for every pair of
        the claim's codes; it may hold other pairs too, so look pairs up rather than list it."""
        if self._ptp_cache is not None:
            return self._ptp_cache
        self._ptp_cache = {}
        dataset = PTP_DATASETS.get(self.claim.setting)
        codes = set(self._codes)
        if dataset is None or len(codes) < 2:
            return self._ptp_cache
        if self.in_force(dataset) is None:
            return self._ptp_cache
        self._ptp_cache = self.store.ptp_edits(dataset, self.snap, codes)
        return self._ptp_cache

    def ptp_index(self) -> dict[str, dict[str, Row]]:
        """The same edits as ``ptp_edits`` by column 1 code, then column 2 code (so a claim's
        pairs are found from the edits each of its codes has); it may hold other codes too."""
        dataset = PTP_DATASETS.get(self.claim.setting)
        codes = set(self._codes)
        if dataset is None or len(codes) < 2 or self.in_force(dataset) is None:
            return {}
        return self.store.ptp_index(dataset, self.snap, codes)

    def addon(self, code: str) -> list[Row]:
        """The add-on code edits in force where ``code`` is the add-on."""
        found: list[Row] = self._ask("addon", "ncci_aoc", code, [])
        return found

    def gpci(self) -> tuple[InForce, Row | None] | None:
        """The GPCI release in force and the claim locality's row in it (None: no such locality).

        None when the claim names no locality or no GPCI file is loaded.
        """
        if self.claim.locality is None:
            return None
        answer = self.in_force("pfs_gpci")
        if answer is None:
            return None
        return answer, self.store.gpci(answer.release.id, self.claim.locality)

    def patient_groups(self) -> PatientGroups | None:
        """The diagnosis groups (maternity, newborn-only, one sex) of the Tabular List in force,
        read once per release for the process; None when no Tabular List is loaded."""
        answer = self.in_force("icd10cm_tabular")
        if answer is None:
            return None
        known = cache.named("icd10.patient_groups")
        groups: PatientGroups | None = known.get(answer.release.id)
        if groups is None:
            groups = known[answer.release.id] = read_groups(answer.release.id)
        return groups
