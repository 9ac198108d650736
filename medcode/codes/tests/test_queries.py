"""codes/queries.py on a hand-written HCPCS file (CMS's ANWEB layout, invented codes): the
single-code and batched forms agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode.codes import queries
from medcode.importers.tests.test_hcpcs_anweb import record, write_anweb
from medcode.releases.models import Release
from medcode.testing import load_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def hcpcs(db: None, tmp_path: Path) -> int:
    records = [
        record("G9901", "3", "Invented service one", "Invented one", add="20200101"),
        record("G9902", "3", "Invented service two", "Invented two", add="20200101"),
        record("   GP", "7", "Invented modifier text", "Invented mod", add="19990101"),
        record("   KX", "7", "Invented other modifier", "Invented kx", add="19990101"),
    ]
    path = write_anweb(tmp_path, records, "HCPC2026_JAN_ANWEB_12012025.txt")
    assert load_file(path, "hcpcs_anweb").status == "loaded"
    return Release.objects.get(dataset="hcpcs").pk


def test_one_code_and_many_codes_at_once_agree(hcpcs: int) -> None:
    codes = ["G9901", "G9902", "G9999"]
    batched = {r["code"]: r for r in queries.hcpcs_of(hcpcs, codes)}

    assert {c: queries.hcpcs(hcpcs, c) for c in codes if c in batched} == batched
    assert queries.hcpcs(hcpcs, "G9999") is None
    brief = {r["code"]: r for r in queries.hcpcs_brief_of(hcpcs, codes)}
    assert {c: r["short_description"] for c, r in brief.items()} == {
        c: r["short_description"] for c, r in batched.items()
    }
    assert [r["release_id"] for r in queries.hcpcs_history([hcpcs], "G9901")] == [hcpcs]


def test_one_modifier_and_many_at_once_agree(hcpcs: int) -> None:
    codes = ["GP", "KX", "ZZ"]
    batched = {r["code"]: r for r in queries.modifiers_of(hcpcs, codes)}

    assert {c: queries.modifier(hcpcs, c) for c in codes if c in batched} == batched
    assert queries.modifiers_listed(hcpcs, codes) == {"GP", "KX"}
    assert queries.modifier_descriptions(hcpcs, codes) == {
        "GP": "Invented modifier text",
        "KX": "Invented other modifier",
    }
    assert queries.every_modifier_code() == {"GP", "KX"}


def test_search_is_given_every_code_and_modifier(hcpcs: int) -> None:
    entries = sorted((system, code) for system, code, *_ in queries.index_entries(hcpcs))

    assert entries == [
        ("HCPCS", "G9901"),
        ("HCPCS", "G9902"),
        ("MODIFIER", "GP"),
        ("MODIFIER", "KX"),
    ]
