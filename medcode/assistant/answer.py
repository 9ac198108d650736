"""Answers written from medcode's own functions, with templates, one section per intent.

Every sentence that states a fact carries ``[n]`` markers pointing at citations: a CMS release
and the row it came from, or the editorial content file that says it. After writing, every
code-shaped word of the answer is checked against the store; a sentence naming a code that is
in no loaded release is dropped (the template never does that, the check makes sure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medcode.assistant import store
from medcode.assistant.understand import Question, understand
from medcode.codes.lookup import CodeNotFound, MalformedCode, candidate_systems, lookup
from medcode.content import crosswalks_for
from medcode.content.modifier_guidance import guidance
from medcode.content.therapy import therapy
from medcode.coverage import facts as coverage_facts
from medcode.edits import facts as edit_facts
from medcode.edits import indicators as edit_indicators
from medcode.fees import facts as fee_facts
from medcode.icd10.codes import format_icd10cm
from medcode.releases.store import InForce, Snapshot, all_releases

WHAT_WE_ANSWER = (
    "it answers from CMS data: what a code means, whether it is valid on a date, NCCI "
    "edits, units, modifiers, Medicare payment and NCD coverage."
)
GUIDANCE_FILE = "medcode/content/modifier_guidance.toml"
THERAPY_FILE = "medcode/content/therapy.toml"
CROSSWALK_FILE = "medcode/content/crosswalks.toml"


@dataclass
class Citation:
    ref: int
    dataset: str
    release: str
    detail: str
    code: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "dataset": self.dataset,
            "release": self.release,
            "detail": self.detail,
            "code": self.code,
        }


@dataclass
class Answer:
    question: Question
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def cite(self, dataset: str, release: str, detail: str, code: str | None = None) -> str:
        for c in self.citations:
            if (c.dataset, c.release, c.detail, c.code) == (dataset, release, detail, code):
                return f"[{c.ref}]"
        citation = Citation(len(self.citations) + 1, dataset, release, detail, code)
        self.citations.append(citation)
        return f"[{citation.ref}]"

    def cite_release(self, answer: InForce, detail: str, code: str | None = None) -> str:
        return self.cite(answer.release.dataset, answer.release.label, detail, code)

    @property
    def intent(self) -> str:
        if self.abstained:
            return "decline"
        return "+".join(self.question.intents) or "describe"

    @property
    def markdown(self) -> str:
        parts = []
        for heading, sentences in self.sections:
            body = " ".join(sentences)
            parts.append(f"**{heading}**\n\n{body}" if heading else body)
        return "\n\n".join(parts)

    def to_dict(self, conversation: str | None) -> dict[str, Any]:
        return {
            "answer": self.markdown,
            "abstained": self.abstained,
            "intent": self.intent,
            "codes": list(self.codes.values()),
            "citations": [c.to_dict() for c in self.citations],
            "conversation": conversation,
            "as_of": (self.question.as_of or date.today()).isoformat(),
        }


def show(code: str, system: str | None = None) -> str:
    """A code as people write it (E11.65 for ICD-10-CM)."""
    if system == "ICD-10-CM" or (
        system is None
        and re.fullmatch(r"[A-Z]\d[0-9A-Z]{2,5}", code)
        and not re.fullmatch(r"[A-V]\d{4}", code)
    ):
        return format_icd10cm(code)
    return code


def money(value: float) -> str:
    return f"${value:,.2f}"


class Writer:
    """Writes the answer to one question from the store as of its date."""

    def __init__(self, q: Question) -> None:
        self.q = q
        self.as_of: date = q.as_of or date.today()
        self.snap = Snapshot(self.as_of, all_releases())
        self.a = Answer(q)
        self._info: dict[str, dict[str, Any] | None] = {}

    # -- helpers ---------------------------------------------------------------------------
    def info(self, code: str) -> dict[str, Any] | None:
        if code not in self._info:
            found: dict[str, Any] | None
            try:
                system = "ICD-10-CM" if code in self.q.icd10cm else None
                found = lookup(code, self.as_of, snap=self.snap, system=system)
            except (CodeNotFound, MalformedCode):
                found = self._listed_elsewhere(code)
            self._info[code] = found
            if found is not None:
                self.note_code(code, found["system"], found.get("status"), found)
        return self._info[code]

    def _listed_elsewhere(self, code: str) -> dict[str, Any] | None:
        """A Level II code the fee schedule or NCCI lists but the HCPCS release in force does
        not (added after it): what those files say, under the HCPCS system."""
        if not re.fullmatch(r"[A-V]\d{4}", code):
            return None
        cite = self.in_force
        found = fee_facts.cpt(code, self.snap, cite) or edit_facts.cpt(code, self.snap, cite)
        if found is None:
            return None
        found["system"] = "HCPCS"
        found["fees"] = fee_facts.fees(code, self.snap, cite)
        found["mue"] = edit_facts.mue(code, self.snap, cite)
        found["add_on"] = edit_facts.add_on(code, self.snap, cite)
        found["modifiers"] = {}
        found["plain_language"] = None
        return found

    def note_code(
        self, code: str, system: str, status: str | None, info: dict[str, Any] | None = None
    ) -> None:
        shown = show(code, system)
        valid = status in (None, "active", "listed in the fee schedule", "listed in NCCI edits")
        if info is not None and system == "ICD-10-CM":
            valid = status == "active" and bool(info.get("billable"))
        self.a.codes.setdefault(shown, {"code": shown, "system": system, "valid_on_date": valid})

    def in_force(self, dataset: str) -> InForce | None:
        return self.snap.in_force(dataset)

    def notes_for(self, answer: InForce | None) -> list[str]:
        if answer is None or not answer.note:
            return []
        return [f"({answer.note}) {self.a.cite_release(answer, 'release period')}"]

    def section(self, heading: str, sentences: list[str]) -> None:
        if sentences:
            self.a.sections.append((heading, [spread_refs(s) for s in sentences]))

    # -- intents ---------------------------------------------------------------------------
    def describe(self, code: str) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        system = info["system"]
        shown = show(code, system)
        out: list[str] = []
        if system == "HCPCS" and not info.get("long_description"):
            src = self.in_force("pfs_rvu") if info.get("short_description") else None
            ref = self.a.cite_release(src, f"row {code}: short descriptor", code) if src else ""
            out.append(
                f"{shown} is a HCPCS Level II code that the HCPCS release in force does not list; "
                "the fee schedule calls it "
                f"\u201c{info.get('short_description') or 'no descriptor'}\u201d {ref}"
            )
        elif system == "HCPCS":
            src = self.in_force("hcpcs")
            ref = self.a.cite_release(src, f"record {code}", code) if src else ""
            out.append(f"{shown} is a HCPCS Level II code: {info['long_description']} {ref}")
        elif system == "CPT":
            src = self.in_force("pfs_rvu")
            if info.get("short_description") and src:
                ref = self.a.cite_release(src, f"row {code}: short descriptor", code)
                out.append(
                    f"{shown} is a CPT code; the fee schedule's short descriptor is "
                    f"\u201c{info['short_description']}\u201d {ref}"
                )
            else:
                src = next(
                    (
                        self.in_force(d)
                        for d in edit_facts.MUE_DATASETS.values()
                        if self.in_force(d)
                    ),
                    None,
                )
                ref = self.a.cite_release(src, f"row {code}", code) if src else ""
                out.append(
                    f"{shown} is a CPT code that the NCCI tables list; no loaded file gives its "
                    f"descriptor {ref}"
                )
        elif system in ("ICD-10-CM", "ICD-10-PCS"):
            dataset = "icd10cm" if system == "ICD-10-CM" else "icd10pcs"
            src = self.in_force(dataset)
            ref = self.a.cite_release(src, f"order file row {code}", code) if src else ""
            kind = "a billable" if info.get("billable") else "a header (not billable)"
            out.append(f"{shown} is {kind} {system} code: {info['long_description']} {ref}")
        elif system == "MODIFIER":
            return self.modifier_meaning(code)
        plain = info.get("plain_language")
        if plain:
            ref = self.a.cite("content", "medcode content", f"descriptions/{code}.md", code)
            out.append(f"In plain words: {plain['title']} {ref}")
        if info.get("status") and info["status"] not in (
            "active",
            "listed in the fee schedule",
            "listed in NCCI edits",
        ):
            out.extend(self.validity(code))
        return out

    def validity(self, code: str) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        system = info["system"]
        shown = show(code, system)
        day = self.as_of.isoformat()
        if system in ("HCPCS", "MODIFIER"):
            src = self.in_force("hcpcs")
            ref = (
                self.a.cite_release(src, f"record {code}: add and termination dates", code)
                if src
                else ""
            )
            status = info["status"]
            dates = f"added {info['effective_date']}" if info.get("effective_date") else ""
            if info.get("termination_date"):
                dates += f", terminated {info['termination_date']}"
            verdict = "valid" if status == "active" else status
            return [
                f"On {day}, {shown} is {verdict} ({dates}) {ref}",
                *self.notes_for(src),
            ]
        if system == "ICD-10-CM":
            src = self.in_force("icd10cm")
            ref = (
                self.a.cite_release(src, f"order file row {code}: valid flag", code) if src else ""
            )
            listed = ", ".join(info.get("releases_listing_code") or [])
            if info["status"] == "active":
                bill = (
                    "billable"
                    if info.get("billable")
                    else "not billable (a header; code to a more specific code)"
                )
                out = [f"On {day}, {shown} is a valid ICD-10-CM code and {bill} {ref}"]
            else:
                out = [f"On {day}, {shown} is {info['status']} in ICD-10-CM {ref}"]
            if listed:
                out.append(f"Releases that list it: {listed} {ref}")
            return out + self.notes_for(src)
        if system == "ICD-10-PCS":
            src = self.in_force("icd10pcs")
            ref = self.a.cite_release(src, f"order file row {code}", code) if src else ""
            return [f"On {day}, {shown} is {info['status']} in ICD-10-PCS {ref}"]
        # CPT: CMS publishes no dates; the fee schedule status says what Medicare does.
        fees = info.get("fees")
        src = self.in_force("pfs_rvu")
        if fees and src:
            st = fees["status"]
            ref = self.a.cite_release(src, f"row {code}: status code {st['code']}", code)
            return [
                f"{shown} is listed in the fee schedule in force for {day} with status "
                f"{st['code']}: {st['meaning']} {ref}",
                *self.notes_for(src),
            ]
        return self.describe(code)

    def ptp(self, first: str, second: str) -> list[str]:
        out: list[str] = []
        settings = ["practitioner"]
        if self.q.hospital_outpatient:
            settings = ["outpatient_hospital"]
        for setting in settings:
            dataset = edit_facts.PTP_DATASETS[setting]
            src = self.in_force(dataset)
            if src is None:
                out.append("No NCCI PTP table is loaded, so medcode cannot say.")
                continue
            found = None
            for col1, col2 in ((first, second), (second, first)):
                page = edit_facts.ptp_page(
                    col1, setting, "column1", self.snap, self.in_force, other_prefix=col2, limit=20
                )
                if page:
                    match = [e for e in page["edits"] if e["other_code"] == col2]
                    if match:
                        found = match[0]
                        break
            label = "practitioner" if setting == "practitioner" else "outpatient hospital"
            if found is None:
                ref = self.a.cite_release(src, f"no edit pairs {first} and {second}", None)
                out.append(
                    f"No NCCI PTP edit in force pairs {first} and {second} in the {label} "
                    f"table {ref}, so NCCI does not stop billing them together."
                )
            else:
                mi = found["modifier_indicator"]
                c1, c2 = found["column1"], found["column2"]
                ref = self.a.cite_release(
                    src, f"PTP edit {c1}/{c2}, modifier indicator {mi}", f"{c1}/{c2}"
                )
                deleted = (
                    f", to be deleted after {found['deletion_date']}"
                    if found.get("deletion_date")
                    else ""
                )
                verdict = "Not together" if mi == "0" else "Only with a modifier, when documented"
                out.append(
                    f"{verdict}: an NCCI PTP edit in force ({label}) has {c1} as column 1 and "
                    f"{c2} as column 2, modifier indicator {mi}{deleted} {ref}"
                )
                out.append(f"Indicator {mi} means: {found['modifier_meaning']} {ref}")
                if found.get("rationale"):
                    out.append(f"CMS's rationale: {found['rationale']} {ref}")
                if mi == "1":
                    gref = self.a.cite("content", "medcode content", GUIDANCE_FILE + ": ncci_ptp")
                    out.append(
                        "When the record shows a separate encounter, structure, practitioner or "
                        "non-overlapping service, append XE, XS, XP or XU (or 59 when none "
                        f"fits) to {c2} {gref}"
                    )
                else:
                    out.append(f"Only {c1} is paid when both are billed the same day {ref}")
            out.extend(self.notes_for(src))
        for code in (first, second):
            self.info(code)
        return out

    def units(self, code: str) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        out: list[str] = []
        mue = info.get("mue") or {}
        order = ["practitioner", "outpatient_hospital", "dme"]
        if self.q.hospital_outpatient:
            order = ["outpatient_hospital", "practitioner"]
        shown = show(code, info["system"])
        labels = {
            "practitioner": "practitioner",
            "outpatient_hospital": "outpatient hospital",
            "dme": "DME supplier",
        }
        said = False
        for setting in order:
            edit = mue.get(setting)
            src = self.in_force(edit_facts.MUE_DATASETS[setting])
            if edit is None or src is None:
                continue
            ref = self.a.cite_release(
                src,
                f"MUE row {code}: value {edit['value']}, MAI {edit['adjudication_indicator']}",
                code,
            )
            out.append(
                f"The {labels[setting]} MUE for {shown} is {edit['value']} unit"
                f"{'' if edit['value'] == 1 else 's'} per "
                f"{'line' if edit['adjudication_indicator'] == 1 else 'day'}, adjudication "
                f"indicator {edit['adjudication_indicator']}: {edit['adjudication_meaning']} {ref}"
            )
            said = True
            if setting == "practitioner" and not self.q.hospital_outpatient:
                break
        if not said:
            src = self.in_force("ncci_mue_practitioner")
            if src:
                ref = self.a.cite_release(src, f"no MUE row for {code}", code)
                out.append(f"No MUE in force lists {shown} {ref}")
        t = therapy()
        if code in t.timed:
            tref = self.a.cite("content", "medcode content", THERAPY_FILE + ": [timed]", code)
            out.append(f"{shown} is a timed code billed per {t.minutes_per_unit} minutes {tref}")
            if self.q.minutes is not None:
                from medcode.claims.rules.timed import units_for_minutes

                m = self.q.minutes
                n = units_for_minutes(m, t.minutes_per_unit)
                rest = m - t.minutes_per_unit * (m // t.minutes_per_unit)
                out.append(
                    f"Under Medicare's 8-minute rule, {m} minutes of timed treatment support "
                    f"{n} unit{'' if n == 1 else 's'} ({m // t.minutes_per_unit} full "
                    f"{t.minutes_per_unit}-minute unit{'' if m // t.minutes_per_unit == 1 else 's'}"
                    f" and {rest} minutes left over, which count as a unit only at 8 or more) "
                    f"{tref}"
                )
        elif code in t.untimed:
            tref = self.a.cite("content", "medcode content", THERAPY_FILE + ": [untimed]", code)
            out.append(f"{shown} is untimed: one unit per session, however long it lasts {tref}")
        return out + self.notes_for(self.in_force("ncci_mue_practitioner"))

    def add_on(self, code: str, other: str | None = None) -> list[str]:
        if self.info(code) is None:
            return []
        rel = edit_facts.add_on_relations(code, self.snap, self.in_force, limit=8)
        src = self.in_force("ncci_aoc")
        if rel is None or src is None:
            return ["No NCCI add-on code table is loaded."]
        out: list[str] = []
        prim, adds = rel["primary_codes"], rel["add_on_codes"]
        if other:
            pair = [c for c in prim["codes"] + adds["codes"] if c["code"] == other]
            if not pair:
                full = edit_facts.add_on_relations(code, self.snap, self.in_force, limit=1000)
                assert full is not None
                pair = [
                    c
                    for c in full["primary_codes"]["codes"] + full["add_on_codes"]["codes"]
                    if c["code"] == other
                ]
            if pair:
                ref = self.a.cite_release(src, f"AOC edit {code}/{other}", f"{code}/{other}")
                out.append(f"NCCI lists {code} and {other} as an add-on/primary pair {ref}")
            else:
                ref = self.a.cite_release(src, f"no AOC edit pairs {code} and {other}")
                out.append(f"No NCCI add-on code edit pairs {code} with {other} {ref}")
        if prim["total"]:
            types = sorted({c["edit_type"] for c in prim["codes"]})
            ref = self.a.cite_release(src, f"AOC rows with add-on code {code}", code)
            listed = [c["code"] for c in prim["codes"] if c["code"] != "CCCCC"][:8]
            meaning = edit_indicators.AOC_EDIT_TYPES.get(types[0], "") if types else ""
            out.append(
                f"{code} is an add-on code: NCCI lists {prim['total']:,} primary code "
                f"entr{'y' if prim['total'] == 1 else 'ies'} for it (edit type "
                f"{', '.join(types)}: {meaning}) {ref}"
            )
            if listed:
                for c in listed:
                    self.note_exists(c)
                out.append(f"Primary codes include {', '.join(listed)} {ref}")
        if adds["total"]:
            ref = self.a.cite_release(src, f"AOC rows with primary code {code}", code)
            listed = [c["code"] for c in adds["codes"]][:8]
            for c in listed:
                self.note_exists(c)
            out.append(
                f"{code} is a primary code for {adds['total']:,} add-on code"
                f"{'' if adds['total'] == 1 else 's'}, including {', '.join(listed)} {ref}"
            )
        if not prim["total"] and not adds["total"] and not other:
            ref = self.a.cite_release(src, f"no AOC row lists {code}", code)
            out.append(f"{code} is not an add-on code and no add-on code lists it as primary {ref}")
        return out + self.notes_for(src)

    def note_exists(self, code: str) -> None:
        try:
            _, systems = candidate_systems(code)
        except MalformedCode:
            return
        system = "HCPCS" if "HCPCS" in systems else "CPT"
        self.a.codes.setdefault(code, {"code": code, "system": system, "valid_on_date": True})

    def payment(self, code: str) -> list[str]:
        info = self.info(code)
        if info is None or info["system"] not in ("CPT", "HCPCS"):
            return []
        fees = info.get("fees")
        src = self.in_force("pfs_rvu")
        if not fees or src is None:
            return [f"The fee schedule in force does not list {code}, so medcode has no amount."]
        out: list[str] = []
        st = fees["status"]
        main = next((r for r in fees["rows"] if r["modifier"] is None), fees["rows"][0])
        ref = self.a.cite_release(src, f"row {code}: status {st['code']}, RVUs, CF", code)
        out.append(f"{code} has fee schedule status {st['code']}: {st['meaning']} {ref}")
        priced = st["code"] in fee_facts.PRICED_STATUS
        cf = fees["conversion_factor"]
        if not priced:
            out.append(
                "Its RVUs are not a Medicare payment amount under this status, so medcode "
                "gives none."
            )
            return out + self.status_crosswalk(code, header=False)
        if self.q.place is None:
            both = []
            if self.q.facility is not True:
                both.append(
                    f"{money(main['national_non_facility_amount'])} non-facility "
                    f"({main['non_facility_total']} RVUs)"
                )
            if self.q.facility is not False:
                both.append(
                    f"{money(main['national_facility_amount'])} facility "
                    f"({main['facility_total']} RVUs)"
                )
            out.append(
                f"National amount (before the locality's GPCIs): {' and '.join(both)}, at a "
                f"conversion factor of {cf} {ref}"
            )
            gsrc = self.in_force("pfs_gpci")
            if self.q.state_localities and gsrc:
                gref = self.a.cite_release(gsrc, "localities of the state named")
                listed = "; ".join(f"{name} ({loc})" for loc, name in self.q.state_localities)
                out.append(
                    f"That state has {len(self.q.state_localities)} payment localities: "
                    f"{listed}; name one for the amount there {gref}"
                )
            else:
                out.append("Name a place (a state, a city or a locality id) for the amount there.")
        else:
            try:
                amounts = fee_facts.locality_amounts(
                    code, self.snap, self.in_force, self.q.place.locality, every_locality=False
                )
            except fee_facts.UnknownLocality:
                amounts = None
            gsrc = self.in_force("pfs_gpci")
            if amounts and amounts["selected"] and gsrc:
                sel = amounts["selected"]
                gref = self.a.cite_release(
                    gsrc,
                    f"GPCI row {sel['locality']} ({sel['name']}): work {sel['work_gpci']}, "
                    f"PE {sel['pe_gpci']}, MP {sel['mp_gpci']}",
                    code,
                )
                line = next((x for x in sel["amounts"] if x["modifier"] is None), sel["amounts"][0])
                parts = []
                if self.q.facility is not True:
                    parts.append(f"{money(line['non_facility_amount'])} non-facility")
                if self.q.facility is not False:
                    parts.append(f"{money(line['facility_amount'])} facility")
                out.append(
                    f"In locality {sel['locality']} ({sel['name']}, {sel['state']}), Medicare's "
                    f"fee schedule amount for {code} is {' and '.join(parts)} {ref}{gref}"
                )
                out.append(
                    f"That is (work RVU {main['work_rvu']} x {sel['work_gpci']} + PE RVU "
                    f"{main['non_facility_pe_rvu']} non-facility or {main['facility_pe_rvu']} "
                    f"facility x {sel['pe_gpci']} + MP RVU {main['mp_rvu']} x {sel['mp_gpci']}) "
                    f"x CF {cf} {ref}{gref}"
                )
                out.extend(self.notes_for(gsrc))
        return out + self.notes_for(src)

    def status_crosswalk(self, code: str, header: bool = True) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        out: list[str] = []
        fees = info.get("fees")
        src = self.in_force("pfs_rvu")
        if header and fees and src:
            st = fees["status"]
            ref = self.a.cite_release(src, f"row {code}: status {st['code']}, RVUs, CF", code)
            out.append(
                f"{code} has Medicare fee schedule status {st['code']}: {st['meaning']} {ref}"
            )
        if header and info["system"] == "HCPCS":
            out.extend(self.validity(code))
        for walk in crosswalks_for(code):
            ref = self.a.cite("content", "medcode content", f"{CROSSWALK_FILE}: {walk.id}", code)
            for c in (walk.from_code, walk.to_code):
                self.info(c)
            if walk.direction == "from":
                out.append(
                    f"{walk.payer} does not take {walk.from_code} for this; bill "
                    f"{walk.to_code} instead {ref}"
                )
            else:
                out.append(f"{walk.payer} wants {walk.to_code} in place of {walk.from_code} {ref}")
            note = " ".join(walk.note.split())
            out.append(f"{note} {ref}")
        if not out and fees is None and info["system"] in ("CPT", "HCPCS"):
            out.append(f"The fee schedule in force does not list {code}.")
        return out

    def coverage(self, code: str) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        src = self.in_force("ncd_icd10")
        if src is None:
            return ["No NCD coding spreadsheet is loaded."]
        shown = show(code, info["system"])
        out: list[str] = []
        if info["system"] == "ICD-10-CM":
            found = coverage_facts.ncds_for_diagnosis(code, self.snap, self.in_force) or {}
            ncds = found.get("ncds") or []
            if not ncds:
                ref = self.a.cite_release(src, f"no NCD lists {shown}", code)
                return [f"No national coverage determination lists {shown} {ref}"]
            for n in ncds[:40]:
                ref = self.a.cite_release(src, f"NCD {n['ncd']} row {shown}", code)
                out.append(
                    f"NCD {n['ncd']} ({n['title']}) lists {shown} with resolution "
                    f"{n['resolution']}: {n['resolution_meaning']} {ref}"
                )
            return out
        found = coverage_facts.ncds_for_procedure(code, self.snap, self.in_force) or {}
        ncds = found.get("ncds") or []
        dx = [
            c
            for c in self.q.codes
            if c != code and (self.info(c) or {}).get("system") == "ICD-10-CM"
        ]
        if not ncds:
            ref = self.a.cite_release(src, f"no NCD lists {code}", code)
            return [
                f"No national coverage determination lists {code} {ref}; coverage then rests "
                "with the local contractor's LCDs."
            ]
        for n in ncds[:10]:
            ref = self.a.cite_release(src, f"NCD {n['ncd']} rows for {code}", code)
            out.append(
                f"NCD {n['ncd']} ({n['title']}) covers {code} and lists "
                f"{n['diagnosis_codes']:,} ICD-10-CM codes {ref}"
            )
            for d in dx:
                listed = coverage_facts.ncd_diagnoses(
                    n["ncd"], self.snap, self.in_force, prefix=d, limit=5
                )
                hit = [
                    c for c in (listed or {}).get("codes", []) if c["code"].replace(".", "") == d
                ]
                dref = self.a.cite_release(src, f"NCD {n['ncd']} row {self.shown(d)}", d)
                if hit:
                    out.append(
                        f"It lists {self.shown(d)} with resolution {hit[0]['resolution']}: "
                        f"{hit[0]['meaning']} {dref}"
                    )
                else:
                    other = (listed or {}).get("all_other_codes")
                    tail = f" (all other codes: {other['meaning']})" if other else ""
                    out.append(f"It does not list {self.shown(d)}{tail} {dref}")
        return out

    def modifier_meaning(self, mod: str) -> list[str]:
        out: list[str] = []
        src = self.in_force("hcpcs")
        snap_info = None
        if src is not None:
            from medcode.codes import facts as hcpcs_facts

            snap_info = hcpcs_facts.modifier(mod, self.snap, self.in_force)
        if snap_info and src:
            ref = self.a.cite_release(src, f"modifier record {mod}", mod)
            out.append(f"Modifier {mod} (HCPCS Level II): {snap_info['long_description']} {ref}")
        table = guidance()
        for entry in table.for_modifier(mod):
            ref = self.a.cite(
                "content", "medcode content", f"{GUIDANCE_FILE}: {mod}/{entry.condition}", mod
            )
            sentence = f"Modifier {mod}: {entry.why} {ref}"
            if sentence not in out:
                out.append(sentence)
        if mod == "KX":
            t = therapy()
            year = self.q.year or self.as_of.year
            kx = t.kx_threshold(year)
            ref = self.a.cite("content", "medcode content", f"{THERAPY_FILE}: [kx] {kx.year}")
            out.append(
                f"The KX threshold for {kx.year} is ${kx.amount:,} of allowed therapy spending for "
                f"PT and SLP combined, and ${kx.amount:,} separately for OT {ref}"
            )
            if kx.note:
                out.append(f"({kx.note}) {ref}")
            out.append(
                f"Past ${t.targeted_review:,}, claims may be picked for targeted medical "
                f"review {ref}"
            )
        if not out:
            out.append(
                f"medcode has no description of modifier {mod}: CPT's numeric modifiers are the "
                "AMA's text, and medcode explains only those in its guidance table."
            )
        return out

    def modifier_for_code(self, mod: str, code: str) -> list[str]:
        info = self.info(code)
        if info is None:
            return []
        out: list[str] = []
        fees = info.get("fees") or {}
        rows = fees.get("rows") or []
        main = next((r for r in rows if r["modifier"] is None), rows[0] if rows else None)
        src = self.in_force("pfs_rvu")
        if mod in ("26", "TC") and main and src:
            pctc = main.get("pctc_indicator")
            ref = self.a.cite_release(src, f"row {code}: PC/TC indicator {pctc}", code)
            out.append(
                f"{code} has PC/TC indicator {pctc}: {main.get('pctc_indicator_meaning')} {ref}"
            )
        held = (info.get("modifiers") or {}).get("modifiers") or []
        if any(m["modifier"] == mod for m in held):
            cond = next(m for m in held if m["modifier"] == mod)["condition"]
            ref = self.a.cite("content", "medcode content", f"{GUIDANCE_FILE}: {mod}/{cond}", code)
            out.append(
                f"medcode's guidance lists {mod} for {code} ({cond.replace('_', ' ')}) {ref}"
            )
        elif main is not None:
            ref = self.a.cite("content", "medcode content", f"{GUIDANCE_FILE}: conditions", code)
            out.append(
                f"None of the conditions under which medcode's guidance lists {mod} holds for "
                f"{code} on this date {ref}"
            )
        return out

    def difference(self, first: str, second: str) -> list[str]:
        out: list[str] = []
        for code in (first, second):
            out.extend(self.describe(code))
        src = self.in_force("pfs_rvu")
        for code in (first, second):
            info = self.info(code) or {}
            fees = info.get("fees")
            if fees and src:
                st = fees["status"]
                main = next((r for r in fees["rows"] if r["modifier"] is None), fees["rows"][0])
                ref = self.a.cite_release(src, f"row {code}: status {st['code']}, RVUs, CF", code)
                amount = (
                    f", national non-facility amount {money(main['national_non_facility_amount'])}"
                    if st["code"] in fee_facts.PRICED_STATUS
                    and main["national_non_facility_amount"] is not None
                    else ""
                )
                out.append(
                    f"{code}: fee schedule status {st['code']}, work RVU {main['work_rvu']}"
                    f"{amount} {ref}"
                )
            edit = (info.get("mue") or {}).get("practitioner")
            msrc = self.in_force("ncci_mue_practitioner")
            if edit and msrc:
                ref = self.a.cite_release(
                    msrc,
                    f"MUE row {code}: value {edit['value']}, MAI {edit['adjudication_indicator']}",
                    code,
                )
                out.append(
                    f"{code}: practitioner MUE {edit['value']}, adjudication indicator "
                    f"{edit['adjudication_indicator']} {ref}"
                )
        t = therapy()
        for code in (first, second):
            if code in t.timed:
                tref = self.a.cite("content", "medcode content", THERAPY_FILE + ": [timed]", code)
                out.append(f"{code} is timed, per {t.minutes_per_unit} minutes {tref}")
        return out

    def search(self, words: str) -> list[str]:
        from medcode.search.engine import SearchError, search

        try:
            found = search(words, self.as_of, limit=5)
        except SearchError:
            return []
        if not found.results:
            return []
        by_system = {
            "HCPCS": "hcpcs",
            "CPT": "pfs_rvu",
            "ICD-10-CM": "icd10cm",
            "ICD-10-PCS": "icd10pcs",
        }
        out = [
            f"medcode's search for \u201c{words}\u201d gives these candidates (pick by the "
            "descriptor; this is not a coding decision):"
        ]
        for r in found.results:
            src = self.in_force(by_system.get(r.system, "hcpcs"))
            ref = self.a.cite_release(src, f"row {r.code}", r.display_code) if src else ""
            out.append(f"\n- {r.display_code} ({r.system}): {r.description} {ref}")
            self.a.codes.setdefault(
                r.display_code,
                {"code": r.display_code, "system": r.system, "valid_on_date": r.billable},
            )
        return out

    def shown(self, code: str) -> str:
        info = self.info(code)
        return show(code, info["system"] if info else "")

    # -- putting it together ---------------------------------------------------------------
    def write(self) -> Answer:
        q = self.q
        if q.decline:
            return self.decline(f"medcode cannot answer questions about {q.decline}.")
        for code in q.missing:
            ref = self.missing_ref(code)
            self.section("", [f"{code} is not in any loaded code set {ref}"])
        codes = q.codes
        first = codes[0] if codes else None
        second = codes[1] if len(codes) > 1 else None
        for intent in q.intents:
            if intent == "search":
                self.section("Candidate codes", self.search(q.description or q.text))
            elif first is None and intent != "modifier":
                continue
            elif intent == "describe":
                for code in codes[:3]:
                    self.section(f"What {self.shown(code)} is", self.describe(code))
            elif intent == "validity":
                for code in codes[:3]:
                    self.section(
                        f"Is {self.shown(code)} valid on {self.as_of.isoformat()}?",
                        self.validity(code),
                    )
            elif intent == "ptp" and second:
                for other in codes[1:3]:
                    assert first is not None
                    self.section(f"{first} with {other}", self.ptp(first, other))
            elif intent == "units":
                for code in codes[:2]:
                    self.section(f"Units for {code}", self.units(code))
            elif intent == "add_on":
                assert first is not None
                self.section(f"Add-on relations of {first}", self.add_on(first, second))
            elif intent == "payment":
                for code in codes[:2]:
                    self.section(f"Medicare payment for {code}", self.payment(code))
            elif intent == "status":
                for code in codes[:2]:
                    self.section(f"Medicare status of {code}", self.status_crosswalk(code))
            elif intent == "coverage":
                # A procedure's NCDs (checked against any diagnosis named), else a diagnosis's.
                procedures = [
                    c for c in codes if (self.info(c) or {}).get("system") in ("CPT", "HCPCS")
                ]
                for code in procedures[:1] or codes[:1]:
                    self.section(f"Coverage of {self.shown(code)}", self.coverage(code))
            elif intent == "modifier":
                for mod in q.modifiers[:4]:
                    sentences = self.modifier_meaning(mod)
                    if first:
                        sentences += self.modifier_for_code(mod, first)
                    self.section(f"Modifier {mod}", sentences)
            elif intent == "difference" and second:
                assert first is not None
                self.section(f"{first} compared with {second}", self.difference(first, second))
        if not self.a.sections:
            if q.missing:
                return self.decline(None, keep=True)
            return self.decline("medcode could not tell which code or question this is about.")
        if q.missing and not q.codes and "search" not in q.intents:
            self.a.abstained = True
        self.guard()
        if not self.a.sections:
            return self.decline("medcode could not state this without naming a code it lacks.")
        return self.a

    def missing_ref(self, code: str) -> str:
        refs = ""
        for dataset in ("hcpcs", "pfs_rvu", "icd10cm"):
            src = self.in_force(dataset)
            if src is not None:
                refs += self.a.cite_release(src, f"no row for {code}", code)
        return refs

    def decline(self, reason: str | None, keep: bool = False) -> Answer:
        self.a.abstained = True
        if not keep:
            self.a.sections = []
            self.a.citations = []
            self.a.codes = {}
        if reason:
            # One sentence: what cannot be answered, then what can.
            self.a.sections.append(("", [f"{reason.rstrip('.')}; {WHAT_WE_ANSWER}"]))
        return self.a

    def guard(self) -> None:
        """Drop any sentence naming a code that is in no loaded release (never expected)."""
        missing = set(self.q.missing)
        kept_sections = []
        for heading, sentences in self.a.sections:
            kept = []
            for s in sentences:
                bad = [
                    t
                    for t in code_tokens(s)
                    if t.replace(".", "") not in missing
                    and not store.exists_anywhere(t, self.as_of)
                ]
                if not bad:
                    kept.append(s)
            if kept:
                kept_sections.append((heading, kept))
        self.a.sections = kept_sections


_TRAILING_REFS = re.compile(r"((?:\s*\[\d+\])+)\s*$")
_INNER_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def spread_refs(sentence: str) -> str:
    """A fact with its markers after each of its sentences (an indicator's meaning may hold
    several), each then closed with a full stop: "… indicator 1 [1]. It means … [1]."."""
    found = _TRAILING_REFS.search(sentence)
    if not found:
        return sentence
    refs = found[1].strip()
    body = sentence[: found.start()].rstrip()
    parts = _INNER_SENTENCE.split(body)
    return " ".join(f"{p.rstrip().removesuffix('.')} {refs}." for p in parts)


_CODE_WORD = re.compile(
    r"(?<![A-Za-z0-9.$/-])([A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|[A-V]\d{4}|\d{4}[0-9A-Z])(?![A-Za-z0-9]|\.\d)"
)


def code_tokens(text: str) -> list[str]:
    """Code-shaped words in an answer (dollar amounts, dates and decimals are not codes)."""
    text = re.sub(r"\[\d+\]", " ", text)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{5}-\d{2}\b", " ", text)
    found = []
    for m in _CODE_WORD.finditer(text):
        token = m[1]
        if re.fullmatch(r"(19|20)\d\d\d?", token):
            continue
        found.append(token)
    return found


def ask(
    text: str,
    *,
    as_of: date | None = None,
    today: date | None = None,
    context: dict[str, Any] | None = None,
) -> Answer:
    """The deterministic answer to ``text`` as of ``as_of`` (a date in the text otherwise)."""
    today = today or date.today()
    q = understand(
        text,
        today,
        as_of=as_of,
        known_modifiers=store.known_modifiers(),
        places=store.places(as_of or today),
        context=context,
    )
    if not q.decline and (not q.intents or q.guessed):
        _let_model_choose(q)
    return Writer(q).write()


def _let_model_choose(q: Question) -> None:
    """With a model configured, let it pick the function the rules could not (checked)."""
    from medcode.assistant import llm
    from medcode.assistant.understand import INTENTS

    if not llm.configured():
        return
    picked = llm.choose(q.text, q.as_of or date.today())
    if not picked or picked["function"] not in INTENTS:
        return
    codes = []
    for code in picked["codes"]:
        stored = code.upper().replace(".", "").replace("-", "")
        if stored not in codes:
            codes.append(stored)
    if picked["function"] == "search":
        if picked["words"]:
            q.intents, q.description = ["search"], picked["words"]
    elif codes:
        q.intents, q.codes = [picked["function"]], codes
