"""X12 837P (005010X222A1), the professional claim clearinghouses send, read segment by segment.

Only the segments a claim check needs are read; the rest (names, addresses, provider ids) are
passed over. A hand-written reader rather than a library: the maintained parser on PyPI
(pyx12) is a validator carrying ~9 MB of XML maps and reports problems to an error handler
rather than raising, while medcode needs a dozen segments and errors that name the segment
number and element (``segment 27 (SV1), field SV1-04``).

Mapping (docs/claims.md has the table):

- ISA: the delimiters. The element separator is the character after ``ISA``; ISA16 is the
  component separator and the character after it ends every segment.
- SBR (loop 2000B, before the claim): SBR09 claim filing indicator -> payer (MB, MA ->
  medicare; MC -> medicaid; anything else -> commercial). SBRs after a CLM (loop 2320, other
  payers) are not the claim's payer.
- CLM: CLM01 claim id; CLM05-1 place of service.
- DMG (loop 2010CA, after NM1*QC, when the patient is not the subscriber; else loop 2010BA,
  after NM1*IL): DMG02 birth date (DMG01 D8) and DMG03 sex (F, M, U) -> the claim's patient.
- HI: diagnosis codes with qualifiers ABK (principal) and ABF (other), in order.
- LX / SV1: one line. SV1-01 ``HC:97110:GP:KX`` -> code and modifiers; SV1-03 UN (units) or MJ
  (minutes); SV1-04 quantity; SV1-07 diagnosis pointers.
- DTP*472 in the line: the line's date of service (D8 ``CCYYMMDD`` or RD8 ``CCYYMMDD-CCYYMMDD``,
  whose first date counts). The claim's date of service is its earliest line date.
- SE01 must count the segments of its transaction, ST to SE; GE01 and IEA01 count transactions
  and groups.

An 837 names no Medicare locality, and no therapy amounts: ``locality`` comes from the caller
(CLI ``--locality``, API ``?locality=``, the web form), the setting is ``practitioner``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medcode.claims.claim import PAYERS, Claim, ClaimError, parse_claim, shown
from medcode.claims.formats import decode, relocated

MEDICARE_FILING = ("MA", "MB")
MEDICAID_FILING = ("MC",)
DIAGNOSIS_QUALIFIERS = ("ABK", "ABF")
ICD9_QUALIFIERS = ("BK", "BF")
_ISA_ELEMENTS = 16
_QUANTITY = re.compile(r"-?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")


@dataclass
class Segment:
    number: int  # 1-based position in the file, ISA = 1
    id: str
    elements: list[str]  # elements[0] is the id, so elements[1] is XX01
    component: str = ":"  # the component separator, from ISA-16

    def get(self, position: int) -> str:
        return self.elements[position].strip() if position < len(self.elements) else ""

    def where(self, position: int | None = None, component: int | None = None) -> str:
        text = f"segment {self.number} ({self.id})"
        if position is not None:
            text += f", field {self.id}-{position:02d}"
            if component is not None:
                text += f"-{component}"
        return text


@dataclass
class _Line:
    lx: Segment
    sv1: Segment | None = None
    data: dict[str, Any] = field(default_factory=dict)
    date_segment: Segment | None = None
    day: date | None = None


@dataclass
class _Claim:
    clm: Segment
    payer: str | None
    sbr: Segment | None
    data: dict[str, Any] = field(default_factory=dict)
    hi: list[Segment] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    dmg: Segment | None = None


def read_837p(
    data: bytes | str, *, locality: str | None = None, payer: str | None = None
) -> list[Claim]:
    """The claims of every CLM loop of every transaction in the interchange."""
    if payer is not None and payer.lower() not in PAYERS:
        raise ClaimError(f"expected one of {', '.join(PAYERS)}, got {shown(payer)}", field="payer")
    segments = list(_segments(decode(data)))
    _check_envelopes(segments)
    return _Reader(segments, locality, payer.lower() if payer else None).claims()


def _segments(text: str) -> list[Segment]:
    text = text.lstrip()
    if not text.startswith("ISA") or len(text) < 4:
        raise ClaimError("an X12 file starts with an ISA segment", at="segment 1")
    separator = text[3]
    if separator.isalnum() or separator.isspace():
        raise ClaimError(
            f"{separator!r} cannot be the element separator", at="segment 1 (ISA), field ISA-01"
        )
    # ISA's elements have fixed widths, but some senders do not pad them: find ISA16 by
    # counting separators rather than by position.
    position = 0
    for _ in range(_ISA_ELEMENTS):
        position = text.find(separator, position + 1)
        if position < 0:
            raise ClaimError(
                "the interchange header is cut short (fewer than 16 elements)",
                at="segment 1 (ISA)",
            )
    if len(text) < position + 3:
        raise ClaimError(
            "the interchange header is cut short (no component separator and segment "
            "terminator after ISA-16)",
            at="segment 1 (ISA), field ISA-16",
        )
    component, terminator = text[position + 1], text[position + 2]
    if terminator.isalnum() or terminator == separator:
        raise ClaimError(
            f"expected the segment terminator after ISA-16, found {terminator!r}",
            at="segment 1 (ISA), field ISA-16",
        )
    parts = text.split(terminator)
    tail = parts.pop().strip()
    segments = []
    number = 0
    for raw in parts:
        raw = raw.strip("\r\n")
        if not raw.strip():
            continue
        number += 1
        elements = raw.split(separator)
        segment_id = elements[0].strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9]{1,2}", segment_id):
            raise ClaimError(f"{segment_id[:20]!r} is not a segment id", at=f"segment {number}")
        segments.append(Segment(number, segment_id, elements, component))
    if tail:
        segment_id = tail.split(separator)[0][:3]
        raise ClaimError(
            f"the file ends in the middle of a segment ({tail[:40]!r} has no terminator "
            f"{terminator!r}): the file is truncated",
            at=f"segment {number + 1} ({segment_id})",
        )
    return segments


def _components(segment: Segment, position: int) -> list[str]:
    return segment.get(position).split(segment.component)


def _check_envelopes(segments: list[Segment]) -> None:
    """ISA/IEA, GS/GE and ST/SE pair up and count what they hold; a cut file fails here."""
    if not segments:
        raise ClaimError("the file holds no complete segment", at="segment 1 (ISA)")
    last = segments[-1]
    isa: Segment | None = None
    gs: Segment | None = None
    st: Segment | None = None
    groups = transactions = 0
    for segment in segments:
        kind = segment.id
        if kind == "ISA":
            if isa is not None:
                raise ClaimError("a new interchange starts before IEA", at=segment.where())
            isa, groups = segment, 0
        elif isa is None:
            raise ClaimError(
                "after the interchange's IEA only a new ISA may follow", at=segment.where()
            )
        elif kind == "GS":
            if gs is not None:
                raise ClaimError("a new group starts before GE", at=segment.where())
            gs, transactions = segment, 0
            groups += 1
        elif kind == "ST":
            if gs is None or st is not None:
                raise ClaimError(
                    "ST outside a GS group, or before the previous transaction's SE",
                    at=segment.where(),
                )
            if segment.get(1) != "837":
                raise ClaimError(
                    f"this is a {segment.get(1) or '?'} transaction, not an 837 claim",
                    at=segment.where(1),
                )
            st = segment
            transactions += 1
        elif kind == "SE":
            if st is None:
                raise ClaimError("SE without ST", at=segment.where())
            count = segment.number - st.number + 1
            if segment.get(1) != str(count):
                raise ClaimError(
                    f"the transaction has {count} segments (ST to SE) but SE-01 says "
                    f"{segment.get(1) or 'nothing'}: segments are missing or extra",
                    at=segment.where(1),
                )
            if segment.get(2) != st.get(2):
                raise ClaimError(
                    f"SE-02 {shown(segment.get(2))} does not match ST-02 {shown(st.get(2))} "
                    f"of {st.where()}",
                    at=segment.where(2),
                )
            st = None
        elif kind == "GE":
            if gs is None or st is not None:
                raise ClaimError("GE before the transaction's SE", at=segment.where())
            if segment.get(1) != str(transactions):
                raise ClaimError(
                    f"the group has {transactions} transaction(s) but GE-01 says "
                    f"{segment.get(1) or 'nothing'}",
                    at=segment.where(1),
                )
            gs = None
        elif kind == "IEA":
            if gs is not None:
                raise ClaimError("IEA before the group's GE", at=segment.where())
            if segment.get(1) != str(groups):
                raise ClaimError(
                    f"the interchange has {groups} group(s) but IEA-01 says "
                    f"{segment.get(1) or 'nothing'}",
                    at=segment.where(1),
                )
            isa = None
        elif st is None:
            raise ClaimError("a segment outside any ST/SE transaction", at=segment.where())
    if isa is not None:
        missing = "SE" if st is not None else "GE" if gs is not None else "IEA"
        raise ClaimError(
            f"the file ends without {missing}: the interchange is truncated", at=last.where()
        )


class _Reader:
    def __init__(self, segments: list[Segment], locality: str | None, payer: str | None):
        self.segments = segments
        self.locality = locality
        self.default_payer = payer

    def claims(self) -> list[Claim]:
        found: list[_Claim] = []
        payer: str | None = None
        sbr: Segment | None = None
        claim: _Claim | None = None
        line: _Line | None = None
        # The patient's demographics: the subscriber's DMG (2010BA) stands for the patient
        # unless a patient level (HL 23, loop 2010CA) follows with its own.
        entity = ""
        subscriber_dmg: Segment | None = None
        patient_dmg: Segment | None = None
        patient_level = False
        for segment in self.segments:
            kind = segment.id
            if kind in ("ST", "SE", "HL"):
                # A new subscriber (HL) or transaction closes the claim before it.
                claim = line = None
                entity = ""
                patient_dmg, patient_level = None, kind == "HL" and segment.get(3) == "23"
                if kind != "HL" or segment.get(3) == "22":
                    payer, sbr, subscriber_dmg = None, None, None
            elif kind == "SBR" and claim is None:
                payer, sbr = self._payer(segment), segment
            elif kind == "NM1" and claim is None:
                entity = segment.get(1).upper()
            elif kind == "DMG" and claim is None:
                if entity == "IL":
                    subscriber_dmg = segment
                elif entity == "QC":
                    patient_dmg = segment
            elif kind == "CLM":
                claim = self._claim(segment, payer, sbr)
                claim.dmg = patient_dmg if patient_level else subscriber_dmg
                if claim.dmg is not None:
                    claim.data["patient"] = self._patient(claim.dmg, claim.data["id"])
                found.append(claim)
                line = None
            elif claim is None:
                continue
            elif kind == "HI" and line is None:
                claim.hi.append(segment)
                claim.data.setdefault("diagnoses", []).extend(self._diagnoses(segment))
            elif kind == "LX":
                line = _Line(segment)
                claim.lines.append(line)
            elif kind == "SV1":
                if line is None or line.sv1 is not None:
                    raise ClaimError("SV1 without its LX line number", at=segment.where())
                line.sv1 = segment
                line.data = self._service(segment, claim)
            elif kind == "DTP" and line is not None and segment.get(1) == "472":
                line.date_segment, line.day = segment, self._service_date(segment, claim)
        if not found:
            raise ClaimError("the file holds no claim (no CLM segment)", at="segment 1 (ISA)")
        return [self._finish(claim) for claim in found]

    def _payer(self, sbr: Segment) -> str | None:
        code = sbr.get(9).upper()
        if not code:
            return None
        if code in MEDICARE_FILING:
            return "medicare"
        if code in MEDICAID_FILING:
            return "medicaid"
        return "commercial"

    def _claim(self, clm: Segment, payer: str | None, sbr: Segment | None) -> _Claim:
        claim_id = clm.get(1)
        if not claim_id:
            raise ClaimError("the claim has no id", field="id", at=clm.where(1))
        place = _components(clm, 5)[0].strip() if clm.get(5) else ""
        data: dict[str, Any] = {"id": claim_id, "setting": "practitioner"}
        if place:
            data["place_of_service"] = place
        if self.locality:
            data["locality"] = self.locality
        return _Claim(clm, payer or self.default_payer, sbr, data)

    def _patient(self, dmg: Segment, claim_id: str) -> dict[str, str]:
        """DMG-02 (a D8 date) and DMG-03 as the JSON form's patient; blank elements left out."""
        patient: dict[str, str] = {}
        born = dmg.get(2)
        if born:
            if dmg.get(1).upper() not in ("D8", ""):
                raise ClaimError(
                    f"expected D8, got {dmg.get(1)!r}",
                    claim_id,
                    field="patient.birth_date",
                    at=dmg.where(1),
                )
            if not re.fullmatch(r"\d{8}", born):
                raise ClaimError(
                    f"expected a birth date as CCYYMMDD, got {born!r}",
                    claim_id,
                    field="patient.birth_date",
                    at=dmg.where(2),
                )
            patient["birth_date"] = f"{born[:4]}-{born[4:6]}-{born[6:]}"
        if dmg.get(3):
            patient["sex"] = dmg.get(3)
        return patient

    def _diagnoses(self, hi: Segment) -> list[str]:
        codes = []
        for position in range(1, len(hi.elements)):
            if not hi.get(position):
                continue
            parts = _components(hi, position)
            qualifier = parts[0].strip().upper()
            code = parts[1].strip() if len(parts) > 1 else ""
            if qualifier in ICD9_QUALIFIERS:
                raise ClaimError(
                    f"{qualifier} marks an ICD-9 code; medcode reads ICD-10-CM (ABK, ABF)",
                    field="diagnoses",
                    at=hi.where(position, 1),
                )
            if qualifier not in DIAGNOSIS_QUALIFIERS:
                continue  # other HI qualifiers (condition codes, anesthesia) are not diagnoses
            if not code:
                raise ClaimError(
                    "the diagnosis code is missing", field="diagnoses", at=hi.where(position, 2)
                )
            codes.append(code)
        return codes

    def _service(self, sv1: Segment, claim: _Claim) -> dict[str, Any]:
        claim_id = claim.data["id"]
        number = len(claim.lines)  # its LX came just before
        procedure = [p.strip() for p in _components(sv1, 1)]
        if len(procedure) < 2 or not procedure[1]:
            raise ClaimError(
                "expected a procedure like HC:97110:GP", claim_id, number, "code", at=sv1.where(1)
            )
        if procedure[0].upper() not in ("HC", "WK"):
            raise ClaimError(
                f"qualifier {shown(procedure[0])} is not HC (HCPCS/CPT)",
                claim_id,
                number,
                "code",
                at=sv1.where(1, 1),
            )
        # SV1-01-7 is a free-text description, not a modifier.
        line: dict[str, Any] = {"code": procedure[1], "modifiers": [m for m in procedure[2:6] if m]}
        unit = sv1.get(3).upper()
        quantity_text = sv1.get(4)
        # X12 quantities (R) are plain decimals: no exponent, no inf or nan, 15 digits at most.
        if not _QUANTITY.fullmatch(quantity_text):
            raise ClaimError(
                f"expected a quantity (a decimal number), got {shown(quantity_text)}",
                claim_id,
                number,
                "units",
                at=sv1.where(4),
            )
        quantity = float(quantity_text)
        if unit == "MJ":
            minutes = int(quantity) if quantity == int(quantity) else quantity
            line["minutes"] = minutes
            # The 15-minute units those minutes make (8-minute rule), at least one.
            line["units"] = max(1, (int(quantity) + 7) // 15) if quantity >= 0 else minutes
        elif unit in ("UN", ""):
            line["units"] = int(quantity) if quantity == int(quantity) else quantity
        else:
            raise ClaimError(
                f"expected UN (units) or MJ (minutes), got {shown(unit)}",
                claim_id,
                number,
                "units",
                at=sv1.where(3),
            )
        if sv1.get(7):
            pointers: list[Any] = []
            for text in _components(sv1, 7):
                text = text.strip()
                pointers.append(int(text) if re.fullmatch(r"[0-9]{1,9}", text) else text)
            line["diagnosis_pointers"] = pointers
        return line

    def _service_date(self, dtp: Segment, claim: _Claim) -> date:
        claim_id = claim.data["id"]
        form, text = dtp.get(2).upper(), dtp.get(3)
        if form not in ("D8", "RD8"):
            raise ClaimError(
                f"expected D8 or RD8, got {shown(form)}",
                claim_id,
                field="date_of_service",
                at=dtp.where(2),
            )
        first = text.split("-")[0]
        try:
            if not re.fullmatch(r"\d{8}", first):
                raise ValueError
            return date(int(first[:4]), int(first[4:6]), int(first[6:]))
        except ValueError:
            raise ClaimError(
                f"expected a date as CCYYMMDD, got {shown(text)}",
                claim_id,
                field="date_of_service",
                at=dtp.where(3),
            ) from None

    def _finish(self, claim: _Claim) -> Claim:
        data = claim.data
        claim_id = data["id"]
        if not claim.lines:
            raise ClaimError(
                "the claim has no service lines (LX/SV1)",
                claim_id,
                field="lines",
                at=claim.clm.where(),
            )
        for number, line in enumerate(claim.lines, start=1):
            if line.sv1 is None:
                raise ClaimError(
                    "the line has no SV1 service", claim_id, number, at=line.lx.where()
                )
            if line.day is None:
                raise ClaimError(
                    "the line has no date of service (DTP*472)",
                    claim_id,
                    number,
                    "date_of_service",
                    at=line.sv1.where(),
                )
        days = [line.day for line in claim.lines if line.day is not None]
        first_day = min(days)
        data["date_of_service"] = first_day.isoformat()
        if claim.payer is None:
            raise ClaimError(
                "no claim filing indicator (SBR-09) and no payer given; pass a payer "
                "(CLI --payer, API ?payer=)",
                claim_id,
                field="payer",
                at=claim.sbr.where(9) if claim.sbr else claim.clm.where(),
            )
        data["payer"] = claim.payer
        data["lines"] = []
        for line in claim.lines:
            entry = dict(line.data)
            if line.day is not None and line.day != first_day:
                entry["date_of_service"] = line.day.isoformat()
            data["lines"].append(entry)
        try:
            return parse_claim(data)
        except ClaimError as exc:
            raise relocated(exc, self._where(exc, claim)) from None

    def _where(self, exc: ClaimError, claim: _Claim) -> str:
        if exc.line is not None and 1 <= exc.line <= len(claim.lines):
            line = claim.lines[exc.line - 1]
            sv1 = line.sv1 or line.lx
            position = {"code": 1, "modifiers": 1, "units": 4, "minutes": 4}.get(exc.field or "")
            if exc.field == "diagnosis_pointers":
                position = 7
            if exc.field == "date_of_service" and line.date_segment is not None:
                return line.date_segment.where(3)
            return sv1.where(position)
        if exc.field == "diagnoses" and claim.hi:
            return claim.hi[0].where()
        if exc.field == "payer" and claim.sbr is not None:
            return claim.sbr.where(9)
        if exc.field in ("patient.birth_date", "patient.sex") and claim.dmg is not None:
            return claim.dmg.where(2 if exc.field == "patient.birth_date" else 3)
        if exc.field == "place_of_service":
            return claim.clm.where(5, 1)
        return claim.clm.where()
