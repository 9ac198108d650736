"""The abbreviation lexicon and our CPT index terms: they parse, spell out descriptors, stay in
our own words and carry a review record. Plain pytest: no database, no Django."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode.content.descriptions import ContentError
from medcode.content.index_terms import (
    CPT_TERMS,
    also_known_as,
    cpt_index_terms,
    expand_descriptor,
    lexicon,
    load_families,
    load_lexicon,
    load_recheck,
    review_records,
)
from medcode.content.tests.test_content import (
    DESCRIPTOR_RUN,
    RUN,
    official_descriptor_runs,
    reference_pages,
    runs,
    tokens,
)

SECTION = """
[[family]]
name = "Things"
[family.codes]
12345 = ["a thing we name", "another name"]
"""


def test_the_lexicon_spells_out_shorthand_and_punctuated_pairs() -> None:
    # A made-up descriptor in CMS's shorthand style.
    spelled = expand_descriptor("Njx aa&/strd tfrm epi l/s w/o img ea addl")

    assert spelled == (
        "injection anesthetic agent and or steroid transforaminal epidural lumbar sacral "
        "without imaging each additional"
    )


def test_words_the_lexicon_does_not_know_are_kept() -> None:
    assert expand_descriptor("Zzq repair knee") == "zzq repair knee"


def test_the_lexicon_file_parses_with_hundreds_of_entries() -> None:
    table = lexicon()

    assert len(table.expand) > 1500
    assert table.expand["tte"] == "transthoracic echocardiography"
    assert table.knows("proctosigmoidoscopy")


def test_a_bad_lexicon_entry_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.toml"
    path.write_text('[expand]\n"W/O" = "without"\n', encoding="utf-8")

    with pytest.raises(ContentError, match="'W/O'"):
        load_lexicon(path)


def test_index_term_files_parse_and_no_code_is_in_two_families() -> None:
    families = load_families()
    terms = cpt_index_terms()

    assert len(families) >= 40
    assert len(terms) == sum(len(f.codes) for f in families) > 700
    assert all(t.strip() for code_terms in terms.values() for t in code_terms)
    assert "TFESI lumbar" in also_known_as(" 64483 ")
    assert also_known_as("99999") == ()


def test_a_code_in_two_families_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SECTION, encoding="utf-8")
    (tmp_path / "b.toml").write_text(SECTION, encoding="utf-8")

    with pytest.raises(ContentError, match=r"12345 is already in a\.toml"):
        load_families(tmp_path)


def test_a_code_that_is_not_cpt_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SECTION.replace("12345", "J1885"), encoding="utf-8")

    with pytest.raises(ContentError, match="'J1885' is not a CPT code"):
        load_families(tmp_path)


def test_every_family_has_two_review_passes() -> None:
    reviews = review_records()
    passes: dict[tuple[str, str], set[int]] = {}
    for review in reviews:
        assert str(review["fixes"]).strip()
        number = review["pass"]
        assert isinstance(number, int)
        passes.setdefault((str(review["file"]), str(review["family"])), set()).add(number)
    families = {(f"{f.section}.toml", f.name) for f in load_families()}

    assert set(passes) == families
    # Passes 1 and 2 wrote and checked the family; a later change (pass 3) has its check (4).
    assert all(found in ({1, 2}, {1, 2, 3, 4}) for found in passes.values())


def test_the_recheck_record_adds_up_and_every_code_it_lists_has_terms() -> None:
    record = load_recheck()
    summary = record["summary"]
    entries = [*record.get("code", []), *record.get("outside_sample", [])]
    terms = cpt_index_terms()

    assert summary["sample"] == 300
    assert sum(summary[v] for v in ("ok", "weak", "doubt", "error")) == summary["sample"]
    assert len(record["code"]) == summary["sample"] - summary["ok"]
    assert [entry["code"] for entry in entries if entry["code"] not in terms] == []


def test_a_recheck_whose_counts_do_not_add_up_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "recheck.toml"
    path.write_text(
        "[summary]\nsample = 300\nok = 298\nweak = 0\ndoubt = 0\nerror = 1\n"
        '[[code]]\ncode = "12345"\nverdict = "error"\nnote = "wrong site"\n',
        encoding="utf-8",
    )

    with pytest.raises(ContentError, match="do not add up"):
        load_recheck(path)


@pytest.mark.realdata  # reads ../shared/reference
def test_no_index_term_repeats_eight_words_of_a_reference_page() -> None:
    pages = [runs(tokens(page.read_text(encoding="utf-8")), RUN) for page in reference_pages()]
    copied = [
        f"{code}: {term}"
        for code, terms in cpt_index_terms().items()
        for term in terms
        if any(runs(tokens(term), RUN) & seen for seen in pages)
    ]

    assert copied == []


@pytest.mark.realdata  # reads ../shared/reference
def test_no_index_term_quotes_an_official_descriptor() -> None:
    guarded = official_descriptor_runs()
    quoted = [
        f"{code}: {term}"
        for code, terms in cpt_index_terms().items()
        for term in terms
        if runs(tokens(term), DESCRIPTOR_RUN) & guarded
    ]

    assert quoted == []


def test_the_files_live_in_the_content_package() -> None:
    names = sorted(p.name for p in CPT_TERMS.glob("*.toml"))

    assert "review.toml" in names
    assert len(names) >= 8
