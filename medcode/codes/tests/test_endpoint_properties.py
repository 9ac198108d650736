"""Property-based tests (Hypothesis) of the search and code endpoints over a small store: any
query, code or parameter (any bytes in the URL, any text to the functions behind them) gets a
result or a clear 4xx answer, never a 500 or an exception.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.codes.lookup import CodeNotFound, MalformedCode, lookup
from medcode.importers.tests.test_hcpcs_anweb import GOOD, write_anweb
from medcode.search.engine import SearchError, search
from medcode.testing import load_file

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"
DAY = date(2030, 1, 15)
QUICK = settings(
    max_examples=60,
    deadline=None,
    # One store for all examples of a test: the requests only read it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANY_TEXT = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from(list("[]/\\%.-*?&=#'\"\x00\x1b\udfff\u202e0123456789EGKg")),
    ),
    max_size=30,
)
# What a URL can carry: any bytes, and text (lone surrogates too) as UTF-8 would encode it.
URL_BYTES = st.one_of(
    st.binary(max_size=30), ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))
)
ANSWERED = {200, 301, 302, 400, 404}


@pytest.fixture
def store(db: None, tmp_path: Path) -> None:
    for name, fmt in [
        ("icd10cm_order_2030.txt", "icd10cm_order"),
        ("icd10cm_tabular_2030.xml", "icd10cm_tabular"),
        ("pfs_pprrvu_PPRRVU2025_Oct.csv", "pfs_pprrvu"),
        ("pfs_gpci_GPCI2025.csv", "pfs_gpci"),
    ]:
        assert load_file(FIXTURES / name, fmt).status == "loaded"
    assert load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb").status == "loaded"


def get(path: str) -> int:
    # raise_request_exception: an exception in a view fails the test with its traceback.
    response = Client(raise_request_exception=True).get(path)
    assert response.status_code in ANSWERED, (path, response.status_code, response.content[:300])
    return response.status_code


@QUICK
@given(query=URL_BYTES, system=URL_BYTES, limit=URL_BYTES, day=URL_BYTES)
def test_the_search_endpoints_answer_any_query(
    store: None, query: bytes, system: bytes, limit: bytes, day: bytes
) -> None:
    q = quote_from_bytes(query, safe="")
    params = f"q={q}&system={quote_from_bytes(system)}&limit={quote_from_bytes(limit)}"
    get(f"/api/v1/search?{params}&date={quote_from_bytes(day)}")
    get(f"/api/v1/search?q={q}&date=2030-01-15")
    get(f"/search?q={q}&date=2030-01-15")
    get(f"/search?{params}")


@QUICK
@given(code=URL_BYTES, locality=URL_BYTES, system=URL_BYTES, day=URL_BYTES)
def test_the_code_endpoints_answer_any_code(
    store: None, code: bytes, locality: bytes, system: bytes, day: bytes
) -> None:
    path = quote_from_bytes(code, safe="") or "%20"
    get(f"/api/v1/codes/{path}?date=2030-01-15")
    get(f"/codes/{path}?date=2030-01-15")
    options = f"locality={quote_from_bytes(locality)}&system={quote_from_bytes(system)}"
    get(f"/api/v1/codes/97110?date=2030-01-15&{options}")
    get(f"/api/v1/codes/{path}?{options}&date={quote_from_bytes(day)}")
    get(f"/codes/97110?{options}&date={quote_from_bytes(day)}")


@QUICK
@given(text=ANY_TEXT, system=st.one_of(st.none(), ANY_TEXT), limit=st.integers())
def test_search_and_lookup_take_any_text(
    store: None, text: str, system: str | None, limit: int
) -> None:
    try:
        search(text, DAY, system=system, limit=limit)
    except SearchError as exc:
        str(exc).encode("utf-8")
    try:
        lookup(text, DAY, system=system, locality=text or None)
    except (CodeNotFound, MalformedCode) as exc:
        str(exc).encode("utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/search?q=%ED%BF%BF",
        "/api/v1/search?q=%00",
        "/api/v1/codes/%ED%BF%BF",
        "/codes/%ED%BF%BF",
        "/search?q=%ED%BF%BF",
        "/api/v1/codes/97110?date=99999-01-01",
        "/api/v1/codes/97110?date=%00",
    ],
)
def test_odd_input_seen_in_the_field_is_answered(store: None, path: str) -> None:
    assert get(path) in (200, 400)
