from __future__ import annotations

import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medcode.fees.models import PfsNotice, PfsPaymentAmount
from medcode.importers import get_importer
from medcode.importers.base import Row, Source
from medcode.releases.loader import load_paths
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file

FIXTURES = Path(__file__).parent / "fixtures"
TXT = FIXTURES / "pfs_revision_PFREV26B.txt"
NOTICE = (
    "CPT CODES AND DESCRIPTIONS ONLY ARE COPYRIGHT 2026 AMERICAN MEDICAL ASSOCIATION. "
    "ALL RIGHTS RESERVED. APPLICABLE FARS/DFARS APPLY. "
    "THE FOLLOWING STATEMENT APPLIES TO ALL DENTAL CODES (HCPCS START WITH LETTER D): "
    "COPYRIGHT 2026 AMERICAN DENTAL ASSOCIATION. ALL RIGHTS RESERVED."
)


def zipped(folder: Path, zip_name: str, text: bytes | None = None) -> Path:
    """A CMS-shaped zip: the text file under its own name beside the layout PDF."""
    archive = folder / zip_name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("PFREV26B.txt", TXT.read_bytes() if text is None else text)
        z.writestr("PF26PB.pdf", b"%PDF-1.6 layout")
    return archive


def payments(rows: list[Row]) -> list[tuple[object, ...]]:
    return [v for m, v in rows if m is PfsPaymentAmount]


@pytest.mark.django_db
def test_it_loads_the_qp_and_non_qp_zips_as_two_datasets(tmp_path: Path) -> None:
    qp = zipped(tmp_path, "PFREV26B_QP.zip")
    non_qp = zipped(tmp_path, "PFREV26B_nonQP.zip")

    outcomes = load_paths([qp, non_qp])

    assert [o.status for o in outcomes] == ["loaded", "skipped", "loaded", "skipped"]
    releases = {r.dataset: r for r in Release.objects.all()}
    assert set(releases) == {"pfs_revision_qp", "pfs_revision"}
    for release in releases.values():
        assert release.version == "2026B"
        assert (release.period_start, release.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
        assert (release.rows_read, release.rows_loaded) == (5, 6)  # 5 amounts and the notice
    assert releases["pfs_revision_qp"].label.endswith("(QP)")
    assert releases["pfs_revision"].label.endswith("(non-QP)")

    row = PfsPaymentAmount.objects.get(
        release=releases["pfs_revision_qp"], hcpcs="21610", locality="09"
    )
    assert (row.year, row.carrier, row.modifier) == (2026, "01112", "")
    assert (row.nonfacility_amount, row.facility_amount) == (Decimal("1250.00"), Decimal("1210.10"))
    assert (row.pctc_indicator, row.status_code, row.multiple_surgery) == ("0", "A", "2")
    therapy = PfsPaymentAmount.objects.get(release=releases["pfs_revision"], hcpcs="97110")
    assert (therapy.therapy_nonfacility_amount, therapy.therapy_facility_amount) == (
        Decimal("22.10"),
        Decimal("19.80"),
    )
    capped = PfsPaymentAmount.objects.get(release=releases["pfs_revision"], hcpcs="70551")
    assert (capped.modifier, capped.opps_indicator, capped.opps_nonfacility_amount) == (
        "TC",
        "1",
        Decimal("300.50"),
    )
    assert (
        PfsPaymentAmount.objects.get(release=releases["pfs_revision"], hcpcs="Q4418").status_code
        == "R"
    )
    assert PfsNotice.objects.get(release=releases["pfs_revision_qp"]).text == NOTICE


@pytest.mark.django_db
def test_it_tells_qp_from_the_folder_it_was_unzipped_into(tmp_path: Path) -> None:
    folder = tmp_path / "PFREV26B_QP"
    folder.mkdir()
    shutil.copy(TXT, folder / "PFREV26B.txt")

    outcome = load_file(folder / "PFREV26B.txt", "pfs_revision")

    assert outcome.status == "loaded", outcome.message
    assert Release.objects.get().dataset == "pfs_revision_qp"


@pytest.mark.django_db
def test_it_refuses_a_text_file_that_does_not_say_qp_or_not(tmp_path: Path) -> None:
    shutil.copy(TXT, tmp_path / "PFREV26B.txt")

    outcome = load_file(tmp_path / "PFREV26B.txt", "pfs_revision")

    assert outcome.status == "failed"
    assert "cannot tell the QP file from the non-QP file" in outcome.message
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_amount(tmp_path: Path) -> None:
    text = TXT.read_bytes().replace(b'"0000030.12"', b'"00000X0.12"')
    archive = zipped(tmp_path, "PFREV26B_nonQP.zip", text)

    outcome = load_file(archive, "pfs_revision", member="PFREV26B.txt")

    assert outcome.status == "failed"
    assert "PFREV26B_nonQP.zip!PFREV26B.txt, line 3" in outcome.message
    assert "field 'Non Facility Fee Schedule Amount'" in outcome.message
    assert not Release.objects.exists() and not PfsPaymentAmount.objects.exists()
    assert not PfsNotice.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_locality(tmp_path: Path) -> None:
    text = TXT.read_bytes().replace(b'"10112","00","Q4418"', b'"10112","0A","Q4418"')
    archive = zipped(tmp_path, "PFREV26B_nonQP.zip", text)

    outcome = load_file(archive, "pfs_revision", member="PFREV26B.txt")

    assert outcome.status == "failed"
    assert "line 5, field 'Locality'" in outcome.message


@pytest.mark.django_db
def test_it_rejects_a_file_cut_off_in_a_record(tmp_path: Path) -> None:
    data = TXT.read_bytes()
    archive = zipped(
        tmp_path, "PFREV26B_QP.zip", data[: data.index(b'"2026","01112","05","70551"') + 50]
    )

    outcome = load_file(archive, "pfs_revision", member="PFREV26B.txt")

    assert outcome.status == "failed"
    assert "line 4" in outcome.message and "quoted values" in outcome.message
    assert not Release.objects.exists() and not PfsPaymentAmount.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_file_cut_off_before_its_trailer(tmp_path: Path) -> None:
    data = TXT.read_bytes()
    archive = zipped(tmp_path, "PFREV26B_QP.zip", data[: data.index(b'"TRL-')])

    outcome = load_file(archive, "pfs_revision", member="PFREV26B.txt")

    assert outcome.status == "failed"
    assert "TRL lines" in outcome.message and "truncated" in outcome.message
    assert not Release.objects.exists() and not PfsPaymentAmount.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_zip_whose_member_is_damaged(tmp_path: Path) -> None:
    archive = zipped(tmp_path, "PFREV26B_QP.zip", TXT.read_bytes() * 40)
    raw = bytearray(archive.read_bytes())
    start = raw.index(b"PFREV26B.txt") + len("PFREV26B.txt")
    raw[start + 200 : start + 400] = bytes(200)
    archive.write_bytes(bytes(raw))

    outcome = load_file(archive, "pfs_revision", member="PFREV26B.txt")

    assert outcome.status == "failed"
    assert outcome.message.startswith("PFREV26B_QP.zip!PFREV26B.txt")
    assert "decompressing" in outcome.message or "corrupt" in outcome.message
    assert not Release.objects.exists() and not PfsPaymentAmount.objects.exists()


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("zip_name", "dataset", "amount"),
    [
        ("PFREV26B_QP.zip", "pfs_revision_qp", Decimal("1344.00")),
        ("PFREV26B_nonQP.zip", "pfs_revision", Decimal("1337.33")),
    ],
)
def test_the_real_zips_hold_4033_amounts_and_the_trailer(
    zip_name: str, dataset: str, amount: Decimal
) -> None:
    source = Source(shared_file(f"pfs_rvu/pfrev26b/{zip_name}"), "PFREV26B.txt")
    rows, stats = parse_all(source, "pfs_revision")
    found = payments(rows)

    # 4,037 lines: 4,033 amounts and 4 TRL lines.
    assert len(found) == 4_033 and stats.rows_read == 4_033
    assert [v for m, v in rows if m is PfsNotice] == [(NOTICE,)]
    assert found[0] == (
        2026,
        "01112",
        "05",
        "21610",
        "",
        amount,
        amount,
        "0",
        "A",
        "2",
        Decimal("0"),
        Decimal("0"),
        "9",
        Decimal("0"),
        Decimal("0"),
    )
    assert len({v[3] for v in found}) == 37
    assert {v[3] for v in found if v[8] == "R"} == {"37215"}
    assert sum(1 for v in found if v[8] == "R") == 109
    info = get_importer("pfs_revision").release(source, source.head())
    assert (info.dataset, info.version) == (dataset, "2026B")


@pytest.mark.realdata
def test_the_real_qp_amounts_differ_from_the_non_qp_ones() -> None:
    qp, _ = parse_all(
        Source(shared_file("pfs_rvu/pfrev26b/PFREV26B_QP.zip"), "PFREV26B.txt"), "pfs_revision"
    )
    non_qp, _ = parse_all(
        Source(shared_file("pfs_rvu/pfrev26b/PFREV26B_nonQP.zip"), "PFREV26B.txt"), "pfs_revision"
    )

    keys = [v[1:5] for v in payments(qp)]
    assert keys == [v[1:5] for v in payments(non_qp)]
    # Qualifying APM participants are paid from a higher conversion factor in 2026.
    higher = [
        a
        for a, b in zip(payments(qp), payments(non_qp), strict=True)
        if Decimal(str(a[5])) > Decimal(str(b[5])) and Decimal(str(a[6])) > Decimal(str(b[6]))
    ]
    assert len(higher) == 4_033
