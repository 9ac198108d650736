"""Reading a question without a language model: codes, modifiers, dates, places, minutes,
units, payers and settings, and what is being asked (the intents).

Everything here is rules over the text and the loaded store (which codes exist, which
localities the locality file names). Nothing is guessed: a token that looks like a code but is
in no loaded release is kept as ``missing`` so the answer can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medcode.codes.lookup import CodeNotFound, MalformedCode, candidate_systems
from medcode.releases.dates import MONTHS

INTENTS = (
    "describe",
    "validity",
    "ptp",
    "units",
    "add_on",
    "payment",
    "status",
    "coverage",
    "modifier",
    "difference",
    "search",
)


#: CPT's numeric modifiers medcode can explain (its guidance table); Level II modifiers are
#: recognised from the HCPCS release.
NUMERIC_MODIFIERS = frozenset(
    {"22", "24", "25", "26", "50", "51", "52", "57", "58", "59", "62", "66", "76", "77"}
    | {"78", "79", "80", "81", "82", "91"}
)
#: Uppercase two-letter words that are far more often English than a modifier.
_NOT_MODIFIERS = frozenset({"AN", "AS", "AT", "BE", "BY", "DO", "GO", "IF", "IN", "IS", "IT"})
_NOT_MODIFIERS |= frozenset({"ME", "MY", "NO", "OF", "ON", "OR", "SO", "TO", "UP", "US", "WE"})
_NOT_MODIFIERS |= frozenset({"PT", "OT", "ST", "NY", "CA", "TX", "FL", "OK", "OH", "PA", "AM"})
_NOT_MODIFIERS |= frozenset({"PM", "HI", "ID", "IL", "LA", "MA", "ME", "MI", "MO", "NE", "VA"})

FACILITY_POS = frozenset(
    {"19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "56", "61"}
)

COMMERCIAL_PAYERS = (
    "aetna",
    "cigna",
    "united healthcare",
    "unitedhealthcare",
    "uhc",
    "humana",
    "anthem",
    "blue cross",
    "bcbs",
    "blue shield",
    "kaiser",
    "tricare",
    "medicaid",
    "optum",
    "molina",
    "centene",
    "wellcare",
    "highmark",
    "commercial payer",
    "commercial insurance",
    "private insurance",
)

# A code-shaped token: CPT (99213, 0001U), HCPCS with an optional dash or space after the
# letter (G0283, G-0283), ICD-10-CM with or without its dot (E11.65, E1165), ICD-10-PCS.
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9.$-])("
    r"[A-Za-z][- ]?\d{4}(?![0-9])"
    r"|[A-Za-z]\d[0-9A-Za-z](?:\.[0-9A-Za-z]{1,4})"
    r"|[0-9A-HJ-NP-Za-hj-np-z]{7}"
    r"|\d{4}[0-9A-Za-z]"
    r"|[A-Za-z]\d[0-9A-Za-z]{1,5}"
    r")(?![A-Za-z0-9])"
)
_LOCALITY_ID = re.compile(r"\b(\d{5})-(\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONTH_FIRST = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3,9}),? (\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9}) (\d{4})\b")
_QUARTER = re.compile(r"\bQ([1-4])\s*(\d{4})\b|\b(\d{4})\s*Q([1-4])\b", re.I)
_YEAR = re.compile(r"\b(?:in|for|during|of|year|CY|calendar year)\s+(20\d\d)\b", re.I)
_MINUTES = re.compile(r"\b(\d{1,3})\s*(?:-\s*)?(?:minutes?|mins?)\b", re.I)
_UNITS = re.compile(r"\b(\d{1,3})\s*units?\b", re.I)
# Separate patterns: one alternation would let "is modifier" hide the "modifier 25" after it.
_MODIFIER_WORDS = (
    re.compile(r"\bmodifiers?\s+(?:-)?([A-Za-z0-9]{2})\b", re.I),
    re.compile(r"\b([A-Za-z0-9]{2})\s+modifiers?\b", re.I),
    re.compile(r"(?<=[0-9A-Z])-([A-Z0-9]{2})\b"),
)
_X_EPSU = re.compile(r"\bX\{?EPSU\}?", re.I)
_UPPER_PAIR = re.compile(r"(?<![A-Za-z0-9-])([A-Z][A-Z0-9]|[0-9][A-Z])(?![A-Za-z0-9])")


@dataclass
class Place:
    locality: str  # MAC-locality, e.g. 13202-01
    name: str
    state: str
    matched: str  # the words of the question that named it


@dataclass
class Question:
    text: str
    codes: list[str] = field(default_factory=list)  # as stored: upper case, no dot
    missing: list[str] = field(default_factory=list)  # code-shaped, in no loaded release
    modifiers: list[str] = field(default_factory=list)
    as_of: date | None = None
    year: int | None = None
    minutes: int | None = None
    units: int | None = None
    place: Place | None = None
    state_localities: list[tuple[str, str]] = field(default_factory=list)
    facility: bool | None = None  # True facility, False non-facility, None both
    hospital_outpatient: bool = False
    commercial_payer: str | None = None
    intents: list[str] = field(default_factory=list)
    decline: str | None = None  # why the question cannot be answered from the data
    description: str | None = None  # words to search for, for "which code" questions
    icd10cm: set[str] = field(default_factory=set)  # written with a dot: ICD-10-CM only
    guessed: bool = False  # "describe" only because a code was named and nothing else read

    def to_dict(self) -> dict[str, Any]:
        return {
            "codes": self.codes,
            "missing": self.missing,
            "modifiers": self.modifiers,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "minutes": self.minutes,
            "units": self.units,
            "locality": self.place.locality if self.place else None,
            "intents": self.intents,
        }


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, today: date) -> tuple[date | None, int | None]:
    """The date of service the question names, and the year it names (for KX thresholds)."""
    for match in _ISO.finditer(text):
        found = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if found:
            return found, found.year
    for match in _US.finditer(text):
        found = _valid_date(int(match[3]), int(match[1]), int(match[2]))
        if found:
            return found, found.year
    for match in _MONTH_FIRST.finditer(text):
        month = MONTHS.get(match[1].lower())
        if month:
            found = _valid_date(int(match[3]), month, int(match[2]))
            if found:
                return found, found.year
    for match in _DAY_FIRST.finditer(text):
        month = MONTHS.get(match[2].lower())
        if month:
            found = _valid_date(int(match[3]), month, int(match[1]))
            if found:
                return found, found.year
    for match in _QUARTER.finditer(text):
        quarter = int(match[1] or match[4])
        year = int(match[2] or match[3])
        return date(year, 3 * quarter - 2, 1), year
    for match in _MONTH_YEAR.finditer(text):
        month = MONTHS.get(match[1].lower())
        # "may" is also a verb ("may 2025 be billed" is rare; "May 2025" is a month).
        if month and (match[1].lower() != "may" or match[1] == "May"):
            return date(int(match[2]), month, 1), int(match[2])
    for match in _YEAR.finditer(text):
        year = int(match[1])
        # A year alone: today when it is this year, else the first day of it.
        return (today if year == today.year else date(year, 1, 1)), year
    return None, None


def _code_exists(code: str, as_of: date) -> tuple[str, bool] | None:
    """(stored code, exists) for a code-shaped token; None when it cannot be a code."""
    from medcode.assistant.store import code_exists

    try:
        stored, systems = candidate_systems(code)
    except MalformedCode:
        return None
    systems = [s for s in systems if s != "MODIFIER"]
    if not systems:
        return None
    try:
        return stored, code_exists(stored, systems, as_of)
    except CodeNotFound:
        return stored, False


def strong_code_shape(token: str) -> bool:
    """Shapes that are codes and little else: 5 digits, a letter and 4 digits, a dotted ICD."""
    flat = token.replace("-", "").replace(" ", "").upper()
    return bool(
        re.fullmatch(r"\d{4}[0-9A-Z]", flat)
        or re.fullmatch(r"[A-Z]\d{4}", flat)
        or re.fullmatch(r"[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}", token.upper())
    )


def find_codes(text: str, as_of: date) -> tuple[list[str], list[str], set[str]]:
    """Codes of the question that exist in a loaded release, code-shaped ones that do not, and
    those written with a dot (so ICD-10-CM only)."""
    dotted: set[str] = set()
    cleaned = _LOCALITY_ID.sub(" ", text)
    cleaned = _ISO.sub(" ", cleaned)
    cleaned = _US.sub(" ", cleaned)
    found: list[str] = []
    missing: list[str] = []
    for match in _TOKEN.finditer(cleaned):
        token = match[1]
        if re.fullmatch(r"(?:19|20)\d\d", token) or token.isalpha():
            continue
        if not any(c.isdigit() for c in token):
            continue
        flat = re.sub(r"^([A-Za-z])[- ]", r"\1", token)
        if re.fullmatch(r"\d+", flat) and len(flat) != 5 and len(flat) != 7:
            continue
        answer = _code_exists(flat, as_of)
        if answer is None:
            continue
        stored, exists = answer
        if exists:
            if stored not in found:
                found.append(stored)
            if "." in token:
                # Only ICD-10-CM writes a dot: "M13.10" is not HCPCS M1310.
                dotted.add(stored)
        elif strong_code_shape(token) and stored not in missing:
            missing.append(stored)
    return found, missing, dotted


def find_modifiers(text: str, known: frozenset[str]) -> list[str]:
    found: list[str] = []

    def add(mod: str) -> None:
        mod = mod.upper()
        if mod not in found and (mod in known or mod in NUMERIC_MODIFIERS):
            found.append(mod)

    if _X_EPSU.search(text):
        for mod in ("XE", "XP", "XS", "XU"):
            add(mod)
    for pattern in _MODIFIER_WORDS:
        for match in pattern.finditer(text):
            add(match[1])
    for match in _UPPER_PAIR.finditer(text):
        mod = match[1]
        if mod not in _NOT_MODIFIERS:
            add(mod)
    # "26/TC", "59 vs XS": numbers next to modifier words.
    for match in re.finditer(r"\b(\d{2})\s*(?:/|vs\.?|versus|or|and)\s*([A-Z]{2})\b", text):
        add(match[1])
        add(match[2])
    for match in re.finditer(r"\b([A-Z]{2})\s*(?:/|,|vs\.?|versus|or|and)\s*([A-Z]{2})\b", text):
        if not (match[1] in _NOT_MODIFIERS and match[2] in _NOT_MODIFIERS):
            add(match[1])
            add(match[2])
    for match in re.finditer(r"\b([A-Z]{2})\s*(?:/|vs\.?|versus|or|and)\s*(\d{2})\b", text):
        add(match[1])
        add(match[2])
    return found


def find_numbers(text: str) -> tuple[int | None, int | None]:
    minutes = _MINUTES.search(text)
    units = _UNITS.search(text)
    return (int(minutes[1]) if minutes else None, int(units[1]) if units else None)


def _has(text: str, *patterns: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def find_intents(q: Question, low: str) -> list[str]:
    """What is asked, in the order answers are given."""
    intents: list[str] = []
    n = len(q.codes)
    if _has(low, r"\bdifferen", r"\bvs\.?\b", r"\bversus\b", r"\bcompare") and n >= 2:
        intents.append("difference")
    if _has(
        low,
        r"together",
        r"\bbundl",
        r"\bncci\b",
        r"\bptp\b",
        r"same (day|date|visit|session)",
        r"\bbill(ed)? (it |them )?with\b",
        r"\band with\b",
        r"\bwith \w?\d",
        r"column ?(1|2|one|two)",
        r"\bpair",
    ) and (n >= 2 or (n == 1 and "and with" in low)):
        intents.append("ptp")
    if _has(
        low,
        r"\bunits?\b",
        r"\bmue\b",
        r"how many",
        r"medically unlikely",
        r"8[- ]minute",
        r"eight[- ]minute",
        r"\bminutes?\b",
        r"\bmins?\b",
        r"maximum",
    ):
        intents.append("units")
    if _has(low, r"add[- ]?on", r"primary code", r"\baoc\b"):
        intents.append("add_on")
    if _has(
        low,
        r"\bpa(y|id|ys|yable)\b",
        r"payment",
        r"reimburs",
        r"\bfee\b",
        r"how much",
        r"\brvus?\b",
        r"allowed amount",
        r"\brate\b",
        r"worth",
    ):
        intents.append("payment")
    if _has(
        low,
        r"\binstead\b",
        r"crosswalk",
        r"\bstatus\b",
        r"what (should|do) i (bill|use|report)",
        r"replac",
        r"not (pay|cover|recogni)",
        r"\bbundled\b",
    ):
        intents.append("status")
    if _has(low, r"\bncds?\b", r"coverage", r"\bcover(ed|s)?\b", r"medical necessity", r"support"):
        intents.append("coverage")
    if q.modifiers and (
        _has(low, r"modifier", r"\bwhen\b", r"\bmean", r"\buse\b", r"append", r"\bkx\b")
        or not q.codes
    ):
        intents.append("modifier")
    if _has(
        low,
        r"\bvalid\b",
        r"billable",
        r"\bactive\b",
        r"effective",
        r"terminat",
        r"deleted",
        r"\bstill\b",
        r"expired",
        r"\bexist",
        r"in effect",
    ):
        intents.append("validity")
    if not q.codes and _has(
        low,
        r"(which|what|right|correct|best) "
        r"(cpt |hcpcs |icd-?10(-cm|-pcs)? |diagnosis |procedure )?codes?",
        r"code (for|to use for)",
        r"\bcodes? for\b",
        r"how (do|would|should) (i|you|we) code",
        r"look ?up",
        r"\bfind\b",
    ):
        intents.append("search")
    if "status" in intents and "coverage" in intents and not _has(low, r"\bncd", r"diagnos"):
        intents.remove("coverage")
    if not intents and q.codes:
        intents.append("describe")
        q.guessed = not _has(low, r"what (is|are|does)", r"describe", r"mean", r"^\s*\S+\s*\??\s*$")
    asks_what = q.codes and _has(low, r"what (is|are|does)", r"describe")
    others = {"ptp", "difference", "units", "payment", "modifier", "add_on"} & set(intents)
    # "What is G0283 and how many units?": the description first, then the rest.
    joined = _has(low, r"what (is|are) (cpt |hcpcs |code )?\S+ ?(and|,)")
    if "describe" not in intents and asks_what and (not others or joined):
        intents.insert(0, "describe")
    return intents


#: Questions the store cannot answer, with the reason given in the one-sentence decline.
_DECLINE = (
    (r"\bguideline", "CPT guideline text (the AMA's)"),
    (
        r"\b(dose|dosage|prescri|medication|treat(ment)? plan|prognosis|should (i|we) treat)\b",
        "clinical advice",
    ),
    (r"\b(diagnose (my|the|a)|symptoms? of|is it (cancer|serious))\b", "clinical advice"),
    (
        r"\b(prior auth|preauthori[sz]ation|timely filing|appeal deadline|credential)",
        "payer administrative policy",
    ),
    (
        r"\b(audit risk|get audited|upcod|fraud|lawyer|legal advice|lawsuit)\b",
        "legal or compliance advice",
    ),
    (r"\b(salary|stock|weather|recipe|joke|poem|capital of)\b", "anything outside medical coding"),
)


def understand(
    text: str,
    today: date,
    *,
    as_of: date | None = None,
    known_modifiers: frozenset[str] = frozenset(),
    places: Any = None,
    context: dict[str, Any] | None = None,
) -> Question:
    """Everything the rules can read from ``text`` (``as_of`` overrides a date in the text)."""
    q = Question(text=text)
    low = " " + text.lower() + " "
    found_date, q.year = find_date(text, today)
    # A follow-up without a date keeps the last question's date of service.
    remembered = (context or {}).get("as_of")
    q.as_of = as_of or found_date or (date.fromisoformat(remembered) if remembered else today)
    if q.year is None:
        q.year = q.as_of.year
    q.codes, q.missing, q.icd10cm = find_codes(text, q.as_of)
    q.modifiers = find_modifiers(_SYSTEM_NAMES.sub(" ", text), known_modifiers)
    # A modifier's name is not also a code ("XS" is neither), but "modifier 59 on 97110" is.
    q.minutes, q.units = find_numbers(text)
    if places is not None:
        q.place = places.find(text)
        if q.place is None:
            q.state_localities = places.state_localities(text)
    # Places of service: 11 office, 12 home, 49/50/71/72 clinics are non-facility; 19/21-24,
    # 26, 31, 34, 41-42, 51-52, 56, 61 are facility (the fee schedule's two PE amounts).
    pos = re.search(r"\b(?:pos|place of service)\s*(?:code\s*)?(\d{2})\b", low)
    if pos and pos[1] in ("11", "12", "49", "50", "71", "72"):
        q.facility = False
    elif pos and pos[1] in FACILITY_POS:
        q.facility = True
    elif _has(low, r"non[- ]?facility", r"\boffice\b", r"clinic", r"\bprivate practice"):
        q.facility = False
    elif _has(low, r"\bfacility\b", r"hospital", r"\bsnf\b", r"\basc\b", r"nursing facility"):
        q.facility = True
    q.hospital_outpatient = _has(
        low, r"outpatient hospital", r"hospital outpatient", r"\bopps\b"
    ) or bool(pos and pos[1] in ("19", "22"))
    for payer in COMMERCIAL_PAYERS:
        if re.search(r"\b" + re.escape(payer) + r"\b", low):
            q.commercial_payer = payer
            break
    q.intents = find_intents(q, low)
    # A follow-up ("and with 97032?", "what about 2026?") keeps what the last question named.
    if context:
        _follow_up(q, low, context)
    for pattern, what in _DECLINE:
        if re.search(pattern, low):
            q.decline = what
            break
    if q.commercial_payer and not q.decline:
        q.decline = f"{q.commercial_payer.title()}'s own policy"
    if "search" in q.intents:
        q.description = _description_words(text)
        if "modifier" in q.intents and not re.search(r"modifier", low):
            q.intents.remove("modifier")
    return q


def _follow_up(q: Question, low: str, context: dict[str, Any]) -> None:
    last_codes: list[str] = context.get("codes") or []
    last_intents: list[str] = context.get("intents") or []
    short = len(low.split()) <= 8
    follows = short and _has(low, r"^\s*(and|what about|how about|also|same|with)\b", r"\?\s*$")
    if not follows and not context.get("about"):
        return
    if "ptp" in last_intents and q.codes and len(q.codes) == 1 and last_codes:
        q.codes = [last_codes[0], *q.codes]
        if "ptp" not in q.intents:
            q.intents = ["ptp"] + [i for i in q.intents if i != "describe"]
    elif not q.codes and last_codes:
        q.codes = list(last_codes)
        if not q.intents or q.intents == ["describe"]:
            q.intents = [i for i in last_intents if i != "search"] or ["describe"]
    elif q.codes and not [i for i in q.intents if i != "describe"] and last_intents:
        q.intents = [i for i in last_intents if i not in ("search", "difference")] or ["describe"]
    if not q.modifiers and context.get("modifiers"):
        q.modifiers = list(context["modifiers"])
    if q.place is None and context.get("locality") and "payment" in q.intents:
        q.place = Place(context["locality"], context.get("locality_name", ""), "", "")


_STOP = frozenset(
    [
        "what",
        "which",
        "is",
        "the",
        "a",
        "an",
        "code",
        "codes",
        "for",
        "to",
        "use",
        "do",
        "i",
        "you",
        "we",
        "how",
        "should",
        "would",
        "cpt",
        "hcpcs",
        "icd",
        "icd-10",
        "icd10",
        "icd-10-cm",
        "icd-10-pcs",
        "diagnosis",
        "procedure",
        "bill",
        "report",
        "billing",
        "of",
        "with",
        "in",
        "on",
        "find",
        "look",
        "up",
        "lookup",
        "please",
        "tell",
        "me",
        "there",
    ]
)


_SYSTEM_NAMES = re.compile(r"\bICD-?10(-?CM|-?PCS)?\b|\bCPT\b|\bHCPCS( Level II)?\b", re.I)


def _description_words(text: str) -> str:
    text = _SYSTEM_NAMES.sub(" ", text)
    # "the right code" asks for a code; "right upper limb" is part of what is described.
    text = re.sub(r"\b(right|correct|best|proper)\s+(?=(\w+\s+)?codes?\b)", " ", text, flags=re.I)
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    kept = [w for w in words if w.lower() not in _STOP]
    return " ".join(kept)
