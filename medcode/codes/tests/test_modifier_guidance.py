"""The editorial modifier table: it loads, and a broken entry is named with its file and number."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode.content.descriptions import ContentError
from medcode.content.modifier_guidance import GUIDANCE, load_guidance


def test_the_shipped_table_gives_therapy_codes_their_discipline_modifiers() -> None:
    table = load_guidance(GUIDANCE)

    therapy = [e.modifier for e in table.for_conditions(["therapy"])]
    assert therapy[:4] == ["GP", "GO", "GN", "KX"]
    assert {e.modifier for e in table.for_conditions(["pctc_split"])} == {"26", "TC"}
    assert all(e.why.endswith(".") for e in table.entries)


def test_an_entry_with_an_unknown_condition_is_named(tmp_path: Path) -> None:
    path = tmp_path / "guidance.toml"
    path.write_text(
        '[conditions]\ntherapy = "A therapy code."\n\n'
        '[[guidance]]\nmodifier = "GP"\ncondition = "therapy"\nwhy = "Fine."\n\n'
        '[[guidance]]\nmodifier = "GO"\ncondition = "theraby"\nwhy = "Typo."\n'
    )

    with pytest.raises(ContentError, match=r"guidance 2: condition 'theraby' is not in"):
        load_guidance(path)


def test_a_modifier_that_is_not_two_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guidance.toml"
    path.write_text(
        '[conditions]\nx = "X."\n[[guidance]]\nmodifier = "GPX"\ncondition = "x"\nwhy = "No."\n'
    )

    with pytest.raises(ContentError, match="modifier 'GPX' is not two letters or digits"):
        load_guidance(path)
