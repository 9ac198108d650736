"""Plain-language descriptions of codes, one Markdown file per code in ``descriptions/``.

Each file opens with a front matter between two ``---`` lines, then the text in Markdown::

    ---
    code: 97014
    system: CPT
    title: Unattended electrical stimulation (non-Medicare payers)
    updated: 2026-11-23
    see_also: [G0283, 97032]
    ---
    The text, 150 to 350 words, in medcode's own words.

The front matter is read here, not by a YAML library: one ``key: value`` per line, lists as
``[a, b]``, blank lines and ``#`` comments ignored. A file that breaks these rules raises
ContentError naming the file, the line and what is wrong. Files are read once per process.

The text never reproduces the official CPT descriptor (© AMA) nor a third party's sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DESCRIPTIONS = Path(__file__).resolve().parent / "descriptions"
SYSTEMS = ("CPT", "HCPCS", "ICD-10-CM")
REQUIRED = ("code", "system", "title", "updated")
OPTIONAL = ("see_also",)

_KEY = re.compile(r"^[a-z_]+$")
_CODE = re.compile(r"^[A-Z0-9]{3,7}$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*")


class ContentError(ValueError):
    """An editorial file medcode cannot read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Description:
    code: str
    system: str
    title: str
    updated: date
    see_also: tuple[str, ...]
    body_markdown: str
    path: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "system": self.system,
            "title": self.title,
            "updated": self.updated.isoformat(),
            "see_also": list(self.see_also),
            "body_markdown": self.body_markdown,
        }


def normalize_code(text: str) -> str:
    """A code as medcode stores it: upper case, no spaces, no ICD-10-CM dot."""
    return text.strip().upper().replace(".", "")


def word_count(text: str) -> int:
    """Words in a text, Markdown marks ignored; "one-on-one" and "payer's" count as one."""
    return len(_WORD.findall(text))


def description_for(code: str) -> Description | None:
    """medcode's own description of a code, or None when it has none."""
    return _shipped().get(normalize_code(code))


@cache
def _shipped() -> dict[str, Description]:
    return load_descriptions(DESCRIPTIONS)


def load_descriptions(folder: Path) -> dict[str, Description]:
    """Every ``*.md`` file in ``folder`` by code; raises ContentError on the first bad file."""
    found: dict[str, Description] = {}
    for path in sorted(folder.glob("*.md")):
        description = parse_description(path)
        found[description.code] = description
    return found


def parse_description(path: Path) -> Description:
    """One description file; its name (without ``.md``) must be the code it describes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{path}: line 1: expected '---' to open the front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ContentError(f"{path}: the front matter opened on line 1 has no closing '---'")
    fields = _front_matter(path, lines[1:end])
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        raise ContentError(f"{path}: no text after the front matter")
    return _description(path, fields, body + "\n")


def _front_matter(path: Path, lines: list[str]) -> dict[str, str | tuple[str, ...]]:
    fields: dict[str, str | tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, colon, value = stripped.partition(":")
        key, value = key.strip(), value.strip()
        where = f"{path}: line {number}"
        if not colon or not _KEY.match(key):
            raise ContentError(f"{where}: expected 'key: value', got {line!r}")
        if key not in REQUIRED and key not in OPTIONAL:
            known = ", ".join(REQUIRED + OPTIONAL)
            raise ContentError(f"{where}: unknown key {key!r} (known keys: {known})")
        if key in fields:
            raise ContentError(f"{where}: {key!r} is given twice")
        if value.startswith("["):
            if not value.endswith("]"):
                raise ContentError(f"{where}: the list for {key!r} has no closing ']'")
            fields[key] = tuple(_unquote(item) for item in value[1:-1].split(",") if item.strip())
        elif not value:
            raise ContentError(f"{where}: {key!r} has no value")
        else:
            fields[key] = _unquote(value)
    missing = [key for key in REQUIRED if key not in fields]
    if missing:
        raise ContentError(f"{path}: front matter lacks {', '.join(missing)}")
    return fields


def _description(path: Path, fields: dict[str, str | tuple[str, ...]], body: str) -> Description:
    code, system, title, updated = (_text(path, fields, key) for key in REQUIRED)
    code = normalize_code(code)
    if not _CODE.match(code):
        raise ContentError(f"{path}: code {code!r} is not a code")
    if code != normalize_code(path.stem):
        raise ContentError(f"{path}: front matter names code {code} but the file is {path.name}")
    if system not in SYSTEMS:
        raise ContentError(f"{path}: system {system!r} is not one of {', '.join(SYSTEMS)}")
    try:
        day = date.fromisoformat(updated)
    except ValueError:
        raise ContentError(f"{path}: updated {updated!r} is not a date (YYYY-MM-DD)") from None
    see_also = fields.get("see_also", ())
    if isinstance(see_also, str):
        raise ContentError(f"{path}: see_also must be a list, as in [G0283, 97032]")
    others = tuple(normalize_code(other) for other in see_also)
    for other in others:
        if not _CODE.match(other) or other == code:
            raise ContentError(f"{path}: see_also lists {other!r}, which is not another code")
    return Description(code, system, title, day, others, body, path)


def _text(path: Path, fields: dict[str, str | tuple[str, ...]], key: str) -> str:
    value = fields[key]
    if not isinstance(value, str):
        raise ContentError(f"{path}: {key} must be a single value, not a list")
    return value


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
