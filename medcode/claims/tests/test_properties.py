"""Property-based tests (Hypothesis) of the claim readers: whatever the input, a reader returns
claims or raises ClaimError (whose message can be sent and printed), never another exception.

Inputs are random text and bytes, and random changes to well-formed JSON, CSV and 837 claims so
that the search also reaches past the syntax into the field checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.claims.claim import Claim, ClaimError
from medcode.claims.formats import read_claims
from medcode.claims.formats.csv_claims import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
X12 = (FIXTURES / "claims_837p.x12").read_text()
CSV = (FIXTURES / "claims.csv").read_text()

# A few seconds per test on a shared 2-core machine.
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with everything a reader meets at worst: controls, surrogates, brackets, digits, huge
# exponents, the X12 and CSV delimiters.
ANY_TEXT = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from(list('*:~^,;"\n\r\t[]{}\\.-+eE0123456789\udfff\x1b\x00')),
    ),
    max_size=60,
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


def outcome(data: bytes | str, fmt: str | None = None) -> list[Claim] | ClaimError:
    """The reader's answer; any exception but ClaimError fails the test."""
    try:
        claims = read_claims(data, fmt, locality="10112-00")
    except ClaimError as exc:
        str(exc).encode("utf-8")  # the message is text that can be sent and printed
        return exc
    for claim in claims:
        # What was read can be stored, printed and sent.
        json.dumps([claim.id, claim.locality, claim.diagnoses]).encode("utf-8")
        for line in claim.lines:
            (line.code + "".join(line.modifiers)).encode("utf-8")
            assert line.units >= 1
    return claims


GOOD_CLAIM: dict[str, Any] = {
    "id": "c1",
    "payer": "medicare",
    "setting": "practitioner",
    "place_of_service": "11",
    "date_of_service": "2026-05-04",
    "locality": "10112-00",
    "diagnoses": ["M17.11"],
    "therapy_amounts": {"pt_slp": 10.0},
    "lines": [
        {
            "code": "97110",
            "modifiers": ["GP"],
            "units": 2,
            "minutes": 30,
            "diagnosis_pointers": [1],
            "date_of_service": "2026-05-04",
        }
    ],
}
CLAIM_FIELDS = [k for k in GOOD_CLAIM if k != "lines"]
LINE_FIELDS = list(GOOD_CLAIM["lines"][0])


@QUICK
@given(st.one_of(ANY_TEXT, st.binary(max_size=200)))
def test_any_text_or_bytes_is_claims_or_a_claim_error(data: str | bytes) -> None:
    for fmt in (None, "json", "csv", "x12"):
        outcome(data, fmt)


@QUICK
@given(JSON_VALUES)
def test_any_json_value_is_claims_or_a_claim_error(value: Any) -> None:
    outcome(json.dumps(value), "json")


@QUICK
@given(
    st.sampled_from(CLAIM_FIELDS + [f"line.{f}" for f in LINE_FIELDS]),
    JSON_VALUES,
    st.integers(min_value=1, max_value=60),
)
def test_any_value_in_any_field_of_a_json_claim_is_a_claim_or_a_claim_error(
    name: str, value: Any, copies: int
) -> None:
    data = json.loads(json.dumps(GOOD_CLAIM))
    if name.startswith("line."):
        data["lines"][0][name[5:]] = value
    else:
        data[name] = value
    data["lines"] = data["lines"] * copies
    outcome(json.dumps(data), "json")


@QUICK
@given(st.data())
def test_any_cell_of_a_csv_is_claims_or_a_claim_error(data: st.DataObject) -> None:
    rows = [row.split(",") for row in CSV.splitlines()]
    row = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    cell = data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
    rows[row][cell] = data.draw(st.one_of(ANY_TEXT, st.sampled_from(COLUMNS)))
    text = "\n".join(",".join(r) for r in rows)
    outcome(text, "csv")
    outcome(text.encode("utf-8", "surrogatepass"), "csv")  # bytes that are not UTF-8 text


@QUICK
@given(st.data())
def test_any_element_of_an_837_is_claims_or_a_claim_error(data: st.DataObject) -> None:
    segments = X12.split("~")
    number = data.draw(st.integers(min_value=0, max_value=len(segments) - 1))
    elements = segments[number].split("*")
    position = data.draw(st.integers(min_value=0, max_value=len(elements)))
    value = data.draw(st.one_of(ANY_TEXT, st.sampled_from(["inf", "nan", "1e400", "-1", ""])))
    elements[position : position + 1] = [value]
    segments[number] = "*".join(elements)
    outcome("~".join(segments), "x12")


@QUICK
@given(st.integers(min_value=0, max_value=len(X12)), ANY_TEXT)
def test_an_837_cut_or_spliced_anywhere_is_claims_or_a_claim_error(at: int, insert: str) -> None:
    outcome(X12[:at], "x12")
    outcome(X12[:at] + insert + X12[at:], "x12")
