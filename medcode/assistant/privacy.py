"""Screening text for patient identifiers before it is stored: the assistant and consultations.

One screener for the whole project (the assistant's conversations and the consultation desk
both call it). Phone numbers are found by scrubadub's phone detector (Google's libphonenumber
rules through ``phonenumbers``), which knows far more number shapes than a regex; the rest are
rules, not a model: names next to patient words ("patient", "pt", "Mr."...), dates of birth,
MRNs and account numbers, SSNs, street addresses, and e-mail addresses other than the
sender's. Codes, dates of service and amounts stay, so the text still reads as a coding
question.

``screen`` says what it removed (shown to the asker) and refuses text it cannot make safe: a
second pass over the redacted text must find nothing, and a text carrying very many
identifiers (a pasted chart, a claim file) is returned rather than half-cleaned.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Past this many identifiers the text is a record, not a question: it is returned whole.
MAX_IDENTIFIERS = 12

_WORD = r"[A-Z][a-zA-Z'-]+"
_NAME = rf"{_WORD}(?:\s+[A-Z]\.)?(?:\s+{_WORD}){{0,2}}"
_PATIENT_WORDS = (
    r"patient|pt\.?|client|member|beneficiary|insured|subscriber|resident"
    r"|mr\.?|mrs\.?|ms\.?|miss|mx\.?"
)
# Words after a patient word that are not a name ("patient Has", "Mr. Smith's" keeps working).
_NOT_NAMES = {
    "has",
    "had",
    "was",
    "is",
    "with",
    "who",
    "seen",
    "came",
    "presents",
    "presented",
    "received",
    "returns",
    "needs",
    "the",
    "and",
    "for",
    "in",
    "on",
    "at",
    "medicare",
    "medicaid",
}


@dataclass(frozen=True)
class _Rule:
    label: str
    pattern: re.Pattern[str]
    # Which group holds the identifier; the text around it (the patient word) stays.
    group: int = 0


_RULES: tuple[_Rule, ...] = (
    _Rule("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    _Rule(
        "social security number",
        re.compile(
            r"\b\d{3}-\d{2}-\d{4}\b"
            r"|\b(?:ssn|social security(?: number| no\.?)?)\W{0,3}\d[\d -]{7,10}\d\b",
            re.I,
        ),
    ),
    _Rule(
        "medical record or account number",
        re.compile(
            r"\b(?:mrn|medical record(?: number| no\.?| #)?|record (?:no\.?|number)"
            r"|chart(?: number| no\.?| #)"
            r"|account(?: number| no\.?| #)|acct\.?(?: #| no\.?)?|member id|subscriber id"
            r"|policy(?: number| no\.?| #)|patient id|pt id|encounter(?: number| #| id))"
            r"\s*(?:is|:|#|=)?\s*#?\s*[A-Z0-9][A-Z0-9-]{3,}",
            re.I,
        ),
    ),
    _Rule(
        "date of birth",
        re.compile(
            r"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on)?)\s*(?:is|:|#|-)?\s*"
            r"(?:[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}"
            r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9},? \d{4})",
            re.I,
        ),
    ),
    _Rule(
        "street address",
        re.compile(
            r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-zA-Z]+\s+){1,3}"
            r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way"
            r"|Place|Pl|Terrace|Circle|Cir|Parkway|Pkwy|Highway|Hwy)\b\.?"
            r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*\w+)?"
        ),
    ),
    _Rule(
        "name",
        re.compile(
            rf"\b(?i:{_PATIENT_WORDS})(?:\s+(?i:named|name is|called|is named))?[\s:,]+({_NAME})"
        ),
        group=1,
    ),
    _Rule(
        "name",
        re.compile(
            rf"\b(?i:(?:patient|pt|client|member)(?:'s)? name|name)\s*(?:is|:|=|-)\s*({_NAME})"
        ),
        group=1,
    ),
    _Rule(
        "name",
        # "Jane Doe (DOB ...)", "Smith, John, 45 y/o": a capitalised pair before patient details.
        re.compile(
            rf"\b({_WORD},?\s+{_WORD})(?=,?\s*\(?\s*(?i:dob|d\.o\.b|age \d|\d{{1,3}} ?y/?o))"
        ),
        group=1,
    ),
)

# Phone numbers: scrubadub's detector when it is installed; a North American rule otherwise.
_PHONE = re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w-])")

_CODE_PAIR = re.compile(r"[0-9A-Z]\d{4}(?:\s*[/,;&+-]\s*|\s+)[0-9A-Z]\d{4}")


def _phones(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _PHONE.finditer(text)]
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - a dependency of scrubadub, installed with medcode
        return spans
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
        # Two five-digit codes side by side ("97140/97530", "97140 97530") read as a number.
        if not _CODE_PAIR.fullmatch(match.raw_string.strip()):
            spans.append((match.start, match.end))
    return spans


@dataclass
class Screening:
    """The text as it may be stored, what was taken out, and whether it must be returned."""

    text: str
    removed: Counter[str] = field(default_factory=Counter)
    refused: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.removed)

    def summary(self) -> str:
        """ "2 names, 1 date of birth" for the asker."""
        parts = []
        for label, count in sorted(self.removed.items()):
            plural = label if count == 1 else f"{label}s" if not label.endswith("s") else label
            parts.append(f"{count} {plural}")
        return ", ".join(parts)


def _find(text: str, allowed_emails: set[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span(rule.group)
            found = match.group(rule.group)
            if rule.label == "e-mail address" and found.lower() in allowed_emails:
                continue
            if rule.label == "name" and found.split()[0].lower() in _NOT_NAMES:
                continue
            spans.append((start, end, rule.label))
    for start, end in _phones(text):
        spans.append((start, end, "phone number"))
    # Overlaps: keep the earliest, longest span (an MRN's digits are not also a phone).
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def screen(text: str, *, sender: str | None = None) -> Screening:
    """Redact identifiers in ``text``; ``sender``'s own address may stay.

    ``refused`` is set (and ``text`` emptied) when the text is a record rather than a
    question, or when identifiers are still found after redaction.
    """
    allowed = {sender.lower()} if sender else set()
    spans = _find(text, allowed)
    result = Screening(text)
    if len(spans) > MAX_IDENTIFIERS:
        return Screening(
            "",
            Counter(label for *_, label in spans),
            f"{len(spans)} patient identifiers: this reads like a record, not a question. "
            "Ask again without names, dates of birth, record numbers or contact details.",
        )
    out = text
    for start, end, label in reversed(spans):
        out = out[:start] + f"[{label}]" + out[end:]
        result.removed[label] += 1
    if _find(out, allowed):
        return Screening(
            "",
            result.removed,
            "identifiers could not be removed safely. Ask again without names, dates of "
            "birth, record numbers or contact details.",
        )
    result.text = out
    return result


def redact(text: str) -> str:
    """``text`` with identifiers replaced by a bracketed label (the assistant's stored text).

    A text that cannot be screened safely is not kept at all.
    """
    screened = screen(text)
    return screened.text if not screened.refused else "[question withheld: identifiers]"
