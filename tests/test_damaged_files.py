"""Damaged copies of the real CMS files: each fails with an error naming file, line and field,
and the store is left exactly as it was."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from medcode.releases.loader import Outcome, load_paths
from medcode.releases.models import Release, ReleaseRow
from medcode.testing import shared_file

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def store_fingerprint() -> dict[str, Any]:
    """Every release (with its checksum) and the row count of every data table."""
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if issubclass(model, ReleaseRow):
                cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
                counts[model._meta.label] = cursor.fetchone()[0]
    releases = sorted(Release.objects.values_list("dataset", "version", "sha256", "rows_loaded"))
    return {"releases": releases, "counts": counts}


def load_damaged(path: Path, full_load: list[Outcome], *, replace: bool = False) -> Outcome:
    """Load a damaged file; its data member must fail and the store must not change."""
    before = store_fingerprint()
    outcomes = load_paths([path], replace=replace)
    outcome = next(o for o in outcomes if o.status != "skipped")
    assert outcome.status == "failed", outcome.message
    assert all(o.status in ("failed", "skipped") for o in outcomes)
    assert store_fingerprint() == before
    return outcome


def line_of(path: Path, needle: str, encoding: str = "latin-1") -> int:
    for number, line in enumerate(path.read_text(encoding).splitlines(), start=1):
        if line.startswith(needle):
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_a_bad_rvu_value_names_file_line_and_field(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    original = shared_file("pfs_rvu/rvu25d/PPRRVU2025_Oct.csv")
    damaged = tmp_path / original.name
    text = original.read_bytes().decode("latin-1")
    line = line_of(original, "99213,")
    lines = text.split("\n")
    assert ",1.30," in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(",1.30,", ",1.3O,", 1)
    damaged.write_bytes("\n".join(lines).encode("latin-1"))

    outcome = load_damaged(damaged, full_load, replace=True)

    assert f"PPRRVU2025_Oct.csv, line {line}, field 'WORK RVU'" in outcome.message
    assert "1.3O" in outcome.message


def test_a_truncated_gzip_edit_table_fails_and_stores_nothing(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    original = shared_file("ncci_ptp/ccioph-v302r0-2024q3-outpatient.txt.gz")
    # Another version name, so it would be a new release: nothing of it may remain.
    damaged = tmp_path / "ccioph-v303r0-2024q4-outpatient.txt.gz"
    damaged.write_bytes(original.read_bytes()[:400_000])

    outcome = load_damaged(damaged, full_load)

    assert outcome.message.startswith("ccioph-v303r0-2024q4-outpatient.txt.gz, line ")
    assert "truncated" in outcome.message


def test_a_corrupt_zip_member_fails_and_keeps_the_release_it_would_replace(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    original = shared_file("hcpcs/january-2025-alpha-numeric-hcpcs-file.zip")
    damaged = tmp_path / original.name
    data = bytearray(original.read_bytes())
    with zipfile.ZipFile(original) as archive:
        info = archive.getinfo("HCPC2025_JAN_ANWEB_12172024.txt")
    middle = info.header_offset + 100 + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    damaged.write_bytes(bytes(data))

    outcome = load_damaged(damaged, full_load, replace=True)

    assert (
        "january-2025-alpha-numeric-hcpcs-file.zip!HCPC2025_JAN_ANWEB_12172024.txt"
        in outcome.message
    )


def test_a_truncated_fixed_width_record_names_its_line(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    with zipfile.ZipFile(shared_file("hcpcs/january-2025-alpha-numeric-hcpcs-file.zip")) as archive:
        data = archive.read("HCPC2025_JAN_ANWEB_12172024.txt")
    cut = data[: 322 * 5000 + 150]  # records are 320 characters plus CR LF: cut inside 5,001
    damaged = tmp_path / "HCPC2025_JAN_ANWEB_12172024.txt"
    damaged.write_bytes(cut)

    outcome = load_damaged(damaged, full_load, replace=True)

    assert "HCPC2025_JAN_ANWEB_12172024.txt, line 5001" in outcome.message
    assert "characters long" in outcome.message


def test_an_empty_file_with_a_cms_name_is_an_error(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    damaged = tmp_path / "GPCI2025.csv"
    damaged.write_bytes(b"")

    outcome = load_damaged(damaged, full_load)

    assert outcome.message == "GPCI2025.csv: file is empty"


def test_a_wrongly_encoded_copy_is_an_error(tmp_path: Path, full_load: list[Outcome]) -> None:
    original = shared_file("pfs_rvu/rvu25d/GPCI2025.csv")
    damaged = tmp_path / original.name
    damaged.write_bytes(original.read_bytes().decode("latin-1").encode("utf-16"))

    outcome = load_damaged(damaged, full_load, replace=True)

    assert outcome.message.startswith("GPCI2025.csv")


def test_a_truncated_xml_tabular_names_its_line(tmp_path: Path, full_load: list[Outcome]) -> None:
    original = shared_file("icd10cm/icd10cm-tabular-April-1-2026.xml")
    damaged = tmp_path / "icd10cm-tabular-April-1-2027.xml"
    damaged.write_bytes(original.read_bytes()[:3_000_000])

    outcome = load_damaged(damaged, full_load)

    assert outcome.message.startswith("icd10cm-tabular-April-1-2027.xml, line ")


def test_an_unrecognized_file_is_named(tmp_path: Path, full_load: list[Outcome]) -> None:
    damaged = tmp_path / "claims-export.csv"
    damaged.write_text("patient,code\n1,97110\n")

    outcome = load_damaged(damaged, full_load)

    assert outcome.message == "claims-export.csv: not a CMS file medcode recognizes"


def test_a_gzip_that_is_not_gzip_is_an_error(tmp_path: Path, full_load: list[Outcome]) -> None:
    damaged = tmp_path / "ccipra-v303r0-2024q4-practitioner.txt.gz"
    with gzip.open(shared_file("ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz")) as f:
        head = f.read(10_000)
    damaged.write_bytes(head)  # plain text wearing a .gz name

    outcome = load_damaged(damaged, full_load)

    assert outcome.message.startswith("ccipra-v303r0-2024q4-practitioner.txt.gz")


def test_a_copy_of_a_loaded_file_under_another_name_changes_nothing(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    copy = tmp_path / "copy.zip"
    shutil.copy(
        shared_file("icd10pcs/2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip"), copy
    )
    before = store_fingerprint()

    outcomes = load_paths([copy])

    assert {o.status for o in outcomes} <= {"unchanged", "skipped"}
    assert store_fingerprint() == before
