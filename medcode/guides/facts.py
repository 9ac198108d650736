"""Live facts: the inline tags of a guide, answered from the store for a date of service.

A tag is written ``[[kind arguments]]`` in a guide's Markdown. Each answer is a ``Fact``: the
words shown, the citation (dataset, release, row) and, when the store cannot answer, the
problem (shown on the page, and an error for ``medcode guides check``). The tags ask the same
functions the code page asks (``medcode.fees.facts``, ``medcode.edits.facts``,
``medcode.codes.lookup``), so a guide and a code page cannot disagree.

Kinds::

    [[code 97014]]                     a link to the code page (checked to exist in the window)
    [[modifier 59]]                    a link to the modifier page
    [[status 97014]]                   PFS status indicator and its meaning
    [[payment G0283]]                  national non-facility and facility amounts
    [[payment G0283 nonfacility]]      one of them (also: facility)
    [[payment G0283 locality=01112-05]]  GPCI-adjusted amounts in one locality
    [[payment 71046 26]]               the professional (26) or technical (TC) row
    [[mue G0283]]                      practitioner MUE and its adjudication indicator (MAI)
    [[mue E0747 dme]]                  another setting (practitioner, outpatient_hospital, dme)
    [[ptp 97140 97530]]                the PTP edit between two codes and its modifier indicator
    [[global 20974]]                   the PFS global surgery period (000, 010, 090, XXX...)
    [[kx]] / [[kx 2025]]               the KX threshold of the date's year (or of a year)
    [[targeted_review]]                the targeted medical review amount
    [[descriptor G0283]]               HCPCS long descriptor; CPT short descriptor from the PFS
    [[lcd L33796]] / [[article A52513]]  a title from the loaded LCD/Article index
    [[cpt_modifier 25]]                medcode's own explanation of a CPT modifier
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from django.utils.html import escape, format_html

from medcode.claims.context import StoreCache
from medcode.codes import queries as codes_queries
from medcode.content.therapy import therapy
from medcode.coverage import queries as coverage_queries
from medcode.edits import facts as edit_facts
from medcode.edits.indicators import ptp_modifier_indicator_meaning
from medcode.fees import facts as fee_facts
from medcode.releases.store import InForce, Snapshot

TAG = re.compile(r"\[\[([a-z_]+)((?:\s+[^\]\s]+)*)\s*\]\]")
KINDS = (
    "code",
    "modifier",
    "status",
    "payment",
    "mue",
    "ptp",
    "kx",
    "targeted_review",
    "global",
    "descriptor",
    "lcd",
    "article",
    "cpt_modifier",
)


@dataclass(frozen=True)
class Fact:
    tag: str
    html: str  # what the reader sees (escaped, safe to place in the page)
    text: str  # the same as plain text: the value the review fingerprint records
    cite: str = ""
    problem: str | None = None


def _release(answer: InForce) -> str:
    return f"{answer.release.dataset}: {answer.release.label}"


def _cite(answer: InForce, where: str) -> str:
    """Dataset, release and row; then the store's note when the release does not cover the date."""
    note = f" ({answer.note.rstrip('.')})" if answer.note else ""
    return f"{_release(answer)}, row {where}{note}"


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


class FactReader:
    """Answers tags for one date; one per rendered page (it memoizes the snapshot's answers)."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.snap = Snapshot(day)
        self.store = StoreCache()

    def cite(self, dataset: str) -> InForce | None:
        return self.snap.in_force(dataset)

    def fact(self, tag: str) -> Fact:
        match = TAG.fullmatch(tag)
        if match is None:
            return Fact(tag, escape(tag), tag, problem=f"{tag}: not a live tag")
        kind = match.group(1)
        try:
            args = shlex.split(match.group(2))
        except ValueError as exc:
            return Fact(tag, escape(tag), tag, problem=f"{tag}: {exc}")
        if kind not in KINDS:
            return self._missing(tag, f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
        try:
            answer: Fact = getattr(self, f"_{kind}")(tag, *args)
        except TypeError:
            return self._missing(tag, f"wrong number of arguments for {kind}")
        except fee_facts.UnknownLocality as exc:
            return self._missing(tag, str(exc))
        return answer

    def _missing(self, tag: str, why: str) -> Fact:
        shown = format_html('<span class="fact missing">[not available: {}]</span>', why)
        return Fact(tag, shown, f"missing: {why}", problem=f"{tag}: {why}")

    def _link(self, path: str, label: str) -> str:
        return format_html(
            '<a class="code" href="{}?date={}">{}</a>', path, self.day.isoformat(), label
        )

    def _shown(self, tag: str, text: str, cite: str) -> Fact:
        # The page numbers the citations and adds the marks (render.py): one list per page.
        return Fact(tag, escape(text), text, cite)

    # --- kinds ---------------------------------------------------------------------------

    def _code(self, tag: str, code: str) -> Fact:
        code = code.upper()
        return Fact(tag, self._link(f"/codes/{quote(code, safe='')}", code), code)

    def _modifier(self, tag: str, modifier: str) -> Fact:
        modifier = modifier.upper()
        return Fact(tag, self._link(f"/modifiers/{quote(modifier, safe='')}", modifier), modifier)

    def _rvu(self, code: str) -> tuple[InForce | None, dict[str, Any] | None]:
        answer = self.cite("pfs_rvu")
        fees = fee_facts.fees(code.upper(), self.snap, self.cite)
        return answer, fees

    def _status(self, tag: str, code: str) -> Fact:
        answer, fees = self._rvu(code)
        if answer is None or fees is None:
            return self._missing(tag, f"no PFS relative value row for {code} on {self.day}")
        status = fees["status"]
        return self._shown(
            tag,
            f"status {status['code']} ({status['meaning'].split(':')[0]})",
            _cite(answer, f"{code.upper()}"),
        )

    def _payment(self, tag: str, code: str, *options: str) -> Fact:
        code = code.upper()
        which = [o for o in options if o in ("facility", "nonfacility")]
        locality = next((o.split("=", 1)[1] for o in options if o.startswith("locality=")), None)
        part = next((o.upper() for o in options if o.upper() in ("26", "TC")), None)
        if len(which) + (locality is not None) + (part is not None) != len(options):
            return self._missing(tag, "options are facility, nonfacility, 26, TC, locality=MAC-LOC")
        if part is not None and locality is not None:
            return self._missing(tag, "a 26 or TC amount is national only")
        answer, fees = self._rvu(code)
        if answer is None or fees is None:
            return self._missing(tag, f"no PFS relative value row for {code} on {self.day}")
        if locality:
            found = fee_facts.locality_amounts(
                code, self.snap, self.cite, locality, every_locality=False
            )
            if found is None or found["selected"] is None:
                return self._missing(tag, f"no locality amounts for {code}")
            main = found["selected"]["amounts"][0]
            nf, fac = main["non_facility_amount"], main["facility_amount"]
            where = f" in {found['selected']['name']} ({locality})"
            gpci = self.cite("pfs_gpci")
            cite = _cite(answer, code) + (f"; {_cite(gpci, locality)}" if gpci else "")
        else:
            wanted = part or None
            main = next((r for r in fees["rows"] if r["modifier"] == wanted), None)
            if main is None:
                return self._missing(
                    tag, f"the fee schedule has no {part or 'global'} row for {code}"
                )
            nf, fac = main["national_non_facility_amount"], main["national_facility_amount"]
            where = f" with {part}" if part else ""
            cite = _cite(answer, f"{code}")
        if which == ["facility"]:
            text = f"{_money(fac)} facility"
        elif which == ["nonfacility"]:
            text = f"{_money(nf)} non-facility"
        else:
            text = f"{_money(nf)} non-facility, {_money(fac)} facility"
        return self._shown(tag, text + (where if locality else f"{where} (national)"), cite)

    def _global(self, tag: str, code: str) -> Fact:
        answer, fees = self._rvu(code)
        if answer is None or fees is None:
            return self._missing(tag, f"no PFS relative value row for {code} on {self.day}")
        main = next((r for r in fees["rows"] if not r["modifier"]), fees["rows"][0])
        days = main.get("global_days")
        if days is None:
            return self._missing(tag, f"the fee schedule gives {code} no global period")
        meaning = main.get("global_days_meaning") or ""
        text = f"global period {days}" + (f" ({meaning.rstrip('.')})" if meaning else "")
        return self._shown(tag, text, _cite(answer, f"{code.upper()}"))

    def _mue(self, tag: str, code: str, setting: str = "practitioner") -> Fact:
        code = code.upper()
        if setting not in edit_facts.MUE_DATASETS:
            return self._missing(tag, f"unknown MUE setting {setting!r}")
        found = (edit_facts.mue(code, self.snap, self.cite) or {}).get(setting)
        answer = self.cite(edit_facts.MUE_DATASETS[setting])
        if found is None or answer is None:
            return self._missing(tag, f"no {setting} MUE for {code} on {self.day}")
        mai = found["adjudication_indicator"]
        # MAI 1 counts units per claim line; 2 and 3 per date of service.
        per = "per line" if mai == 1 else "per day"
        text = f"{found['value']} {per} (MAI {mai})"
        return self._shown(tag, text, _cite(answer, f"{code}"))

    def _ptp(self, tag: str, column1: str, column2: str, setting: str = "practitioner") -> Fact:
        column1, column2 = column1.upper(), column2.upper()
        dataset = edit_facts.PTP_DATASETS.get(setting)
        if dataset is None:
            return self._missing(tag, f"unknown PTP setting {setting!r}")
        answer = self.cite(dataset)
        if answer is None:
            return self._missing(tag, f"no {setting} PTP release is loaded")
        edits = self.store.ptp_edits(dataset, self.snap, {column1, column2})
        edit = edits.get((column1, column2))
        cite = _cite(answer, f"{column1}/{column2}")
        if edit is None:
            reverse = edits.get((column2, column1))
            if reverse is None:
                return self._shown(tag, f"no edit pairs {column1} with {column2}", cite)
            edit, cite = reverse, _cite(answer, f"{column2}/{column1}")
        indicator = str(edit["modifier_indicator"])
        meaning = ptp_modifier_indicator_meaning(indicator)
        text = (
            f"an edit with column 1 {edit['column1']} and column 2 {edit['column2']}, "
            f"modifier indicator {indicator} ({meaning.rstrip('.')})"
        )
        return self._shown(tag, text, cite)

    def _kx(self, tag: str, year: str | None = None) -> Fact:
        data = therapy()
        try:
            asked = int(year) if year is not None else self.day.year
        except ValueError:
            return self._missing(tag, f"{year!r} is not a year")
        found = data.kx_threshold(asked)
        if found.year != asked:
            return self._missing(tag, found.note)
        return self._shown(
            tag, f"${found.amount:,}", f"therapy.toml [kx] {asked}: {data.kx_citation}"
        )

    def _targeted_review(self, tag: str) -> Fact:
        data = therapy()
        return self._shown(
            tag,
            f"${data.targeted_review:,}",
            f"therapy.toml [kx] targeted_review: {data.kx_citation}",
        )

    def _descriptor(self, tag: str, code: str) -> Fact:
        code = code.upper()
        answer = self.cite("hcpcs")
        if answer is not None and code[:1].isalpha():
            found = codes_queries.hcpcs(answer.release.id, code)
            if found:
                return self._shown(tag, f"“{found['long_description']}”", _cite(answer, f"{code}"))
        if code[:1].isdigit():
            rvu = self.cite("pfs_rvu")
            cpt = fee_facts.cpt(code, self.snap, self.cite)
            if cpt and rvu:
                # Shown from the file the user loaded; never stored in the repository (AMA).
                return self._shown(tag, f"“{cpt['short_description']}”", _cite(rvu, f"{code}"))
        return self._missing(tag, f"no loaded descriptor for {code} on {self.day}")

    def _index(self, tag: str, kind: str, number: str) -> Fact:
        answer = self.cite("lcd_index")
        if answer is None:
            return self._missing(tag, "no LCD/Article index is loaded")
        found = coverage_queries.lcd_document(answer.release.id, number.upper(), kind)
        if found is None:
            return self._missing(tag, f"{number} is not in {answer.release.label}")
        return self._shown(
            tag,
            f"{number.upper()} “{found['title']}”",
            _cite(answer, f"{number.upper()} version {found['document_version']}"),
        )

    def _cpt_modifier(self, tag: str, code: str) -> Fact:
        from medcode.guides.modifiers import cpt_modifiers

        found = cpt_modifiers().get(code.upper())
        if found is None:
            return self._missing(tag, f"medcode has no explanation of modifier {code}")
        html = format_html(
            '<span class="modifier-meaning">{} <em>When to use it:</em> {}</span>',
            found.meaning,
            found.use,
        )
        return Fact(tag, html, f"{found.meaning} {found.use}", "medcode cpt_modifiers.toml")

    def _lcd(self, tag: str, number: str) -> Fact:
        return self._index(tag, "LCD", number)

    def _article(self, tag: str, number: str) -> Fact:
        return self._index(tag, "Article", number)
