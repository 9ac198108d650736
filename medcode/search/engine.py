"""Search the index as of a date of service: codes and fragments first, then words.

How a query is answered (docs/search.md tells the story for people):

1. A query that is one code-like token (``97014``, ``e1165``, ``E11.65``, ``9701``, ``GP``) finds
   the code itself, then the family it begins (the dot of ICD-10-CM codes is optional).
2. Words are grouped into *concepts*: a phrase of ``synonyms.toml`` (``lap chole``) becomes the
   words it stands for and the codes it points at; a word the index does not know is read as the
   beginning of a word (type-ahead) or corrected against the index's vocabulary (edit distance
   up to 2); common small words are dropped.
3. The database's full-text engine (FTS5 on SQLite, tsvector on PostgreSQL) finds candidates
   that contain every concept (or, when too few do, any of them), restricted to the releases in
   force on the date.
4. Candidates are scored here, the same way on both databases: how many concepts the title
   (or only the extra terms) contains, how few other words the title has, whether the code is
   billable and valid on the date, and whether a synonym points at it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import combinations, pairwise
from typing import Any

from django.db import connection

from medcode.edits import queries as edits_queries
from medcode.icd10.codes import format_icd10cm
from medcode.releases import cache as release_cache
from medcode.releases.sql import placeholders, rows
from medcode.releases.store import (
    InForce,
    Snapshot,
    all_releases,
    release_state,
    status_on,
    to_date,
)
from medcode.releases.systems import SYSTEMS
from medcode.search.index import CPT_TERMS_SEPARATOR, INDEXED_DATASETS, words
from medcode.search.pcs import read_pcs
from medcode.search.synonyms import Synonym, synonyms

MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
CANDIDATES = 200
#: How much of a word typed whole (an abbreviation: TRUS, ANA) a longer word it begins counts
#: for (truss, anal): less than the word itself by more than the bonuses of a kind of code.
WHOLE_PREFIX = 0.9
#: What a text gains when a number the query gives falls in a range the text states
#: ("3 cm" in "2.6-7.5 cm", "BMI 42" in "40.0-44.9", "20 lesions" in "15 or more").
RANGE_BONUS = 0.5
_NUMBER = r"(\d+(?:\.\d+)?)"
_QUERY_NUMBER = re.compile(r"(?<![a-z0-9.])" + _NUMBER + r"(?![0-9])", re.IGNORECASE)
_RANGES = (
    # 2.6-7.5 cm, 40.0-44.9, 2 to 14, 12 through 17
    (re.compile(_NUMBER + r"\s*(?:-|\u2013|to|thru|through)\s*" + _NUMBER), "between"),
    # 15 or more, 15/>, 15+, 70 or greater, 40 and over
    (
        re.compile(_NUMBER + r"\s*(?:[a-z]{1,5}\s+)?(?:or more|or greater|or over|and over|/>|\+)"),
        "from",
    ),
    # over 12, more than 50, greater than 96, > 48
    (re.compile(r"(?:over|more than|greater than|>)\s*" + _NUMBER), "above"),
    # 1.0 cm or less, 250 g or less, up to 48, under 5, less than 5, < 48
    (re.compile(_NUMBER + r"\s*(?:[a-z]{1,5}\s+)?or less"), "to"),
    (re.compile(r"(?:up to|under|less than|<)\s*" + _NUMBER), "to"),
)
#: Where the best ICD-10-PCS reading of a procedure query is offered at the latest (see
#: _pcs_reading), and how much of the query's PCS words it must have.
PCS_SLOT = 5
PCS_COVERS = 0.75
PCS_DISCOUNT = 1.0
#: Words that ask for ICD-10-PCS itself: its codes may then come first.
_PCS_CUES = frozenset({"pcs", "inpatient", "icd10pcs"})
#: Fewer codes than this having every word of a longer query: codes missing one word come too.
FEW_CANDIDATES = 20
#: The weight of a word in fewer than about 2,000 index entries (see _weight).
RARE_WEIGHT = 0.3

# "with" is in a third of ICD-10 titles: as a search term it costs time and decides nothing.
STOPWORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the"}
    | {"to", "w", "with"}
)
#: Words that ask for a procedure or service (CPT, HCPCS, PCS) rather than a diagnosis.
PROCEDURE_WORDS = frozenset(
    [
        "surgery",
        "surgical",
        "repair",
        "removal",
        "remove",
        "injection",
        "inject",
        "injections",
        "screening",
        "administration",
        "therapy",
        "replacement",
        "replace",
        "excision",
        "excise",
        "biopsy",
        "scan",
        "ct",
        "mri",
        "xray",
        "ultrasound",
        "echo",
        "echocardiogram",
        "test",
        "testing",
        "exam",
        "examination",
        "visit",
        "insertion",
        "insert",
        "implant",
        "implantation",
        "reconstruction",
        "fusion",
        "arthroscopy",
        "arthroscopic",
        "endoscopy",
        "endoscopic",
        "laparoscopic",
        "laparoscopy",
        "graft",
        "ablation",
        "infusion",
        "drainage",
        "drain",
        "aspiration",
        "incision",
        "debridement",
        "destruction",
        "transplant",
        "bypass",
        "anesthesia",
        "catheterization",
        "cath",
        "stent",
        "angioplasty",
        "imaging",
        "procedure",
        "operation",
        "block",
        "release",
        "reduction",
        "fixation",
        "manipulation",
        "vaccine",
        "vaccination",
        "immunization",
        "panel",
        "culture",
        "assay",
        "level",
        "count",
        "study",
        "monitoring",
        "consult",
        "consultation",
        "evaluation",
        "office",
        "counseling",
        "training",
        "lab",
        "percutaneous",
        "open",
        "closed",
        "revision",
        "repair",
        "mammogram",
        "colonoscopy",
        "egd",
        "shot",
        "shots",
        "placement",
        "place",
        "treatment",
        "care",
        "management",
        "service",
        "supply",
        "supplies",
    ]
)
_PROCEDURE_ENDINGS = (
    "ectomy",
    "otomy",
    "ostomy",
    "plasty",
    "scopy",
    "graphy",
    "pexy",
    "rrhaphy",
    "centesis",
    "desis",
    "tripsy",
    "gram",
)
#: Words that ask for a condition (ICD-10-CM).
DIAGNOSIS_WORDS = frozenset(
    [
        "pain",
        "fracture",
        "disease",
        "history",
        "syndrome",
        "disorder",
        "infection",
        "deficiency",
        "failure",
        "diagnosis",
        "sprain",
        "strain",
        "symptoms",
        "symptom",
        "chronic",
        "acute",
        "fever",
        "injury",
        "ulcer",
        "tear",
        "lesion",
        "hypertension",
        "diabetes",
        "cancer",
        "carcinoma",
        "neoplasm",
        "stenosis",
        "obesity",
        "dementia",
        "depression",
        "anxiety",
        "arthritis",
        "osteoarthritis",
        "pneumonia",
        "asthma",
        "abscess",
        "broken",
        "fractured",
        "sore",
        "ache",
        "aches",
        "swelling",
        "swollen",
        "rash",
        "cough",
        "bleeding",
        "lump",
        "tumor",
        "allergic",
        "encounter",
    ]
)
_DIAGNOSIS_ENDINGS = ("itis", "osis", "algia", "emia", "opathy", "oma")
#: Words that pick one member of a family (each additional, initial, subsequent...).
_ADD_ON_WORDS = frozenset({"additional", "addl", "add", "each", "ea"})
_COUNTS = {
    "x1": ("one", "single"),
    "x2": ("two", "double"),
    "x3": ("three", "triple"),
    "x4": ("four", "quadruple"),
    "x5": ("five",),
    "x6": ("six",),
}
#: What a synonym's code pointer adds when the query has more words than the synonym: a lean
#: among codes that match the words as well, never more than a better match.
POINTER_LEAN = 0.3
#: ... and what it adds when the code has every other word of the query too.
POINTER_FULL = 1.5
#: What an add-on code ("each additional level") loses to its primary on a query that does
#: not ask for the add-on.
ADD_ON_PENALTY = 0.6
#: What a code found by a Tabular inclusion term scores below one found by its title.
INCLUSION_DISCOUNT = 1.0
#: What a CPT anesthesia code loses when the query does not speak of anesthesia.
ANESTHESIA_PENALTY = 1.0
#: The ICD-10-CM headers found by an inclusion term whose default billable code is looked up,
#: the most codes below a header for it to have one default, and how far above the header
#: that code ranks (the billable bonus, a header has none).
INHERIT_HEADERS = 5
INHERIT_MOST = 300
INHERIT_LIFT = 0.5
#: ... and, for a header found by its own title, how far below it (its children share its
#: words, so they were missing only because the database matched them otherwise).
INHERIT_BELOW = -0.1
#: What a CPT Category III code loses (see _CATEGORY_III).
CATEGORY_III_PENALTY = 0.3
_CATEGORY_III = re.compile(r"^\d{4}T$")
#: What a modifier loses against a query of three or more words that does not ask for one.
MODIFIER_PENALTY = 0.5
#: What a HCPCS code gains when its first phrase (the item itself) has every word asked for.
HEAD_BONUS = 0.4
#: What a text loses when it denies a word the query asks for ("not prescribed").
NEGATION_PENALTY = 0.5
#: What a text loses when it joins two of the query's words the other way ("or" for "and").
CONJUNCTION_PENALTY = 0.3
#: What a CPT or HCPCS code loses per word marking it a variant the query did not ask for.
MARKED_PENALTY = 0.2
_HEAD_END = re.compile(r"\s(?:for|of|with|w|per|and|or|to)\s")
_MARKED_WORDS = frozenset(
    {"limited", "partial", "subsequent", "follow", "repeat", "revision", "unlisted", "only"}
)
_CONTRAST_WORDS = frozenset({"contrast", "dye"})
_ICD_MARKED_WORDS = frozenset(
    {"with", "recurrent", "remission", "complicated", "stress", "pathological"}
)
_PROCEDURE_BONUS = {"CPT": 1.2, "HCPCS": 0.6, "ICD-10-PCS": 0.3}
#: CPT Category II codes and HCPCS quality-measure codes.
_MEASURE_CODE = re.compile(r"^(\d{4}F|G[89]\d{3}|M1\d{3})$")
_MEASURE_WORDS = frozenset(
    {"documented", "documentation", "measure", "quality", "reason", "reported"}
)
_LATER_ENCOUNTER = re.compile(r"subsequent encounter|sequela", re.IGNORECASE)
_ENCOUNTER_WORDS = frozenset({"subsequent", "sequela", "sequelae", "later", "healing", "nonunion"})
_SPLIT = re.compile(r"\s+(?:[&+]|and|or|plus|vs)\s+", re.IGNORECASE)
#: Shorthand that folding would turn into letters without meaning ("w/o" is not "w" "o").
_SHORTHAND = (
    (re.compile(r"(?<![a-z0-9])w\s*/\s*o(?![a-z0-9])", re.IGNORECASE), " without "),
    (re.compile(r"(?<![a-z0-9])w\s*/(?=\s*[a-z])", re.IGNORECASE), " with "),
    (re.compile(r"(?<=\s)&(?=\s)"), " and "),
)
#: Words that say what kind of code is wanted but that descriptors do not use for it.
_INTENT_ONLY = frozenset({"surgery", "procedure", "operation", "operative"})
#: Words that make a query naming a procedure and a condition ask for the condition.
_STATUS_WORDS = frozenset(
    {"history", "status", "after", "complication", "complications", "following", "pain"}
    | {"encounter", "personal", "family", "presence", "absence", "postprocedural", "due"}
)
#: Words that pick one member of a family (see _weight).
_STEERING_WORDS = frozenset(
    {"initial", "subsequent", "first", "bilateral", "unilateral", "each", "additional"}
    | {"complete", "limited", "new", "established"}
)
#: CPT anesthesia codes ("anesthesia for hernia repair"), wanted only when the query says so.
_ANESTHESIA_CODE = re.compile(r"^0[01]\d{3}$")
_ANESTHESIA_WORDS = frozenset({"anesthesia", "anesthetic", "anesthesiology", "anes", "mac"})
#: "without and with (contrast)" is one thing asked for: the code that has both, not the
#: code "without" alone. As typed, then the phrases that satisfy it in a descriptor or term.
_BOTH_TYPED = {
    ("without", "and", "with"),
    ("with", "and", "without"),
    ("wo", "and", "w"),
    ("w", "and", "wo"),
    ("before", "and", "after"),
}
_BOTH_PHRASES = [["without", "and", "with"], ["with", "and", "without"], ["without", "with"]]
_BOTH_PHRASES += [["without", "followed"], ["before", "and", "after"]]
_BOTH_LABEL = "without and with"
_PROTECT_BOTH = re.compile(r"\b(with(?:out)?)\s+(?:and|&)\s+(with(?:out)?)\b", re.IGNORECASE)

#: Words of ICD-10's default (unspecified) codes, which say no more than the bare condition.
_DEFAULT_WORDS = frozenset({"unspecified", "specified", "not", "site", "organism", "nos"})
_SUFFIXES = ("ations", "ation", "ities", "ity", "ies", "ing", "ed", "es", "s", "al", "ic", "y", "e")
_COLUMNS = "id, system, code, is_primary, billable, start_date, end_date, title, terms"
_PARENTHESES = re.compile(r"\([^)]*\)")
_CODE_TOKEN = re.compile(r"^[A-Z0-9]{1,7}(\.[A-Z0-9]{0,4})?$")
#: The store's ``release_state()`` and the ids of the releases whose words are read.
_VocabularyKey = tuple[tuple[object, ...], tuple[int, ...]]


#: Whether synonyms.toml's direct code pointers rank codes (the relevance suite measures both).
synonym_codes: ContextVar[bool] = ContextVar("synonym_codes", default=True)


class SearchError(ValueError):
    """A query search cannot answer; the message says what is wrong with it."""


@dataclass
class Result:
    code: str  # as stored (E1165)
    system: str
    description: str
    billable: bool
    score: float
    #: The words or terms that matched, so a user sees why the code was found.
    matched: list[str] = field(default_factory=list)
    #: The text the words were matched against (title, spelled-out descriptor, index terms).
    text: str = field(default="", repr=False)
    #: The share of the query's concepts found anywhere in ``text`` (1.0: all of them).
    covers: float = field(default=0.0, repr=False)

    @property
    def display_code(self) -> str:
        return format_icd10cm(self.code) if self.system == "ICD-10-CM" else self.code

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.display_code,
            "system": self.system,
            "description": self.description,
            "billable": self.billable,
            "score": round(self.score, 3),
            "matched": self.matched,
        }


@dataclass
class Answer:
    query: str
    as_of: date
    results: list[Result]
    sources: list[InForce]
    #: Words read differently from how they were typed ("osteoarthritus" -> "osteoarthritis").
    corrections: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "date": self.as_of.isoformat(),
            "results": [r.to_dict() for r in self.results],
            "corrections": self.corrections,
            "message": self.message,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass
class Concept:
    """One thing the user asked for: alternatives, any of which satisfies it."""

    label: str
    phrases: list[list[str]]  # each a sequence of words
    prefix: bool = False  # the last word of the single phrase may be the start of a word
    codes: tuple[str, ...] = ()  # codes a synonym points at
    #: How much the concept decides when not every concept is found: rare words weigh more.
    weight: float = 1.0
    #: The word is complete as typed (a word of the index), so a whole-word match beats a
    #: longer word it begins ("tee" is TEE before "teeth").
    whole: bool = False
    #: Phrases the full-text engine selects candidates by, when not ``phrases`` themselves
    #: ("without and with" selects on "without"; scoring wants both words).
    select: list[list[str]] | None = None


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def check_query(
    query: str, system: str | None = None, limit: int = 20
) -> tuple[str, str | None, int]:
    """The query, system and limit, or SearchError naming what is wrong."""
    # Control characters (a NUL, which PostgreSQL refuses in text, or a pasted tab) are spaces.
    text = _CONTROL.sub(" ", query or "").strip()
    if not text:
        raise SearchError("empty query: type a code (97014, E11.65) or words (knee osteoarthritis)")
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(
            f"query too long: {len(text)} characters, at most {MAX_QUERY_CHARS} are searched"
        )
    if system is not None and system.strip() == "":
        system = None
    if system is not None:
        system = system.strip().upper()
        if system not in SYSTEMS:
            raise SearchError(f"unknown code system {system!r}: use one of {', '.join(SYSTEMS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return text, system, limit


def search(
    query: str,
    as_of: date,
    *,
    system: str | None = None,
    billable_only: bool = False,
    limit: int = 20,
) -> Answer:
    """The codes that answer ``query`` on ``as_of``, best first; raises SearchError."""
    text, system, limit = check_query(query, system, limit)
    # One tiny query; the release list is re-read only when a load or delete changed it.
    state = release_state()
    snapshot = Snapshot(as_of, all_releases(state))
    sources = [f for f in (snapshot.in_force(d) for d in INDEXED_DATASETS) if f is not None]
    release_ids = tuple(s.release.id for s in sources)
    # A release id can come back after a delete (SQLite rolls its sequence back with a failed
    # load); the store's state (newest load time) tells the two apart, so a cached vocabulary
    # is never stale.
    vocabulary_key = (state, tuple(sorted(release_ids)))
    answer = Answer(text, as_of, [], sources)
    if not release_ids:
        answer.message = "No code sets are loaded: load CMS files with `medcode data load`."
        return answer
    spelled = _spell_out(text)
    folded = _fold(spelled)
    intent = _intent(folded)
    scored: dict[tuple[str, str], Result] = {}

    def keep(result: Result) -> None:
        if system is not None and result.system != system:
            return
        if billable_only and not result.billable:
            return
        key = (result.system, result.code)
        if key not in scored or scored[key].score < result.score:
            scored[key] = result

    token = folded.strip().upper()
    is_synonym = " ".join(words(folded)) in synonyms()
    code_found = False
    if _CODE_TOKEN.match(token) and " " not in token:
        # "DM2" is a code fragment and an abbreviation: the abbreviation wins over the family.
        for result in _code_results(token, release_ids, as_of, limit, family=not is_synonym):
            keep(result)
            code_found = True
    # A code with digits that was found needs no word search ("E11.65" is not the words "e11 65").
    wants_words = is_synonym or not (code_found and any(c.isdigit() for c in token))
    concepts = _concepts(folded, vocabulary_key, answer.corrections) if wants_words else []
    add_ons = _add_on_codes(snapshot.in_force("ncci_aoc")) if concepts else frozenset()
    parts = _parts(spelled) if concepts else []
    if concepts:
        found = _word_results(
            concepts,
            release_ids,
            as_of,
            intent,
            add_ons,
            Reading.of(spelled),
            covers=bool(parts),
        )
        for result in found:
            keep(result)
    pcs_best = (
        _pcs_reading(
            folded,
            release_ids,
            as_of,
            vocabulary_key,
            add_ons,
            keep,
            # Read in words the user did not type, it stays below the best of those typed.
            max((r.score for r in scored.values()), default=math.inf),
        )
        if concepts and system in (None, "ICD-10-PCS") and intent != "diagnosis"
        else None
    )
    # Codes that have everything the whole query asks for come before the parts' families:
    # "CT abdomen and pelvis" is one scan (74176), not "CT abdomen" (74150) and a pelvis.
    whole = [r.score for r in scored.values() if r.covers >= 0.999]
    ceiling = max(whole) - 0.05 if whole and parts else math.inf
    for part in parts:
        # "hip and knee replacement": each thing asked for gets its own family, taken in turns
        # (the best of each, then the second of each...).
        part_concepts = _concepts(_fold(part), vocabulary_key, answer.corrections)
        if part_concepts:
            found = _word_results(
                part_concepts,
                release_ids,
                as_of,
                _intent(part),
                add_ons,
                Reading.of(part),
            )
            found.sort(key=lambda r: (-r.score, len(r.code), r.code))
            for rank, result in enumerate(found):
                result.score = min(result.score, ceiling) - 0.3 * rank
                keep(result)
    ranked = sorted(scored.values(), key=lambda r: (-r.score, len(r.code), r.code))
    if pcs_best is not None and pcs_best in ranked:
        # The procedure in ICD-10-PCS's words is offered among the first five, beside the CPT
        # codes: an inpatient coder reports the one, a professional coder the other.
        # (At its slot whatever the limit: a shorter list must not put it first.)
        slot = PCS_SLOT - 1
        if ranked.index(pcs_best) > slot:
            ranked.remove(pcs_best)
            ranked.insert(slot, pcs_best)
    answer.results = ranked[:limit]
    every = concepts + [c for part in parts for c in _concepts(_fold(part), vocabulary_key, {})]
    for result in answer.results:
        if result.text:
            result.matched = _matched(every, result.text)
    if not answer.results:
        answer.message = _nothing_found(text, folded, system, billable_only)
    return answer


def _pcs_reading(
    folded: str,
    release_ids: tuple[int, ...],
    as_of: date,
    vocabulary_key: _VocabularyKey,
    add_ons: frozenset[str],
    keep: Callable[[Result], None],
    ceiling: float,
) -> Result | None:
    """The query read again in ICD-10-PCS's words (pcs.py): its best PCS code is kept, ranked
    just below ``ceiling`` (the best code for the words typed) unless the query asks for
    ICD-10-PCS itself, and returned when it has nearly everything the query names."""
    tokens = words(folded.replace(".", " "))
    reading = read_pcs([t for t in tokens if t not in _PCS_CUES])
    if reading is None:
        return None
    translated, operation = reading
    concepts = [
        # The root operation decides a PCS code more than any rarer body-part word.
        replace(c, weight=max(c.weight, 1.0)) if c.label in operation else c
        for c in _concepts(" ".join(translated), vocabulary_key, {})
    ]
    found = (
        _word_results(
            concepts,
            release_ids,
            as_of,
            "procedure",
            add_ons,
            covers=True,
            system="ICD-10-PCS",
            # PCS titles repeat their words by the thousands: no wider search (tens of
            # milliseconds) for a reading that only offers a code beside the others.
            relax=False,
        )
        if concepts
        else []
    )
    best = min(
        (r for r in found if r.system == "ICD-10-PCS"),
        key=lambda r: (-r.score, len(r.description), r.code),
        default=None,
    )
    if best is None:
        return None
    best.score -= PCS_DISCOUNT
    if not set(tokens) & _PCS_CUES:
        best.score = min(best.score, ceiling - 0.01)
    keep(best)
    return best if best.covers >= PCS_COVERS else None


def _add_on_codes(aoc: InForce | None) -> frozenset[str]:
    """The add-on codes of the NCCI add-on code file in force (none when it is not loaded)."""
    return _cached_add_ons(aoc.release.id) if aoc is not None else frozenset()


def _cached_add_ons(release_id: int) -> frozenset[str]:
    known = release_cache.named("search.add_on_codes", limit=8)
    found: frozenset[str] | None = known.get(release_id)
    if found is None:
        found = known[release_id] = edits_queries.addon_codes(release_id)
    return found


def _intent(text: str) -> str | None:
    """ "procedure" or "diagnosis" when the query's words say which kind of code is wanted."""
    tokens = words(text)
    procedure = any(w in PROCEDURE_WORDS or w.endswith(_PROCEDURE_ENDINGS) for w in tokens)
    diagnosis = any(w in DIAGNOSIS_WORDS or w.endswith(_DIAGNOSIS_ENDINGS) for w in tokens)
    if procedure and diagnosis:
        # "hip fracture surgery", "cataract surgery": the condition is what the procedure
        # treats; "history of knee replacement", "pain after surgery" are about the patient.
        return "diagnosis" if _STATUS_WORDS.intersection(tokens) else "procedure"
    if procedure and not diagnosis:
        return "procedure"
    if diagnosis and not procedure:
        return "diagnosis"
    return None


def _parts(text: str) -> list[str]:
    """The things a query names ("open + laparoscopic appendectomy"), or [] for one thing.

    A short part borrows the last part's tail: "hip and knee replacement" asks for a hip
    replacement and a knee replacement.
    """
    # "without and with contrast" is one thing, whatever the "and" between its words.
    text = _PROTECT_BOTH.sub(r"\1_\2", text)
    pieces = [p.replace("_", " ") for p in _SPLIT.split(text) if words(p)]
    if any(all(len(w) < 3 for w in words(p)) for p in pieces):
        # "D and C", "T & A": letters of an abbreviation, not several things.
        return []
    if len(pieces) < 2:
        return []
    last = words(pieces[-1])
    parts = []
    for piece in pieces[:-1]:
        own = words(piece)
        parts.append(" ".join(own + last[1:]) if len(own) < len(last) else " ".join(own))
    parts.append(" ".join(last))
    return parts


def _matched(concepts: list[Concept], text: str) -> list[str]:
    text_words = words(text)
    text_stems = {stem(w) for w in text_words}
    found: list[str] = []
    for concept in concepts:
        if concept.label not in found and _contains(concept, text_words, text_stems):
            found.append(concept.label)
    return found


def _nothing_found(text: str, folded: str, system: str | None, billable_only: bool) -> str:
    if not words(folded):
        return (
            f"Nothing to search for in {text[:60]!r}: codes and words are searched in "
            "plain letters and digits."
        )
    where = f" among {system} codes" if system else ""
    if billable_only:
        where += " that are billable"
    return f"No codes match {text[:60]!r}{where}."


def _spell_out(text: str) -> str:
    """The query with shorthand written out ("w/o contrast" -> "without contrast")."""
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


def _fold(text: str) -> str:
    """ASCII letters, digits and dots; everything else (quotes, operators, accents) a space."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9.]+", " ", ascii_text).strip()


# -- codes ---------------------------------------------------------------------------------


def _code_results(
    token: str, release_ids: tuple[int, ...], as_of: date, limit: int, *, family: bool = True
) -> list[Result]:
    code = token.replace(".", "")
    if not code:
        return []
    columns = "system, code, billable, start_date, end_date, title"
    where = f"is_primary AND release_id IN ({placeholders(len(release_ids))})"
    if family and len(code) >= 2 and any(c.isdigit() for c in code):
        # The code and the family it begins in one range read of the code index.
        found = rows(
            f"SELECT {columns} FROM search_searchentry WHERE code >= %s AND code < %s "
            f"AND {where} ORDER BY code LIMIT %s",
            [code, code + "[", *release_ids, max(limit, 20) * 3],
        )
    else:
        found = rows(
            f"SELECT {columns} FROM search_searchentry WHERE code = %s AND {where}",
            [code, *release_ids],
        )
    results = []
    position = 0
    for r in found:
        if r["code"] == code:
            results.append(_result(r, as_of, 1000.0))
            continue
        # Shorter codes head their family (E11 before E11.65); tree order after that.
        score = 500.0 - 10 * (len(r["code"]) - len(code)) - position * 0.01
        position += 1
        results.append(_result(r, as_of, score))
    return results


def _result(row: dict[str, Any], as_of: date, score: float) -> Result:
    billable = bool(row["billable"])
    status = status_on(as_of, to_date(row["start_date"]), to_date(row["end_date"]))
    if status != "active":
        billable = False
        score -= 100 if score >= 500 else 2
    return Result(row["code"], row["system"], row["title"], billable, score)


# -- words ---------------------------------------------------------------------------------


def _concepts(
    folded: str, vocabulary_key: _VocabularyKey, corrections: dict[str, str]
) -> list[Concept]:
    tokens = words(folded.replace(".", " "))
    table = synonyms()
    vocab = _cached_vocabulary(vocabulary_key)
    concepts: list[Concept] = []
    i = 0
    while i < len(tokens):
        if tuple(tokens[i : i + 3]) in _BOTH_TYPED:
            concepts.append(
                Concept(
                    _BOTH_LABEL,
                    [list(p) for p in _BOTH_PHRASES],
                    # Typed "before and after": our terms say so without "without" (contrast).
                    select=[["without"], ["before", "and", "after"]]
                    if tokens[i] == "before"
                    else [["without"]],
                )
            )
            i += 3
            continue
        match: Synonym | None = None
        width = 0
        for n in range(min(5, len(tokens) - i), 0, -1):
            match = table.get(" ".join(tokens[i : i + n]))
            if match is not None:
                width = n
                break
        if match is not None:
            # The typed term stays an alternative: our CPT index terms use the abbreviations
            # people type ("CABG x3", "TFESI").
            # The entry's other terms name the same thing ("revision total knee" for TKA).
            phrases = [words(p) for p in (*match.expand, *match.also)] + [tokens[i : i + width]]
            codes = match.codes if synonym_codes.get() else ()
            concepts.append(Concept(" ".join(tokens[i : i + width]), phrases, codes=codes))
            i += width
            continue
        word = tokens[i]
        last = i == len(tokens) - 1
        i += 1
        if word in STOPWORDS and len(tokens) > 1:
            continue
        if word in _INTENT_ONLY and any(t not in STOPWORDS | _INTENT_ONLY for t in tokens):
            # "knee replacement surgery": the word says a procedure is wanted (see _intent);
            # CMS does not write it ("knee arthroscopy/surgery" is not what was asked).
            continue
        if word in _COUNTS:
            # "x3" (three grafts, three levels) is written out in descriptors and index terms.
            concepts.append(Concept(word, [[word], *([w] for w in _COUNTS[word])]))
        elif word.isdigit() or len(word) < 3 or word in vocab.frequency:
            concepts.append(
                Concept(
                    word,
                    [[word]],
                    # "d*" would read half the index; one letter is never typed halfway.
                    prefix=last and not word.isdigit() and len(word) > 1,
                    weight=_weight(vocab, word),
                    # Short whole words are abbreviations (TEE, MBB); longer ones may be typed
                    # halfway ("hyperten" is also a HCPCS abbreviation).
                    whole=word in vocab.frequency and len(word) <= 4,
                )
            )
        elif vocab.has_prefix(word):
            concepts.append(Concept(word, [[word]], prefix=True, weight=_weight(vocab, word)))
        else:
            fixed = vocab.correct(word)
            if fixed:
                corrections[word] = fixed
                if fixed in table:
                    # A misspelled synonym ("diabetis") means what the synonym means.
                    entry = table[fixed]
                    phrases = [words(p) for p in (*entry.expand, *entry.also)] + [[fixed]]
                    codes = entry.codes if synonym_codes.get() else ()
                    concepts.append(Concept(fixed, phrases, codes=codes))
                else:
                    concepts.append(Concept(word, [[fixed]], weight=_weight(vocab, fixed)))
            # A word nothing resembles would only empty the results; it is left out.
    return concepts


def _weight(vocab: Vocabulary, word: str) -> float:
    """Rare words decide more than common ones ("dupuytren" over "contracture")."""
    if word.isdigit():
        return 0.5
    if word in _STEERING_WORDS:
        # "subsequent", "initial", "bilateral" pick the member of a family; that they are
        # common words of ICD-10 titles makes them no less decisive.
        return 1.0
    return 1.0 / math.log(3 + vocab.frequency.get(word, 0), 10) if word in vocab.frequency else 1.0


def _word_results(
    concepts: list[Concept],
    release_ids: tuple[int, ...],
    as_of: date,
    intent: str | None = None,
    add_ons: frozenset[str] = frozenset(),
    reading: Reading | None = None,
    covers: bool = False,
    system: str | None = None,
    relax: bool = True,
) -> list[Result]:
    """Scored candidates; ``reading`` is what the query says beyond its words, ``covers`` asks
    for each result's share of the query (for parts), ``system`` keeps one code system, and
    ``relax`` lets a query that few or no codes have every word of reach wider."""
    reading = reading or Reading()
    state, joined, denied = reading.state, reading.joined, reading.denied
    numbers, doses, absent = reading.numbers, reading.doses, reading.absent
    # Numbers ("4 cm", "3 year old") rarely appear as typed (descriptors give ranges): they
    # rank candidates but do not choose them.
    # What the query asks to be absent is not looked for, nor the word saying so.
    absent_concepts = [c for c in concepts if _denied(c, absent)] if absent else []
    absent_labels = frozenset(c.label for c in absent_concepts)
    required = [
        c
        for c in concepts
        if not c.label.isdigit()
        and c.label not in absent_labels
        and not (absent and c.label in _ABSENCE_WORDS)
    ] or concepts
    groups = [required]
    found = _full_text(release_ids, groups, system=system)
    if len(required) > 1 and not found:
        # No code has every word: accept codes that miss one (a word the user added that
        # CMS does not write); scoring still puts codes with more of the words first.
        groups = _drop_one(required)
        if not relax and len(required) > 6:
            # Long groups of common words are the slow ones.
            groups = [g for g in groups if max(c.weight for c in g) >= RARE_WEIGHT]
        found = _full_text(release_ids, groups, system=system) if groups else []
        if not found and len(required) > 3 and relax:
            # Two words no code has ("non small cell", "LOC"): codes missing two, rather than
            # nothing at all.
            groups = [list(g) for g in combinations(required[:8], len(required[:8]) - 2)]
            found = _full_text(release_ids, groups, system=system)
        if not found and len(required) > 3 and relax:
            # Still nothing: the rarer half of the words, which say most about the code; then
            # any one of them, best first by the database.
            core = sorted(required, key=lambda c: -c.weight)[: (len(required) + 1) // 2]
            found = _full_text(release_ids, [core], system=system) or _full_text(
                release_ids, [[c] for c in core], system=system
            )
    elif len(required) > 2 and len(found) < FEW_CANDIDATES:
        # Only a few codes have every word, and a word the user added may be one the right
        # code's text lacks ("AV graft for dialysis access", "adult tonsillectomy"): codes
        # that miss one come in too, scored below those that have them all. (Not with two
        # words, where one word alone reads much of the index.)
        # A group of only common words ("percutaneous endoscopic approach") matches thousands
        # of titles, costs tens of milliseconds and adds nothing the scoring would keep.
        groups = [g for g in _drop_one(required) if max(c.weight for c in g) >= RARE_WEIGHT]
        have_ids = {r["id"] for r in found}
        found += [
            r
            # (Shortest titles first: BM25 over groups of many words costs tens of ms.)
            for r in (
                _full_text(release_ids, groups, system=system, by_length=True) if groups else []
            )
            if r["id"] not in have_ids
        ]
    if len(found) >= CANDIDATES and intent != "diagnosis" and system is None:
        # The candidates were cut short: ICD-10-PCS and ICD-10-CM titles are long and many, and
        # CPT codes, whose words are mostly in the index terms, would fall out. Give them their
        # own pass.
        have_ids = {r["id"] for r in found}
        found += [
            r for r in _full_text(release_ids, groups, system="CPT") if r["id"] not in have_ids
        ]
    if len(found) >= CANDIDATES and any(c.prefix and c.whole for c in concepts):
        # "ANA", "THR": a short word typed whole is also the start of thousands of words
        # (anal, three...), which crowd out the codes that have the word itself.
        exact = [
            Concept(c.label, c.phrases, weight=c.weight, select=c.select) if c.prefix else c
            for c in required
        ]
        have_ids = {r["id"] for r in found}
        found += [r for r in _full_text(release_ids, [exact]) if r["id"] not in have_ids]
    targets = {c for concept in concepts for c in concept.codes}
    if targets:
        have = {r["code"] for r in found}
        missing = sorted(t.replace(".", "") for t in targets if t.replace(".", "") not in have)
        if missing:
            found += rows(
                f"SELECT {_COLUMNS} FROM search_searchentry "
                f"WHERE code IN ({placeholders(len(missing))}) "
                f"AND release_id IN ({placeholders(len(release_ids))})",
                [*missing, *release_ids],
            )
    # Inclusion terms describe a code the order file names: score them on that code.
    by_code: dict[tuple[str, str], dict[str, Any]] = {}
    extra_terms: dict[tuple[str, str], str] = {}
    for r in found:
        key = (r["system"], r["code"])
        if r["is_primary"]:
            by_code[key] = r
        else:
            extra_terms[key] = extra_terms.get(key, "") + " " + r["terms"]
    orphans = [k for k in extra_terms if k not in by_code]
    if orphans:
        codes = sorted({k[1] for k in orphans})
        for r in rows(
            f"SELECT {_COLUMNS} FROM search_searchentry WHERE code IN ({placeholders(len(codes))}) "
            f"AND is_primary AND release_id IN ({placeholders(len(release_ids))})",
            [*codes, *release_ids],
        ):
            by_code.setdefault((r["system"], r["code"]), r)
    normalized_targets = {t.replace(".", "").upper() for t in targets}
    results = []
    asked = {w for c in concepts for p in c.phrases for w in p}
    asks_add_on = bool(asked & _ADD_ON_WORDS)
    asks_measure = bool(asked & _MEASURE_WORDS)
    asks_encounter = bool(asked & _ENCOUNTER_WORDS)
    asked_stems = _asked_stems(concepts)
    headers: list[Result] = []
    lifts: dict[str, float] = {}
    for key, r in by_code.items():
        text = f"{r['title']} {r['terms']}"
        # Each text that names the code, scored as a title: (text, other words, the words
        # counted for length, what it scores below the title).
        texts: list[tuple[str, str, str | None, float]]
        cpt = r["system"] == "CPT" and CPT_TERMS_SEPARATOR in (r["terms"] or "")
        if cpt:
            # The title abbreviates; score its spelled-out words, then each of our index terms.
            expanded, _, ours = r["terms"].partition(CPT_TERMS_SEPARATOR)
            texts = [(f"{expanded} {r['title']}", ours, expanded, 0.0)]
            texts += [(t, "", None, 0.0) for t in ours.split(";") if t.strip()]
        else:
            texts = [(r["title"], r["terms"], None, 0.0)]
            # A Tabular inclusion term names the code too ("sore throat" at J02.9), a little
            # below the title; parenthesized words are optional.
            texts += [
                (t, "", _PARENTHESES.sub(" ", t), INCLUSION_DISCOUNT)
                for t in (extra_terms.get(key) or "").split(";")
                if t.strip()
            ]
        # What the query asks to be absent and one of the code's texts names all the same.
        named = (
            frozenset(
                c.label
                for c in absent_concepts
                if any(_positively(c, words(f"{t[0]} {t[1]}")) for t in texts)
            )
            if absent_concepts
            else frozenset()
        )
        score = -math.inf
        best_discount = 0.0
        best_text = texts[0][0]
        agreeing = []
        fitted = False
        for title, terms, length, discount in texts:
            # A number or dose the query gives is in a range or billing unit this text states.
            fits = bool(numbers) and (_in_range(numbers, title) or _dose_fits(doses, title))
            fitted = fitted or fits
            against = (
                _contradicts(state, length or title)
                + _negates(length or title, asked_stems[0], asked)
                + _lacks(length or title, asked_stems[0], denied, state)
                + _disjoined(joined, length or title)
            )
            this = _score(
                concepts,
                title,
                terms,
                r["code"],
                length=length,
                asked=asked_stems,
                absent=absent_labels,
                named=named,
                fits=fits,
            )
            if fits:
                this += RANGE_BONUS
            if this - discount - against > score:
                score, best_discount, best_text = this - discount - against, discount, title
            if not against:
                # (A CPT code's index terms are each a text of their own.)
                agreeing.append(title if cpt else f"{title} {terms}")
        # The share of the query the code has, in texts that do not contradict it (needed to
        # rank a pointed-at code and the parts of a query naming several things).
        share = (
            _covers(concepts, " ".join(agreeing), r["code"], fits=fitted)
            if covers or r["code"] in normalized_targets
            else 0.0
        )
        if cpt:
            if "diagnostic" in _text_words(text) and "diagnostic" not in asked:
                # A bare procedure name ("colonoscopy") heads its family at the diagnostic code.
                score += 0.1
            if not asks_add_on and (r["code"] in add_ons or " additional" in expanded):
                # An add-on code ("each additional level") goes with its primary, which comes first.
                score -= ADD_ON_PENALTY
        elif r["system"] == "HCPCS" and _heads(concepts, r["title"]):
            # HCPCS names the item first ("Walker, rigid..."); an accessory names it later
            # ("Seat attachment, walker").
            score += HEAD_BONUS
        if r["system"] in ("CPT", "HCPCS"):
            # The plain member of a family comes before its marked variants (limited, partial,
            # follow-up, repeat, revision, unlisted) unless the query asks for one.
            # CMS's words mark the variant (our index terms say "only" to tell siblings apart).
            descriptor = set(_text_words(texts[0][0]))
            # The words of the text that matched mark it: "lumpectomy" is one of our names
            # for the partial mastectomy, not a partial anything.
            marked = (_MARKED_WORDS & set(_text_words(best_text))) - asked
            if descriptor & {"first", "initial"}:
                # "1st/sbsq": first or subsequent alike, not a later-visit variant.
                marked = marked - {"subsequent"}
            if state is None and descriptor & _CONTRAST_WORDS and "with" in descriptor:
                # A study "with" contrast (or without and with) is a variant of the plain one
                # when the query does not say.
                marked = marked | {"with"}
            score -= min(MARKED_PENALTY * len(marked), 2 * MARKED_PENALTY)
        elif r["system"] == "ICD-10-CM" and state is None:
            # A condition "with" a complication, recurrent or in remission is a variant of
            # the bare condition the query names.
            title_words = set(_text_words(r["title"]))
            marked = (_ICD_MARKED_WORDS & title_words) - asked
            score -= min(MARKED_PENALTY * len(marked), 2 * MARKED_PENALTY)
            if "without" in title_words and "with" not in title_words:
                # Every qualifier denied ("without dyskinesia, without mention of
                # fluctuations") is the bare condition, whatever words it takes to say so.
                score += MARKED_PENALTY
        if (
            r["system"] == "CPT"
            and _ANESTHESIA_CODE.match(r["code"])
            and not asked & _ANESTHESIA_WORDS
        ):
            # An anesthesia code repeats the procedure's name; the procedure is what was asked.
            score -= ANESTHESIA_PENALTY
        if r["system"] == "CPT" and _CATEGORY_III.match(r["code"]):
            # Emerging-technology codes (0001T-0999T) are rarely what a bare name means: the
            # established code or the condition comes first when the words fit both.
            score -= CATEGORY_III_PENALTY
        if _MEASURE_CODE.match(r["code"]) and not asks_measure:
            # Quality-reporting codes (CPT Category II, HCPCS G8/G9/M1 measures) repeat the
            # words of the procedures and conditions they report on; they are rarely the answer.
            score -= 1.5
        if (
            r["system"] == "ICD-10-CM"
            and not asks_encounter
            and _LATER_ENCOUNTER.search(r["title"])
        ):
            # A fracture or injury is coded first for its initial encounter.
            score -= 0.5
        if (
            r["system"] == "MODIFIER"
            and len(concepts) > 2
            and "modifier" not in asked
            and _covers(concepts, text, r["code"]) < 0.999
        ):
            # A modifier's short description shares words with the services it modifies
            # ("basic life support transport"): unless it has every word of a longer query,
            # the query describes the service.
            score -= MODIFIER_PENALTY
        if intent == "procedure":
            score += _PROCEDURE_BONUS.get(r["system"], 0.0)
        elif intent == "diagnosis" and r["system"] == "ICD-10-CM":
            score += 1.2
        inclusion = extra_terms.get(key)
        if inclusion and any(
            # Parenthesized words are nonessential modifiers; no other word may remain.
            _score(
                concepts, _PARENTHESES.sub(" ", term), "", default_bonus=False, asked=asked_stems
            )
            >= 10.0
            for term in inclusion.split(";")
        ):
            # The Tabular lists what was asked for as included at this code ("hypertension" at I10).
            score += 0.6
        if r["code"] in normalized_targets:
            # A pointer decides a bare abbreviation ("EKG"); with more words it leans, and
            # strongly only when the code also has the other words ("TKA revision" is not 27447).
            if len(concepts) == 1:
                score += 3.0
            else:
                score += POINTER_FULL if share >= 0.999 else POINTER_LEAN
        elif any(r["code"].startswith(t) for t in normalized_targets if len(t) <= 4):
            score += 1.0
        if r["billable"]:
            score += 0.5
        result = _result(r, as_of, score)
        result.text = text
        result.covers = share
        results.append(result)
        if r["system"] == "ICD-10-CM" and not r["billable"]:
            if best_discount == INCLUSION_DISCOUNT:
                # Its inclusion term names what is reported below it: that code comes first.
                result.text = f"{text} {extra_terms.get(key, '')}"
                lifts[r["code"]] = INHERIT_LIFT
            headers.append(result)
    # A header that ranks well ("fracture of hip NOS" at S72.00, its inclusion term) cannot be
    # reported; the code below it may have none of the words asked for, or not in the order
    # the database matched, and be missing from the candidates.
    found_codes = {r.code for r in results if r.billable}
    top = max((r.score for r in results), default=0.0)
    for header in headers:
        if header.score >= top:
            # The best answer is a header: the query names it, and its code comes first.
            lifts[header.code] = INHERIT_LIFT
    headers = [
        h
        for h in sorted(headers, key=lambda r: -r.score)[:INHERIT_HEADERS]
        if not any(c.startswith(h.code) for c in found_codes)
    ]
    return results + _reported_below(headers, release_ids, as_of, lifts)


@dataclass(frozen=True)
class Reading:
    """What a query (or one thing it names) says beyond its words: with or without, words it
    joins with and/or, what it says "without", its numbers and doses, what is to be absent."""

    state: str | None = None
    joined: frozenset[tuple[str, str, str]] = frozenset()
    denied: frozenset[str] | None = None
    numbers: tuple[float, ...] = ()
    doses: tuple[tuple[str, float], ...] = ()
    absent: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Reading:
        """``text`` spelled out (``w/o`` as without); folded here for the word checks."""
        folded = _fold(text)
        return cls(
            _with_state(folded),
            _joined(folded),
            _without_words(folded),
            _query_numbers(text),
            _query_doses(text),
            _absent(text),
        )


@lru_cache(maxsize=8192)
def _cached_words(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _text_words(text: str) -> list[str]:
    """``words(text)`` for a candidate's texts, which each check of a query tokenizes again
    (title, terms, contradictions, denials...): read once, handed out as a fresh list."""
    return list(_cached_words(text))


def _drop_one(required: list[Concept]) -> list[list[Concept]]:
    """The query's required concepts less one, for each of its first eight."""
    return [required[:i] + required[i + 1 :] for i in range(min(len(required), 8))]


def _reported_below(
    headers: list[Result],
    release_ids: tuple[int, ...],
    as_of: date,
    lifts: dict[str, float],
) -> list[Result]:
    """For the best ICD-10-CM headers, which cannot be reported, the billable code a coder
    reports for the words as given: the unspecified side or site, initial encounter (S72.009A
    for "hip fracture"), ranked by ``lifts`` (above a header found by its inclusion term, just
    below one found by its title). A header with more than a few hundred codes below it (a
    whole category) names no one default and gets none."""
    below = []
    for header in headers:
        found = rows(
            f"SELECT {_COLUMNS} FROM search_searchentry WHERE code > %s AND code < %s "
            f"AND system = 'ICD-10-CM' AND is_primary AND billable "
            f"AND release_id IN ({placeholders(len(release_ids))}) ORDER BY code LIMIT %s",
            [header.code, header.code + "[", *release_ids, INHERIT_MOST + 1],
        )
        if not found or len(found) > INHERIT_MOST:
            continue
        default = min(
            found,
            key=lambda r: (
                bool(_LATER_ENCOUNTER.search(r["title"])),
                -words(r["title"]).count("unspecified"),
                r["code"],
            ),
        )
        child = _result(default, as_of, header.score + lifts.get(header.code, INHERIT_BELOW))
        child.text = f"{header.text} {default['title']}"
        child.covers = header.covers
        below.append(child)
    return below


def _query_numbers(text: str) -> tuple[float, ...]:
    """The numbers a query gives ("1.5 cm", "BMI 42", "20 lesions"); not those in a word (x3)."""
    numbers = (float(n) for n in _QUERY_NUMBER.findall(text))
    # A number of hundreds of digits is infinite as a float: no range or dose holds it.
    return tuple(n for n in numbers if math.isfinite(n))


_DOSE_UNITS = {
    "mcg": ("mass", 0.001),
    "microgram": ("mass", 0.001),
    "micrograms": ("mass", 0.001),
    "mg": ("mass", 1.0),
    "milligram": ("mass", 1.0),
    "milligrams": ("mass", 1.0),
    "g": ("mass", 1000.0),
    "gm": ("mass", 1000.0),
    "gram": ("mass", 1000.0),
    "grams": ("mass", 1000.0),
    "unit": ("unit", 1.0),
    "units": ("unit", 1.0),
    "iu": ("unit", 1.0),
    "ml": ("volume", 1.0),
    "cc": ("volume", 1.0),
}
_MEASURE_UNITS = frozenset(_DOSE_UNITS) | {"cm", "mm", "sq", "kg", "lb", "lbs", "hours", "hour"}
_UNIT = r"(" + "|".join(sorted(_DOSE_UNITS, key=len, reverse=True)) + r")\b"
_QUERY_DOSE = re.compile(r"(?<![a-z0-9.])" + _NUMBER + r"\s*" + _UNIT, re.IGNORECASE)
# "per 250 mg", and the unit a HCPCS drug descriptor ends on (", 1 mg", ", 5 mg").
_PER_DOSE = re.compile(r"(?:\bper\s+|,\s*)" + _NUMBER + r"\s*" + _UNIT + r"(?=\s*(?:$|,|\())")


def _query_doses(text: str) -> tuple[tuple[str, float], ...]:
    """The doses a query gives, each as (kind, amount in mg, units or ml): "1 gram" is 1000 mg."""
    doses = []
    for number, unit in _QUERY_DOSE.findall(text):
        kind, scale = _DOSE_UNITS[unit.lower()]
        amount = float(number) * scale
        if math.isfinite(amount):
            doses.append((kind, amount))
    return tuple(doses)


def _measure(concept: Concept) -> bool:
    """Whether a concept is a number or a unit of measure the query gives ("4", "mg", "cm")."""
    return concept.label.replace(".", "").isdigit() or concept.label in _MEASURE_UNITS


def _dose_fits(doses: tuple[tuple[str, float], ...], text: str) -> bool:
    """Whether a dose the query gives is a whole number of the units a drug code is billed
    in ("4 mg" of a code "per 1 mg", "1 gram" of one "per 250 mg")."""
    if not doses or not any(c.isdigit() for c in text):
        return False
    for number, unit in _PER_DOSE.findall(text.lower()):
        kind, scale = _DOSE_UNITS[unit]
        per = float(number) * scale
        if not (math.isfinite(per) and per > 0):
            continue
        for asked_kind, amount in doses:
            if asked_kind == kind and amount >= per:
                units = amount / per
                if abs(units - round(units)) < 1e-6:
                    return True
    return False


def _in_range(numbers: tuple[float, ...], text: str) -> bool:
    """Whether one of ``numbers`` falls in a range ``text`` states (and is not just written)."""
    if not numbers or not any(c.isdigit() for c in text):
        return False
    lowered = text.lower()
    for pattern, kind in _RANGES:
        for match in pattern.finditer(lowered):
            bounds = [float(g) for g in match.groups()]
            for n in numbers:
                if kind == "between" and bounds[0] <= n <= bounds[1] and bounds[0] < bounds[1]:
                    return True
                if kind == "from" and n >= bounds[0]:
                    return True
                if kind == "above" and n > bounds[0]:
                    return True
                if kind == "to" and n <= bounds[0]:
                    return True
    return False


def _heads(concepts: list[Concept], title: str) -> bool:
    """Whether ``title`` names, as its item, what the query's last word names: HCPCS writes
    the item first, up to the first comma or "for", "of", "with" ("Walker, rigid";
    "Infusion set for external insulin pump" is a set, not a pump)."""
    named = [c for c in concepts if not c.label.isdigit()]
    if not named:
        return False
    head = _HEAD_END.split(re.split(r"[,;]", title, maxsplit=1)[0].lower(), 1)[0]
    head_words = words(head)
    if not head_words:
        return False
    item = stem(head_words[-1])
    return any(stem(p[-1]) == item for p in named[-1].phrases)


_CONJUNCTIONS = {"and": "or", "or": "and"}


def _joined(text: str) -> frozenset[tuple[str, str, str]]:
    """The query's pairs of words joined by "and" or "or" (stems): "medial and lateral"."""
    tokens = _text_words(text)
    return frozenset(
        (stem(a), c, stem(b))
        for a, c, b in zip(tokens, tokens[1:], tokens[2:], strict=False)
        if c in _CONJUNCTIONS and len(a) > 2 and len(b) > 2
    )


def _disjoined(joined: frozenset[tuple[str, str, str]], text: str) -> float:
    """A penalty when ``text`` joins the query's pair the other way: "radius and ulna" is not
    "radius or ulna" (both bones against either one), "medial and lateral" not "medial or
    lateral"."""
    if not joined:
        return 0.0
    tokens = _text_words(text)
    for a, c, b in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if c in _CONJUNCTIONS and (stem(a), _CONJUNCTIONS[c], stem(b)) in joined:
            return CONJUNCTION_PENALTY
    return 0.0


def _with_state(text: str) -> str | None:
    """What the query says of "with"/"without" (contrast, mesh, biopsy...): "both", "without",
    "with", or None when it says neither."""
    tokens = _text_words(text)
    for i in range(len(tokens) - 2):
        if tuple(tokens[i : i + 3]) in _BOTH_TYPED:
            return "both"
    without = "without" in tokens or "wo" in tokens
    if without and "with" in tokens:
        return None  # "without mastoidectomy with ossicular reconstruction": each has its own
    if without:
        return "without"
    return "with" if "with" in tokens else None


def _contradicts(state: str | None, text: str) -> float:
    """A penalty when ``text`` says the opposite of the query's "with" or "without": a query
    "without contrast" does not want the code done without and with it, nor "with" a code
    done without."""
    if state is None or state == "both":
        return 0.0  # "both" is a concept of its own, found or not
    tokens = set(_text_words(text))
    without = bool(tokens & {"without", "wo", "noncontrast"})
    both = without and bool(tokens & {"with", "followed", "after"})
    if state == "without" and both:
        return 0.5
    if state == "with" and without:
        return 0.5
    return 0.0


_NEGATORS = frozenset({"not", "no", "non"})


def _negates(text: str, stems: frozenset[str], asked: set[str]) -> float:
    """A penalty when ``text`` denies a word the query asks for and the query does not deny
    it: "prescribed" is not "not prescribed", "for rupture" not "not ruptured" or "other than
    rupture"."""
    if asked & _NEGATORS or {"other", "than"} <= asked:
        return 0.0  # the query denies something itself: the text's denial may be what it asks
    tokens = _text_words(text)
    for i, word in enumerate(tokens):
        if word in _NEGATORS and tokens[i + 1 : i + 3] == ["specified", "as"]:
            # "not specified as recurrent" denies recurrent (A04.72 is not the recurrent C diff).
            after = tokens[i + 3 : i + 4]
        elif word in _NEGATORS:
            # Only the word denied: "non-emergency transport" is still a transport.
            after = tokens[i + 1 : i + 2]
        elif word == "other" and tokens[i + 1 : i + 2] == ["than"]:
            after = tokens[i + 2 : i + 3]
        else:
            continue
        if any(stem(w) in stems for w in after):
            return NEGATION_PENALTY
    return 0.0


def _without_words(text: str) -> frozenset[str]:
    """The stems of the words a query puts right after "without" (what it asks to be absent)."""
    tokens = words(text)
    return frozenset(stem(b) for a, b in pairwise(tokens) if a in ("without", "wo"))


_ABSENCE_WORDS = frozenset({"without", "wo", "no"})
#: How much of a thing asked to be absent a text has that merely does not mention it.
OMITTED = 0.8
#: The most words after "without" read as what is to be absent.
ABSENT_MOST = 2
_ABSENCE_ENDS = frozenset({"with", "and", "or", "but", "plus"})
_NEGATING = frozenset({"without", "wo", "no", "not", "non", "excluding", "except"})


def _absent(text: str) -> frozenset[str]:
    """The stems of what a query asks to be absent: the words after "without" or "no" up to
    "with", "and" or "or" ("tonsillectomy without adenoids", "hysterectomy without removal of
    ovaries"). Contrast is left to the query's with/without state (see _with_state)."""
    absent: set[str] = set()
    present: set[str] = set()
    for clause in re.split(r"[,;()]", text):
        tokens = words(clause)
        inside: set[int] = set()
        for i, token in enumerate(tokens):
            if token not in _ABSENCE_WORDS:
                continue
            span: list[str] = []
            for j in range(i + 1, len(tokens)):
                word = tokens[j]
                if word in _ABSENCE_ENDS or word in _ABSENCE_WORDS:
                    break
                if word.isdigit() or word in _STEERING_WORDS or len(span) == ABSENT_MOST:
                    break  # "without the patient, first 30 minutes": the count is asked for
                inside.add(j)
                if word not in STOPWORDS:
                    span.append(word)
            if span and not set(span) & _CONTRAST_WORDS:
                absent.update(stem(w) for w in span)
        present.update(stem(w) for j, w in enumerate(tokens) if j not in inside)
    # "carotid body tumor excision without carotid resection": carotid is asked for too.
    return frozenset(absent - present)


def _denied(concept: Concept, absent: frozenset[str]) -> bool:
    """Whether the query asks ``concept`` to be absent (every word of its label is)."""
    label = [w for w in words(concept.label) if w not in STOPWORDS]
    return bool(absent) and bool(label) and all(stem(w) in absent for w in label)


def _positively(concept: Concept, text_words: list[str]) -> bool:
    """Whether a text names the concept other than as absent ("without adenoidectomy", "no
    loss of consciousness" do not name it)."""
    text_stems = [stem(w) for w in text_words]
    for phrase in concept.phrases:
        stems = [stem(w) for w in phrase]
        if not all(s in text_stems for s in stems):
            continue
        for i, s in enumerate(text_stems):
            if s != stems[0]:
                continue
            before = text_words[max(0, i - 3) : i]
            # CMS abbreviates "without" as "w/o", which reads as the words "w" "o".
            negated = _NEGATING & set(before) or any(
                a == "w" and b == "o" for a, b in pairwise(before)
            )
            if not negated:
                return True
    return False


def _lacks(
    text: str, stems: frozenset[str], denied: frozenset[str] | None, state: str | None
) -> float:
    """A penalty when ``text`` is "without" a word the query asks for, where the query's own
    with/without does not already decide (it says neither, or "without" something else):
    "cervical biopsy without colposcopy" is not "colposcopy without biopsy", "tympanoplasty
    without mastoidectomy with ossicular reconstruction" not "... without ossicular
    reconstruction"."""
    if denied is None or state not in (None, "without"):
        return 0.0
    tokens = _text_words(text)
    for a, b in pairwise(tokens):
        if a in ("without", "wo") and (sb := stem(b)) in stems and sb not in denied:
            return NEGATION_PENALTY
    return 0.0


def _covers(concepts: list[Concept], text: str, code: str, *, fits: bool = False) -> float:
    """The share of ``concepts`` that ``text`` has (a synonym's pointer counts as having it;
    with ``fits``, so do the query's numbers and units: "1 gram" of a code per 250 mg)."""
    text_words = _text_words(text)
    text_stems = {stem(w) for w in text_words}
    found = sum(
        1
        for c in concepts
        if code in c.codes or (fits and _measure(c)) or _contains(c, text_words, text_stems) >= 0.9
    )
    return found / len(concepts) if concepts else 0.0


def _full_text(
    release_ids: tuple[int, ...],
    groups: list[list[Concept]],
    system: str | None = None,
    *,
    by_length: bool = False,
) -> list[dict[str, Any]]:
    """Entries that contain every concept of at least one group, best first by the database
    (``by_length``: shortest title first, as PostgreSQL always does)."""
    columns = ", ".join(f"e.{c.strip()}" for c in _COLUMNS.split(","))
    # The CPT pass skips Category II codes (quality reporting) and weighs the index terms,
    # where a CPT code's searchable words are, as much as its abbreviated title.
    only = "AND e.system = %s AND e.code NOT LIKE '____F' " if system else ""
    weights = "2.0, 4.0" if system else "10.0, 4.0"
    limit = [system, CANDIDATES // 4] if system else [CANDIDATES]
    if connection.vendor == "postgresql":
        expression = " | ".join(
            "(" + " & ".join(_ts_concept(c) for c in group if _ts_selects(c)) + ")"
            for group in groups
            if any(_ts_selects(c) for c in group)
        )
        return rows(
            f"SELECT {columns} FROM search_searchentry e "
            f"WHERE e.document @@ to_tsquery('english', %s) "
            f"AND e.release_id IN ({placeholders(len(release_ids))}) {only}"
            # Shortest titles first: as good a pre-selection for the scoring below as ts_rank
            # (the relevance suite agrees on both) and cheaper, since no tsvector is re-read.
            f"ORDER BY length(e.title), e.code LIMIT %s",
            [expression, *release_ids, *limit],
        )
    expression = " OR ".join(
        "(" + " AND ".join(_fts_concept(c) for c in group) + ")" for group in groups
    )
    # PCS titles are ranked by length, as on PostgreSQL: bm25 reads the term positions of
    # every match and costs ten times as much, for the same candidates (the suites agree).
    order = (
        "length(e.title), e.code"
        if by_length or system == "ICD-10-PCS"
        else f"bm25(search_fts, {weights})"
    )
    return rows(
        f"SELECT {columns} FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND e.release_id IN ({placeholders(len(release_ids))}) "
        f"{only}ORDER BY {order} LIMIT %s",
        [expression, *release_ids, *limit],
    )


def _fts_concept(concept: Concept) -> str:
    # Words are [a-z0-9]+ only (see _fold), so quoting them cannot inject FTS5 syntax.
    parts = []
    for phrase in concept.select or concept.phrases:
        quoted = '"' + " ".join(phrase) + '"'
        parts.append(quoted + ("*" if concept.prefix else ""))
    return "(" + " OR ".join(parts) + ")"


#: Words PostgreSQL's english configuration leaves out of documents (its stop words).
_TS_STOPWORDS = frozenset({"before", "after", "and", "or", "with", "of", "the"})


def _ts_selects(concept: Concept) -> bool:
    """Whether PostgreSQL can select by ``concept``: "before and after" is all stop words
    there, so a code whose text says only that cannot be required to have it (scoring still
    asks for it)."""
    return all(not set(p) <= _TS_STOPWORDS for p in (concept.select or concept.phrases))


def _ts_concept(concept: Concept) -> str:
    parts = []
    for phrase in concept.select or concept.phrases:
        terms = list(phrase)
        if concept.prefix:
            terms[-1] += ":*"
        parts.append("(" + " <-> ".join(terms) + ")" if len(terms) > 1 else terms[0])
    return "(" + " | ".join(parts) + ")"


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A crude stem for scoring (the databases stem for matching): knees/knee, infected/infect."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]  # short plurals too: rays/ray, legs/leg, ribs/rib
    return word


def _contains(concept: Concept, text_words: list[str], text_stems: set[str]) -> float:
    """1.0 when the text has the concept, less when only a longer word begins with it, else 0."""
    partial = 0.0
    for phrase in concept.phrases:
        if len(phrase) == 1:
            w = phrase[0]
            if stem(w) in text_stems:
                return 1.0
            if concept.prefix and any(t.startswith(w) for t in text_words):
                partial = WHOLE_PREFIX if concept.whole else 1.0
        else:
            stems = [stem(w) for w in phrase]
            if all(s in text_stems for s in stems):
                return 1.0
    return partial


def _asked_stems(concepts: list[Concept]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The stems of every word the query's concepts accept, and the words typed halfway."""
    stems = frozenset(stem(w) for c in concepts for p in c.phrases for w in p)
    prefixes = tuple(p[-1] for c in concepts if c.prefix for p in c.phrases if p)
    return stems, prefixes


def _is_default(title_words: list[str]) -> bool:
    """Whether a title is a default code's: unspecified, NOS, "not specified" (not "other
    specified", which is a code of its own)."""
    if {"unspecified", "nos", "uncomplicated"}.intersection(title_words):
        return True
    if any(pair == ("without", "complications") for pair in pairwise(title_words)):
        return True
    return any(pair == ("not", "specified") for pair in pairwise(title_words))


def _score(
    concepts: list[Concept],
    title: str,
    terms: str,
    code: str = "",
    *,
    default_bonus: bool = True,
    length: str | None = None,
    asked: tuple[frozenset[str], tuple[str, ...]] | None = None,
    absent: frozenset[str] = frozenset(),
    named: frozenset[str] = frozenset(),
    fits: bool = False,
) -> float:
    """Out of about 10: concepts found in ``title`` (``terms`` count less), less a little per
    title word not asked for (counted in ``length`` when given: a spelled-out title).

    ``absent`` labels the concepts the query asks to be absent, ``named`` those of them another
    text of the code names; ``fits``: the query's number or dose is in this text's range."""
    title_words = _text_words(title)
    title_stems = {stem(w) for w in title_words}
    term_words = _text_words(terms)
    term_stems = {stem(w) for w in term_words}
    length_words = _text_words(length) if length is not None else title_words
    covered = 0.0
    matched_words = 0
    vouched = False
    for concept in concepts:
        if fits and _measure(concept) and not _contains(concept, title_words, title_stems):
            # "1 gram" of a code billed per 250 mg: the amount is what the text's unit says.
            covered += concept.weight
            continue
        if concept.label in absent:
            # Asked to be absent: a code none of whose texts names it has what was asked, and
            # one whose text says so ("without Doppler") has it best.
            if concept.label not in named and not _positively(concept, title_words):
                said = _contains(concept, title_words, title_stems) > 0
                covered += concept.weight * (1.0 if said else OMITTED)
            continue
        if code and code in concept.codes:
            # A synonym that names this code vouches for it, however CMS abbreviates the title.
            covered += concept.weight
            matched_words += len(length_words)
            vouched = True
        elif found := _contains(concept, title_words, title_stems):
            covered += found * concept.weight
            matched_words += max(len(p) for p in concept.phrases)
        elif found := _contains(concept, term_words, term_stems):
            covered += 0.7 * found * concept.weight
    coverage = covered / sum(c.weight for c in concepts)
    content = [w for w in length_words if w not in STOPWORDS and w not in _DEFAULT_WORDS]
    if vouched:
        extra = 0  # a synonym's pointer vouches for the whole text
    else:
        # Each word of the text the query did not ask for counts, one by one: a phrase
        # alternative's length says nothing of the text ("subclavian subclavian bypass" is
        # not "carotid subclavian bypass"), nor does a word asked twice.
        stems, prefixes = asked if asked is not None else _asked_stems(concepts)
        extra = sum(
            1
            for w in content
            if w not in _INTENT_ONLY
            and stem(w) not in stems
            and not any(w.startswith(p) for p in prefixes)
        )
    score = 10.0 * coverage - min(0.08 * extra, 1.5)
    if default_bonus and coverage >= 0.999 and _is_default(title_words):
        # A bare condition ("pneumonia") is coded to its unspecified code, as the Index does.
        score += 0.3
    return score


# -- spelling ------------------------------------------------------------------------------


class Vocabulary:
    """The words of the releases in force, for prefixes and corrections."""

    def __init__(self, frequency: dict[str, int]) -> None:
        self.frequency = frequency
        self.sorted = sorted(frequency)
        self._deletes: dict[str, list[str]] = {}
        for word in self.sorted:
            if len(word) >= 4:
                for variant in _deletes(word):
                    self._deletes.setdefault(variant, []).append(word)

    def has_prefix(self, word: str) -> bool:
        at = bisect_left(self.sorted, word)
        return at < len(self.sorted) and self.sorted[at].startswith(word)

    def correct(self, word: str) -> str | None:
        """The nearest index word within edit distance 1 (2 for long words), commonest on a tie."""
        if len(word) < 4:
            return None
        limit = 1 if len(word) < 7 else 2
        candidates: set[str] = set()
        for variant in (word, *_deletes(word)):
            candidates.update(self._deletes.get(variant, ()))
            if variant in self.frequency:
                candidates.add(variant)
        scored = []
        for candidate in candidates:
            distance = _distance(word, candidate)
            if distance <= limit:
                scored.append(
                    (distance, _consonants(word, candidate), -self.frequency[candidate], candidate)
                )
        if not scored and limit == 2:
            # Two substitutions ("hypertenshun") leave no delete in common: compare with the
            # words of the same first two letters and about the same length.
            at = bisect_left(self.sorted, word[:2])
            while at < len(self.sorted) and self.sorted[at].startswith(word[:2]):
                candidate = self.sorted[at]
                at += 1
                if abs(len(candidate) - len(word)) <= 2:
                    distance = _distance(word, candidate)
                    if distance <= limit:
                        scored.append(
                            (
                                distance,
                                _consonants(word, candidate),
                                -self.frequency[candidate],
                                candidate,
                            )
                        )
        return min(scored)[-1] if scored else None


def _consonants(typed: str, word: str) -> int:
    """Consonants changed between two words of one length: people misspell vowels more than
    consonants ("diabetis" is diabetes, not diabetic)."""
    if len(typed) != len(word):
        return 0
    return sum(1 for a, b in zip(typed, word, strict=True) if a != b and not {a, b} <= _VOWELS)


_VOWELS = frozenset("aeiouy")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _cached_vocabulary(key: _VocabularyKey) -> Vocabulary:
    known = release_cache.named("search.vocabulary", limit=8)
    found: Vocabulary | None = known.get(key)
    if found is None:
        found = known[key] = _read_vocabulary(key)
    return found


def _read_vocabulary(key: _VocabularyKey) -> Vocabulary:
    ids = key[1]
    frequency: dict[str, int] = {}
    if ids:
        for r in rows(
            "SELECT word, entries FROM search_searchword "
            f"WHERE release_id IN ({placeholders(len(ids))})",
            ids,
        ):
            frequency[r["word"]] = frequency.get(r["word"], 0) + int(r["entries"])
    return Vocabulary(frequency)
