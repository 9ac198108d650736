"""The Medicare Physician Fee Schedule, as CMS publishes it in the RVU and revision files.

Values are kept as CMS gives them: codes as text with their leading zeros (MAC ``01112``,
locality ``05``), indicators as their one- or two-character codes (their meanings are in
``medcode.fees.indicators``), RVUs and amounts as exact decimals.
"""

from __future__ import annotations

from django.db import models

from medcode.releases.models import ReleaseRow


def _rvu() -> models.DecimalField:
    # CMS's layout allows 999.99; one more digit leaves room without changing the scale.
    return models.DecimalField(max_digits=7, decimal_places=2)


def _amount() -> models.DecimalField:
    # Payment amounts are 9(7).99 in CMS's layouts.
    return models.DecimalField(max_digits=9, decimal_places=2)


class PfsRvu(ReleaseRow):
    """One code + modifier of the national RVU file (PPRRVU): RVUs and payment policy indicators."""

    hcpcs = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    # CPT short descriptor: AMA text that comes from the user's own file, shown with its notice.
    description = models.TextField(blank=True)
    status_code = models.CharField(max_length=1)
    not_used_for_medicare_payment = models.CharField(max_length=1, blank=True)  # "+" or blank
    work_rvu = _rvu()
    nonfacility_pe_rvu = _rvu()
    nonfacility_na_indicator = models.CharField(max_length=2, blank=True)
    facility_pe_rvu = _rvu()
    facility_na_indicator = models.CharField(max_length=2, blank=True)
    mp_rvu = _rvu()
    nonfacility_total = _rvu()
    facility_total = _rvu()
    pctc_indicator = models.CharField(max_length=1)
    global_days = models.CharField(max_length=3)
    preop_share = models.DecimalField(max_digits=4, decimal_places=2)
    intraop_share = models.DecimalField(max_digits=4, decimal_places=2)
    postop_share = models.DecimalField(max_digits=4, decimal_places=2)
    multiple_procedure = models.CharField(max_length=1)
    bilateral_surgery = models.CharField(max_length=1)
    assistant_at_surgery = models.CharField(max_length=1)
    co_surgeons = models.CharField(max_length=1)
    team_surgery = models.CharField(max_length=1)
    endoscopic_base_code = models.CharField(max_length=5, blank=True)
    conversion_factor = models.DecimalField(max_digits=9, decimal_places=4)
    physician_supervision = models.CharField(max_length=2)
    calculation_flag = models.CharField(max_length=1, blank=True)
    imaging_family = models.CharField(max_length=2, blank=True)
    opps_nonfacility_pe_rvu = _rvu()
    opps_facility_pe_rvu = _rvu()
    opps_mp_rvu = _rvu()

    LOAD_FIELDS = (
        "hcpcs",
        "modifier",
        "description",
        "status_code",
        "not_used_for_medicare_payment",
        "work_rvu",
        "nonfacility_pe_rvu",
        "nonfacility_na_indicator",
        "facility_pe_rvu",
        "facility_na_indicator",
        "mp_rvu",
        "nonfacility_total",
        "facility_total",
        "pctc_indicator",
        "global_days",
        "preop_share",
        "intraop_share",
        "postop_share",
        "multiple_procedure",
        "bilateral_surgery",
        "assistant_at_surgery",
        "co_surgeons",
        "team_surgery",
        "endoscopic_base_code",
        "conversion_factor",
        "physician_supervision",
        "calculation_flag",
        "imaging_family",
        "opps_nonfacility_pe_rvu",
        "opps_facility_pe_rvu",
        "opps_mp_rvu",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "hcpcs", "modifier"], name="pfs_rvu_release_code")
        ]


class PfsNotice(ReleaseRow):
    """The copyright notice a fee schedule file carries (AMA for CPT, ADA for dental codes).

    Kept per release because the notice travels with the user's file and differs between
    files (the PPRRVU text layout says 2026 where the csv says 2024).
    """

    text = models.TextField()

    LOAD_FIELDS = ("text",)

    class Meta:
        indexes = [models.Index(fields=["release"], name="pfs_notice_release")]


class PfsGpciIndex(ReleaseRow):
    """Geographic practice cost indices of one payment locality (Addendum E)."""

    mac = models.CharField(max_length=5)
    state = models.CharField(max_length=2)
    locality = models.CharField(max_length=2)
    locality_name = models.CharField(max_length=200)
    work_gpci = models.DecimalField(max_digits=6, decimal_places=3)  # with any floor applied
    pe_gpci = models.DecimalField(max_digits=6, decimal_places=3)
    mp_gpci = models.DecimalField(max_digits=6, decimal_places=3)
    # CMS marks some names with * or **; the marks are taken off the name and the footnote
    # they point to is kept here.
    footnote = models.TextField(blank=True)

    LOAD_FIELDS = (
        "mac",
        "state",
        "locality",
        "locality_name",
        "work_gpci",
        "pe_gpci",
        "mp_gpci",
        "footnote",
    )

    class Meta:
        indexes = [models.Index(fields=["release", "mac", "locality"], name="pfs_gpci_release_loc")]


class PfsLocalityCounties(ReleaseRow):
    """Which counties make up a payment locality (the LOCCO file)."""

    mac = models.CharField(max_length=5)
    locality = models.CharField(max_length=2)
    state = models.CharField(max_length=60)  # a state name, carried down to the rows below it
    fee_schedule_area = models.CharField(max_length=200)
    counties = models.TextField(blank=True)
    footnote = models.TextField(blank=True)

    LOAD_FIELDS = ("mac", "locality", "state", "fee_schedule_area", "counties", "footnote")

    class Meta:
        indexes = [
            models.Index(fields=["release", "mac", "locality"], name="pfs_locality_release_loc")
        ]


class PfsAnesthesiaCf(ReleaseRow):
    """The anesthesia conversion factor of one payment locality."""

    contractor = models.CharField(max_length=5)
    locality = models.CharField(max_length=2)
    locality_name = models.CharField(max_length=200)
    conversion_factor = models.DecimalField(max_digits=8, decimal_places=4)
    national_conversion_factor = models.DecimalField(max_digits=8, decimal_places=4)

    LOAD_FIELDS = (
        "contractor",
        "locality",
        "locality_name",
        "conversion_factor",
        "national_conversion_factor",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "contractor", "locality"], name="pfs_anes_release_loc")
        ]


class PfsOppsCapAmount(ReleaseRow):
    """Imaging payment amounts after the OPPS cap, by code, modifier and locality."""

    hcpcs = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    status_code = models.CharField(max_length=1)
    carrier = models.CharField(max_length=5)
    locality = models.CharField(max_length=2)
    facility_price = _amount()
    nonfacility_price = _amount()

    LOAD_FIELDS = (
        "hcpcs",
        "modifier",
        "status_code",
        "carrier",
        "locality",
        "facility_price",
        "nonfacility_price",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "hcpcs", "modifier"], name="pfs_oppscap_release_code")
        ]


class PfsPaymentAmount(ReleaseRow):
    """A locality's payment amounts for one code + modifier (PFALL / PFREV payment files)."""

    year = models.IntegerField()
    carrier = models.CharField(max_length=5)
    locality = models.CharField(max_length=2)
    hcpcs = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    nonfacility_amount = _amount()
    facility_amount = _amount()
    pctc_indicator = models.CharField(max_length=1)
    status_code = models.CharField(max_length=1)
    multiple_surgery = models.CharField(max_length=1)
    # 50% therapy reduction amounts (non-institutional / institutional settings); since 2021
    # the first may instead hold a Primary Care First flat visit fee.
    therapy_nonfacility_amount = _amount()
    therapy_facility_amount = _amount()
    opps_indicator = models.CharField(max_length=1)
    opps_nonfacility_amount = _amount()
    opps_facility_amount = _amount()

    LOAD_FIELDS = (
        "year",
        "carrier",
        "locality",
        "hcpcs",
        "modifier",
        "nonfacility_amount",
        "facility_amount",
        "pctc_indicator",
        "status_code",
        "multiple_surgery",
        "therapy_nonfacility_amount",
        "therapy_facility_amount",
        "opps_indicator",
        "opps_nonfacility_amount",
        "opps_facility_amount",
    )

    class Meta:
        indexes = [
            models.Index(fields=["release", "hcpcs", "modifier"], name="pfs_payment_release_code"),
            models.Index(fields=["release", "carrier", "locality"], name="pfs_payment_release_loc"),
        ]
