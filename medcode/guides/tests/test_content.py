"""Reading guide files: front matter, errors that name the file and the problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medcode.content.descriptions import ContentError
from medcode.guides.content import GUIDES, load_guide
from medcode.guides.lint import BARE_CODE, prose

GOOD = """+++
title = "T"
summary = "S"
topics = ["therapy"]
codes = ["g0283"]
window = { start = 2026-01-01, end = 2026-12-31 }
last_reviewed = 2026-11-01
next_review = 2027-01-01
[[authors]]
name = "A"
credentials = "CPC"
[reviewer]
name = "R"
credentials = "CPMA"
[[sources]]
title = "CMS"
url = "https://www.cms.gov/"
[[changes]]
date = 2026-10-01
note = "First."
[[changes]]
date = 2026-11-01
note = "Second."
+++
Body [[code G0283]].
"""


def write(tmp_path: Path, text: str, name: str = "a-guide.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_guide_reads(tmp_path: Path) -> None:
    guide = load_guide(write(tmp_path, GOOD))

    assert guide.slug == "a-guide"
    assert guide.codes == ("G0283",)
    assert (guide.start, guide.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert [c.note for c in guide.changes] == ["Second.", "First."]
    assert guide.updated == date(2026, 11, 1)
    assert guide.published == date(2026, 10, 1)
    assert guide.body.strip() == "Body [[code G0283]]."
    assert guide.default_date(date(2026, 5, 1)) == date(2026, 5, 1)
    assert guide.default_date(date(2027, 5, 1)) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("[reviewer]", "[reviewr]"), "lacks reviewer"),
        (("topics =", "tags = [1]\ntopics ="), "unknown keys tags"),
        (('summary = "S"\n', ""), "front matter lacks summary"),
        (("end = 2026-12-31", "end = 2025-12-31"), "window ends (2025-12-31) before it starts"),
        (("next_review = 2027-01-01", 'next_review = "soon"'), "next_review: expected a date"),
        (('credentials = "CPMA"', 'credentials = ""'), "reviewer.credentials"),
        (('codes = ["g0283"]', 'codes = ["G 283"]'), "not a code: G 283"),
        (("+++\nBody", "Body"), "no closing '+++'"),
    ],
)
def test_a_bad_guide_names_the_file_and_the_problem(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))

    with pytest.raises(ContentError) as error:
        load_guide(path)

    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_codes_typed_as_text_are_found_but_not_amounts_years_or_tags() -> None:
    text = prose(
        "Bill G0283 or 97014, not [[code 97032]]; $2,480 in 2026; L33796 and A52513.\n"
        '```scenario\n{"claim": {"lines": [{"code": "97110"}]}}\n```\n'
    )

    assert [m.group(1) for m in BARE_CODE.finditer(text)] == ["G0283", "97014"]


def test_every_shipped_guide_reads() -> None:
    paths = sorted(GUIDES.glob("*.md"))

    assert paths
    for path in paths:
        assert load_guide(path).title
