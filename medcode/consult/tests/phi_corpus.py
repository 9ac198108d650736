"""Coding questions with planted patient identifiers, and the identifiers to look for after.

Made up here (no real person): names, dates of birth, record numbers, SSNs, phone numbers,
street addresses and e-mail addresses, in the shapes coders actually paste them.
"""

from __future__ import annotations

import re
from itertools import cycle, islice
from typing import Any

NAMES = [
    ("Patient", "Margaret Okafor"),
    ("pt", "Luis Ortega"),
    ("Mr.", "Dimitri Papadopoulos"),
    ("Mrs.", "Ingrid Halvorsen"),
    ("client named", "Hannah Whitfield"),
    ("patient name:", "Rosa Delgado"),
    ("member", "Kwame Mensah"),
    ("Ms.", "Priya Raghunathan"),
    ("Patient", "Tobias Lindqvist"),
    ("pt.", "Esperanza Villanueva"),
]
DOBS = [
    "DOB 03/14/1962",
    "date of birth: July 4, 1958",
    "born 1949-11-02",
    "d.o.b. 12-01-1975",
    "DOB: 5 March 1981",
    "birthdate 1/9/1944",
]
MRNS = [
    "MRN 00482913",
    "medical record number: A99812X",
    "acct # 7781230",
    "chart no. HX-22019",
    "MRN: Q7Z-55120",
    "patient id 4471902",
]
SSNS = ["SSN 078-05-1120", "123-45-6789", "social security number 219 09 9999"]
PHONES = ["(415) 555-0132", "312.555.0187", "+1 646 555 0199", "call 2025550143", "773-555-0164"]
ADDRESSES = [
    "42 Elm Street",
    "1600 Juniper Avenue, Apt 4B",
    "77 Harbor View Rd",
    "905 W Maple Drive",
]
EMAILS = ["jdoe1962@gmail.com", "okafor.family@example.net", "rosa.d@clinic-mail.org"]

QUESTIONS = [
    "Can I bill 97110 with 97140 on 2025-06-01 for {name}? {dob}.",
    "{name} came in for 99213 and 97530; {mrn}. Is modifier 59 needed?",
    "How many units of 97110 for 38 minutes? {name}, {phone}, {dob}",
    "Is G0283 payable in the office for {name} ({ssn})? Date of service 2025-03-03.",
    "{name} lives at {address}; what does Medicare pay for 97112 there?",
    "Please check 27447 with 20610 on 2025-02-10. Contact {email} or {phone}. {mrn}",
    "For {name}, {dob}, {address}: is E11.65 valid on 2025-10-01?",
    "Claim for {name} denied for 97014; {ssn}; {mrn}; which code does Medicare want?",
]


def corpus() -> list[tuple[str, list[str]]]:
    """60 (question, identifiers planted in it) pairs."""
    out = []
    # Each kind is drawn only when a question uses it, so every value gets planted.
    pools: dict[str, Any] = {
        "dob": cycle(DOBS),
        "mrn": cycle(MRNS),
        "ssn": cycle(SSNS),
        "phone": cycle(PHONES),
        "address": cycle(ADDRESSES),
        "email": cycle(EMAILS),
    }
    names = cycle(NAMES)
    for template in islice(cycle(QUESTIONS), 60):
        word, name = next(names)
        values = {"name": f"{word} {name}"}
        for key, pool in pools.items():
            values[key] = next(pool) if "{" + key + "}" in template else ""
        text = template.format(**values)
        planted = []
        for key in ("name", "dob", "mrn", "ssn", "phone", "address", "email"):
            if "{" + key + "}" in template:
                planted += secrets_of(key, values[key], name)
        out.append((text, planted))
    return out


def secrets_of(key: str, value: str, name: str) -> list[str]:
    """The parts that must not survive (a patient word may stay, the name may not)."""
    if key == "name":
        return name.split()
    if key == "dob":
        return [
            re.sub(r"^(dob:?|date of birth:|born|d\.o\.b\.|birthdate)\s*", "", value, flags=re.I)
        ]
    if key == "ssn":
        found = re.search(r"\d[\d -]*\d", value)
        assert found is not None
        return [found.group(0)]
    if key == "mrn":
        return [value.split()[-1].strip(":#")]
    if key == "phone":
        number = value.replace("call ", "")
        digits = "".join(ch for ch in number if ch.isdigit())
        return [number, number[-8:], digits[-7:]]
    return [value]
