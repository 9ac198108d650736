"""The typed answer about a code (``GET /api/v1/codes/<code>``, ``medcode code --json``).

``medcode.codes.lookup`` builds the answer from each app's facts; these classes say what it
holds, field by field, so the OpenAPI document (/api/v1/docs) shows all of it and the code page
can read it as objects. A field that only some systems have defaults to None and is left out
of the JSON when the answer has no such key (the endpoint answers with ``exclude_unset``), so
the JSON is the look-up's dict. Sections a plan gates (``accounts.metering.GATED_FIELDS``) may
instead be a ``Locked`` marker.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from medcode.releases.schemas import ReleaseSource


class Coded(Schema):
    """A code of a CMS indicator column and what it means."""

    code: str
    meaning: str | None


class Locked(Schema):
    """Stands for a section the reader's plan does not show (docs/accounts.md)."""

    locked: bool
    section: str
    plan: str | None
    message: str


# --- HCPCS Level II ----------------------------------------------------------------------


class HcpcsFacts(Schema):
    """The HCPCS Level II file's columns for a code."""

    action_code: Coded | None
    action_effective_date: str | None
    coverage: Coded | None
    pricing_indicators: list[Coded | None]
    multiple_pricing_indicator: str | None
    betos: str | None
    type_of_service: list[str]
    cross_references: list[str]
    asc_group: str | None
    opps_status_indicator: str | None
    source: ReleaseSource


# --- ICD-10-CM Tabular List -------------------------------------------------------------


class VisualCategory(Schema):
    """A row of H54's table of visual acuity: the category and its ranges."""

    category: str | None
    ranges: list[dict[str, str]] = Field(description="heading, max, min (those the row has)")


class TabularNotes(Schema):
    """Instructional notes of a Tabular List level, named as the XML elements are (camelCase)."""

    inclusionTerm: list[str] | None = None
    includes: list[str] | None = None
    excludes1: list[str] | None = None
    excludes2: list[str] | None = None
    codeFirst: list[str] | None = None
    useAdditionalCode: list[str] | None = None
    codeAlso: list[str] | None = None
    notes: list[str] | None = None
    sevenChrNote: list[str] | None = None
    sevenChrDef: dict[str, str] | None = None
    sevenChrDefNotes: dict[str, list[str]] | None = None
    visualImpairment: list[VisualCategory] | None = None


class SeventhCharacter(Schema):
    character: str
    meaning: str
    defined_at: str = Field(description="the level of the Tabular List that defines it")


class Tabular(Schema):
    """The code's own Tabular List entry (title and notes) and its 7th character."""

    title: str | None
    notes: TabularNotes
    source: ReleaseSource
    seventh_character: SeventhCharacter | None = None


class TabularLevel(Schema):
    """A level above the code: chapter, section, category or subcategory."""

    code: str
    kind: str
    title: str
    notes: TabularNotes


# --- Physician Fee Schedule --------------------------------------------------------------


class FeeRow(Schema):
    """One RVU row of the code (global, 26 or TC) with its indicators and their meanings."""

    modifier: str | None
    work_rvu: float | None
    non_facility_pe_rvu: float | None
    facility_pe_rvu: float | None
    mp_rvu: float | None
    non_facility_total: float | None
    facility_total: float | None
    national_non_facility_amount: float | None
    national_facility_amount: float | None
    not_used_for_medicare_payment: str | None
    pctc_indicator: str | None
    pctc_indicator_meaning: str | None = None
    global_days: str | None
    global_days_meaning: str | None = None
    multiple_procedure: str | None
    multiple_procedure_meaning: str | None = None
    bilateral_surgery: str | None
    bilateral_surgery_meaning: str | None = None
    assistant_at_surgery: str | None
    assistant_at_surgery_meaning: str | None = None
    co_surgeons: str | None
    co_surgeons_meaning: str | None = None
    team_surgery: str | None
    team_surgery_meaning: str | None = None
    physician_supervision: str | None
    physician_supervision_meaning: str | None = None
    nonfacility_na_indicator: str | None
    nonfacility_na_indicator_meaning: str | None = None
    facility_na_indicator: str | None
    facility_na_indicator_meaning: str | None = None


class Fees(Schema):
    """The code in the Physician Fee Schedule release in force."""

    status: Coded
    conversion_factor: float | None
    rows: list[FeeRow]
    source: ReleaseSource


class LocalityAmount(Schema):
    modifier: str | None
    non_facility_amount: float
    facility_amount: float


class SelectedLocality(Schema):
    """The locality asked for (``?locality=``) with its GPCIs and every row's amounts."""

    locality: str
    mac: str
    state: str
    name: str
    work_gpci: float
    pe_gpci: float
    mp_gpci: float
    amounts: list[LocalityAmount]


class LocalityFees(Schema):
    """GPCI-adjusted amounts in the locality asked for."""

    priced_by_fee_schedule: bool
    status_code: str
    formula: str
    selected: SelectedLocality | None
    sources: list[ReleaseSource]


# --- NCCI edits ----------------------------------------------------------------------------


class MueLimit(Schema):
    value: int
    adjudication_indicator: int
    adjudication_meaning: str | None
    adjudication_text: str
    rationale: str
    source: ReleaseSource


class Mue(Schema):
    """Medically unlikely edits by setting; null where the release in force has no edit."""

    practitioner: MueLimit | None = None
    outpatient_hospital: MueLimit | None = None
    dme: MueLimit | None = None


class PtpCounts(Schema):
    as_column1: int
    as_column2: int
    sources: list[ReleaseSource]
    note: str | None


class Ptp(Schema):
    """How many procedure-to-procedure edits in force name the code, by setting and column."""

    practitioner: PtpCounts | None = None
    outpatient_hospital: PtpCounts | None = None


class AddOn(Schema):
    is_add_on: bool
    edit_types: list[int]
    edit_type_meanings: list[str | None]
    primary_codes: int = Field(description="edits naming the code as the add-on code")
    add_on_codes: int = Field(description="edits naming the code as a primary code")
    source: ReleaseSource


# --- coverage, modifiers, listings, content, history ---------------------------------------


class NcdEntry(Schema):
    """An NCD listing the code: for a procedure with its diagnosis count, for a diagnosis
    with how the NCD resolves it."""

    ncd: str
    title: str
    diagnosis_codes: int | None = None
    resolution: int | None = None
    resolution_meaning: str | None = None


class Coverage(Schema):
    ncds: list[NcdEntry]
    source: ReleaseSource


class ModifierCondition(Schema):
    id: str
    when: str


class ModifierAdvice(Schema):
    modifier: str
    condition: str
    why: str
    hcpcs_description: str | None


class Modifiers(Schema):
    """The modifiers that may apply to the code, each with the condition that calls for it."""

    conditions: list[ModifierCondition]
    modifiers: list[ModifierAdvice]


class Listing(Schema):
    """A loaded release of a procedure-code dataset: whether it lists the code."""

    dataset: str
    version: str
    label: str
    in_force: bool
    lists_code: bool


class PlainLanguage(Schema):
    """Our own description of the code (content/descriptions)."""

    code: str
    system: str
    title: str
    updated: str
    see_also: list[str]
    body_markdown: str


class CodeRef(Schema):
    code: str
    system: str


class CrosswalkSource(Schema):
    document: str
    section: str
    url: str
    date: str
    checked: str


class Crosswalk(Schema):
    """A payer's replacement of one code by another (97014 -> G0283 for Medicare)."""

    id: str
    direction: str
    from_: CodeRef = Field(alias="from")
    to: CodeRef
    payer: str
    purpose: str
    note: str
    sources: list[CrosswalkSource]


class HistoryEvent(Schema):
    date: str
    kind: str
    text: str
    dataset: str
    release: str


class History(Schema):
    """What the loaded releases say happened to the code, and which releases were read."""

    events: list[HistoryEvent]
    releases_checked: list[ReleaseSource]


# --- the answer ----------------------------------------------------------------------------


class CodeAnswer(Schema):
    """Everything the store knows about a code on a date of service, each part citing its
    release. Which parts are present depends on the system (HCPCS and CPT codes have fees and
    edits, ICD-10-CM codes a Tabular List entry)."""

    code: str
    system: str = Field(description="HCPCS, CPT, ICD-10-CM, ICD-10-PCS or MODIFIER")
    short_description: str | None
    long_description: str | None
    descriptor_notice: str | None = None
    effective_date: str | None
    termination_date: str | None
    status: str
    hcpcs: HcpcsFacts | None = None
    billable: bool | None = Field(None, description="ICD-10-CM: may be reported")
    valid: bool | None = Field(None, description="ICD-10-PCS: valid for submission")
    releases_listing_code: list[str] | None = None
    releases_not_listing_code: list[str] | None = None
    tabular: Tabular | None = None
    hierarchy: list[TabularLevel] | None = None
    other_systems: list[str] = Field(description="other systems the same text is a code of")
    fees: Fees | Locked | None = None
    mue: Mue | Locked | None = None
    ptp: Ptp | Locked | None = None
    add_on: AddOn | Locked | None = None
    coverage: Coverage | Locked | None = None
    modifiers: Modifiers | Locked | None = None
    listed_by: list[Listing] | None = None
    locality_fees: LocalityFees | Locked | None = None
    plain_language: PlainLanguage | None
    also_known_as: list[str] = Field(
        description="CPT: medcode's own index terms for the code (common names, eponyms, "
        "abbreviations), written by us; empty for other systems"
    )
    crosswalks: list[Crosswalk] | Locked
    history: History | Locked
    as_of: str
    sources: list[ReleaseSource]
    notes: list[str]


def parsed(answer: dict[str, Any]) -> CodeAnswer:
    """The look-up's dict as a CodeAnswer (what the code page reads)."""
    return CodeAnswer.model_validate(answer)
