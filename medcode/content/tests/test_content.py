"""medcode's editorial content: descriptions parse, stay in our own words, and crosswalks cite
their sources. Plain pytest: no database, no Django."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from medcode.content.crosswalks import CROSSWALKS, crosswalks_for, load_crosswalks
from medcode.content.descriptions import (
    DESCRIPTIONS,
    ContentError,
    description_for,
    load_descriptions,
    parse_description,
    word_count,
)

REPO = Path(__file__).resolve().parents[3]
GUIDES = REPO / "medcode" / "content" / "guides"
#: The third-party pages medcode must not copy. CI checks them out beside the repository.
REFERENCE = Path(os.environ.get("MEDCODE_SHARED_REFERENCE", REPO.parent / "shared" / "reference"))

REQUIRED_CODES = ("20974", "20975", "97014", "97032", "G0283", "97110", "97140", "97530", "99213")
FILES = sorted(DESCRIPTIONS.glob("*.md"))
RUN = 8  # no run of this many words may come from a reference page
DESCRIPTOR_RUN = 5  # nor this many from an official descriptor quoted on one

GOOD = """---
code: 97110
system: CPT
title: Therapeutic exercise
updated: 2026-11-23
see_also: [97530, 97140]
---
Some text.
"""


def tokens(text: str) -> list[str]:
    # "1 or more" and "one or more" are the same words for this check.
    return ["one" if t == "1" else t for t in re.findall(r"[a-z0-9]+", text.lower())]


def runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def reference_pages() -> list[Path]:
    pages = sorted(REFERENCE.glob("*.txt"))
    if not pages:
        raise FileNotFoundError(
            f"no reference pages in {REFERENCE}: they must sit in ../shared/reference beside the "
            "checkout (or set MEDCODE_SHARED_REFERENCE)"
        )
    return pages


def official_descriptors(text: str) -> list[str]:
    """The AMA descriptors a page quotes: the first line after each "Official Description"."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.strip() == "Official Description":
            found.append(next(rest for rest in lines[i + 1 :] if rest.strip()))
    return found


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Descriptions


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_parses_and_names_the_code_in_its_file_name(path: Path) -> None:
    description = parse_description(path)

    assert description.code == path.stem
    assert description.path == path
    assert description.title
    assert description.updated <= date.today()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_body_is_150_to_350_words(path: Path) -> None:
    count = word_count(parse_description(path).body_markdown)

    assert 150 <= count <= 350, f"{path.name}: {count} words"


def test_the_required_codes_have_descriptions() -> None:
    missing = [code for code in REQUIRED_CODES if description_for(code) is None]

    assert missing == []


def test_it_finds_a_description_however_the_code_is_typed() -> None:
    description = description_for(" g0283 ")

    assert description is not None
    assert (description.code, description.system) == ("G0283", "HCPCS")
    assert description.see_also == ("97014", "G0281", "97032")
    assert description.to_dict()["updated"] == description.updated.isoformat()


def test_it_has_no_description_for_other_codes() -> None:
    assert description_for("99999") is None


@pytest.mark.realdata  # reads ../shared/reference
def test_no_description_repeats_eight_words_of_a_reference_page() -> None:
    pages = {
        page.name: runs(tokens(page.read_text(encoding="utf-8")), RUN) for page in reference_pages()
    }
    copied = []
    for path in FILES:
        body = parse_description(path).body_markdown
        for run in sorted(runs(tokens(body), RUN)):
            copied += [
                f"{path.name} ~ {name}: {' '.join(run)}"
                for name, seen in pages.items()
                if run in seen
            ]

    assert copied == []


@pytest.mark.realdata  # reads ../shared/reference
def test_no_guide_repeats_eight_words_of_a_reference_page() -> None:
    # Guides (issue 13) are our own words too; `medcode guides check` runs the same test.
    pages = {
        page.name: runs(tokens(page.read_text(encoding="utf-8")), RUN) for page in reference_pages()
    }
    guides = [*sorted(GUIDES.glob("*.md")), GUIDES.parent / "cpt_modifiers.toml"]
    assert len(guides) > 1, f"no guides in {GUIDES}"
    copied = []
    for path in guides:
        for run in sorted(runs(tokens(path.read_text(encoding="utf-8")), RUN)):
            copied += [
                f"{path.name} ~ {name}: {' '.join(run)}"
                for name, seen in pages.items()
                if run in seen
            ]

    assert copied == []


def official_descriptor_runs() -> set[tuple[str, ...]]:
    """Every run of DESCRIPTOR_RUN words of the AMA descriptors the reference pages quote."""
    descriptors = [
        line
        for page in reference_pages()
        for line in official_descriptors(page.read_text(encoding="utf-8"))
    ]
    assert descriptors, "the reference pages should quote the AMA descriptors this test guards"
    return set().union(*(runs(tokens(line), DESCRIPTOR_RUN) for line in descriptors))


@pytest.mark.realdata  # reads ../shared/reference
def test_no_description_quotes_an_official_descriptor() -> None:
    guarded = official_descriptor_runs()
    quoted = [
        f"{path.name}: {' '.join(run)}"
        for path in FILES
        for run in sorted(runs(tokens(parse_description(path).body_markdown), DESCRIPTOR_RUN))
        if run in guarded
    ]

    assert quoted == []


def test_it_reads_a_well_formed_file(tmp_path: Path) -> None:
    description = parse_description(write(tmp_path, "97110.md", GOOD))

    assert description.code == "97110"
    assert description.updated == date(2026, 11, 23)
    assert description.see_also == ("97530", "97140")
    assert description.body_markdown == "Some text.\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("code: 97110\n---\nText.\n", "line 1: expected '---'"),
        ("---\ncode: 97110\nText.\n", "no closing '---'"),
        (GOOD.replace("title: Therapeutic exercise", "Therapeutic exercise"), "line 4"),
        (GOOD.replace("title:", "author: x\ntitle:"), "unknown key 'author'"),
        (GOOD.replace("title: Therapeutic exercise\n", ""), "lacks title"),
        (GOOD.replace("title: Therapeutic exercise", "title:"), "'title' has no value"),
        (GOOD.replace("code: 97110", "code: 97110\ncode: 97110"), "'code' is given twice"),
        (GOOD.replace("2026-11-23", "23/11/2026"), "not a date"),
        (GOOD.replace("system: CPT", "system: SNOMED"), "system 'SNOMED'"),
        (GOOD.replace("code: 97110", "code: 97140"), "names code 97140 but the file is 97110.md"),
        (GOOD.replace("[97530, 97140]", "[97530, 97140"), "no closing ']'"),
        (GOOD.replace("[97530, 97140]", "97530"), "see_also must be a list"),
        (GOOD.replace("Some text.\n", ""), "no text after the front matter"),
    ],
)
def test_malformed_front_matter_names_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "97110.md", text)

    with pytest.raises(ContentError) as raised:
        load_descriptions(tmp_path)

    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


# Crosswalks


def test_medicare_takes_g0283_for_97014_with_a_source() -> None:
    (entry,) = [c for c in crosswalks_for("97014") if c.to_code == "G0283"]

    assert entry.direction == "from"
    assert (entry.from_system, entry.to_system, entry.payer) == ("CPT", "HCPCS", "Medicare")
    assert entry.sources
    assert any(
        "RVU" in source.document and "status code I" in source.section for source in entry.sources
    )
    assert all(source.url.startswith("https://") for source in entry.sources)


def test_crosswalks_for_g0283_returns_the_97014_entry_in_reverse() -> None:
    (entry,) = crosswalks_for("g0283")

    assert (entry.id, entry.direction) == ("medicare-97014-g0283", "to")
    assert (entry.code, entry.other_code) == ("G0283", "97014")
    assert entry.to_dict()["direction"] == "to"


def test_crosswalks_for_a_code_in_no_entry_is_empty() -> None:
    assert crosswalks_for("99213") == []


def test_every_crosswalk_cites_dated_sources() -> None:
    entries = load_crosswalks(CROSSWALKS)

    assert len({entry.id for entry in entries}) == len(entries)
    for entry in entries:
        assert entry.note and entry.purpose
        for source in entry.sources:
            assert source.document and source.section and source.checked
            assert source.date <= date.today()


def test_a_crosswalk_without_a_source_names_the_file_and_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "crosswalks.toml",
        '[[crosswalk]]\nid = "x"\nfrom_code = "97014"\nfrom_system = "CPT"\n'
        'to_code = "G0283"\nto_system = "HCPCS"\npayer = "Medicare"\npurpose = "p"\nnote = "n"\n',
    )

    with pytest.raises(ContentError, match=r"crosswalk 1 \(x\): needs at least one") as raised:
        load_crosswalks(path)

    assert str(path) in str(raised.value)
