"""Everything in ../shared/cms loads, with the exact counts SOURCES.md gives, and loading it all
again changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count

from medcode.codes.models import HcpcsCode, HcpcsModifier
from medcode.edits.models import AddOnCodeEdit, MueEdit, PtpEdit
from medcode.fees.models import PfsGpciIndex, PfsRvu
from medcode.icd10.models import Icd10CmCode, Icd10CmTabularEntry, Icd10PcsCode
from medcode.releases.loader import Outcome, load_paths
from medcode.releases.models import Release
from medcode.testing import SHARED_CMS

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def release(dataset: str, version: str | None = None) -> Release:
    query = Release.objects.filter(dataset=dataset)
    if version:
        query = query.filter(version=version)
    return query.get()


def test_every_file_in_shared_loads_or_is_skipped_for_a_reason(full_load: list[Outcome]) -> None:
    failed = [o.message for o in full_load if o.status == "failed"]
    assert failed == []
    loaded = {
        (o.release.dataset, o.release.version)
        for o in full_load
        if o.status == "loaded" and o.release
    }
    assert loaded == {
        ("hcpcs", "2025-JAN"),
        ("icd10cm", "FY2025"),
        ("icd10cm", "FY2026"),
        ("icd10cm_tabular", "2026-04"),
        ("icd10pcs", "FY2026"),
        ("pfs_rvu", "RVU25D"),
        ("pfs_gpci", "2025"),
        ("pfs_locality", "2025"),
        ("pfs_anesthesia", "2025"),
        ("pfs_oppscap", "RVU25D"),
        ("pfs_revision", "2026B"),
        ("pfs_revision_qp", "2026B"),
        ("ncci_ptp_practitioner", "v302r0"),
        ("ncci_ptp_outpatient", "v302r0"),
        ("ncci_mue_practitioner", "2026-04-01"),
        ("ncci_mue_outpatient", "2026-04-01"),
        ("ncci_mue_dme", "2026-04-01"),
        ("ncci_aoc", "2026Q2"),
        ("ncd_icd10", "CR2026100"),
        ("lcd_index", "2025-08-08"),
    }
    # The other forms of a release already loaded (PPRRVU txt and xlsx, GPCI txt...) are skipped.
    skipped = {
        o.source for o in full_load if o.status == "skipped" and "already loaded" in o.message
    }
    assert "PPRRVU2025_Oct.xlsx" in skipped and "PPRRVU2025_Oct.txt" in skipped
    assert "MCR_MUE_PractitionerServices_Eff_04-01-2026.xlsx" in skipped


def test_each_release_records_its_file_checksum_and_counts(full_load: list[Outcome]) -> None:
    hcpcs = release("hcpcs")
    assert (
        hcpcs.source_name
        == "january-2025-alpha-numeric-hcpcs-file.zip!HCPC2025_JAN_ANWEB_12172024.txt"
    )
    assert (hcpcs.rows_read, hcpcs.rows_loaded, hcpcs.rows_rejected) == (8642, 8642, 0)
    gpci = release("pfs_gpci")
    assert gpci.sha256 == "fc106f49547d0821db8fc33eee4f532d4a90e41110976659f80ac9e3a438f26e"
    assert all(r.loaded_at and r.load_seconds > 0 for r in Release.objects.all())


def test_the_counts_match_the_cms_files(full_load: list[Outcome]) -> None:
    hcpcs = release("hcpcs")
    assert HcpcsCode.objects.filter(release=hcpcs).count() == 8259
    assert HcpcsModifier.objects.filter(release=hcpcs).count() == 383
    fy2026, fy2025 = release("icd10cm", "FY2026"), release("icd10cm", "FY2025")
    assert Icd10CmCode.objects.filter(release=fy2026).count() == 98186
    assert Icd10CmCode.objects.filter(release=fy2026, billable=True).count() == 74719
    assert Icd10CmCode.objects.filter(release=fy2025, billable=True).count() == 74260
    assert Icd10PcsCode.objects.filter(release=release("icd10pcs"), valid=True).count() == 79115
    assert Icd10CmTabularEntry.objects.filter(kind="diag").count() == 46881
    assert Icd10CmTabularEntry.objects.filter(kind="chapter").count() == 22
    assert PfsRvu.objects.filter(release=release("pfs_rvu")).count() == 19090
    assert PfsGpciIndex.objects.filter(release=release("pfs_gpci")).count() == 109
    assert PtpEdit.objects.filter(release=release("ncci_ptp_practitioner")).count() == 2546017
    assert PtpEdit.objects.filter(release=release("ncci_ptp_outpatient")).count() == 1775818
    assert MueEdit.objects.filter(release=release("ncci_mue_practitioner")).count() == 15095
    assert MueEdit.objects.filter(release=release("ncci_mue_outpatient")).count() == 15045
    assert MueEdit.objects.filter(release=release("ncci_mue_dme")).count() == 3083
    assert AddOnCodeEdit.objects.count() == 9000


def test_indicator_distributions_match_the_cms_files(full_load: list[Outcome]) -> None:
    practitioner = release("ncci_ptp_practitioner")
    by_modifier = dict(
        PtpEdit.objects.filter(release=practitioner)
        .values_list("modifier_indicator")
        .annotate(n=Count("id"))
    )
    assert by_modifier == {"0": 739553, "1": 1707611, "9": 98853}
    active = PtpEdit.objects.filter(release=practitioner, deletion_date__isnull=True).count()
    assert active == 1669820
    mai = dict(
        MueEdit.objects.filter(release=release("ncci_mue_practitioner"))
        .values_list("adjudication_indicator")
        .annotate(n=Count("id"))
    )
    assert mai == {"1": 41, "2": 5417, "3": 9637}
    aoc_types = dict(AddOnCodeEdit.objects.values_list("edit_type").annotate(n=Count("id")))
    assert aoc_types == {"1": 8293, "2": 47, "3": 660}


def test_values_match_the_cms_files_row_by_row(full_load: list[Outcome]) -> None:
    g0283 = HcpcsCode.objects.get(code="G0283")
    assert g0283.long_description.startswith("Electrical stimulation (unattended), to one or more")
    assert g0283.long_description.endswith("as part of a therapy plan of care")
    e99213 = PfsRvu.objects.get(hcpcs="99213", modifier="")
    assert (e99213.status_code, e99213.global_days, e99213.pctc_indicator) == ("A", "XXX", "0")
    assert [
        Decimal(str(v)).quantize(Decimal("0.01"))
        for v in (
            e99213.work_rvu,
            e99213.nonfacility_pe_rvu,
            e99213.facility_pe_rvu,
            e99213.mp_rvu,
            e99213.nonfacility_total,
            e99213.facility_total,
        )
    ] == [Decimal(x) for x in ("1.30", "1.35", "0.57", "0.10", "2.75", "1.97")]
    assert Decimal(str(e99213.conversion_factor)) == Decimal("32.3465")
    mue = MueEdit.objects.get(release=release("ncci_mue_practitioner"), code="G0283")
    assert (mue.value, mue.adjudication_indicator) == (1, "3")
    edit = PtpEdit.objects.get(
        release=release("ncci_ptp_practitioner"), column1="G0283", column2="97032"
    )
    assert (edit.deletion_date, edit.modifier_indicator) == (None, "1")
    assert (
        PtpEdit.objects.filter(column1="G0283", release=release("ncci_ptp_practitioner")).count()
        == 12
    )


def test_loading_everything_again_changes_nothing(full_load: list[Outcome]) -> None:
    before = sorted(
        Release.objects.values_list("dataset", "version", "sha256", "rows_loaded", "loaded_at")
    )

    again = load_paths([SHARED_CMS])

    assert {o.status for o in again} <= {"unchanged", "skipped"}
    assert (
        sorted(
            Release.objects.values_list("dataset", "version", "sha256", "rows_loaded", "loaded_at")
        )
        == before
    )
