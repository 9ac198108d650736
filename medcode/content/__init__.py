"""Editorial content medcode ships beside the CMS data: plain-language descriptions of codes
and a table of payer crosswalks ("payer P does not take code X; use code Y").

Everything here is text written by medcode's editors, read without Django or a database:
``descriptions/<code>.md`` (Markdown with a small front matter) and ``crosswalks.toml``.
"""

from __future__ import annotations

from medcode.content.crosswalks import Crosswalk, CrosswalkSource, crosswalks_for
from medcode.content.descriptions import ContentError, Description, description_for

__all__ = [
    "ContentError",
    "Crosswalk",
    "CrosswalkSource",
    "Description",
    "crosswalks_for",
    "description_for",
]
