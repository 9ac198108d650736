"""Which release answers a question about a date of service.

Every dataset (HCPCS, ICD-10-CM, PFS RVUs, each NCCI table…) has releases covering periods.
For a date of service the store answers from the release whose period covers it. When none
does (CMS has not published it, or it was not loaded), it answers from the latest earlier
release and says so; a date before every loaded release is answered from the earliest one,
also with a note. The answer always names the release, so it can be cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from medcode.releases import cache, queries


@dataclass(frozen=True)
class ReleaseRef:
    """The parts of a release an answer cites."""

    id: int
    dataset: str
    version: str
    label: str
    period_start: date
    period_end: date | None
    source_name: str

    def covers(self, day: date) -> bool:
        return self.period_start <= day and (self.period_end is None or day <= self.period_end)

    def to_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "version": self.version,
            "label": self.label,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "source_name": self.source_name,
        }


@dataclass(frozen=True)
class InForce:
    """The release that answers for a date, and a note when it does not cover that date."""

    release: ReleaseRef
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        result = self.release.to_dict()
        result["note"] = self.note
        return result


def to_date(value: object) -> date | None:
    """A date column as a ``date`` (SQLite returns ISO text, PostgreSQL a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def release_state() -> tuple[object, ...]:
    """What changes whenever a release is loaded, replaced or removed, in one tiny query.

    A load commits its release row and every data row together, and a release's rows never
    change afterwards; ids and load times only grow. So while this value stays the same, so
    does everything read from the store, and answers may be kept (``all_releases``, the claim
    checker's ``StoreCache``).
    """
    count, newest, loaded = queries.release_counts()
    state = (connection.vendor, str(connection.settings_dict["NAME"]), count, newest, str(loaded))
    # Every cache of store answers (releases/cache.py) is dropped when this changes.
    cache.observe(state)
    return state


def all_releases(state: tuple[object, ...] | None = None) -> list[ReleaseRef]:
    """Every loaded release. Re-read only when ``release_state()`` (or ``state``) changed."""
    key = state if state is not None else release_state()
    known = cache.named("releases.all")
    refs: list[ReleaseRef] | None = known.get(key)
    if refs is None:
        refs = [
            ReleaseRef(rid, dataset, version, label, to_date(start), to_date(end), source)  # type: ignore[arg-type]
            for rid, dataset, version, label, start, end, source in queries.release_refs()
        ]
        known.clear()
        known[key] = refs
    return list(refs)


class Snapshot:
    """The releases loaded at one moment, resolved per dataset for one date of service."""

    def __init__(self, as_of: date, releases: list[ReleaseRef] | None = None) -> None:
        self.as_of = as_of
        self._by_dataset: dict[str, list[ReleaseRef]] = {}
        for ref in releases if releases is not None else all_releases():
            self._by_dataset.setdefault(ref.dataset, []).append(ref)
        for refs in self._by_dataset.values():
            refs.sort(key=lambda r: r.period_start)
        # Rules ask the same dataset many times per claim, and a batch shares one snapshot per date.
        self._in_force: dict[str, InForce | None] = {}

    def datasets(self) -> list[str]:
        return sorted(self._by_dataset)

    def releases(self, dataset: str) -> list[ReleaseRef]:
        """Every loaded release of ``dataset``, oldest period first."""
        return self._by_dataset.get(dataset, [])

    def in_force(self, dataset: str) -> InForce | None:
        """The release of ``dataset`` that answers for ``as_of``; None if none is loaded."""
        try:
            return self._in_force[dataset]
        except KeyError:
            answer = self._in_force[dataset] = self._resolve(dataset)
            return answer

    def _resolve(self, dataset: str) -> InForce | None:
        refs = self._by_dataset.get(dataset)
        if not refs:
            return None
        day = self.as_of
        covering = [r for r in refs if r.covers(day)]
        if covering:
            # Overlapping periods: the one that started last is the newer word from CMS.
            return InForce(covering[-1])
        earlier = [r for r in refs if r.period_start <= day]
        if earlier:
            ref = earlier[-1]
            return InForce(
                ref,
                f"No loaded {dataset} release covers {day.isoformat()}; answered from "
                f"{ref.label}, which ended {ref.period_end}.",
            )
        ref = refs[0]
        return InForce(
            ref,
            f"{day.isoformat()} is before every loaded {dataset} release; answered from "
            f"{ref.label}, which starts {ref.period_start.isoformat()}.",
        )


def status_on(as_of: date, start: date | None, end: date | None) -> str:
    """``active``, ``not yet effective`` or ``terminated``: a dated row on a date of service.

    CMS's termination (and NCCI deletion) dates are the last day a code or edit applies.
    """
    if start is not None and as_of < start:
        return "not yet effective"
    if end is not None and as_of > end:
        return "terminated"
    return "active"
