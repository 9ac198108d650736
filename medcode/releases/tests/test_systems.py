"""The code systems and the CPT/HCPCS code patterns are written down once (releases/systems.py)."""

from __future__ import annotations

from pathlib import Path

from medcode.releases.systems import CPT_CODE, HCPCS_CODE, SYSTEMS

PACKAGE = Path(__file__).resolve().parents[2]
COPIES = [
    ", ".join(f'"{s}"' for s in SYSTEMS),
    f'r"{CPT_CODE.pattern}"',
    f'r"{HCPCS_CODE.pattern}"',
]


def test_the_patterns_tell_cpt_from_hcpcs() -> None:
    assert [bool(CPT_CODE.match(c)) for c in ("99213", "0001U", "G0283", "9921")] == [
        True,
        True,
        False,
        False,
    ]
    assert [bool(HCPCS_CODE.match(c)) for c in ("G0283", "J3490", "W1234", "99213")] == [
        True,
        True,
        False,
        False,
    ]


def test_no_module_keeps_its_own_copy() -> None:
    # The content package imports nothing of medcode (it is read by tools outside Django), so
    # it keeps its own CPT pattern for its index-term files.
    sources = [
        path
        for path in PACKAGE.rglob("*.py")
        if not {"tests", "content"} & set(path.parts) and path.name != "systems.py"
    ]
    assert len(sources) > 100  # the package itself, not an empty folder
    copies = [
        (str(path.relative_to(PACKAGE)), copy)
        for path in sources
        for copy in COPIES
        if copy in path.read_text(encoding="utf-8")
    ]
    assert copies == []
