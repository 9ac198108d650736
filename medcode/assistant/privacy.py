"""Redacting obvious patient identifiers before a question is stored.

Rules, not a model: names after "patient"/"pt"/"Mr."/"Mrs."/"Ms.", dates of birth, phone
numbers, SSNs, MRNs and e-mail addresses. Codes, dates of service and amounts stay, so the
stored question still reads as a coding question.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b|\bssn:?\s*\d{9}\b", re.I), "[ssn]"),
    (
        re.compile(
            r"\b(mrn|medical record( number)?|record no\.?|chart( number)?)"
            r"\s*[:#]?\s*[A-Z0-9-]{4,}",
            re.I,
        ),
        "[mrn]",
    ),
    (
        re.compile(
            r"\b(dob|d\.o\.b\.|date of birth|born( on)?)\s*[:#]?\s*"
            r"([0-9]{1,4}[/-][0-9]{1,2}[/-][0-9]{1,4}"
            r"|[A-Za-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]+ \d{4})",
            re.I,
        ),
        "[date of birth]",
    ),
    (re.compile(r"(\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"), "[phone]"),
    (
        re.compile(
            r"\b((?i:patient|pt\.?|client|mr\.?|mrs\.?|ms\.?|miss|dr\.?))"
            r"(\s+(?i:named|name is|called))?"
            r"(\s+[A-Z][a-z'-]+){1,3}"
        ),
        r"\1 [name]",
    ),
    (re.compile(r"\b(name\s*[:=]\s*)([A-Z][a-z'-]+)(\s+[A-Z][a-z'-]+)*", re.I), r"\1[name]"),
)


def redact(text: str) -> str:
    """``text`` with obvious identifiers replaced by a bracketed label."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
