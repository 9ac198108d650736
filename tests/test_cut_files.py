"""Files cut short: a row with the wrong number of fields, or a last row without its line
ending, rejects the file; a replacement with far fewer rows than the release it would replace
is refused unless forced. Damaged copies of the real files are written to tmp only."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from medcode.cli import main
from medcode.releases.loader import Outcome, load_paths
from medcode.releases.models import Release
from medcode.testing import shared_file
from tests.test_damaged_files import load_damaged, store_fingerprint

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

MUE = "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"


def _mue_lines() -> list[bytes]:
    return shared_file(MUE).read_bytes().splitlines(keepends=True)


def _data_line(lines: list[bytes], code: bytes) -> int:
    """The 0-based index of the line of ``code``."""
    return next(i for i, line in enumerate(lines) if line.startswith(code + b","))


def test_an_mue_table_cut_mid_row_is_rejected_and_the_release_kept(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    lines = _mue_lines()
    middle = _data_line(lines, b"97110")
    row = lines[middle]
    # Cut after the third comma: the row still has four fields, its rationale cut short.
    cut = row[: row.index(b",", row.index(b",", row.index(b",") + 1) + 1) + 5]
    damaged = tmp_path / Path(MUE).name
    damaged.write_bytes(b"".join(lines[:middle]) + cut)

    outcome = load_damaged(damaged, full_load, replace=True)

    assert outcome.message.startswith(f"{damaged.name}, line {middle + 1}: ")
    assert "cut off mid-row" in outcome.message
    assert Release.objects.get(dataset="ncci_mue_practitioner").rows_loaded == len(
        [line for line in lines if line[:5].isalnum() and line[5:6] == b","]
    )


def test_a_row_with_an_extra_field_rejects_the_file(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    lines = _mue_lines()
    index = _data_line(lines, b"97110")
    lines[index] = lines[index].rstrip(b"\r\n") + b",extra\r\n"
    damaged = tmp_path / Path(MUE).name
    damaged.write_bytes(b"".join(lines))

    outcome = load_damaged(damaged, full_load, replace=True)

    assert f"line {index + 1}" in outcome.message
    assert "expected 4 columns, got 5" in outcome.message


def test_a_ptp_table_cut_mid_row_is_rejected(tmp_path: Path, full_load: list[Outcome]) -> None:
    with gzip.open(shared_file("ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz")) as f:
        head = f.read(2_000_000)
    lines = head.split(b"\n")[:-1]  # whole lines only
    # The last row cut after its modifier indicator: six fields, a shape CMS also uses.
    last = b"\t".join(lines[-1].split(b"\t")[:6])
    damaged = tmp_path / "ccipra-v303r0-2024q4-practitioner.txt.gz"
    damaged.write_bytes(gzip.compress(b"\n".join([*lines[:-1], last])))

    outcome = load_damaged(damaged, full_load)

    assert f"line {len(lines)}" in outcome.message
    assert "cut off mid-row" in outcome.message


def test_an_rvu_file_cut_mid_row_is_rejected(tmp_path: Path, full_load: list[Outcome]) -> None:
    original = shared_file("pfs_rvu/rvu25d/PPRRVU2025_Oct.csv")
    data = original.read_bytes()
    end = data.index(b"\n", len(data) // 2)
    damaged = tmp_path / original.name
    damaged.write_bytes(data[: end + 40])

    outcome = load_damaged(damaged, full_load, replace=True)

    line = data[: end + 1].count(b"\n") + 1
    assert f"line {line}" in outcome.message


def test_replacing_a_release_with_far_fewer_rows_is_refused_unless_forced(
    tmp_path: Path, full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _mue_lines()
    half = _data_line(lines, b"97110")
    damaged = tmp_path / Path(MUE).name
    damaged.write_bytes(b"".join(lines[:half]))  # cut at a line ending: every row is whole
    release = Release.objects.get(dataset="ncci_mue_practitioner")
    kept = sum(1 for line in lines[:half] if line[:5].isalnum() and line[5:6] == b",")
    assert kept < 0.9 * release.rows_loaded
    before = store_fingerprint()

    status = main(["data", "load", "--replace", str(damaged)])
    refused = capsys.readouterr().err

    assert status == 1
    assert f"has {kept:,} rows" in refused
    assert f"{release.rows_loaded:,} rows of {release.label}" in refused
    assert "--force" in refused
    assert store_fingerprint() == before

    status = main(["data", "load", "--replace", "--force", "--json", str(damaged)])
    forced = json.loads(capsys.readouterr().out)

    assert status == 0
    [outcome] = [o for o in forced["outcomes"] if o["status"] == "loaded"]
    assert Release.objects.get(dataset="ncci_mue_practitioner").rows_loaded == kept
    assert outcome["release"]["version"] == release.version


def test_a_replacement_of_nearly_the_same_size_needs_no_force(
    tmp_path: Path, full_load: list[Outcome]
) -> None:
    lines = _mue_lines()
    # Drop 5% of the rows from the end: a quarter's ordinary churn, not a cut file.
    release = Release.objects.get(dataset="ncci_mue_practitioner")
    keep = len(lines) - release.rows_loaded // 20
    damaged = tmp_path / Path(MUE).name
    damaged.write_bytes(b"".join(lines[:keep]))

    [outcome] = [o for o in load_paths([damaged], replace=True) if o.status != "skipped"]

    assert outcome.status == "loaded", outcome.message
