"""medcode's therapy lists and KX thresholds: the shipped file reads, bad files are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode.content.descriptions import ContentError
from medcode.content.therapy import THERAPY, load_therapy, therapy


def test_the_shipped_file_reads_and_cites_every_list() -> None:
    content = load_therapy(THERAPY)

    for code_list in (content.always, content.sometimes, content.timed, content.untimed):
        assert code_list.url.startswith("https://www.cms.gov/")
        assert code_list.source and code_list.checked
    assert content.minutes_per_unit == 15
    assert content.kx_url.startswith("https://www.cms.gov/")


def test_the_common_therapy_codes_are_sorted_as_a_biller_expects() -> None:
    content = therapy()

    assert {"97110", "97140", "97530", "97032"} <= content.timed.codes
    assert {"G0283", "97014", "97161"} <= content.untimed.codes
    assert "97014" in content.always and "G0283" not in content.timed
    assert "97129" in content.sometimes and "97129" not in content.always


@pytest.mark.parametrize(("year", "amount"), [(2024, 2330), (2025, 2410), (2026, 2480)])
def test_the_kx_threshold_follows_the_year(year: int, amount: int) -> None:
    threshold = therapy().kx_threshold(year)

    assert (threshold.year, threshold.amount, threshold.note) == (year, amount, "")
    assert therapy().targeted_review == 3000


def test_a_year_medcode_lacks_uses_the_latest_earlier_amount_and_says_so() -> None:
    latest = max(therapy().thresholds)

    threshold = therapy().kx_threshold(latest + 1)

    assert threshold.amount == therapy().thresholds[latest]
    assert threshold.note == f"medcode has no KX threshold for {latest + 1}; used {latest}'s"


GOOD = """
[always_therapy]
codes = ["97010"]
source = "s"
url = "https://example.org/a"
checked = "c"

[sometimes_therapy]
codes = ["20560"]
source = "s"
url = "https://example.org/a"
checked = "c"

[timed]
minutes_per_unit = 15
codes = ["97110"]
source = "s"
url = "https://example.org/a"
checked = "c"

[untimed]
codes = ["G0283"]
source = "s"
url = "https://example.org/a"
checked = "c"

[kx]
thresholds = [{ year = 2026, amount = 2480 }]
targeted_review = 3000
source = "s"
url = "https://example.org/a"
checked = "c"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "therapy.toml"
    path.write_text(text)
    return path


def test_a_small_good_file_reads(tmp_path: Path) -> None:
    content = load_therapy(write(tmp_path, GOOD))

    assert content.timed.codes == {"97110"} and content.thresholds == {2026: 2480}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('codes = ["97110"]', 'codes = ["97110", "97110"]'), "[timed]: 97110 is listed twice"),
        (('codes = ["G0283"]', 'codes = ["97110"]'), "97110 is in both [timed] and [untimed]"),
        (('codes = ["97010"]', 'codes = ["970"]'), "[always_therapy]: '970' is not a five"),
        (("amount = 2480", "amount = -1"), "[kx] threshold 1: amount must be a whole number"),
        (("minutes_per_unit = 15", "minutes_per_unit = 0"), "[timed] minutes_per_unit must"),
        (("[untimed]", "[untimed_codes]"), "unknown table [untimed_codes]"),
        (('url = "https://example.org/a"', 'url = "http://x"'), "must start with https://"),
        (("targeted_review = 3000", "targeted_review = 3000\nextra = 1"), "unknown key 'extra'"),
        (("targeted_review = 3000", "targeted_review = "), "not valid TOML"),
    ],
)
def test_a_bad_file_is_an_error_naming_the_file_and_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change, 1))

    with pytest.raises(ContentError) as error:
        load_therapy(path)

    assert str(path) in str(error.value) and message in str(error.value)


def test_two_thresholds_for_one_year_are_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "thresholds = [{ year = 2026, amount = 2480 }]",
        "thresholds = [{ year = 2026, amount = 2480 }, { year = 2026, amount = 2500 }]",
    )

    with pytest.raises(ContentError, match="year 2026 is listed twice"):
        load_therapy(write(tmp_path, text))
