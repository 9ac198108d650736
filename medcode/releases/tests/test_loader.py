from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from medcode.codes.models import HcpcsCode
from medcode.importers.tests.test_hcpcs_anweb import GOOD, record, write_anweb
from medcode.releases.loader import delete_release, load_paths
from medcode.releases.models import Release


def by_status(outcomes: list) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for o in outcomes:
        result.setdefault(o.status, []).append(o.source)
    return result


@pytest.mark.django_db
def test_it_loads_data_members_of_zips_in_folders_and_skips_the_rest(tmp_path: Path) -> None:
    data = write_anweb(tmp_path, GOOD)
    nested = tmp_path / "cms" / "hcpcs"
    nested.mkdir(parents=True)
    with zipfile.ZipFile(nested / "april-2030-alpha-numeric-hcpcs-file.zip", "w") as archive:
        archive.write(data, data.name)
        archive.writestr("HCPC2030_recordlayout.txt", "CMS RIF REPORT\nlayout\n")
    (tmp_path / "cms" / "guide.pdf").write_bytes(b"%PDF-1.4 not data")
    data.unlink()

    outcomes = load_paths([tmp_path / "cms"])

    statuses = by_status(outcomes)
    assert statuses["loaded"] == [
        "april-2030-alpha-numeric-hcpcs-file.zip!HCPC2030_APR_ANWEB_03012030.txt"
    ]
    assert sorted(statuses["skipped"]) == [
        "april-2030-alpha-numeric-hcpcs-file.zip!HCPC2030_recordlayout.txt",
        "guide.pdf",
    ]
    assert HcpcsCode.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", b"hello\n", "notes.txt: not a CMS file medcode recognizes"),
        ("HCPC2030_APR_ANWEB_03012030.txt", b"", "HCPC2030_APR_ANWEB_03012030.txt: file is empty"),
        ("broken.zip", b"PK\x03\x04 not really", "broken.zip: not a readable zip archive"),
        (
            "HCPC2030_APR_ANWEB_03012030.txt",
            ("\r\n".join(GOOD)).encode("utf-16"),
            "HCPC2030_APR_ANWEB_03012030.txt, line 1: named like a HCPCS Level II",
        ),
    ],
    ids=["unrecognized", "empty", "corrupt-zip", "utf16"],
)
def test_it_names_the_file_it_cannot_load(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)

    [outcome] = load_paths([tmp_path / name])

    assert outcome.status == "failed"
    assert outcome.message.startswith(expected), outcome.message
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_a_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    [outcome] = load_paths([tmp_path / "nowhere"])

    assert outcome.status == "failed" and "nowhere: no such file or folder" in outcome.message


@pytest.mark.django_db
def test_another_file_of_a_loaded_release_is_skipped_unless_replacing(tmp_path: Path) -> None:
    load_paths([write_anweb(tmp_path, GOOD)])
    newer = tmp_path / "corrected"
    newer.mkdir()
    corrected = write_anweb(newer, [*GOOD, record("A9998", "3", "Another supply", "Another")])

    [skipped] = load_paths([corrected])
    assert skipped.status == "skipped" and "--replace" in skipped.message
    assert HcpcsCode.objects.count() == 2

    [replaced] = load_paths([corrected], replace=True)
    assert replaced.status == "loaded"
    assert HcpcsCode.objects.count() == 3
    assert Release.objects.get().source_name == corrected.name


@pytest.mark.django_db
def test_a_failed_replacement_keeps_the_release_it_would_have_replaced(tmp_path: Path) -> None:
    load_paths([write_anweb(tmp_path, GOOD)])
    before = list(HcpcsCode.objects.values_list("code", "long_description"))
    damaged_dir = tmp_path / "damaged"
    damaged_dir.mkdir()
    damaged = write_anweb(damaged_dir, [*GOOD, record("A9998", "3", "Supply", term="2030133")])

    [outcome] = load_paths([damaged], replace=True)

    assert outcome.status == "failed" and "line 5, field 'termination date'" in outcome.message
    assert list(HcpcsCode.objects.values_list("code", "long_description")) == before
    assert Release.objects.get().source_name == "HCPC2030_APR_ANWEB_03012030.txt"


@pytest.mark.django_db
def test_deleting_a_release_removes_its_rows(tmp_path: Path) -> None:
    [outcome] = load_paths([write_anweb(tmp_path, GOOD)])
    assert outcome.release is not None

    delete_release(outcome.release)

    assert not HcpcsCode.objects.exists() and not Release.objects.exists()
