"""Medicare coverage: the lab NCDs' ICD-10 code lists, and the index of LCDs and Articles.

The NCD spreadsheet lists, per NCD, two independent things side by side: the CPT/HCPCS codes
the NCD governs (a short list at the top of the NCD's block) and the ICD-10-CM codes with their
resolution (one per row). A CPT code and an ICD-10 code on the same sheet row have nothing to do
with each other, so they are stored as two lists joined on the NCD number; ``ncd_rules`` does
the join for one procedure and one diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q

from medcode.coverage.indicators import ALL_OTHER_CODES
from medcode.releases.models import ReleaseRow


class Ncd(ReleaseRow):
    """A national coverage determination named in the spreadsheet (e.g. 190.12)."""

    number = models.CharField(max_length=10)  # "190.12", "190.20A": text, never a number
    title = models.CharField(max_length=200)

    LOAD_FIELDS = ("number", "title")

    class Meta:
        indexes = [models.Index(fields=["release", "number"], name="ncd_release_number")]


class NcdProcedure(ReleaseRow):
    """A CPT/HCPCS code an NCD governs."""

    ncd_number = models.CharField(max_length=10)
    hcpcs_code = models.CharField(max_length=5)
    effective_date = models.DateField(null=True)
    termination_date = models.DateField(null=True)

    LOAD_FIELDS = ("ncd_number", "hcpcs_code", "effective_date", "termination_date")

    class Meta:
        indexes = [
            models.Index(fields=["release", "hcpcs_code"], name="ncdproc_release_hcpcs"),
            models.Index(fields=["release", "ncd_number"], name="ncdproc_release_ncd"),
        ]


class NcdDiagnosis(ReleaseRow):
    """An ICD-10-CM code on an NCD's list, with its resolution (see ``indicators``).

    ``icd10_code`` is without its dot, as in the sheet; ``@@@@@@@`` stands for every code the
    NCD does not list.
    """

    ncd_number = models.CharField(max_length=10)
    icd10_code = models.CharField(max_length=7)
    effective_date = models.DateField()
    termination_date = models.DateField(null=True)
    resolution = models.PositiveSmallIntegerField()

    LOAD_FIELDS = ("ncd_number", "icd10_code", "effective_date", "termination_date", "resolution")

    class Meta:
        indexes = [
            models.Index(
                fields=["release", "ncd_number", "icd10_code"], name="ncddiag_release_ncd_icd"
            ),
            models.Index(fields=["release", "icd10_code"], name="ncddiag_release_icd"),
        ]


class LcdDocument(ReleaseRow):
    """One version of a Local Coverage Determination or of an Article, from the MCD index."""

    display_id = models.CharField(max_length=8)  # "L36668", "A59101"
    document_id = models.IntegerField()
    document_type = models.CharField(max_length=7)  # "LCD" or "Article"
    document_version = models.IntegerField()
    # The contractor(s) and their MAC types as the MCD prints them, one per line, e.g.
    # "Noridian Healthcare Solutions, LLC\n(MAC - Part A, MAC - Part B)".
    contractor = models.TextField()
    effective_date = models.DateField()
    retirement_date = models.DateField(null=True)
    note = models.CharField(max_length=60, blank=True)  # "Retired", "Future(Notice Ends …)"
    title = models.TextField()
    updated_on = models.DateField()
    updated_on_sort = models.CharField(max_length=14)  # YYYYMMDDhhmmss of the update
    url = models.CharField(max_length=200)

    LOAD_FIELDS = (
        "display_id",
        "document_id",
        "document_type",
        "document_version",
        "contractor",
        "effective_date",
        "retirement_date",
        "note",
        "title",
        "updated_on",
        "updated_on_sort",
        "url",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "display_id"], name="lcddoc_release_display_id"),
        ]


def _in_force(on: date) -> tuple[Q, Q]:
    starts = Q(effective_date__isnull=True) | Q(effective_date__lte=on)
    ends = Q(termination_date__isnull=True) | Q(termination_date__gte=on)
    return starts, ends


@dataclass(frozen=True)
class NcdRule:
    """What one NCD says about one procedure billed with one diagnosis."""

    ncd_number: str
    hcpcs_code: str
    icd10_code: str  # the code asked about
    listed: bool  # False: the NCD does not list it, its "all other codes" line applies
    resolution: int


def ncd_rules(release_id: int, hcpcs_code: str, icd10_code: str, on: date) -> list[NcdRule]:
    """The rule of every NCD governing ``hcpcs_code`` for ``icd10_code`` on date ``on``.

    A code the NCD does not list (or no longer lists on that date) falls under the NCD's
    ``@@@@@@@`` line. An empty list means no NCD in this release governs the procedure.
    """
    icd10_code = icd10_code.replace(".", "").upper()
    numbers = list(
        NcdProcedure.objects.filter(
            *_in_force(on), release_id=release_id, hcpcs_code=hcpcs_code
        ).values_list("ncd_number", flat=True)
    )
    if not numbers:
        return []
    found: dict[str, dict[str, int]] = {}
    for number, code, resolution in NcdDiagnosis.objects.filter(
        *_in_force(on),
        release_id=release_id,
        ncd_number__in=numbers,
        icd10_code__in=[icd10_code, ALL_OTHER_CODES],
    ).values_list("ncd_number", "icd10_code", "resolution"):
        found.setdefault(number, {})[code] = resolution
    rules = []
    for number in sorted(set(numbers)):
        codes = found.get(number, {})
        if icd10_code in codes:
            rules.append(NcdRule(number, hcpcs_code, icd10_code, True, codes[icd10_code]))
        elif ALL_OTHER_CODES in codes:
            rules.append(NcdRule(number, hcpcs_code, icd10_code, False, codes[ALL_OTHER_CODES]))
    return rules
