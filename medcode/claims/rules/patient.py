"""Diagnoses that cannot belong to the patient on the claim: maternity, newborn and one-sex codes.

The groups come from the ICD-10-CM Tabular List in force on the date of service
(``medcode.icd10.patient_groups``); each finding cites the tabular entry that decides it. A
claim without the patient's sex or birth date skips the checks that need it, and the checker
says so once in the claim's notes (``skipped_patient_checks``).
"""

from __future__ import annotations

from collections.abc import Iterator

from medcode.claims.claim import Claim
from medcode.claims.context import ClaimContext
from medcode.claims.rules.base import Finding, Rule
from medcode.icd10.codes import format_icd10cm
from medcode.icd10.patient_groups import FEMALE, MALE, MATERNITY, NEWBORN, Why

#: The ages (in whole years, inclusive) CMS's Medicare Code Editor accepts maternity diagnoses
#: for (Definitions of Medicare Code Edits, age conflict edit, maternity diagnoses, ICD-10 MCE).
MATERNITY_AGES = (9, 64)
#: The perinatal period ends 28 days after birth (ICD-10-CM chapter 16 includes note).
NEWBORN_DAYS = 28
TABULAR = "icd10cm_tabular"


def pointing_lines(claim: Claim, index: int) -> tuple[int, ...]:
    """The lines whose diagnosis pointers name diagnosis ``index`` (0-based)."""
    return tuple(line.number for line in claim.lines if index + 1 in line.diagnosis_pointers)


def _grouped(ctx: ClaimContext, group: str) -> Iterator[tuple[int, str, Why]]:
    """(index, code, why) for each claim diagnosis in ``group``, once per diagnosis."""
    groups = ctx.patient_groups()
    if groups is None:
        return
    for index, code in enumerate(ctx.claim.diagnoses):
        for why in groups.of(code):
            if why.group == group:
                yield index, code, why
                break


class MaternityDiagnosisMalePatient(Rule):
    """
    What it checks:
    A maternity diagnosis on a claim whose patient is male (sex M): a code of the Tabular List
    chapter whose notes reserve it for maternal records (chapter 15, O00-O9A), or of a category
    that chapter's "use additional code" note names (Z3A, weeks of gestation). The chapter and
    the categories are read from the Tabular List in force on the date of service.

    Why payers deny it:
    A pregnancy diagnosis on a man is a coding or registration error; payers' claim editors
    reject the diagnosis-sex conflict, and the claim is returned until the diagnosis or the
    patient's sex is corrected. Sex U (unknown) and a claim without the patient's sex are not
    checked.

    Example:
    {"patient": {"sex": "M", "birth_date": "1991-03-02"}, "diagnoses": ["O80"]}

    Fix:
    Check the patient's sex in the registration (DMG-03 of the 837P) and the diagnosis; correct
    whichever is wrong.

    References:
    ICD-10-CM Tabular List, chapter 15 notes ("for use only on maternal records") and its
    use-additional-code note (Z3A).
    """

    id = "PAT001"
    name = "maternity-diagnosis-male-patient"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if ctx.claim.patient.sex != "M":
            return
        for index, code, why in _grouped(ctx, MATERNITY):
            shown = format_icd10cm(code)
            yield Finding(
                self.id,
                "error",
                pointing_lines(ctx.claim, index),
                f"{shown} is a maternity diagnosis and the patient is male",
                f"Correct the patient's sex or replace {shown} with the diagnosis the record "
                "supports.",
                ctx.source(TABULAR, f"{shown}: {why.cite()}"),
            )


class MaternityDiagnosisOutsideAges(Rule):
    """
    What it checks:
    A maternity diagnosis (as for PAT001: the Tabular List chapter reserved for maternal records,
    and the categories its use-additional-code note names) on a patient younger than 9 or older
    than 64 on the date of service, the ages CMS's Medicare Code Editor accepts for maternity
    diagnoses.

    Why payers deny it:
    The Medicare Code Editor's age-conflict edit treats a maternity diagnosis outside 9 to 64
    years as an error in the age or the diagnosis, and claim scrubbers apply the same edit to
    professional claims. A claim without the birth date is not checked.

    Example:
    {"patient": {"sex": "F", "birth_date": "1950-01-15"}, "diagnoses": ["O80"]} on 2026-05-04

    Fix:
    Check the patient's birth date (DMG-02 of the 837P) and the diagnosis; correct whichever is
    wrong.

    References:
    CMS Definitions of Medicare Code Edits (ICD-10 MCE), age conflict edit, maternity
    diagnoses: ages 9 through 64; ICD-10-CM Tabular List, chapter 15 notes.
    """

    id = "PAT002"
    name = "maternity-diagnosis-outside-maternity-ages"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        age = ctx.claim.patient.age_on(ctx.claim.date_of_service)
        low, high = MATERNITY_AGES
        if age is None or low <= age <= high:
            return
        for index, code, why in _grouped(ctx, MATERNITY):
            shown = format_icd10cm(code)
            yield Finding(
                self.id,
                "error",
                pointing_lines(ctx.claim, index),
                f"{shown} is a maternity diagnosis and the patient is {age} on "
                f"{ctx.claim.date_of_service}, outside the Medicare Code Editor's maternity "
                f"ages {low}-{high}",
                f"Check the patient's birth date and the diagnosis {shown}.",
                ctx.source(
                    TABULAR, f"{shown}: {why.cite()}; MCE maternity ages {low} through {high}"
                ),
            )


class NewbornDiagnosisAfterNewbornPeriod(Rule):
    """
    What it checks:
    A perinatal diagnosis (Tabular List chapter 16, P00-P96) that the classification limits to
    the newborn, on a patient more than 28 days old on the date of service. Chapter 16 includes
    conditions that begin in the perinatal period "even if morbidity occurs later", so only the
    entries the Tabular List itself confines to the newborn count: those whose title (or whose
    block's title) calls the disorder transitory (P70-P74, P76.1…), and those whose excludes
    notes send the same condition in an older patient to another code (P92 feeding problems:
    "in child over 28 days old (R63.3-)"; P38 omphalitis: "not of newborn (L08.82)"; P26;
    P96.81). The rest of the chapter is ambiguous and left out: birth trauma, prematurity and
    birth weight (P05-P08), chronic respiratory disease (P27), kernicterus and the other
    conditions that may be reported for life.

    Why payers deny it:
    A newborn-only code on an older child or adult is a coding error: the classification has
    another code for the condition at that age, and claim editors flag newborn diagnoses outside
    the newborn period. Reported as a warning, since payers differ on the age they check. A
    claim without the birth date is not checked.

    Example:
    {"patient": {"sex": "F", "birth_date": "2019-06-01"}, "diagnoses": ["P92.6"]}

    Fix:
    Use the code the Tabular List names for an older patient (R62.51 for failure to thrive in a
    child over 28 days old), or correct the birth date.

    References:
    ICD-10-CM Tabular List, chapter 16 notes (perinatal period: birth through the 28th day) and
    the excludes notes of the entry cited.
    """

    id = "PAT003"
    name = "newborn-diagnosis-after-newborn-period"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        days = ctx.claim.patient.days_old_on(ctx.claim.date_of_service)
        if days is None or days <= NEWBORN_DAYS:
            return
        for index, code, why in _grouped(ctx, NEWBORN):
            shown = format_icd10cm(code)
            yield Finding(
                self.id,
                "warning",
                pointing_lines(ctx.claim, index),
                f"{shown} is for the newborn period and the patient is {days} days old on "
                f"{ctx.claim.date_of_service}",
                f"Use the code the classification gives for an older patient instead of {shown}, "
                "or correct the birth date.",
                ctx.source(TABULAR, f"{shown}: {why.cite()}"),
            )


class DiagnosisForOtherSex(Rule):
    """
    What it checks:
    A diagnosis in a Tabular List block whose title names the genital or pelvic organs of one
    sex, on a patient of the other sex: malignant neoplasms of female (C51-C58) or male
    (C60-C63) genital organs, diseases of male genital organs (N40-N53), inflammatory diseases
    of female pelvic organs (N70-N77), noninflammatory disorders of the female genital tract
    (N80-N98). Blocks are read from the Tabular List in force. Left out as ambiguous: breast
    (C50, N60-N65: both sexes; the sex appears only in some codes' sixth character),
    congenital malformations of genital organs (Q50-Q56: one block for both sexes), and any
    code outside a one-sex block.

    Why payers deny it:
    Many payers' editors still apply the Medicare Code Editor's former sex-conflict edit,
    returning the claim until the sex or the diagnosis is corrected. CMS has deactivated that
    edit in recent MCE versions because the sex on a claim may not match the patient's anatomy
    (a transgender patient), so this is a warning; sex U and a claim without the sex are not
    checked.

    Example:
    {"patient": {"sex": "F", "birth_date": "1980-02-02"}, "diagnoses": ["N40.0"]}

    Fix:
    Check the patient's sex and the diagnosis. Where both are right (the patient's anatomy
    differs from the sex on file), document it and follow the payer's way of saying so
    (Medicare: modifier KX on a professional claim, condition code 45 on an institutional one).

    References:
    ICD-10-CM Tabular List, the block (section) titles cited; CMS Definitions of Medicare Code
    Edits, sex conflict edit.
    """

    id = "PAT004"
    name = "diagnosis-for-other-sex"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        sex = ctx.claim.patient.sex
        if sex not in ("F", "M"):
            return
        other = MALE if sex == "F" else FEMALE
        for index, code, why in _grouped(ctx, other):
            shown = format_icd10cm(code)
            yield Finding(
                self.id,
                "warning",
                pointing_lines(ctx.claim, index),
                f"{shown} is in a block for {other} patients and the patient's sex is {sex}",
                f"Check the patient's sex and the diagnosis {shown}.",
                ctx.source(TABULAR, f"{shown}: {why.cite()}"),
            )


#: Which patient facts each rule needs, for the note a claim without them gets.
NEEDS = {
    "PAT001": "sex",
    "PAT002": "birth_date",
    "PAT003": "birth_date",
    "PAT004": "sex",
}
