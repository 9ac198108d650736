"""A posting's description as safe HTML, the codes it mentions, and its schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt

from medcode.careers.models import Job

# Raw HTML in the Markdown is escaped by markdown-it; nh3 (the Rust ammonia sanitiser) then keeps
# only these tags, so a link cannot carry javascript: or on* attributes either.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def description_html(text: str) -> str:
    html = _MARKDOWN.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


# HCPCS Level II (a letter and four digits), ICD-10-CM with its dot, CPT Category I (five digits
# not part of an amount) and Category II/III (four digits and F or T).
_CODES = re.compile(
    r"(?<![\w$,.])(?:[A-V]\d{4}|[A-TV-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|\d{4}[FT]|\d{5})(?!\w|[,.]\d)"
)


def codes_mentioned(job: Job) -> list[str]:
    seen: list[str] = []
    for code in _CODES.findall(job.description):
        if code not in seen:
            seen.append(code)
    return seen[:30]


_GUIDE = re.compile(r"(?<![\w/])/guides/[a-z0-9-]+/?")


def guides_mentioned(job: Job) -> list[str]:
    """Links to medcode's own guides the description gives (``/guides/<slug>``)."""
    return list(dict.fromkeys(_GUIDE.findall(job.description)))[:10]


_EMPLOYMENT = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "contract": "CONTRACTOR",
    "per_diem": "PER_DIEM",
}


def json_ld(job: Job, base_url: str) -> dict[str, Any]:
    posted = job.published_at or job.created
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": description_html(job.description),
        "datePosted": posted.date().isoformat(),
        "validThrough": f"{job.expires.isoformat()}T23:59:59Z",
        "hiringOrganization": {"@type": "Organization", "name": job.organization},
        "employmentType": _EMPLOYMENT.get(job.employment_type, "OTHER"),
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": float(job.pay_min),
                "maxValue": float(job.pay_max),
                "unitText": job.pay_unit.upper(),
            },
        },
        "qualifications": qualifications(job),
        "experienceRequirements": {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": job.experience_years * 12,
        },
        "url": f"{base_url}/careers/jobs/{job.pk}/",
        "directApply": not job.apply_url,
    }
    if job.location_type == "remote":
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = [
            {"@type": "State", "name": state} for state in job.listed("remote_states")
        ]
    if job.location_type != "remote" or job.location:
        locality, _, region = job.location.rpartition(",")
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": (locality or job.location).strip(),
                "addressRegion": region.strip() if locality else "",
                "addressCountry": "US",
            },
        }
    return data


def qualifications(job: Job) -> str:
    parts = []
    if job.listed("credentials_required"):
        parts.append("Required: " + ", ".join(job.listed("credentials_required")))
    if job.listed("credentials_preferred"):
        parts.append("Preferred: " + ", ".join(job.listed("credentials_preferred")))
    parts.append(
        f"{job.experience_years} years of coding experience"
        if job.experience_years
        else "No experience required"
    )
    if job.apprentice_friendly:
        parts.append("Apprentices (CPC-A) welcome")
    return "; ".join(parts)


def json_ld_text(job: Job, base_url: str) -> str:
    """JSON safe inside <script>: '<', '>' and '&' escaped so no text can close the element."""
    text = json.dumps(json_ld(job, base_url), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
