"""Signs of trouble a moderator sees beside a pending posting.

Each check returns a short sentence saying what was found and where; none of them refuses a
posting by itself (a moderator decides), but any of them holds the posting for moderation even
from an employer whose earlier postings were approved.
"""

from __future__ import annotations

import re
from decimal import Decimal

from medcode.careers.models import Job, yearly

# Yearly pay a coding job usually offers, by credential level (our estimate from public US salary
# surveys, broad on purpose): an offer under half the low end or over twice the high end of the
# band is "far outside". Hourly pay counts 2,080 hours a year.
USUAL_PAY: dict[str, tuple[int, int]] = {
    "entry": (32_000, 60_000),  # CPC-A, CCA, no credential
    "certified": (42_000, 85_000),  # CPC, COC, CCS-P, RHIT
    "senior": (55_000, 110_000),  # CIC, CRC, CCS, RHIA: inpatient, risk adjustment, audit
}
_LEVEL = {
    "CPC-A": "entry",
    "CCA": "entry",
    "CPC": "certified",
    "COC": "certified",
    "CCS-P": "certified",
    "RHIT": "certified",
    "CIC": "senior",
    "CRC": "senior",
    "CCS": "senior",
    "RHIA": "senior",
}
_ORDER = ["entry", "certified", "senior"]

PERSONAL_DOMAINS = frozenset(
    """
gmail.com googlemail.com yahoo.com ymail.com hotmail.com outlook.com
live.com msn.com aol.com icloud.com me.com mac.com
proton.me protonmail.com gmx.com mail.com yandex.com zoho.com
""".split()  # noqa: SIM905 (a block reads better than a line per item)
)

# Asking the applicant for money: fees, deposits, equipment or software they must buy.
_MONEY = re.compile(
    r"\b(?:"
    r"(?:up-?front|registration|training|application|processing|onboarding|background[- ]check|"
    r"certification|starter|enrol?lment)\s+(?:fee|cost|deposit|payment)s?"
    r"|(?:pay|paying|purchase|purchasing|buy|buying|send|deposit)\b[^.\n]{0,60}?"
    r"\b(?:equipment|laptop|computer|software|kit|starter pack|training|fee|check|deposit|"
    r"gift cards?)"
    r"|(?:reimbursed|refunded)\s+(?:after|once|on your first)"
    r"|must\s+(?:purchase|buy)"
    r")",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_WORD = re.compile(r"[a-z0-9]+")
DUPLICATE_SIMILARITY = 0.6


def level(job: Job) -> str:
    found = [_LEVEL[c] for c in job.listed("credentials_required") if c in _LEVEL]
    return max(found, key=_ORDER.index) if found else "entry"


def pay_flag(job: Job) -> str | None:
    if job.pay_min is None or job.pay_max is None or not job.pay_unit:
        return "no pay range"
    band = level(job)
    low, high = USUAL_PAY[band]
    yearly_min = yearly(job.pay_min, job.pay_unit)
    yearly_max = yearly(job.pay_max, job.pay_unit)
    if yearly_max < Decimal(low) / 2 or yearly_min > Decimal(high) * 2:
        return (
            f"pay {job.pay_label} is far outside the usual range for a {band} coding job "
            f"(${low:,} to ${high:,} a year)"
        )
    return None


def fee_flag(job: Job) -> str | None:
    found = _MONEY.search(f"{job.title}\n{job.description}")
    if found:
        return f"asks the applicant for money: “{found.group(0).strip()}”"
    return None


def email_flag(job: Job) -> str | None:
    addresses = [job.contact_email, job.employer.email, job.apply_url]
    addresses += [m.group(0) for m in _EMAIL.finditer(job.description)]
    for address in addresses:
        found = _EMAIL.search(address or "")
        if found and found.group(1).lower() in PERSONAL_DOMAINS:
            return f"a company using a personal email domain: {found.group(1).lower()}"
    return None


def shingles(text: str, size: int = 3) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def similarity(a: str, b: str) -> float:
    one, two = shingles(a), shingles(b)
    return len(one & two) / len(one | two) if one and two else 0.0


def duplicate_flag(job: Job) -> str | None:
    """A posting whose title and text repeat another (Jaccard of word 3-grams)."""
    mine = f"{job.title}\n{job.description}"
    others = (
        Job.objects.exclude(pk=job.pk)
        .exclude(status__in=[Job.DRAFT, Job.REJECTED])
        .only("pk", "title", "description", "organization")
        .order_by("-created")[:500]
    )
    for other in others:
        score = similarity(mine, f"{other.title}\n{other.description}")
        if score >= DUPLICATE_SIMILARITY:
            return f"repeats posting #{other.pk} “{other.title}” ({score:.0%} alike)"
    return None


def trouble(job: Job) -> list[str]:
    return [
        found
        for check in (pay_flag, fee_flag, email_flag, duplicate_flag)
        if (found := check(job)) is not None
    ]
