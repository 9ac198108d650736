"""What the NCCI indicator codes mean, in our own words, and which modifiers bypass a PTP edit.

The source is CMS's NCCI Policy Manual for Medicare Services, chapter I, section E
("Modifiers and Modifier Indicators"), and the MUE and add-on code pages of CMS's NCCI site.
The wording here is ours: CPT modifier descriptors are the AMA's and are not reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass

#: PTP (column 1 / column 2) correct coding modifier indicator.
PTP_MODIFIER_INDICATORS: dict[str, str] = {
    "0": (
        "Modifier not allowed: the column 2 code is not paid with the column 1 code on the "
        "same day, and no modifier changes that."
    ),
    "1": (
        "Modifier allowed: an NCCI PTP-associated modifier may let both codes be paid, but only "
        "when the clinical circumstances justify it (e.g. a separate encounter or anatomic site)."
    ),
    "9": (
        "Not applicable: the edit was deleted as of the day it took effect, so it never applied "
        "and no modifier is needed."
    ),
}

#: MUE adjudication indicator (MAI).
MUE_ADJUDICATION_INDICATORS: dict[str, str] = {
    "1": (
        "Line edit: each claim line is checked on its own. Units above the MUE on a line are "
        "denied; more units are reportable on separate lines with an appropriate modifier "
        "(e.g. 76, 77, 91, 59, XE/XS/XP/XU or an anatomic modifier)."
    ),
    "2": (
        "Date of service edit, policy: all units of the code for the patient on one day are "
        "added up. The MUE comes from policy or regulation, so units above it are not paid, "
        "even on appeal."
    ),
    "3": (
        "Date of service edit, clinical: all units of the code for the patient on one day are "
        "added up. The MUE is a clinical benchmark; units above it are denied, but may be paid "
        "on appeal when the record shows they were medically necessary."
    ),
}

#: Add-on code edit type.
AOC_EDIT_TYPES: dict[str, str] = {
    "1": (
        "Listed primaries only: the add-on code is paid only when a primary code listed for it "
        "is paid to the same practitioner for the same patient on the same day."
    ),
    "2": (
        "Contractor-defined primaries: CMS lists no primary codes (shown as CCCCC); each "
        "Medicare contractor decides which primary codes the add-on code may go with."
    ),
    "3": (
        "Listed and other primaries: CMS lists some primary codes, and the contractor may "
        "allow others as well."
    ),
}


@dataclass(frozen=True)
class PtpModifier:
    code: str
    group: str  # "anatomic", "global surgery" or "other"
    meaning: str  # our own short words


def _group(group: str, pairs: list[tuple[str, str]]) -> list[PtpModifier]:
    return [PtpModifier(code, group, meaning) for code, meaning in pairs]


_DIGITS = ("second", "third", "fourth", "fifth")

_ANATOMIC = [
    ("E1", "upper left eyelid"),
    ("E2", "lower left eyelid"),
    ("E3", "upper right eyelid"),
    ("E4", "lower right eyelid"),
    ("FA", "left hand, thumb"),
    *[(f"F{n}", f"left hand, {d} digit") for n, d in enumerate(_DIGITS, start=1)],
    ("F5", "right hand, thumb"),
    *[(f"F{n}", f"right hand, {d} digit") for n, d in enumerate(_DIGITS, start=6)],
    ("TA", "left foot, great toe"),
    *[(f"T{n}", f"left foot, {d} digit") for n, d in enumerate(_DIGITS, start=1)],
    ("T5", "right foot, great toe"),
    *[(f"T{n}", f"right foot, {d} digit") for n, d in enumerate(_DIGITS, start=6)],
    ("LT", "left side of the body"),
    ("RT", "right side of the body"),
    ("LC", "left circumflex coronary artery"),
    ("LD", "left anterior descending coronary artery"),
    ("RC", "right coronary artery"),
    ("LM", "left main coronary artery"),
    ("RI", "ramus intermedius coronary artery"),
]
_GLOBAL_SURGERY = [
    ("24", "unrelated E/M service in a postoperative period"),
    ("25", "significant, separately identifiable E/M service on the day of a procedure"),
    ("57", "E/M service that led to the decision for surgery"),
    ("58", "staged or related procedure in a postoperative period"),
    ("78", "unplanned return to the operating room in a postoperative period"),
    ("79", "unrelated procedure in a postoperative period"),
]
_OTHER = [
    ("27", "more than one outpatient hospital E/M encounter on the same day"),
    ("59", "distinct procedural service, when no more specific modifier fits"),
    ("91", "repeat clinical laboratory test on the same day"),
    ("XE", "separate encounter on the same day"),
    ("XS", "separate organ or structure"),
    ("XP", "separate practitioner"),
    ("XU", "unusual service that does not overlap the main service"),
]

#: The NCCI PTP-associated modifiers: used when justified, they bypass an edit with indicator 1.
NCCI_PTP_MODIFIERS: dict[str, PtpModifier] = {
    m.code: m
    for m in (
        *_group("anatomic", _ANATOMIC),
        *_group("global surgery", _GLOBAL_SURGERY),
        *_group("other", _OTHER),
    )
}

#: Modifiers people try that do not bypass a PTP edit (the manual names them).
NOT_PTP_MODIFIERS: frozenset[str] = frozenset({"22", "76", "77"})


def ptp_modifier_indicator_meaning(indicator: str) -> str:
    return PTP_MODIFIER_INDICATORS.get(indicator, f"Unknown PTP modifier indicator {indicator!r}.")


def bypasses_ptp_edit(modifier_indicator: str, modifiers: list[str] | tuple[str, ...]) -> bool:
    """Whether the modifiers on a claim line may let a PTP edit pass (indicator 1 only).

    "May": the modifier must also be justified by the record, which no look-up can tell.
    """
    if modifier_indicator != "1":
        return False
    return any(m.strip().upper() in NCCI_PTP_MODIFIERS for m in modifiers)
