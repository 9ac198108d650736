"""``medcode data fetch``: the download catalog, and downloads through a loopback CMS mirror.

The mirror (``mirror.py``) serves the real CMS files from ../shared/cms at CMS's URL paths, so
these tests download the same bytes CMS serves, without the network. Expected checksums are
read from ../shared/cms/SOURCES.md, not from the catalog under test.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from medcode.releases.catalog import CATALOG, CatalogEntry, UnknownRelease, catalog_entries
from medcode.releases.fetch import fetch, mirror_url
from medcode.releases.tests.mirror import (
    STAGED_FILES,
    Mirror,
    staged_routes,
    url_path,
    zip_files,
)
from medcode.testing import shared_file

HCPCS = "hcpcs-2025-jan"
HCPCS_PATH = "/files/zip/january-2025-alpha-numeric-hcpcs-file.zip"
HCPCS_FILE = "january-2025-alpha-numeric-hcpcs-file.zip"
HCPCS_SIZE = 2_408_475  # SOURCES.md, section 1
MUE = "mue-2026q2-practitioner"
MUE_PATH = "/files/zip/medicare-ncci-2026-q2-practitioner-services-mue-table.zip"
MUE_FILE = "medicare-ncci-2026-q2-practitioner-services-mue-table.zip"


def sources_sha256() -> dict[str, str]:
    """File name -> sha256, from the checksum lists in ../shared/cms/SOURCES.md."""
    text = shared_file("SOURCES.md").read_text()
    found = re.finditer(r"^([0-9a-f]{64})  (\S+)$", text, re.MULTILINE)
    return {m[2].rsplit("/", 1)[-1]: m[1] for m in found}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "served"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """CMS URL path -> file, for the releases most tests fetch (zipped once per module)."""
    return staged_routes([HCPCS, MUE], tmp_path_factory.mktemp("served"))


@pytest.fixture
def mirror(served: dict[str, Path]) -> Iterator[Mirror]:
    with Mirror(served) as server:
        yield server


# --- the catalog -------------------------------------------------------------------------


def test_the_catalog_lists_every_staged_release() -> None:
    ids = [entry.release_id for entry in CATALOG]
    assert len(ids) == len(set(ids))
    assert len({entry.filename for entry in CATALOG}) == len(CATALOG)
    expected = {
        "hcpcs-2025-jan",
        "icd10cm-fy2025",
        "icd10cm-fy2026",
        "icd10cm-tabular-2026-apr",
        "icd10pcs-fy2026",
        "rvu25d",
        "pfrev26b",
        "mue-2026q2-practitioner",
        "mue-2026q2-outpatient",
        "mue-2026q2-dme",
        "aoc-2026q2",
        "ncd-2026100",
        *(f"ptp-v302r0-{s}-f{n}" for s in ("practitioner", "outpatient") for n in range(1, 5)),
    }
    assert expected <= set(ids)


def test_every_catalog_address_is_https_on_cms_or_the_cdc() -> None:
    for entry in CATALOG:
        parts = urlsplit(entry.url)
        assert parts.scheme == "https", entry.release_id
        assert parts.path.rsplit("/", 1)[-1] == entry.filename
        if parts.hostname == "www.cms.gov":
            assert parts.path.startswith("/files/zip/"), entry.url
        else:
            # The one non-CMS source: CDC/NCHS publishes the ICD-10-CM XML tabular list.
            assert parts.hostname == "ftp.cdc.gov", entry.url
            assert entry.release_id == "icd10cm-tabular-2026-apr"


def test_the_catalog_pins_the_bytes_listed_in_sources_md() -> None:
    sources = sources_sha256()
    pinned = {e.release_id for e in CATALOG if e.sha256}
    assert pinned == set(STAGED_FILES)
    for entry in CATALOG:
        if entry.sha256:
            assert entry.sha256 == sources[entry.filename], entry.release_id
            assert entry.size == shared_file(STAGED_FILES[entry.release_id]).stat().st_size
        for member in entry.members:
            assert member.sha256 == sources[member.name], (entry.release_id, member.name)


def test_it_expands_a_group_and_ignores_case_in_release_ids() -> None:
    assert [e.release_id for e in catalog_entries(["MUE-2026Q2", "hcpcs-2025-jan"])] == [
        "mue-2026q2-practitioner",
        "mue-2026q2-outpatient",
        "mue-2026q2-dme",
        "hcpcs-2025-jan",
    ]
    assert len(catalog_entries(None)) == len(CATALOG)


def test_it_rejects_an_unknown_release_id_listing_the_known_ones(
    mirror: Mirror, cache: Path
) -> None:
    with pytest.raises(UnknownRelease) as caught:
        fetch([HCPCS, "hcpcs-2031-jan"], cache, mirror.url)
    message = str(caught.value)
    assert "unknown release id: hcpcs-2031-jan" in message
    assert "hcpcs-2025-jan" in message and "rvu25d" in message and "mue-2026q2" in message
    assert mirror.requests == []
    assert not cache.exists()


# --- downloading -------------------------------------------------------------------------


def test_it_fetches_byte_identical_files_through_a_mirror(workdir: Path, cache: Path) -> None:
    ids = ["hcpcs-2025-jan", "icd10cm-fy2025", "icd10cm-fy2026", "icd10pcs-fy2026"]
    sources = sources_sha256()
    with Mirror(staged_routes(ids, workdir)) as server:
        results = fetch(ids, cache, server.url)
        assert [r.status for r in results] == ["downloaded"] * 4, [r.message for r in results]
        assert [r.path for r in server.requests] == [
            "/files/zip/january-2025-alpha-numeric-hcpcs-file.zip",
            "/files/zip/2025-code-descriptions-tabular-order.zip",
            "/files/zip/2026-code-descriptions-tabular-order.zip",
            "/files/zip/2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
        ]
    for result in results:
        assert result.path is not None and result.path.parent == cache
        assert sha256(result.path) == sources[result.path.name]
        assert result.load_paths == [result.path]
        assert result.bytes_downloaded == result.path.stat().st_size
    assert results[0].bytes_downloaded == HCPCS_SIZE
    assert sorted(p.name for p in cache.iterdir()) == sorted(r.path.name for r in results if r.path)


def test_it_resumes_an_interrupted_download_with_a_range_request(
    mirror: Mirror, cache: Path
) -> None:
    mirror.drop_after(HCPCS_PATH, 1_000_000)
    first = fetch([HCPCS], cache, mirror.url, retries=0)[0]
    assert first.status == "failed"
    assert first.message.startswith(f"{HCPCS}: {mirror.url}{HCPCS_PATH}: download interrupted")
    assert "after 1,000,000 of 2,408,475 bytes" in first.message
    assert (cache / f"{HCPCS_FILE}.part").stat().st_size == 1_000_000
    assert not (cache / HCPCS_FILE).exists()

    second = fetch([HCPCS], cache, mirror.url, retries=0)[0]
    assert second.status == "downloaded", second.message
    assert second.resumed
    assert second.bytes_downloaded == HCPCS_SIZE - 1_000_000
    seen = mirror.seen(HCPCS_PATH)
    assert [(s.range, s.status) for s in seen] == [(None, 200), ("bytes=1000000-", 206)]
    assert seen[1].body_bytes == HCPCS_SIZE - 1_000_000 < seen[0].body_bytes + HCPCS_SIZE
    assert seen[1].body_bytes < HCPCS_SIZE
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]
    assert not (cache / f"{HCPCS_FILE}.part").exists()


def test_it_resumes_within_one_fetch_when_the_connection_keeps_dropping(
    mirror: Mirror, cache: Path
) -> None:
    mirror.drop_after(HCPCS_PATH, 700_000, times=2)
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "downloaded", result.message
    assert "resumed" in result.message
    ranges = [s.range for s in mirror.seen(HCPCS_PATH)]
    assert ranges == [None, "bytes=700000-", "bytes=1400000-"]
    assert sum(s.body_bytes for s in mirror.seen(HCPCS_PATH)) == HCPCS_SIZE
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]


def test_it_starts_over_when_the_server_ignores_range(mirror: Mirror, cache: Path) -> None:
    mirror.drop_after(HCPCS_PATH, 500_000)
    assert fetch([HCPCS], cache, mirror.url, retries=0)[0].status == "failed"
    mirror.ignore_range = True
    result = fetch([HCPCS], cache, mirror.url, retries=0)[0]
    assert result.status == "downloaded", result.message
    assert not result.resumed
    second = mirror.seen(HCPCS_PATH)[1]
    assert (second.range, second.status, second.body_bytes) == ("bytes=500000-", 200, HCPCS_SIZE)
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]


def test_it_completes_a_part_file_that_is_already_whole(mirror: Mirror, cache: Path) -> None:
    cache.mkdir()
    shutil.copyfile(shared_file(STAGED_FILES[HCPCS]), cache / f"{HCPCS_FILE}.part")
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "downloaded", result.message
    assert result.bytes_downloaded == 0
    assert [(s.range, s.status) for s in mirror.seen(HCPCS_PATH)] == [("bytes=2408475-", 416)]
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]


def test_a_second_fetch_downloads_nothing(mirror: Mirror, cache: Path) -> None:
    first = fetch([HCPCS, MUE], cache, mirror.url)
    assert [r.status for r in first] == ["downloaded", "downloaded"], [r.message for r in first]
    requests_before = len(mirror.requests)
    second = fetch([HCPCS, MUE], cache, mirror.url)
    assert [r.status for r in second] == ["cached", "cached"]
    assert [r.bytes_downloaded for r in second] == [0, 0]
    assert [r.load_paths for r in second] == [r.load_paths for r in first]
    assert len(mirror.requests) == requests_before


def test_it_downloads_again_when_the_cached_file_is_damaged(mirror: Mirror, cache: Path) -> None:
    cache.mkdir()
    (cache / HCPCS_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "downloaded", result.message
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]


def test_it_rejects_a_corrupted_body_and_leaves_no_file_in_the_cache(
    mirror: Mirror, cache: Path
) -> None:
    mirror.corrupt.add(HCPCS_PATH)
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "failed"
    assert result.message.startswith(f"{HCPCS}: {mirror.url}{HCPCS_PATH}: ")
    assert "rejected and not kept: its sha256 is" in result.message
    assert sources_sha256()[HCPCS_FILE] in result.message
    assert result.path is None and result.load_paths == []
    assert list(cache.iterdir()) == []


def test_a_bad_download_never_replaces_a_good_cached_file(mirror: Mirror, cache: Path) -> None:
    good = fetch([MUE], cache, mirror.url)[0]
    assert good.status == "downloaded", good.message
    good_bytes = (cache / MUE_FILE).read_bytes()
    mirror.corrupt.add(MUE_PATH)
    again = fetch([MUE], cache, mirror.url, refresh=True)[0]
    assert again.status == "failed"
    assert "rejected and not kept" in again.message
    assert (cache / MUE_FILE).read_bytes() == good_bytes
    assert sorted(p.name for p in cache.iterdir()) == [MUE_FILE]


def test_it_checks_pinned_members_of_a_zip_whose_own_bytes_are_not_pinned(
    mirror: Mirror, workdir: Path, cache: Path
) -> None:
    impostor = workdir / "impostor"
    impostor.mkdir()
    wrong = impostor / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
    wrong.write_bytes(b"HCPCS,MUE\r\nG0283,9\r\n")
    real_xlsx = shared_file("ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.xlsx")
    mirror.routes[MUE_PATH] = zip_files(impostor / MUE_FILE, [wrong, real_xlsx])
    result = fetch([MUE], cache, mirror.url)[0]
    assert result.status == "failed"
    assert (
        "member MCR_MUE_PractitionerServices_Eff_04-01-2026.csv has sha256 "
        f"{hashlib.sha256(wrong.read_bytes()).hexdigest()}" in result.message
    )
    assert list(cache.iterdir()) == []


def test_it_accepts_cms_zips_whose_members_match_the_catalog(workdir: Path, cache: Path) -> None:
    ids = ["mue-2026q2-practitioner", "mue-2026q2-outpatient", "mue-2026q2-dme"]
    with Mirror(staged_routes(ids, workdir)) as server:
        results = fetch(["mue-2026q2"], cache, server.url)
    assert [(r.release_id, r.status) for r in results] == [(i, "downloaded") for i in ids]
    assert all("zip verified" in r.message for r in results)


def test_it_unpacks_nested_archives_for_the_loader(workdir: Path, cache: Path) -> None:
    sources = sources_sha256()
    with Mirror(staged_routes(["pfrev26b"], workdir)) as server:
        result = fetch(["pfrev26b"], cache, server.url)[0]
        again = fetch(["pfrev26b"], cache, server.url)[0]
    assert result.status == "downloaded", result.message
    folder = cache / "pfrev26b-updated-03-10-2026"
    assert result.load_paths == [folder / "PFREV26B_QP.zip", folder / "PFREV26B_nonQP.zip"]
    for path in result.load_paths:
        assert sha256(path) == sources[path.name]
    assert again.status == "cached"
    assert again.load_paths == result.load_paths


def test_it_rejects_a_damaged_zip_even_when_nothing_in_it_is_pinned(
    mirror: Mirror, workdir: Path, cache: Path
) -> None:
    # The CDC XML zip has no pinned bytes: only the zip's own CRCs can catch damage.
    entry = catalog_entries(["icd10cm-tabular-2026-apr"])[0]
    xml = workdir / "icd10cm-tabular-test.xml"
    xml.write_text("".join(f"<diag><name>A{n:05d}</name></diag>\n" for n in range(20_000)))
    mirror.routes[url_path(entry)] = zip_files(workdir / entry.filename, [xml])
    mirror.corrupt.add(url_path(entry))
    result = fetch([entry.release_id], cache, mirror.url)[0]
    assert result.status == "failed"
    assert "rejected and not kept" in result.message
    assert "zip" in result.message and "icd10cm-tabular-test.xml" in result.message
    assert list(cache.iterdir()) == []
    mirror.corrupt.clear()
    assert fetch([entry.release_id], cache, mirror.url)[0].status == "downloaded"


def test_it_rejects_a_web_page_served_instead_of_a_zip(
    mirror: Mirror, workdir: Path, cache: Path
) -> None:
    page = workdir / "license.html"
    page.write_text("<!DOCTYPE html><html><body>Accept the AMA license</body></html>")
    mirror.routes[MUE_PATH] = page
    result = fetch([MUE], cache, mirror.url)[0]
    assert result.status == "failed"
    assert "the server sent a web page, not the file" in result.message
    assert list(cache.iterdir()) == []


def test_a_size_other_than_the_catalogs_is_rejected(mirror: Mirror, cache: Path) -> None:
    mirror.routes[HCPCS_PATH] = shared_file("icd10cm/2026-code-descriptions-tabular-order.zip")
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "failed"
    assert "the server offers 2,204,985 bytes but the catalog expects 2,408,475" in result.message
    assert list(cache.iterdir()) == []


def test_a_404_is_a_clear_error_naming_the_url(mirror: Mirror, cache: Path) -> None:
    mirror.missing.add(HCPCS_PATH)
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "failed"
    assert result.message == f"{HCPCS}: {mirror.url}{HCPCS_PATH}: HTTP 404 Not Found"
    assert list(cache.iterdir()) == []


def test_a_refused_connection_is_a_clear_error(cache: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = fetch([HCPCS], cache, nowhere)[0]
    assert result.status == "failed"
    assert result.message == (
        f"{HCPCS}: {nowhere}{HCPCS_PATH}: cannot connect to {nowhere[7:]}: connection refused"
    )


def test_it_refuses_a_redirect_to_a_host_outside_the_catalog(mirror: Mirror, cache: Path) -> None:
    mirror.redirects[HCPCS_PATH] = "http://downloads.example.com/files/zip/hcpcs.zip"
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "failed"
    assert (
        "refused to follow a redirect to http://downloads.example.com/files/zip/hcpcs.zip: "
        "not a host in medcode's catalog" in result.message
    )
    assert list(cache.iterdir()) == []


def test_it_follows_a_redirect_on_the_same_host(mirror: Mirror, cache: Path) -> None:
    # CMS answers /files/zip/rvu25d.zip with a redirect to its latest corrected copy.
    mirror.routes["/files/zip/moved.zip"] = mirror.routes[HCPCS_PATH]
    mirror.redirects[HCPCS_PATH] = f"{mirror.url}/files/zip/moved.zip"
    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "downloaded", result.message
    assert [s.path for s in mirror.requests] == [HCPCS_PATH, "/files/zip/moved.zip"]
    assert sha256(cache / HCPCS_FILE) == sources_sha256()[HCPCS_FILE]


def test_it_reports_progress_as_bytes_arrive(mirror: Mirror, cache: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []

    def progress(entry: CatalogEntry, done: int, total: int | None) -> None:
        calls.append((entry.release_id, done, total))

    fetch([HCPCS], cache, mirror.url, progress)
    assert calls[-1] == (HCPCS, HCPCS_SIZE, HCPCS_SIZE)
    sizes = [done for _, done, _ in calls]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes) > 1


def test_a_mirror_replaces_scheme_and_host_and_keeps_the_path(cache: Path) -> None:
    url = "https://www.cms.gov/files/zip/rvu25d.zip"
    assert mirror_url(url, "http://127.0.0.1:8123") == "http://127.0.0.1:8123/files/zip/rvu25d.zip"
    assert mirror_url(url, "http://mirror.lan/cms/") == "http://mirror.lan/cms/files/zip/rvu25d.zip"
    for bad in ("127.0.0.1:8123", "ftp://mirror.lan", "http://mirror.lan/?x=1"):
        with pytest.raises(ValueError, match="a mirror is given as"):
            mirror_url(url, bad)
    with pytest.raises(ValueError, match="a mirror is given as"):
        fetch([HCPCS], cache, "mirror.lan")
    assert url_path(catalog_entries(["rvu25d"])[0]) == "/files/zip/rvu25d.zip"


# --- fetch, then load ---------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.django_db
def test_it_fetches_the_hcpcs_release_and_loads_it(mirror: Mirror, cache: Path) -> None:
    from medcode.codes.models import HcpcsCode, HcpcsModifier
    from medcode.releases.loader import load_paths

    result = fetch([HCPCS], cache, mirror.url)[0]
    assert result.status == "downloaded", result.message
    outcomes = load_paths(result.load_paths)
    by_source = {o.source: o for o in outcomes}
    txt = by_source[f"{HCPCS_FILE}!HCPC2025_JAN_ANWEB_12172024.txt"]
    assert txt.status in ("loaded", "unchanged"), txt.message
    assert by_source[f"{HCPCS_FILE}!HCPC2025_recordlayout.txt"].status == "skipped"
    release = txt.release
    assert release is not None
    assert (release.dataset, release.version) == ("hcpcs", "2025-JAN")
    assert release.source_name == f"{HCPCS_FILE}!HCPC2025_JAN_ANWEB_12172024.txt"
    # SOURCES.md: 8,259 HCPCS codes and 383 Level II modifiers.
    assert HcpcsCode.objects.filter(release=release).count() == 8_259
    assert HcpcsModifier.objects.filter(release=release).count() == 383
    g0283 = HcpcsCode.objects.get(release=release, code="G0283")
    assert g0283.short_description == "Elec stim other than wound"
    assert g0283.betos == "P5E"
