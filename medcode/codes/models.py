"""HCPCS Level II codes and modifiers, as published in CMS's alpha-numeric (ANWEB) file."""

from __future__ import annotations

from django.db import models

from medcode.releases.models import ReleaseRow


class HcpcsCode(ReleaseRow):
    code = models.CharField(max_length=5)
    long_description = models.TextField()
    short_description = models.CharField(max_length=28)
    pricing_indicators = models.CharField(max_length=11, blank=True)  # up to 4, comma-separated
    multiple_pricing_indicator = models.CharField(max_length=1, blank=True)
    coverage_code = models.CharField(max_length=1, blank=True)
    asc_group = models.CharField(max_length=2, blank=True)
    asc_effective_date = models.DateField(null=True)
    opps_indicator = models.CharField(max_length=3, blank=True)
    opps_payment_indicator = models.CharField(max_length=1, blank=True)
    opps_effective_date = models.DateField(null=True)
    cim_references = models.CharField(max_length=30, blank=True)
    mcm_references = models.CharField(max_length=40, blank=True)
    statute = models.CharField(max_length=10, blank=True)
    lab_certifications = models.CharField(max_length=40, blank=True)
    cross_references = models.CharField(max_length=40, blank=True)
    processing_note = models.CharField(max_length=4, blank=True)
    betos = models.CharField(max_length=3, blank=True)
    type_of_service = models.CharField(max_length=9, blank=True)  # up to 5, comma-separated
    anesthesia_base_units = models.IntegerField(null=True)
    add_date = models.DateField(null=True)
    action_effective_date = models.DateField(null=True)
    termination_date = models.DateField(null=True)
    action_code = models.CharField(max_length=1, blank=True)

    LOAD_FIELDS = (
        "code",
        "long_description",
        "short_description",
        "pricing_indicators",
        "multiple_pricing_indicator",
        "coverage_code",
        "asc_group",
        "asc_effective_date",
        "opps_indicator",
        "opps_payment_indicator",
        "opps_effective_date",
        "cim_references",
        "mcm_references",
        "statute",
        "lab_certifications",
        "cross_references",
        "processing_note",
        "betos",
        "type_of_service",
        "anesthesia_base_units",
        "add_date",
        "action_effective_date",
        "termination_date",
        "action_code",
    )

    class Meta:
        indexes = [models.Index(fields=["release", "code"], name="hcpcs_release_code")]


class HcpcsModifier(ReleaseRow):
    """A Level II modifier (GP, KX, XU…). CPT's numeric modifiers are not in CMS's file."""

    code = models.CharField(max_length=2)
    long_description = models.TextField()
    short_description = models.CharField(max_length=28)
    pricing_indicators = models.CharField(max_length=11, blank=True)
    add_date = models.DateField(null=True)
    action_effective_date = models.DateField(null=True)
    termination_date = models.DateField(null=True)
    action_code = models.CharField(max_length=1, blank=True)

    LOAD_FIELDS = (
        "code",
        "long_description",
        "short_description",
        "pricing_indicators",
        "add_date",
        "action_effective_date",
        "termination_date",
        "action_code",
    )

    class Meta:
        indexes = [models.Index(fields=["release", "code"], name="modifier_release_code")]
