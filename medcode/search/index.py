"""Fill and empty the search index for one release.

The loader calls ``index_release`` inside the transaction that loads a release and
``drop_release`` inside the one that deletes it (hooks registered in ``SearchConfig.ready()``,
``releases/hooks.py``), so the index commits (or rolls back) with its release. What is indexed
comes from each data app's ``index_entries``. ``reindex_all`` rebuilds it for a database
loaded before search existed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from medcode.codes import queries as codes_queries
from medcode.content.index_terms import cpt_index_terms, expand_descriptor
from medcode.fees import queries as fees_queries
from medcode.icd10 import queries as icd10_queries
from medcode.releases.bulk import BulkWriter
from medcode.releases.models import Release
from medcode.releases.store import to_date
from medcode.releases.systems import CPT_CODE as _CPT
from medcode.releases.systems import HCPCS_CODE as _LEVEL2
from medcode.search.models import SearchEntry, SearchWord

#: The datasets search reads, and the code system each one describes.
INDEXED_DATASETS = ("hcpcs", "pfs_rvu", "icd10cm", "icd10cm_tabular", "icd10pcs")

_WORD = re.compile(r"[a-z0-9]+")

# (system, code, primary, billable, start, end, title, terms)
Entry = tuple[str, str, bool, bool, date | None, date | None, str, str]


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` as the index and the spelling pass see them."""
    return _WORD.findall(text.lower())


@dataclass
class IndexStats:
    releases: int = 0
    entries: int = 0


def index_release(release: Release) -> int:
    """Write the index entries of ``release`` (none for datasets search does not read)."""
    if release.dataset not in INDEXED_DATASETS:
        return 0
    writer = BulkWriter(release.pk)
    vocabulary: Counter[str] = Counter()
    count = 0
    for entry in _entries(release):
        writer.add(SearchEntry, entry)
        vocabulary.update({w for w in words(f"{entry[6]} {entry[7]}") if _spellable(w)})
        count += 1
    for word, used in vocabulary.items():
        writer.add(SearchWord, (word, used))
    writer.flush()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, terms) "
                "SELECT id, title, terms FROM search_searchentry WHERE release_id = %s",
                [release.pk],
            )
        else:
            # New rows wait in the GIN index's pending list, which every query would scan
            # linearly until autovacuum merges it; merge now, while the load holds the rows.
            cursor.execute("SELECT gin_clean_pending_list('search_entry_document')")
    return count


def drop_release(release: Release) -> None:
    """Remove the index entries of ``release``; call before its rows are deleted."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # An external-content FTS5 table forgets a row only when told its old values.
            cursor.execute(
                "INSERT INTO search_fts (search_fts, rowid, title, terms) "
                "SELECT 'delete', id, title, terms FROM search_searchentry WHERE release_id = %s",
                [release.pk],
            )
        cursor.execute("DELETE FROM search_searchentry WHERE release_id = %s", [release.pk])
        cursor.execute("DELETE FROM search_searchword WHERE release_id = %s", [release.pk])


def reindex_all() -> IndexStats:
    """Rebuild the index of every loaded release, one transaction per release."""
    stats = IndexStats()
    for release in Release.objects.all():
        with transaction.atomic():
            drop_release(release)
            added = index_release(release)
        if release.dataset in INDEXED_DATASETS:
            stats.releases += 1
            stats.entries += added
    optimize()
    return stats


def optimize_after(loaded: list[Release]) -> None:
    """Merge the full-text index once after a load that indexed something (3 s); a load of
    edits or fee files alone leaves it as it was."""
    if any(release.dataset in INDEXED_DATASETS for release in loaded):
        optimize()


def optimize() -> None:
    """Merge SQLite's full-text index into one segment (a few seconds).

    Rewriting every row leaves FTS5 with many segments and the deleted rows' tombstones, which
    every query then reads: search p95 over the relevance suite went from about 6 ms to 27 ms
    after two reindexes and back to 6 ms after this. PostgreSQL's GIN index is merged on load.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


#: Separates a CPT entry's spelled-out descriptor from our index terms in its ``terms`` column.
CPT_TERMS_SEPARATOR = " | "


def cpt_terms(code: str, description: str, ours: dict[str, tuple[str, ...]]) -> str:
    """A CPT entry's extra text: the descriptor spelled out, then our index terms (``;``)."""
    return expand_descriptor(description) + CPT_TERMS_SEPARATOR + "; ".join(ours.get(code, ()))


def _spellable(word: str) -> bool:
    # Numbers and very short words are never corrected, so they need no place in the vocabulary.
    return len(word) >= 3 and not word.isdigit() and len(word) <= 60


def _entries(release: Release) -> Iterator[Entry]:
    rid = release.pk
    if release.dataset == "hcpcs":
        for system, code, long, short, added, ended in codes_queries.index_entries(rid):
            yield (system, code, True, True, to_date(added), to_date(ended), long, short)
    elif release.dataset == "pfs_rvu":
        # The RVU file repeats a code per modifier; its Level II codes are described in full by
        # the HCPCS file, so only CPT codes (the one place their descriptors may come from) enter.
        seen: set[str] = set()
        ours = cpt_index_terms()
        for code, description in fees_queries.index_entries(rid):
            if code in seen or not _CPT.match(code) or _LEVEL2.match(code) or not description:
                continue
            seen.add(code)
            yield (
                "CPT",
                code,
                True,
                True,
                None,
                None,
                description,
                cpt_terms(code, description, ours),
            )
    elif release.dataset == "icd10cm":
        for code, billable, title in icd10_queries.index_entries("icd10cm", rid):
            yield ("ICD-10-CM", code, True, bool(billable), None, None, title, "")
    elif release.dataset == "icd10pcs":
        for code, valid, title in icd10_queries.index_entries("icd10pcs", rid):
            yield ("ICD-10-PCS", code, True, bool(valid), None, None, title, "")
    elif release.dataset == "icd10cm_tabular":
        # Inclusion terms are the Tabular's synonyms for a code ("high blood pressure" at I10);
        # they add words to the code the order file describes.
        for code, notes_json in icd10_queries.index_entries("icd10cm_tabular", rid):
            notes = json.loads(notes_json or "{}")
            terms = [*notes.get("inclusionTerm", []), *notes.get("includes", [])]
            if terms:
                yield ("ICD-10-CM", code, False, False, None, None, "", "; ".join(terms))
