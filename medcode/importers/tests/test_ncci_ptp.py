from __future__ import annotations

import gzip
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from medcode.edits.indicators import (
    NCCI_PTP_MODIFIERS,
    PTP_MODIFIER_INDICATORS,
    bypasses_ptp_edit,
)
from medcode.edits.models import PtpEdit, PtpRationale, ptp_releases_in_force
from medcode.edits.queries import PTP_IN_FORCE
from medcode.importers.base import Source
from medcode.importers.ncci_ptp import KNOWN_RATIONALES
from medcode.releases.loader import recognize
from medcode.releases.models import Release
from medcode.releases.store import all_releases
from medcode.testing import load_file, parse_all, shared_file

FIXTURE = Path(__file__).parent / "fixtures" / "ncci_ptp_ccipra-v330r1-f2.txt"
HEADER_LINES = 6


def fixture_lines() -> list[str]:
    return FIXTURE.read_text().splitlines()


def write(folder: Path, name: str, lines: list[str], *, ending: str = "\n") -> Path:
    path = folder / name
    data = (ending.join(lines) + ending).encode("ascii")
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def edit(pair: tuple[str, str], release: Release | None = None) -> PtpEdit:
    edits = PtpEdit.objects.filter(column1=pair[0], column2=pair[1])
    if release is not None:
        edits = edits.filter(release=release)
    return edits.get()


def rationale_of(e: PtpEdit) -> str:
    assert e.rationale_number is not None
    return PtpRationale.objects.get(release=e.release, number=e.rationale_number).text


@pytest.mark.django_db
def test_it_loads_edits_with_their_dates_indicators_and_rationales() -> None:
    outcome = load_file(FIXTURE, "ncci_ptp")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    # v330: 1994 + 33 = 2027, quarter 0 + 1; the file is part 2 of revision 1.
    assert (release.dataset, release.version) == ("ncci_ptp_practitioner", "v330r1-f2")
    assert (release.period_start, release.period_end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert release.label == "NCCI PTP practitioner edits 2027 Q1 (v330r1, file 2)"
    assert (release.rows_read, PtpEdit.objects.count()) == (7, 7)

    g0283 = edit(("G0283", "97032"))
    assert (g0283.effective_date, g0283.deletion_date) == (date(2003, 1, 1), None)
    assert (g0283.pre_1996, g0283.modifier_indicator) == (False, "1")
    assert rationale_of(g0283) == "Misuse of Column Two code with Column One code"

    old = edit(("97530", "97110"))
    assert (old.pre_1996, old.effective_date, old.deletion_date) == (
        True,
        date(1996, 1, 1),
        date(1996, 1, 1),
    )
    assert (old.modifier_indicator, rationale_of(old)) == ("9", "Mutually exclusive procedures")

    deleted = edit(("97012", "97140"))
    assert (deleted.deletion_date, deleted.modifier_indicator) == (date(2023, 12, 31), "0")
    assert rationale_of(deleted) == "CPT Manual or CMS manual coding instruction"


@pytest.mark.django_db
def test_it_numbers_known_rationales_the_same_in_every_release_and_new_ones_after_them() -> None:
    load_file(FIXTURE, "ncci_ptp")

    numbers = dict(PtpRationale.objects.values_list("text", "number"))

    assert numbers["Standards of medical/surgical practice"] == 12
    assert numbers["Misuse of Column Two code with Column One code"] == 7
    assert numbers["Rationale invented for this fixture"] == 13
    assert len(numbers) == 5
    assert edit(("97110", "97032")).rationale_number == 13


def in_force(pair: tuple[str, str], day: date) -> bool:
    """Whether the stored edit meets PTP_IN_FORCE, the condition every PTP query uses."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM edits_ptpedit WHERE column1 = %s AND column2 = %s "
            f"AND {PTP_IN_FORCE}",
            [*pair, day, day],
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_in_force_condition_reads_the_dates_as_cms_writes_them() -> None:
    load_file(FIXTURE, "ncci_ptp")

    # Deleted 2023-12-31: the deletion date is the last day the edit applies.
    assert in_force(("97012", "97140"), date(2023, 12, 30))
    assert in_force(("97012", "97140"), date(2023, 12, 31))
    assert not in_force(("97012", "97140"), date(2024, 1, 1))
    # Effective 2021-01-01.
    assert not in_force(("97012", "97140"), date(2020, 12, 31))
    assert in_force(("97012", "97140"), date(2021, 1, 1))
    assert in_force(("G0283", "97032"), date(2030, 5, 1))
    # Indicator 9: withdrawn as of the day it took effect.
    assert not in_force(("97161", "97140"), date(2020, 1, 1))


@pytest.mark.django_db
def test_it_reads_the_outpatient_table_gzipped_with_crlf_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, "ccioph-v302r0.txt.gz", fixture_lines(), ending="\r\n")

    outcome = load_file(path, "ncci_ptp")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get()
    assert (release.dataset, release.version) == ("ncci_ptp_outpatient", "v302r0")
    assert (release.period_start, release.period_end) == (date(2024, 7, 1), date(2024, 9, 30))
    assert rationale_of(edit(("97150", "97110"))) == "Standards of medical/surgical practice"


@pytest.mark.django_db
def test_it_reads_rows_whose_effective_date_and_pre_1996_columns_are_blank(tmp_path: Path) -> None:
    # As in the staged 2024 Q3 rebuild: both columns were lost, so pre-1996 is unknown.
    lines = [*fixture_lines()[:HEADER_LINES], "0001A\t90473\t\t\t20220101\t9\tLaboratory panel"]

    outcome = load_file(write(tmp_path, "ccipra-v302r0.txt", lines), "ncci_ptp")

    assert outcome.status == "loaded", outcome.message
    row = edit(("0001A", "90473"))
    assert (row.effective_date, row.pre_1996, row.deletion_date) == (
        None,
        None,
        date(2022, 1, 1),
    )


@pytest.mark.django_db
def test_it_reads_older_tables_without_a_rationale_column(tmp_path: Path) -> None:
    lines = [*fixture_lines()[:HEADER_LINES], "11000\t11001\t*\t19960101\t*\t1"]

    outcome = load_file(write(tmp_path, "ccipra-v181r0.txt", lines), "ncci_ptp")

    assert outcome.status == "loaded", outcome.message
    row = edit(("11000", "11001"))
    assert (row.rationale_number, row.pre_1996) == (None, True)
    assert not PtpRationale.objects.exists()
    assert Release.objects.get().period_start == date(2012, 4, 1)


@pytest.mark.django_db
def test_it_stores_a_rationale_once_even_with_stray_spaces(tmp_path: Path) -> None:
    lines = [
        *fixture_lines()[:HEADER_LINES],
        "11000\t11001\t\t20200101\t*\t1\tLaboratory panel",
        "11000\t11002\t\t20200101\t*\t1\tLaboratory panel ",
        "11000\t11003\t\t20200101\t*\t1\t ",
    ]

    outcome = load_file(write(tmp_path, "ccipra-v330r0.txt", lines), "ncci_ptp")

    assert outcome.status == "loaded", outcome.message
    assert list(PtpRationale.objects.values_list("number", "text")) == [(6, "Laboratory panel")]
    numbers = dict(PtpEdit.objects.values_list("column2", "rationale_number"))
    assert numbers == {"11001": 6, "11002": 6, "11003": None}


def test_it_recognizes_ptp_tables_by_their_headings(tmp_path: Path) -> None:
    importer = recognize(Source(FIXTURE))
    renamed = recognize(Source(write(tmp_path, "edits.txt", fixture_lines())))
    not_ptp = recognize(Source(write(tmp_path, "ccipra-v330r0.txt", fixture_lines()[6:])))

    assert getattr(importer, "format", None) == "ncci_ptp"
    assert getattr(renamed, "format", None) == "ncci_ptp"
    assert getattr(not_ptp, "format", None) != "ncci_ptp"


@pytest.mark.django_db
def test_it_needs_the_setting_and_version_in_the_file_name(tmp_path: Path) -> None:
    outcome = load_file(write(tmp_path, "edits.txt", fixture_lines()), "ncci_ptp")

    assert outcome.status == "failed"
    assert "ccipra-v322r0-f1.txt" in outcome.message
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_modifier_indicator(tmp_path: Path) -> None:
    lines = fixture_lines()
    lines[9] = lines[9].replace("\t1\t", "\t2\t")

    outcome = load_file(write(tmp_path, "ccipra-v330r0.txt", lines), "ncci_ptp")

    assert outcome.status == "failed"
    assert "ccipra-v330r0.txt, line 10, field 'Modifier indicator'" in outcome.message
    assert "'2'" in outcome.message
    assert not Release.objects.exists() and not PtpEdit.objects.exists()
    assert not PtpRationale.objects.exists()


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_deletion_date(tmp_path: Path) -> None:
    lines = fixture_lines()
    lines[7] = lines[7].replace("20231231", "20231331")

    outcome = load_file(write(tmp_path, "ccipra-v330r0.txt", lines), "ncci_ptp")

    assert outcome.status == "failed"
    assert "line 8, field 'Deletion Date'" in outcome.message and "20231331" in outcome.message
    assert not PtpEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_line_with_missing_columns(tmp_path: Path) -> None:
    lines = [*fixture_lines(), "97140\t97530\t\t20200101"]

    outcome = load_file(write(tmp_path, "ccipra-v330r0.txt", lines), "ncci_ptp")

    assert outcome.status == "failed"
    assert "line 14" in outcome.message and "7 tab-separated columns, got 4" in outcome.message
    assert not PtpEdit.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_code_that_is_not_five_characters(tmp_path: Path) -> None:
    lines = fixture_lines()
    lines[12] = lines[12].replace("G0283", "G028")

    outcome = load_file(write(tmp_path, "ccipra-v330r0.txt", lines), "ncci_ptp")

    assert outcome.status == "failed"
    assert "line 13, field 'Column 1'" in outcome.message


@pytest.mark.django_db
def test_it_rejects_a_truncated_gzip_file_and_stores_nothing(tmp_path: Path) -> None:
    # Enough lines that the cut falls inside the compressed data, not in its header.
    many = [
        f"{10000 + i:05d}\t{20000 + i:05d}\t\t20200101\t*\t1\tLaboratory panel" for i in range(5000)
    ]
    path = write(tmp_path, "ccipra-v330r0.txt.gz", [*fixture_lines()[:HEADER_LINES], *many])
    path.write_bytes(path.read_bytes()[:-2000])

    outcome = load_file(path, "ncci_ptp")

    assert outcome.status == "failed"
    assert "truncated or corrupt" in outcome.message
    assert not Release.objects.exists() and not PtpEdit.objects.exists()


@pytest.mark.django_db
def test_it_gathers_the_parts_of_a_split_quarter_for_a_date_of_service(tmp_path: Path) -> None:
    lines = fixture_lines()
    head, body = lines[:HEADER_LINES], lines[HEADER_LINES:]
    for part, rows in ((1, body[:3]), (2, body[3:5]), (3, body[5:])):
        outcome = load_file(
            write(tmp_path, f"ccipra-v330r0-f{part}.txt", [*head, *rows]), "ncci_ptp"
        )
        assert outcome.status == "loaded", outcome.message
    older = load_file(write(tmp_path, "ccipra-v323r0.txt", [*head, *body[:1]]), "ncci_ptp")
    assert older.status == "loaded", older.message

    parts, note = ptp_releases_in_force("ncci_ptp_practitioner", date(2027, 2, 15))

    assert [p.version for p in parts] == ["v330r0-f1", "v330r0-f2", "v330r0-f3"]
    assert note is None
    assert PtpEdit.objects.filter(release_id__in=[p.id for p in parts]).count() == 7
    previous, _ = ptp_releases_in_force("ncci_ptp_practitioner", date(2026, 12, 31))
    assert [p.version for p in previous] == ["v323r0"]


@pytest.mark.django_db
def test_it_prefers_the_newest_revision_of_a_quarter_and_warns_of_a_missing_part(
    tmp_path: Path,
) -> None:
    head, body = fixture_lines()[:HEADER_LINES], fixture_lines()[HEADER_LINES:]
    for name in ("ccipra-v330r0-f1.txt", "ccipra-v330r1-f1.txt", "ccipra-v330r1-f3.txt"):
        assert load_file(write(tmp_path, name, [*head, *body]), "ncci_ptp").status == "loaded"

    parts, note = ptp_releases_in_force("ncci_ptp_practitioner", date(2027, 3, 31), all_releases())

    assert [p.version for p in parts] == ["v330r1-f1", "v330r1-f3"]
    assert note is not None and "f2" in note


@pytest.mark.realdata
@pytest.mark.slow
def test_it_reads_every_edit_of_the_real_2024_q3_practitioner_table() -> None:
    source = Source(shared_file("ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz"))
    rows, stats = parse_all(source, "ncci_ptp")

    edits = [values for model, values in rows if model is PtpEdit]
    rationales = {values[1]: values[0] for model, values in rows if model is PtpRationale}
    assert (len(edits), stats.rows_read) == (2_546_017, 2_546_017)
    assert sum(1 for e in edits if e[4] is None) == 1_669_820
    assert Counter(e[5] for e in edits) == {"0": 739_553, "1": 1_707_611, "9": 98_853}
    assert Counter(e[5] for e in edits if e[4] is None) == {"0": 508_947, "1": 1_160_873}
    assert len({e[0] for e in edits}) == 12_828 and len({e[1] for e in edits}) == 10_652
    assert set(rationales) == set(KNOWN_RATIONALES)
    # The staged rebuild lost the effective date and pre-1996 columns (SOURCES.md section 9).
    assert all(e[3] is None and e[2] is None for e in edits)
    active = [(e[0], e[1]) for e in edits if e[4] is None]
    assert len(active) == len(set(active))

    text = {number: sentence for sentence, number in rationales.items()}
    by_pair: dict[tuple[object, object], list[tuple[object, ...]]] = {}
    for e in edits:
        by_pair.setdefault((e[0], e[1]), []).append((e[4], e[5], text[e[6]]))  # type: ignore[index]
    misuse = "Misuse of Column Two code with Column One code"
    coding = "CPT Manual or CMS manual coding instruction"
    assert by_pair["0001A", "90473"] == [(date(2022, 1, 1), "9", coding)]
    assert [d[:2] for d in by_pair["0001A", "G0008"]] == [(date(2022, 1, 1), "9")]
    assert by_pair["0001A", "99241"] == [(date(2022, 12, 31), "1", coding)]
    assert [d[:2] for d in by_pair["0001M", "80050"]] == [(date(2018, 12, 31), "0")]
    assert [d[:2] for d in by_pair["0001T", "0002T"]] == [(date(2004, 3, 31), "1")]
    assert [d[:2] for d in by_pair["0001T", "36000"]] == [(date(2004, 12, 31), "1")]
    assert by_pair["0001U", "0053U"] == [(date(2023, 6, 30), "1", misuse)]
    assert [d[:2] for d in by_pair["0001U", "0128U"]] == [(date(2020, 6, 30), "1")]
    for active_pair in (
        ("0001U", "0030U"),
        ("0001U", "80503"),
        ("0001U", "81167"),
        ("0001U", "0029U"),
    ):
        assert [d[0] for d in by_pair[active_pair]] == [None]
    assert ("0001U", "0417U") not in by_pair and ("0001U", "0428U") not in by_pair
    assert by_pair["G0283", "97032"] == [(None, "1", misuse)]
    assert by_pair["97140", "97530"] == [(date(2019, 12, 31), "1", "Mutually exclusive procedures")]
    assert [d[:2] for d in by_pair["97530", "97110"]] == [(date(1996, 1, 1), "9")]
    mutually_exclusive = "Mutually exclusive procedures"
    # Withdrawn at the end of 2019, then in force again.
    assert sorted(by_pair["97150", "97110"], key=str) == [
        (None, "1", mutually_exclusive),
        (date(2019, 12, 31), "1", mutually_exclusive),
    ]
    assert by_pair["97012", "97140"] == [(None, "1", mutually_exclusive)]
    assert sorted((d[0], d[1]) for d in by_pair["97161", "97140"]) == [
        (date(2020, 1, 1), "9"),
        (date(2020, 10, 1), "9"),
    ]
    assert sum(1 for e in edits if e[0] == "G0283") == 12
    assert sum(1 for e in edits if e[1] == "G0283") == 13
    assert sum(1 for e in edits if "97014" in (e[0], e[1])) == 90


@pytest.mark.realdata
@pytest.mark.slow
def test_it_reads_every_edit_of_the_real_2024_q3_outpatient_table() -> None:
    source = Source(shared_file("ncci_ptp/ccioph-v302r0-2024q3-outpatient.txt.gz"))
    info = recognize(source)
    assert getattr(info, "format", None) == "ncci_ptp"
    release = info.release(source, source.head())  # type: ignore[union-attr]
    assert (release.dataset, release.version) == ("ncci_ptp_outpatient", "v302r0")
    assert (release.period_start, release.period_end) == (date(2024, 7, 1), date(2024, 9, 30))

    rows, stats = parse_all(source, "ncci_ptp")

    edits = [values for model, values in rows if model is PtpEdit]
    assert (len(edits), stats.rows_read) == (1_775_818, 1_775_818)
    assert sum(1 for e in edits if e[4] is None) == 1_335_857
    assert Counter(e[5] for e in edits) == {"0": 60_675, "1": 1_685_259, "9": 29_884}
    assert Counter(e[5] for e in edits if e[4] is None) == {"0": 46_741, "1": 1_289_116}
    early = [e for e in edits if e[4] == date(1995, 12, 31)]
    assert len(early) == 14
    assert {e[0] for e in early} == {"88151", "88157"}
    assert all(str(e[1]).startswith("881") and e[5] == "9" for e in early)
    assert sum(1 for model, _ in rows if model is PtpRationale) == 12


def test_the_ptp_associated_modifiers_are_those_the_policy_manual_lists() -> None:
    # NCCI Policy Manual for Medicare, chapter I, section E (revision 1/1/2026).
    listed = "E1-E4, FA, F1-F9, TA, T1-T9, LT, RT, LC, LD, RC, LM, RI, 24, 25, 57, 58, 78, 79, "
    listed += "27, 59, 91, XE, XS, XP, XU"
    expected: set[str] = set()
    for item in listed.split(", "):
        if "-" in item:
            first, last = item.split("-")
            expected |= {f"{first[0]}{n}" for n in range(int(first[1:]), int(last[1:]) + 1)}
        else:
            expected.add(item)

    assert set(NCCI_PTP_MODIFIERS) == expected
    assert NCCI_PTP_MODIFIERS["XS"].group == "other"
    assert NCCI_PTP_MODIFIERS["F5"].meaning == "right hand, thumb"
    assert set(PTP_MODIFIER_INDICATORS) == {"0", "1", "9"}


def test_only_an_associated_modifier_on_an_indicator_1_edit_may_bypass_it() -> None:
    assert bypasses_ptp_edit("1", ["GP", "59"])
    assert bypasses_ptp_edit("1", ["xu"])
    assert not bypasses_ptp_edit("1", ["22", "76", "GP"])
    assert not bypasses_ptp_edit("0", ["59"])
    assert not bypasses_ptp_edit("9", ["XS"])
