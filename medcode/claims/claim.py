"""A claim as the checker sees it, and the JSON form it is read from.

Malformed input never reaches the rules: ``parse_claims`` raises ``ClaimError`` naming the
claim, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medcode.claims.limits import max_lines
from medcode.releases.dates import BadDate, parse_as_of
from medcode.web.text import UNSAFE, unsafe_character, what_it_is

PAYERS = ("medicare", "medicaid", "commercial")
#: The patient's sex as X12 DMG-03 and the claim form carry it: female, male, unknown.
SEXES = ("F", "M", "U")
SETTINGS = ("practitioner", "outpatient_hospital", "dme")
MAX_MODIFIERS = 4
# Text fields longer than this are not what they claim to be (a HCPCS code has 5 characters,
# an ICD-10-CM code 8 with its dot, an 837P claim id at most 38): refused before any look-up,
# so a megabyte "code" is never echoed back in findings.
MAX_TEXT = {"id": 80, "code": 20, "modifiers": 10, "diagnoses": 20, "locality": 20}
MAX_TEXT_DEFAULT = 40


def printable(text: str, limit: int = 80) -> str:
    """``text`` as it may be shown anywhere (terminal, page, log): control characters, bidi
    overrides and lone surrogates as escapes (``\\x1b``, ``\\udfff``), cut at ``limit``."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(value: Any, limit: int = 40) -> str:
    """A value as an error message quotes it: its repr (escapes and all), cut to ``limit``."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    try:
        text = repr(value)
    except ValueError:  # an integer too long to write out (Python's 4,300-digit limit)
        return "a number too long to show"
    return text if len(text) <= limit else text[:limit] + "…"


class ClaimError(ValueError):
    """Input that is not a claim. The message names the claim, line (1-based) and field."""

    def __init__(
        self,
        message: str,
        claim: str | None = None,
        line: int | None = None,
        field: str | None = None,
        *,
        at: str | None = None,
    ) -> None:
        # ``at`` is where the value sits in the file it came from ("row 7", "segment 27 (SV1),
        # field SV1-04"), for input read from CSV or X12 rather than JSON.
        self.claim, self.line, self.field, self.message = claim, line, field, message
        self.at = at
        where = [at] if at else []
        if claim is not None:
            where.append(f"claim {printable(claim)}")
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class ClaimLine:
    number: int  # 1-based, as findings name lines
    code: str
    modifiers: tuple[str, ...]
    units: int
    minutes: int | None = None
    diagnosis_pointers: tuple[int, ...] = ()
    date_of_service: date | None = None


@dataclass(frozen=True)
class Patient:
    """What the diagnosis-patient rules need to know of the patient, and nothing more.

    Never a name or an identifier: the checker stores and logs nothing about the patient.
    """

    sex: str | None = None  # "F", "M" or "U"; None when the claim does not say
    birth_date: date | None = None

    def age_on(self, day: date) -> int | None:
        """Completed years on ``day`` (the date of service), or None without a birth date."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def days_old_on(self, day: date) -> int | None:
        return None if self.birth_date is None else (day - self.birth_date).days


@dataclass(frozen=True)
class Claim:
    id: str
    payer: str
    setting: str
    date_of_service: date
    lines: tuple[ClaimLine, ...]
    place_of_service: str | None = None
    locality: str | None = None  # "MAC-locality", e.g. "10112-00"
    diagnoses: tuple[str, ...] = ()
    therapy_amounts: dict[str, float] = field(default_factory=dict)
    patient: Patient = field(default_factory=Patient)

    def line_date(self, line: ClaimLine) -> date:
        return line.date_of_service or self.date_of_service


def parse_claims(data: Any) -> list[Claim]:
    """One claim (a JSON object) or a list of them."""
    items = data if isinstance(data, list) else [data]
    claims = []
    for index, item in enumerate(items, start=1):
        claims.append(parse_claim(item, fallback_id=str(index)))
    return claims


def parse_claim(data: Any, fallback_id: str = "1") -> Claim:
    if not isinstance(data, dict):
        raise ClaimError("expected a claim as a JSON object", claim=fallback_id)
    raw_id = data.get("id") or fallback_id
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise ClaimError(f"expected text, got {shown(raw_id)}", fallback_id, field="id")
    claim_id = _text(str(raw_id), fallback_id, None, "id")

    def need(name: str) -> Any:
        if data.get(name) in (None, ""):
            raise ClaimError("is missing", claim=claim_id, field=name)
        return data[name]

    payer = need("payer")
    payer = payer.lower() if isinstance(payer, str) else payer
    if payer not in PAYERS:
        raise ClaimError(
            f"expected one of {', '.join(PAYERS)}, got {shown(payer)}", claim_id, field="payer"
        )
    setting = data.get("setting") or "practitioner"
    setting = setting.lower() if isinstance(setting, str) else setting
    if setting not in SETTINGS:
        raise ClaimError(
            f"expected one of {', '.join(SETTINGS)}, got {shown(setting)}",
            claim_id,
            field="setting",
        )
    dos = _date(need("date_of_service"), claim_id, None, "date_of_service")
    diagnoses = data.get("diagnoses") or []
    if not isinstance(diagnoses, list) or not all(isinstance(d, str) for d in diagnoses):
        raise ClaimError("expected a list of ICD-10-CM codes", claim_id, field="diagnoses")
    amounts = data.get("therapy_amounts") or {}
    if not isinstance(amounts, dict):
        raise ClaimError(
            'expected an object like {"pt_slp": 0, "ot": 0}', claim_id, field="therapy_amounts"
        )
    diagnoses = [_text(d.strip(), claim_id, None, "diagnoses") for d in diagnoses]
    raw_lines = need("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ClaimError("expected a non-empty list of lines", claim_id, field="lines")
    most = max_lines()
    if len(raw_lines) > most:
        raise ClaimError(
            f"the claim has {len(raw_lines):,} lines; a claim holds at most {most} (837P's "
            "limit; setting MEDCODE_CLAIM_MAX_LINES): split it into claims of at most "
            f"{most} lines",
            claim_id,
            most + 1,
            "lines",
        )
    lines = tuple(
        _line(raw, number, claim_id, len(diagnoses))
        for number, raw in enumerate(raw_lines, start=1)
    )
    locality = data.get("locality")
    if locality is not None and (not isinstance(locality, str) or "-" not in locality):
        raise ClaimError("expected MAC-locality, e.g. 10112-00", claim_id, field="locality")
    if locality is not None:
        locality = _text(locality, claim_id, None, "locality")
    place = data.get("place_of_service")
    if place not in (None, "") and (isinstance(place, bool) or not isinstance(place, str | int)):
        raise ClaimError(
            f"expected a place-of-service code, got {shown(place)}",
            claim_id,
            field="place_of_service",
        )
    patient = _patient(data.get("patient"), claim_id, dos)
    return Claim(
        id=claim_id,
        payer=payer,
        setting=setting,
        date_of_service=dos,
        lines=lines,
        place_of_service=_text(str(place), claim_id, None, "place_of_service") if place else None,
        locality=locality,
        diagnoses=tuple(d.strip().upper().replace(".", "") for d in diagnoses),
        therapy_amounts={str(k): _amount(v, claim_id, k) for k, v in amounts.items()},
        patient=patient,
    )


def _patient(raw: Any, claim_id: str, dos: date) -> Patient:
    if raw is None:
        return Patient()
    if not isinstance(raw, dict):
        raise ClaimError(
            'expected an object like {"sex": "F", "birth_date": "1990-05-17"}',
            claim_id,
            field="patient",
        )
    unknown = sorted(set(raw) - {"sex", "birth_date"})
    if unknown:
        raise ClaimError(
            f"unknown field {unknown[0]!r}; a patient has only sex and birth_date",
            claim_id,
            field="patient",
        )
    sex = raw.get("sex")
    if sex in (None, ""):
        sex = None
    elif not isinstance(sex, str) or sex.strip().upper() not in SEXES:
        raise ClaimError(f"expected F, M or U, got {shown(sex)}", claim_id, field="patient.sex")
    else:
        sex = sex.strip().upper()
    born = raw.get("birth_date")
    birth_date = _date(born, claim_id, None, "patient.birth_date") if born else None
    if birth_date is not None and birth_date > dos:
        raise ClaimError(
            f"{birth_date} is after the date of service {dos}",
            claim_id,
            field="patient.birth_date",
        )
    return Patient(sex=sex, birth_date=birth_date)


def _line(raw: Any, number: int, claim_id: str, diagnosis_count: int) -> ClaimLine:
    if not isinstance(raw, dict):
        raise ClaimError("expected a line as a JSON object", claim_id, number)
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise ClaimError("is missing", claim_id, number, "code")
    code = _text(code.strip(), claim_id, number, "code")
    modifiers = raw.get("modifiers") or []
    if not isinstance(modifiers, list) or not all(isinstance(m, str) for m in modifiers):
        raise ClaimError(
            "expected a list of two-character modifiers", claim_id, number, "modifiers"
        )
    if len(modifiers) > MAX_MODIFIERS:
        raise ClaimError(
            f"at most {MAX_MODIFIERS} modifiers fit on a claim line", claim_id, number, "modifiers"
        )
    modifiers = [_text(m.strip(), claim_id, number, "modifiers") for m in modifiers]
    units = _whole(raw.get("units", 1), claim_id, number, "units")
    if units < 1:
        raise ClaimError(f"expected at least 1 unit, got {units}", claim_id, number, "units")
    minutes = raw.get("minutes")
    if minutes is not None:
        minutes = _whole(minutes, claim_id, number, "minutes")
        if minutes < 0:
            raise ClaimError(
                f"expected minutes of 0 or more, got {minutes}", claim_id, number, "minutes"
            )
    pointers = raw.get("diagnosis_pointers") or []
    if not isinstance(pointers, list):
        raise ClaimError("expected a list of numbers", claim_id, number, "diagnosis_pointers")
    checked_pointers = []
    for pointer in pointers:
        value = _whole(pointer, claim_id, number, "diagnosis_pointers")
        if not 1 <= value <= diagnosis_count:
            raise ClaimError(
                f"pointer {value} names no diagnosis (the claim has {diagnosis_count})",
                claim_id,
                number,
                "diagnosis_pointers",
            )
        checked_pointers.append(value)
    line_date = raw.get("date_of_service")
    return ClaimLine(
        number=number,
        code=code.strip().upper().replace(".", ""),
        modifiers=tuple(m.strip().upper() for m in modifiers),
        units=units,
        minutes=minutes,
        diagnosis_pointers=tuple(checked_pointers),
        date_of_service=_date(line_date, claim_id, number, "date_of_service")
        if line_date
        else None,
    )


def _amount(value: Any, claim_id: str, key: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e9:
        raise ClaimError(
            f"expected an amount in dollars of 0 or more for {shown(key)}, got {shown(value)}",
            claim_id,
            field="therapy_amounts",
        )
    return float(value)


def _whole(value: Any, claim_id: str, line: int, name: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not -1e9 < value < 1e9  # also refuses NaN and infinity, which int() cannot take
        or int(value) != value
    ):
        raise ClaimError(f"expected a whole number, got {shown(value)}", claim_id, line, name)
    return int(value)


def _date(value: Any, claim_id: str, line: int | None, name: str) -> date:
    try:
        if not isinstance(value, str):
            raise BadDate(value)
        return parse_as_of(value)
    except BadDate:
        raise ClaimError(
            f"expected a date as YYYY-MM-DD, got {shown(value)}", claim_id, line, name
        ) from None


def _text(value: str, claim_id: str, line: int | None, name: str) -> str:
    """``value`` when it is text a claim field can hold; else a ClaimError naming the field.

    Refused: lone surrogates (``"\\udfff"`` in JSON; they cannot be stored, sent or printed),
    control characters and bidi overrides (a terminal or a page would act on them), and text
    longer than any value of the field (``MAX_TEXT``).
    """
    bad = unsafe_character(value)
    if bad:
        char = bad.group()
        what = what_it_is(char)
        if not what.startswith("half"):
            what += ", which cannot be in a claim"
        raise ClaimError(
            f"{shown(value)}: U+{ord(char):04X} at character {bad.start() + 1} is {what}",
            claim_id,
            line,
            name,
        )
    most = MAX_TEXT.get(name, MAX_TEXT_DEFAULT)
    if len(value) > most:
        raise ClaimError(
            f"{shown(value)} has {len(value):,} characters; expected at most {most}",
            claim_id,
            line,
            name,
        )
    return value
