"""A procedure query read in ICD-10-PCS's words (``pcs_words.toml``).

ICD-10-PCS titles name a procedure by its root operation, body part and approach ("Resection of
Appendix, Percutaneous Endoscopic Approach"); people type "laparoscopic appendectomy". Search
reads a procedure query once more through this list and offers the best ICD-10-PCS code beside
the CPT codes, since an inpatient coder wants the one and a professional coder the other.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

PCS_WORDS_FILE = Path(__file__).with_name("pcs_words.toml")
#: Entries of these kinds translate words but do not make a query a procedure by themselves
#: ("knee" is "knee joint" in PCS, but "knee MRI" is no operation).
_QUIET_KINDS = frozenset({"body"})


class PcsWordsError(ValueError):
    pass


def _key(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def load(path: Path = PCS_WORDS_FILE) -> dict[tuple[str, ...], tuple[tuple[str, ...], bool]]:
    """Typed words -> (PCS words, whether they name an operation); PcsWordsError names a bad
    entry."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
    for number, entry in enumerate(data.get("word", []), 1):
        where = f"{path.name}, entry {number}"
        typed, pcs = entry.get("typed"), entry.get("pcs")
        if not typed or not all(isinstance(t, str) and _key(t) for t in typed):
            raise PcsWordsError(f"{where}: 'typed' must list the words people type")
        if not isinstance(pcs, str):
            raise PcsWordsError(f"{where}: 'pcs' must be the words of a PCS title (or \"\")")
        names_operation = bool(_key(pcs)) and entry.get("kind") not in _QUIET_KINDS
        for term in typed:
            if _key(term) in table:
                raise PcsWordsError(f"{where}: {term!r} is already an entry")
            table[_key(term)] = (_key(pcs), names_operation)
    return table


@lru_cache(maxsize=1)
def pcs_words() -> dict[tuple[str, ...], tuple[tuple[str, ...], bool]]:
    return load()


@lru_cache(maxsize=1)
def _longest() -> int:
    return max((len(k) for k in pcs_words()), default=1)


def read_pcs(tokens: list[str]) -> tuple[list[str], frozenset[str]] | None:
    """``tokens`` as ICD-10-PCS titles would write them, and those of the words that name the
    operation or approach (resection, bypass, percutaneous...), which decide a PCS code more
    than its body part; None when no word names an operation (nothing to read again)."""
    table = pcs_words()
    longest = _longest()
    out: list[str] = []
    operation: set[str] = set()
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            found = table.get(tuple(tokens[i : i + n]))
            if found is not None:
                out.extend(found[0])
                if found[1]:
                    operation.update(found[0])
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    # Each word once: "laparoscopic ... endoscopic" would otherwise ask for one word twice.
    unique = list(dict.fromkeys(out))
    return (unique, frozenset(operation)) if operation and unique else None
