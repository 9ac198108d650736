from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medcode.codes.models import HcpcsCode, HcpcsModifier
from medcode.importers.base import Source
from medcode.releases.models import Release
from medcode.testing import load_file, parse_all, shared_file


def record(
    code: str,
    record_id: str,
    long: str,
    short: str = "",
    *,
    seq: int = 1,
    pricing: str = "",
    coverage: str = "",
    betos: str = "",
    tos: str = "",
    add: str = "",
    action_eff: str = "",
    term: str = "",
    action: str = "",
) -> str:
    """One ANWEB record, placed column by column as HCPC2025_recordlayout.txt numbers them."""
    line = [" "] * 320

    def put(start: int, text: str) -> None:
        line[start - 1 : start - 1 + len(text)] = list(text)

    put(1, code)
    put(6, f"{seq:03d}00")
    put(11, record_id)
    put(12, long[:80])
    put(92, short[:28])
    put(120, pricing)
    put(230, coverage)
    put(257, betos)
    put(261, tos)
    put(269, add)
    put(277, action_eff)
    put(285, term)
    put(293, action)
    return "".join(line)


def write_anweb(
    folder: Path, records: list[str], name: str = "HCPC2030_APR_ANWEB_03012030.txt"
) -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join(records) + "\r\n").encode("latin-1"))
    return path


GOOD = [
    record(
        "G0283",
        "3",
        "Electrical stimulation (unattended), to one or more areas for indication(s)",
        "Elec stim other than wound",
        pricing="11",
        coverage="C",
        betos="P5E",
        tos="1UW",
        add="20030101",
        action_eff="20030101",
        action="N",
    ),
    record("G0283", "4", "other than wound care, as part of a therapy plan of care", seq=2),
    record(
        "A9999",
        "3",
        "Miscellaneous supply",
        "Misc supply",
        add="20000101",
        term="20301231",
        action="D",
    ),
    record(
        "   GP",
        "7",
        "Services delivered under an outpatient physical therapy plan of care",
        "Op pt services",
        coverage="C",
        add="19990101",
        action_eff="20030101",
        action="N",
    ),
]


@pytest.mark.django_db
def test_it_loads_codes_and_modifiers_with_continued_descriptions(tmp_path: Path) -> None:
    outcome = load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb")

    assert outcome.status == "loaded", outcome.message
    release = Release.objects.get(dataset="hcpcs")
    assert (release.version, release.period_start, release.period_end) == (
        "2030-APR",
        date(2030, 4, 1),
        date(2030, 6, 30),
    )
    g0283 = HcpcsCode.objects.get(code="G0283")
    assert g0283.long_description == (
        "Electrical stimulation (unattended), to one or more areas for indication(s) "
        "other than wound care, as part of a therapy plan of care"
    )
    assert (g0283.short_description, g0283.pricing_indicators, g0283.coverage_code) == (
        "Elec stim other than wound",
        "11",
        "C",
    )
    assert (g0283.betos, g0283.type_of_service, g0283.add_date) == (
        "P5E",
        "1,U,W",
        date(2003, 1, 1),
    )
    assert HcpcsCode.objects.get(code="A9999").termination_date == date(2030, 12, 31)
    gp = HcpcsModifier.objects.get(code="GP")
    assert gp.short_description == "Op pt services"
    assert (release.rows_read, release.rows_loaded) == (3, 3)


@pytest.mark.django_db
def test_it_does_not_load_the_same_file_twice(tmp_path: Path) -> None:
    path = write_anweb(tmp_path, GOOD)
    load_file(path, "hcpcs_anweb")

    again = load_file(path, "hcpcs_anweb")

    assert again.status == "unchanged"
    assert HcpcsCode.objects.count() == 2
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_it_names_the_line_and_field_of_a_bad_date(tmp_path: Path) -> None:
    bad = [*GOOD[:3], record("   GP", "7", "Physical therapy", add="19991399")]

    outcome = load_file(write_anweb(tmp_path, bad), "hcpcs_anweb")

    assert outcome.status == "failed"
    assert "HCPC2030_APR_ANWEB_03012030.txt, line 4, field 'add date'" in outcome.message
    assert "19991399" in outcome.message
    assert not Release.objects.exists() and not HcpcsCode.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_truncated_record(tmp_path: Path) -> None:
    path = write_anweb(tmp_path, GOOD)
    path.write_bytes(path.read_bytes()[:-200])

    outcome = load_file(path, "hcpcs_anweb")

    assert outcome.status == "failed"
    assert "line 4" in outcome.message and "characters long" in outcome.message
    assert not HcpcsCode.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_continuation_without_its_first_record(tmp_path: Path) -> None:
    outcome = load_file(write_anweb(tmp_path, [GOOD[1], *GOOD[2:]]), "hcpcs_anweb")

    assert outcome.status == "failed"
    assert "line 1" in outcome.message and "continuation" in outcome.message


@pytest.mark.django_db
def test_it_needs_the_quarter_in_the_file_name(tmp_path: Path) -> None:
    outcome = load_file(write_anweb(tmp_path, GOOD, name="hcpcs.txt"), "hcpcs_anweb")

    assert outcome.status == "failed"
    assert "HCPC2025_JAN_ANWEB" in outcome.message


@pytest.mark.realdata
def test_it_reads_every_code_and_modifier_of_the_real_january_2025_file() -> None:
    source = Source(
        shared_file("hcpcs/january-2025-alpha-numeric-hcpcs-file.zip"),
        "HCPC2025_JAN_ANWEB_12172024.txt",
    )
    rows, stats = parse_all(source, "hcpcs_anweb")

    codes = {values[0]: values for model, values in rows if model is HcpcsCode}
    modifiers = {values[0]: values for model, values in rows if model is HcpcsModifier}
    assert (len(codes), len(modifiers), stats.rows_read) == (8259, 383, 8642)
    fields = HcpcsCode.LOAD_FIELDS
    g0283 = dict(zip(fields, codes["G0283"], strict=True))
    assert g0283["long_description"] == (
        "Electrical stimulation (unattended), to one or more areas for indication(s) other "
        "than wound care, as part of a therapy plan of care"
    )
    assert g0283["short_description"] == "Elec stim other than wound"
    assert (g0283["pricing_indicators"], g0283["multiple_pricing_indicator"]) == ("11", "A")
    assert (g0283["coverage_code"], g0283["betos"], g0283["type_of_service"]) == (
        "C",
        "P5E",
        "1,U,W",
    )
    assert (g0283["add_date"], g0283["action_code"]) == (date(2003, 1, 1), "N")
    gp = dict(zip(HcpcsModifier.LOAD_FIELDS, modifiers["GP"], strict=True))
    assert (
        gp["long_description"]
        == "Services delivered under an outpatient physical therapy plan of care"
    )
