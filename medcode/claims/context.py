"""What the rules may ask of the store about one claim, answered as of its date of service.

Every answer carries the release it came from, so each finding can cite its CMS source.
Answers are cached per claim: several rules ask about the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from medcode.claims.claim import Claim
from medcode.edits.models import ptp_releases_in_force
from medcode.releases.sql import row, rows
from medcode.releases.store import InForce, Snapshot

PTP_DATASET = {
    "practitioner": "ncci_ptp_practitioner",
    "outpatient_hospital": "ncci_ptp_outpatient",
}
MUE_DATASET = {
    "practitioner": "ncci_mue_practitioner",
    "outpatient_hospital": "ncci_mue_outpatient",
    "dme": "ncci_mue_dme",
}


@dataclass(frozen=True)
class Source:
    """Where a finding's fact comes from: dataset, release, and the row or rule detail."""

    dataset: str
    release: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"dataset": self.dataset, "release": self.release, "detail": self.detail}


class ClaimContext:
    def __init__(self, claim: Claim, snapshot: Snapshot | None = None) -> None:
        self.claim = claim
        self.snap = snapshot or Snapshot(claim.date_of_service)
        #: The releases this claim's checks read, so the report cites (and notes) only those.
        self.consulted: dict[str, InForce] = {}
        # Bound per instance so the cache dies with the claim.
        self.hcpcs = cache(self._hcpcs)
        self.rvu = cache(self._rvu)
        self.mue = cache(self._mue)
        self.icd10cm = cache(self._icd10cm)
        self.modifier = cache(self._modifier)
        self._ptp_cache: dict[tuple[str, str], dict[str, Any]] | None = None
        self.addon = cache(self._addon)

    def in_force(self, dataset: str) -> InForce | None:
        answer = self.snap.in_force(dataset)
        if answer is not None:
            self.consulted[dataset] = answer
        return answer

    def source(self, dataset: str, detail: str) -> Source:
        answer = self.in_force(dataset)
        label = answer.release.label if answer else "not loaded"
        return Source(dataset, label, detail)

    def known_code(self, code: str) -> bool:
        """Whether any loaded CMS table lists the procedure code."""
        return bool(self.hcpcs(code) or self.rvu(code, "") or self.mue(code))

    def _hcpcs(self, code: str) -> dict[str, Any] | None:
        answer = self.in_force("hcpcs")
        if answer is None:
            return None
        return row(
            "SELECT code, add_date, termination_date, short_description "
            "FROM codes_hcpcscode WHERE release_id = %s AND code = %s",
            [answer.release.id, code],
        )

    def _rvu(self, code: str, modifier: str) -> dict[str, Any] | None:
        answer = self.in_force("pfs_rvu")
        if answer is None:
            return None
        return row(
            "SELECT * FROM fees_pfsrvu WHERE release_id = %s AND hcpcs = %s AND modifier = %s",
            [answer.release.id, code, modifier],
        )

    def _mue(self, code: str) -> dict[str, Any] | None:
        dataset = MUE_DATASET[self.claim.setting]
        answer = self.in_force(dataset)
        if answer is None:
            return None
        return row(
            "SELECT value, adjudication_indicator, adjudication_text, rationale "
            "FROM edits_mueedit WHERE release_id = %s AND code = %s",
            [answer.release.id, code],
        )

    def _icd10cm(self, code: str) -> dict[str, Any] | None:
        answer = self.in_force("icd10cm")
        if answer is None:
            return None
        return row(
            "SELECT code, billable, long_title FROM icd10_icd10cmcode "
            "WHERE release_id = %s AND code = %s",
            [answer.release.id, code],
        )

    def _modifier(self, code: str) -> bool:
        answer = self.in_force("hcpcs")
        if answer is None:
            return True  # nothing to check against
        return (
            row(
                "SELECT 1 AS found FROM codes_hcpcsmodifier WHERE release_id = %s AND code = %s",
                [answer.release.id, code],
            )
            is not None
        )

    def ptp_edit(self, column1: str, column2: str) -> dict[str, Any] | None:
        """The PTP edit in force on the claim's date for the pair, if any."""
        return self._ptp_edits_among_claim_codes().get((column1, column2))

    def _ptp_edits_among_claim_codes(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every PTP edit in force between two codes of the claim, read in one query."""
        if self._ptp_cache is not None:
            return self._ptp_cache
        self._ptp_cache = {}
        dataset = PTP_DATASET.get(self.claim.setting)
        codes = sorted({line.code for line in self.claim.lines})
        if dataset is None or len(codes) < 2:
            return self._ptp_cache
        if self.in_force(dataset) is None:
            return self._ptp_cache
        parts, _ = ptp_releases_in_force(dataset, self.snap.as_of, self.snap.releases(dataset))
        ids = ", ".join(str(p.id) for p in parts)
        marks = ", ".join(["%s"] * len(codes))
        day = self.snap.as_of
        for edit in rows(
            "SELECT e.column1, e.column2, e.modifier_indicator, e.effective_date, e.deletion_date, "
            "r.text AS rationale FROM edits_ptpedit e LEFT JOIN edits_ptprationale r "
            "ON r.release_id = e.release_id AND r.number = e.rationale_number "
            f"WHERE e.release_id IN ({ids}) AND e.column1 IN ({marks}) AND e.column2 IN ({marks}) "
            "AND (e.effective_date IS NULL OR e.effective_date <= %s) "
            "AND (e.deletion_date IS NULL OR e.deletion_date >= %s) "
            "AND e.modifier_indicator <> '9'",
            [*codes, *codes, day, day],
        ):
            self._ptp_cache[(edit["column1"], edit["column2"])] = edit
        return self._ptp_cache

    def _addon(self, code: str) -> list[dict[str, Any]]:
        """The add-on code edits in force where ``code`` is the add-on."""
        answer = self.in_force("ncci_aoc")
        if answer is None:
            return []
        day = self.snap.as_of
        return rows(
            "SELECT edit_type, primary_code FROM edits_addoncodeedit "
            "WHERE release_id = %s AND addon_code = %s AND effective_date <= %s "
            "AND (deletion_date IS NULL OR deletion_date >= %s)",
            [answer.release.id, code, day, day],
        )
