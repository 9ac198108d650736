"""NCCI procedure-to-procedure (PTP) edits, CMS's tab-delimited text (``ccipra-v322r0-f1.txt``).

Practitioner tables are named ``ccipra-…``, outpatient hospital tables ``ccioph-…``. Six heading
lines (the AMA notice, a title, four lines of column headings), then one edit per line:
``Column 1, Column 2, * = in existence prior to 1996, Effective Date, Deletion Date (* = none),
Modifier indicator, PTP Edit Rationale``. Files before the rationale was added have six columns.

The version number tells the quarter: ``vYYQ`` is year 1994 + YY, quarter Q + 1 (v302 = 2024 Q3,
v322 = 2026 Q3). A quarter split into ``-f1`` … ``-f4`` files loads as one release per file,
versions ``v322r0-f1`` …; ``medcode.edits.models.ptp_releases_in_force`` puts them together.

A quarter has millions of rows, so this reader avoids per-row work it can do once: it decodes
whole blocks, splits lines and tabs with ``str.split``, and keeps every distinct date string it
has parsed (there are a few hundred).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date

from medcode.edits.models import PtpEdit, PtpRationale
from medcode.importers.base import (
    UNTERMINATED,
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    decode_line,
    parse_yyyymmdd,
    quarter_period,
)

_NAME = re.compile(
    r"cci(?P<setting>pra|oph)-v(?P<year>\d\d)(?P<quarter>\d)r(?P<revision>\d+)(?:-f(?P<part>\d+))?",
    re.IGNORECASE,
)
_SETTINGS = {
    "pra": ("ncci_ptp_practitioner", "practitioner"),
    "oph": ("ncci_ptp_outpatient", "outpatient hospital"),
}
_TITLE = b"Column1/Column2 Edits"
_HEADINGS = b"Column 1\tColumn 2\t"
MAX_HEADER_LINES = 10
BLOCK = 1 << 22

#: The rationale sentences CMS uses, numbered once so numbers mean the same in every release.
#: A sentence not in this list gets the next free number in the release that uses it.
KNOWN_RATIONALES = (
    "Anesthesia service included in surgical procedure",
    "CPT Manual or CMS manual coding instruction",
    "CPT Separate procedure definition",
    "Gender-specific procedures",
    "HCPCS/CPT procedure code definition",
    "Laboratory panel",
    "Misuse of Column Two code with Column One code",
    "More extensive procedure",
    "Mutually exclusive procedures",
    "Sequential procedure",
    "Standard preparation/monitoring services for anesthesia",
    "Standards of medical/surgical practice",
)

_MODIFIER_INDICATORS = frozenset({"0", "1", "9"})


class NcciPtp(Importer):
    format = "ncci_ptp"
    description = "NCCI procedure-to-procedure (PTP) edit table, tab-delimited text."
    models = (PtpEdit, PtpRationale)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension != "txt":
            return False
        lines = head.split(b"\n", 3)[:3]
        return (
            len(lines) == 3
            and lines[1].startswith(_TITLE)
            and lines[2].replace(b"\r", b"").startswith(_HEADINGS)
        )

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)",
                "cannot tell the setting and quarter: expected a name like ccipra-v322r0-f1.txt "
                "(practitioner) or ccioph-v322r0-f1.txt (outpatient hospital)",
            )
        quarter = int(match["quarter"]) + 1
        if quarter > 4:
            raise FieldError(
                "(file name)", f"version v{match['year']}{match['quarter']} names no quarter"
            )
        year = 1994 + int(match["year"])
        dataset, setting = _SETTINGS[match["setting"].lower()]
        table = f"v{match['year']}{match['quarter']}r{match['revision']}"
        version = f"{table}-f{int(match['part'])}" if match["part"] else table
        label = f"NCCI PTP {setting} edits {year} Q{quarter} ({table}"
        label += f", file {int(match['part'])})" if match["part"] else ")"
        start, end = quarter_period(year, quarter)
        return ReleaseInfo(
            dataset=dataset, version=version, label=label, period_start=start, period_end=end
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        edit = PtpEdit
        dates: dict[str, date | None] = {"": None, "*": None}
        rationales: dict[str, int | None] = {}
        by_text: dict[str, int] = {}
        number: int | None
        known = {text: number for number, text in enumerate(KNOWN_RATIONALES, start=1)}
        next_number = len(KNOWN_RATIONALES) + 1
        pre_1996 = {"*": True, "": False}
        modifiers = _MODIFIER_INDICATORS
        line_no = 0
        read = 0
        in_header = True
        for text in _blocks(source, stats):
            try:
                for line in text.split("\n"):
                    line_no += 1
                    if in_header:
                        if not _is_edit(line):
                            if line_no > MAX_HEADER_LINES:
                                raise FieldError(
                                    "Column 1",
                                    f"expected an edit after the heading lines, got {line[:40]!r}",
                                )
                            continue
                        in_header = False
                    fields = line.split("\t")
                    if len(fields) == 7:
                        column1, column2, pre, effective, deleted, modifier, rationale = fields
                    elif len(fields) == 6:
                        column1, column2, pre, effective, deleted, modifier = fields
                        rationale = ""
                    elif not line.strip():
                        continue
                    else:
                        raise FieldError(
                            "(line)", f"expected 7 tab-separated columns, got {len(fields)}"
                        )
                    if len(column1) != 5 or not column1.isalnum():
                        raise FieldError(
                            "Column 1", f"expected a 5-character code, got {column1!r}"
                        )
                    if len(column2) != 5 or not column2.isalnum():
                        raise FieldError(
                            "Column 2", f"expected a 5-character code, got {column2!r}"
                        )
                    try:
                        effective_date = dates[effective]
                    except KeyError:
                        effective_date = dates[effective] = _date(effective, "Effective Date")
                    try:
                        deletion_date = dates[deleted]
                    except KeyError:
                        deletion_date = dates[deleted] = _date(deleted, "Deletion Date")
                    if modifier not in modifiers:
                        raise FieldError(
                            "Modifier indicator", f"expected 0, 1 or 9, got {modifier!r}"
                        )
                    try:
                        existed: bool | None = pre_1996[pre]
                    except KeyError:
                        raise FieldError(
                            "*=in existence prior to 1996", f"expected * or blank, got {pre!r}"
                        ) from None
                    if effective_date is None and not existed:
                        # Blank effective date: the file lost both columns, so this is unknown.
                        existed = None
                    try:
                        number = rationales[rationale]
                    except KeyError:
                        # Keyed by the raw text for speed; numbered by the trimmed text, so a
                        # stray trailing space does not make a second rationale.
                        clean = rationale.strip()
                        if not clean:
                            number = None
                        elif clean in by_text:
                            number = by_text[clean]
                        else:
                            number = known.get(clean)
                            if number is None:
                                number = next_number
                                next_number += 1
                            by_text[clean] = number
                            yield PtpRationale, (number, clean)
                        rationales[rationale] = number
                    read += 1
                    yield (
                        edit,
                        (
                            column1,
                            column2,
                            existed,
                            effective_date,
                            deletion_date,
                            modifier,
                            number,
                        ),
                    )
            except FieldError:
                stats.line = line_no
                stats.rows_read = read
                raise
            stats.line = line_no
            stats.rows_read = read


def _is_edit(line: str) -> bool:
    """Heading lines start with the notice, a title, or tabs; an edit starts with a code."""
    first = line.split("\t", 1)[0]
    return len(first) == 5 and first.isalnum()


def _date(value: str, field: str) -> date | None:
    """YYYYMMDD; ``*`` and blank mean none. Checked strictly, since the result is cached."""
    if value.strip() != value or (value and value != "*" and len(value) != 8):
        raise FieldError(field, f"expected a date as YYYYMMDD or *, got {value!r}")
    return parse_yyyymmdd(value, field)


def _blocks(source: Source, stats: LoadStats) -> Iterator[str]:
    """The file as decoded blocks of whole lines, without line endings at block ends.

    CMS ships ASCII; a block that is not ASCII is decoded line by line with the project's
    UTF-8/cp1252 rule so an odd byte is named by its line.
    """
    with source.open() as f:
        rest = b""
        first_line = 1
        try:
            while True:
                chunk = f.read(BLOCK)
                if not chunk:
                    break
                data = rest + chunk
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                rest = data[cut + 1 :]
                block = data[:cut]
                yield _decode(block, first_line, stats)
                first_line += block.count(b"\n") + 1
            if rest.strip():
                yield _decode(rest, first_line, stats)
                # CMS ends every line; a file cut mid-row does not (see base.UNTERMINATED).
                raise LoadError(source.name, UNTERMINATED, first_line + rest.count(b"\n"))
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as exc:
            raise LoadError(
                source.name,
                f"file is truncated or corrupt after this line ({exc})",
                stats.line or None,
            ) from None


def _decode(block: bytes, first_line: int, stats: LoadStats) -> str:
    if b"\r" in block:
        block = block.replace(b"\r", b"")
    try:
        return block.decode("ascii")
    except UnicodeDecodeError:
        lines = []
        for offset, raw in enumerate(block.split(b"\n")):
            try:
                lines.append(decode_line(raw, first_line + offset))
            except FieldError:
                stats.line = first_line + offset
                raise
        return "\n".join(lines)
