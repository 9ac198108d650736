"""What the codes in the coverage files mean, in our own words."""

from __future__ import annotations

#: The NCD spreadsheet's resolution code for an ICD-10-CM code on an NCD's list.
NCD_RESOLUTIONS: dict[int, str] = {
    1: (
        "Covered: Medicare covers the test for this diagnosis, when the NCD's other "
        "conditions are met."
    ),
    2: (
        "Denied: Medicare does not pay for the test with this diagnosis, whatever the "
        "documentation (the sheet puts routine examinations, screening and ill-defined "
        "conditions here)."
    ),
    3: (
        "Does not support medical necessity: this diagnosis alone does not show the test is "
        "reasonable and necessary; Medicare denies it unless other documentation shows it is, "
        "and the patient may be liable if given an ABN."
    ),
}

#: Short names for lists and tables.
NCD_RESOLUTION_NAMES: dict[int, str] = {
    1: "covered",
    2: "denied",
    3: "does not support medical necessity",
}

#: The ICD-10 "code" an NCD's last line carries: every code the NCD does not list.
ALL_OTHER_CODES = "@@@@@@@"
