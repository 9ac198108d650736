"""What the Physician Fee Schedule's indicator values mean, in short plain words.

Paraphrased from the record layout CMS ships with each RVU release (RVU25D.pdf, its
Attachment A and field notes) and from the payment file layout (PF26PB.pdf); CMS's documents
remain the authority. Keys are the values exactly as they appear in the files.
"""

from __future__ import annotations

STATUS_CODES: dict[str, str] = {
    "A": "Active: paid separately under the fee schedule when covered; RVUs are given. "
    "It does not mean Medicare has a national coverage decision for the service.",
    "B": "Bundled: payment is always folded into other services; any RVUs shown are not used "
    "for payment.",
    "C": "Contractor priced: the MAC sets RVUs and payment, usually case by case from "
    "documentation.",
    "D": "Deleted at the start of the year (no grace period any longer).",
    "E": "Excluded from the fee schedule by regulation: no RVUs and no fee schedule payment; "
    "when covered it is paid another way.",
    "F": "Deleted or discontinued, without a 90-day grace period.",
    "G": "Not valid for Medicare: another code is used to report and pay for it "
    "(90-day grace period).",
    "H": "Deleted modifier: the code's TC or 26 component that existed last year was removed.",
    "I": "Not valid for Medicare: another code is used to report and pay for it (no grace period).",
    "J": "Anesthesia service: no RVUs and no fee schedule amount; the value only marks "
    "anesthesia codes.",
    "M": "Measurement code, for reporting only.",
    "N": "Not covered by Medicare.",
    "P": "Bundled or excluded: no RVUs and no separate fee schedule payment; bundled when "
    "incident to a physician service the same day, otherwise paid under another provision.",
    "R": "Restricted coverage: special coverage rules apply and, if covered, the contractor "
    "prices it (mostly dental codes, plus a few CPT codes covered only rarely).",
    "T": "Injection: has RVUs, but paid only when no other fee schedule service is billed the "
    "same day by the same provider; otherwise bundled into that service.",
    "X": "Statutory exclusion: not a physician service under the law (for example ambulance or "
    "clinical lab services); no fee schedule payment.",
}

PCTC_INDICATORS: dict[str, str] = {
    "0": "Physician service (visits, surgery…): cannot be split into professional and "
    "technical parts; modifiers 26 and TC do not apply.",
    "1": "Diagnostic test with professional and technical parts: may be billed globally, "
    "with 26 (professional) or with TC (technical).",
    "2": "Professional-component-only code: a separate code covers the technical part and "
    "another the whole test; 26 and TC do not apply.",
    "3": "Technical-component-only code (or a test covered only as a diagnostic test): RVUs "
    "hold practice expense and malpractice only; 26 and TC do not apply.",
    "4": "Global-test-only code: separate codes exist for its professional and technical "
    "parts, and its RVUs equal their sum; 26 and TC do not apply.",
    "5": "Incident-to service by staff under the physician's direct supervision; not paid for "
    "hospital inpatients or outpatients; 26 and TC do not apply.",
    "6": "Lab physician interpretation: the interpretation is paid here, the test itself under "
    "the lab fee schedule; TC does not apply.",
    "7": "Physical therapy service not payable when an independently practicing therapist "
    "furnishes it to a hospital inpatient or outpatient.",
    "8": "Physician interpretation of an abnormal smear for a hospital inpatient (such as "
    "85060); the test itself is paid to the hospital; no TC billing.",
    "9": "Professional/technical split does not apply.",
}

GLOBAL_DAYS: dict[str, str] = {
    "000": "Endoscopy or minor procedure: care on the day of the procedure is included; an E/M "
    "visit that day is generally not paid.",
    "010": "Minor procedure: the day of the procedure and 10 days after are included; E/M "
    "visits in that time are generally not paid.",
    "090": "Major surgery: one day before and 90 days after are included.",
    "MMM": "Maternity code: the usual global period does not apply.",
    "XXX": "The global surgery concept does not apply.",
    "YYY": "The contractor decides whether a global period applies and how long it is.",
    "ZZZ": "Add-on to another service: always inside that service's global period.",
}

MULTIPLE_PROCEDURE: dict[str, str] = {
    "0": "No multiple procedure reduction: pay the lower of the charge or the full fee "
    "schedule amount.",
    "1": "Pre-1995 standard reduction (100%, 50%, 25%, 25%, 25%, then by report) when billed "
    "with other procedures with indicator 1, 2 or 3.",
    "2": "Standard reduction (100%, 50%, 50%, 50%, 50%, then by report) when billed with other "
    "procedures with indicator 1, 2 or 3.",
    "3": "Multiple endoscopy rules apply within the family sharing the same endoscopic base "
    "code; the base code is not paid separately when billed with one of its family.",
    "4": "Diagnostic imaging reduction: the technical component of each further procedure in "
    "the same imaging family in one session is paid at 50% (the professional part at 95%).",
    "5": "Therapy service: the practice expense is reduced by 50% for further services.",
    "6": "Diagnostic cardiovascular service: technical component of the second and later "
    "procedures reduced by 25%.",
    "7": "Diagnostic ophthalmology service: technical component of the second and later "
    "procedures reduced by 20%.",
    "9": "Multiple procedure rules do not apply.",
}

BILATERAL_SURGERY: dict[str, str] = {
    "0": "No 150% bilateral payment: both sides together are paid at most 100% of the single "
    "fee (the code is unilateral by anatomy, or a bilateral code exists).",
    "1": "Bilateral payment of 150% of the single fee applies (modifier 50, RT and LT, or two "
    "units), before any multiple procedure reduction.",
    "2": "No 150% bilateral payment: the RVUs already assume both sides, so both sides are "
    "paid at most 100% of the single fee.",
    "3": "Each side is paid up to 100% of the fee (mostly radiology and other diagnostic tests).",
    "9": "The bilateral concept does not apply.",
}

ASSISTANT_AT_SURGERY: dict[str, str] = {
    "0": "Assistant at surgery paid only with documentation showing medical necessity.",
    "1": "Assistant at surgery may not be paid (statutory restriction).",
    "2": "Assistant at surgery may be paid.",
    "9": "The assistant at surgery concept does not apply.",
}

CO_SURGEONS: dict[str, str] = {
    "0": "Co-surgeons (modifier 62) not permitted.",
    "1": "Co-surgeons may be paid with documentation that two surgeons were needed.",
    "2": "Co-surgeons permitted without documentation when the two surgeons are of different "
    "specialties.",
    "9": "The co-surgeon concept does not apply.",
}

TEAM_SURGERY: dict[str, str] = {
    "0": "Team surgery (modifier 66) not permitted.",
    "1": "Team surgery may be paid by report, with documentation that a team was needed.",
    "2": "Team surgery permitted, paid by report.",
    "9": "The team surgery concept does not apply.",
}

PHYSICIAN_SUPERVISION: dict[str, str] = {
    "01": "General supervision by a physician.",
    "02": "Direct supervision by a physician.",
    "03": "Personal supervision by a physician.",
    "04": "No supervision rule when a qualified independent or clinical psychologist "
    "performs it; otherwise general supervision.",
    "05": "No supervision rule when a qualified audiologist performs it; otherwise general "
    "supervision.",
    "06": "Performed by a physician, or by a physical therapist certified by ABPTS as an "
    "electrophysiological clinical specialist where the state allows.",
    "21": "A certified technician under general supervision; otherwise direct supervision.",
    "22": "A technician with on-line, real-time contact with a physician.",
    "66": "A physician, or a physical therapist with ABPTS certification for this procedure.",
    "6A": "As 66; also the ABPTS-certified therapist may supervise another therapist, but only "
    "the certified one bills.",
    "77": "A therapist with ABPTS certification; or one without it under direct physician "
    "supervision; or a certified technician under general supervision.",
    "7A": "As 77; also the ABPTS-certified therapist may supervise another therapist, but only "
    "the certified one bills.",
    "09": "The supervision concept does not apply.",
}

NA_INDICATOR: dict[str, str] = {
    "NA": "Rarely or never done in this setting, so CMS set no practice expense RVUs for it here.",
    "": "Practice expense RVUs are set for this setting.",
}

NOT_USED_FOR_MEDICARE_PAYMENT: dict[str, str] = {
    "+": "RVUs are shown for information only and are not used for Medicare payment.",
    "": "No such flag: the status code says whether the RVUs are used for payment.",
}

IMAGING_FAMILY: dict[str, str] = {
    "88": "Subject to the diagnostic imaging reductions of the technical and professional "
    "components.",
    "99": "The imaging family concept does not apply.",
}

CALCULATION_FLAG: dict[str, str] = {
    "0": "No special calculation (the only value since July 2014).",
}

OPPS_INDICATOR: dict[str, str] = {
    "1": "Subject to the OPPS payment cap.",
    "9": "Not subject to the OPPS payment cap.",
}

#: Model field -> its table, for pages that show any indicator next to its meaning.
BY_FIELD: dict[str, dict[str, str]] = {
    "status_code": STATUS_CODES,
    "not_used_for_medicare_payment": NOT_USED_FOR_MEDICARE_PAYMENT,
    "nonfacility_na_indicator": NA_INDICATOR,
    "facility_na_indicator": NA_INDICATOR,
    "pctc_indicator": PCTC_INDICATORS,
    "global_days": GLOBAL_DAYS,
    "multiple_procedure": MULTIPLE_PROCEDURE,
    "multiple_surgery": MULTIPLE_PROCEDURE,
    "bilateral_surgery": BILATERAL_SURGERY,
    "assistant_at_surgery": ASSISTANT_AT_SURGERY,
    "co_surgeons": CO_SURGEONS,
    "team_surgery": TEAM_SURGERY,
    "physician_supervision": PHYSICIAN_SUPERVISION,
    "calculation_flag": CALCULATION_FLAG,
    "imaging_family": IMAGING_FAMILY,
    "opps_indicator": OPPS_INDICATOR,
}


def meaning(field: str, value: str) -> str | None:
    """The meaning of ``value`` in the indicator ``field``; None when CMS documents none."""
    table = BY_FIELD.get(field)
    return None if table is None else table.get(value)
