"""Which modifiers apply to a code and why: the editorial table ``modifier_guidance.toml``.

The table names conditions by id (``therapy``, ``pctc_split``…) and, per condition, the
modifiers that go with it and why, in medcode's words. Which conditions hold for a code is
worked out from the CMS data by ``medcode.codes.modifiers``; this module only reads the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from medcode.content.descriptions import ContentError
from medcode.content.fields import check_keys, string

GUIDANCE = Path(__file__).resolve().parent / "modifier_guidance.toml"

_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


@dataclass(frozen=True)
class ModifierGuidance:
    modifier: str
    condition: str
    why: str


@dataclass(frozen=True)
class GuidanceTable:
    conditions: dict[str, str]  # id -> when it holds, in our words
    entries: tuple[ModifierGuidance, ...]

    def for_conditions(self, held: list[str]) -> list[ModifierGuidance]:
        """Entries for the conditions that hold, in the table's order."""
        wanted = set(held)
        return [entry for entry in self.entries if entry.condition in wanted]

    def for_modifier(self, modifier: str) -> list[ModifierGuidance]:
        return [entry for entry in self.entries if entry.modifier == modifier.upper()]


@cache
def guidance() -> GuidanceTable:
    return load_guidance(GUIDANCE)


def load_guidance(path: Path) -> GuidanceTable:
    """The table in ``path``; raises ContentError naming the file and the entry at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"conditions", "guidance"})
    if unknown:
        raise ContentError(f"{path}: unknown table {unknown[0]!r}")
    conditions = data.get("conditions", {})
    if not isinstance(conditions, dict) or not all(
        isinstance(v, str) and v.strip() for v in conditions.values()
    ):
        raise ContentError(f"{path}: [conditions] must map each id to a sentence")
    raw = data.get("guidance", [])
    if not isinstance(raw, list):
        raise ContentError(f"{path}: 'guidance' must be an array of tables ([[guidance]])")
    entries = tuple(_entry(path, n, item, conditions) for n, item in enumerate(raw, start=1))
    return GuidanceTable(
        conditions={k: " ".join(v.split()) for k, v in conditions.items()},
        entries=entries,
    )


def _entry(path: Path, number: int, item: Any, conditions: dict[str, str]) -> ModifierGuidance:
    where = f"{path}: guidance {number}"
    if not isinstance(item, dict):
        raise ContentError(f"{where}: expected a table")
    keys = ("modifier", "condition", "why")
    check_keys(where, item, keys)
    values = {key: string(where, item, key) for key in keys}
    modifier = values["modifier"].upper()
    if not _MODIFIER.match(modifier):
        raise ContentError(f"{where}: modifier {modifier!r} is not two letters or digits")
    if values["condition"] not in conditions:
        raise ContentError(
            f"{where}: condition {values['condition']!r} is not in [conditions] "
            f"({', '.join(sorted(conditions))})"
        )
    return ModifierGuidance(modifier, values["condition"], values["why"])
