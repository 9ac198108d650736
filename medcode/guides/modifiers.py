"""CPT modifiers that CMS's HCPCS file does not list, in medcode's own words (cpt_modifiers.toml).

Shown on ``/modifiers/<XX>`` and through the ``[[cpt_modifier XX]]`` tag of the guides, so the
page and the guide say the same thing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from medcode.content.descriptions import ContentError

CPT_MODIFIERS = Path(__file__).resolve().parent.parent / "content" / "cpt_modifiers.toml"
_KEYS = {"code", "name", "meaning", "use"}


@dataclass(frozen=True)
class CptModifier:
    code: str
    name: str
    meaning: str
    use: str


def load_cpt_modifiers(path: Path) -> dict[str, CptModifier]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: {exc}") from None
    found: dict[str, CptModifier] = {}
    for number, entry in enumerate(data.get("modifier", []), start=1):
        if not isinstance(entry, dict) or set(entry) != _KEYS:
            raise ContentError(
                f"{path}: modifier {number}: needs exactly {', '.join(sorted(_KEYS))}"
            )
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in _KEYS):
            raise ContentError(f"{path}: modifier {number}: every field is non-empty text")
        code = entry["code"].strip().upper()
        if code in found:
            raise ContentError(f"{path}: modifier {code} is listed twice")
        found[code] = CptModifier(code, entry["name"], entry["meaning"], entry["use"])
    return found


@cache
def cpt_modifiers() -> dict[str, CptModifier]:
    return load_cpt_modifiers(CPT_MODIFIERS)
