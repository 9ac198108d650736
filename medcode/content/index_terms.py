"""Words search adds to CPT and HCPCS codes: the abbreviation lexicon and our CPT index terms.

CMS's short descriptors abbreviate (``Njx aa&/strd tfrm epi l/s 1``); the lexicon in
``search_terms/abbreviations.toml`` spells them out, so the descriptor's own words are searchable
in full. ``search_terms/cpt/*.toml`` holds index terms we wrote for CPT codes, family by family:
the names clinicians and coders use (TFESI, bunionectomy, lap band), the approach and what sets a
code apart from its siblings. Neither file contains CPT descriptor text (a test guards it);
``search_terms/cpt/review*.toml`` record each family's second, independent check (one file per
batch of families, so that writers working on different sections do not edit the same file);
``search_terms/cpt/recheck.toml`` records the independent re-check of a random sample of codes.

Django-free: the search index (medcode.search.index) and the code page read these functions.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from medcode.content.descriptions import ContentError

SEARCH_TERMS = Path(__file__).resolve().parent / "search_terms"
LEXICON_FILE = SEARCH_TERMS / "abbreviations.toml"
CPT_TERMS = SEARCH_TERMS / "cpt"
REVIEW_FILE = CPT_TERMS / "review.toml"
REVIEW_GLOB = "review*.toml"
# The independent re-check of a random sample of codes (issue 11): verdicts, not terms.
RECHECK_FILE = CPT_TERMS / "recheck.toml"
RECHECK_VERDICTS = ("ok", "weak", "doubt", "error")

_TOKEN = re.compile(r"[a-z0-9]+")
_CPT_CODE = re.compile(r"^\d{4}[0-9A-Z]$")


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[str, str]  # "w/o" -> "without"
    expand: dict[str, str]  # "njx" -> "injection"
    words: frozenset[str]  # medical words the English word list lacks
    phrase_tokens: frozenset[str] = frozenset()  # tokens explained by a phrase entry

    def knows(self, token: str) -> bool:
        """Whether the lexicon explains ``token``, alone or as part of a shorthand phrase."""
        return token in self.expand or token in self.words or token in self.phrase_tokens


@dataclass(frozen=True)
class Family:
    name: str
    section: str  # the file's stem (surgery_musculoskeletal, radiology...)
    codes: dict[str, tuple[str, ...]]


def _check_text(value: object, where: str) -> str:
    if not isinstance(value, str) or not _TOKEN.search(value.lower()):
        raise ContentError(f"{where}: expected words, got {value!r}")
    return value.strip()


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon; ContentError names a malformed entry."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    phrases = {
        k.lower(): _check_text(v, f"{path.name} [phrases] {k!r}").lower()
        for k, v in data.get("phrases", {}).items()
    }
    expand = {}
    for key, value in data.get("expand", {}).items():
        if not _TOKEN.fullmatch(key):
            raise ContentError(
                f"{path.name} [expand] {key!r}: a token is lower-case letters/digits"
            )
        expand[key] = _check_text(value, f"{path.name} [expand] {key!r}").lower()
    words = data.get("words", {}).get("words", [])
    if not all(isinstance(w, str) and _TOKEN.fullmatch(w) for w in words):
        raise ContentError(f"{path.name} [words]: list lower-case words")
    tokens = frozenset(t for phrase in phrases for t in _TOKEN.findall(phrase))
    return Lexicon(phrases, expand, frozenset(words), tokens)


@cache
def lexicon() -> Lexicon:
    return load_lexicon()


def expand_descriptor(text: str, table: Lexicon | None = None) -> str:
    """``text`` with its abbreviations spelled out ("Njx aa&/strd" -> "injection ... steroid").

    Words the lexicon does not list stay as they are, so the result always has every word of
    the descriptor's meaning; the original abbreviations are dropped (the title keeps them).
    """
    table = table or lexicon()
    lowered = f" {text.lower()} "
    # A phrase must start a word but need not end one: CMS glues shorthand to the next word
    # ("1stphy", "w/ocopd", "sep2"). Where that misreads a longer word ("w/optic"), the
    # lexicon lists the longer form, and the longest phrase is tried first.
    for shorthand in sorted(table.phrases, key=len, reverse=True):
        if shorthand in lowered:
            lowered = re.sub(
                rf"(?<![a-z0-9]){re.escape(shorthand)}", f" {table.phrases[shorthand]} ", lowered
            )
    return " ".join(table.expand.get(t, t) for t in _TOKEN.findall(lowered))


def load_families(folder: Path = CPT_TERMS) -> list[Family]:
    """Every family of every section file; ContentError names a bad code, term or duplicate."""
    families: list[Family] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.match(REVIEW_GLOB) or path == folder / RECHECK_FILE.name:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for number, family in enumerate(data.get("family", []), 1):
            where = f"{path.name}, family {number}"
            name = _check_text(family.get("name"), f"{where} name")
            codes: dict[str, tuple[str, ...]] = {}
            for code, terms in family.get("codes", {}).items():
                if not _CPT_CODE.match(code):
                    raise ContentError(f"{where} ({name}): {code!r} is not a CPT code")
                if code in seen:
                    raise ContentError(f"{where}: {code} is already in {seen[code]}")
                if not isinstance(terms, list) or not terms:
                    raise ContentError(f"{where}: {code} needs a list of terms")
                codes[code] = tuple(_check_text(t, f"{where} {code}") for t in terms)
                seen[code] = f"{path.name} ({name})"
            families.append(Family(name, path.stem, codes))
    return families


def review_records(folder: Path = CPT_TERMS) -> list[dict[str, object]]:
    """Every review record (family, file, codes, reviewed_on, pass, fixes) of every review file."""
    records: list[dict[str, object]] = []
    for path in sorted(folder.glob(REVIEW_GLOB)):
        records.extend(tomllib.loads(path.read_text(encoding="utf-8")).get("review", []))
    return records


def load_recheck(path: Path = RECHECK_FILE) -> dict[str, Any]:
    """The re-check record; ContentError names a bad verdict, code or count."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    summary = data.get("summary", {})
    counts = {verdict: summary.get(verdict) for verdict in RECHECK_VERDICTS}
    if not all(isinstance(n, int) and n >= 0 for n in counts.values()):
        raise ContentError(f"{path.name} [summary]: needs a count for each of {RECHECK_VERDICTS}")
    if sum(counts.values()) != summary.get("sample"):
        raise ContentError(f"{path.name} [summary]: the verdict counts do not add up to sample")
    for table in ("code", "outside_sample"):
        for number, entry in enumerate(data.get(table, []), 1):
            where = f"{path.name} [[{table}]] {number}"
            if not _CPT_CODE.match(str(entry.get("code", ""))):
                raise ContentError(f"{where}: {entry.get('code')!r} is not a CPT code")
            if entry.get("verdict") not in RECHECK_VERDICTS[1:]:
                raise ContentError(
                    f"{where}: verdict {entry.get('verdict')!r} is not one of "
                    f"{RECHECK_VERDICTS[1:]}"
                )
            _check_text(entry.get("note"), f"{where} note")
    listed = [entry["verdict"] for entry in data.get("code", [])]
    for verdict in RECHECK_VERDICTS[1:]:
        if listed.count(verdict) != counts[verdict]:
            raise ContentError(
                f"{path.name}: [summary] {verdict} = {counts[verdict]} but "
                f"{listed.count(verdict)} [[code]] entries say {verdict}"
            )
    return data


@cache
def cpt_index_terms() -> dict[str, tuple[str, ...]]:
    """Our index terms by CPT code, for search and the code page's "also known as"."""
    return {code: terms for family in load_families() for code, terms in family.codes.items()}


def also_known_as(code: str) -> tuple[str, ...]:
    return cpt_index_terms().get(code.strip().upper(), ())
