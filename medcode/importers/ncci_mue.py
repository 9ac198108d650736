"""NCCI medically unlikely edits (MUE): CMS's csv and xlsx tables, one per setting.

``MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`` (and ``OutpatientHospitalServices``,
``DMESupplierServices``; each also as ``.xlsx``). Record 1 is the AMA notice, one quoted field
over several lines; record 2 the headings, ``HCPCS/CPT Code, <Setting> Services MUE Values,
MUE Adjudication Indicator, MUE Rationale``; then one code per record, e.g.
``G0283,1,3 Date of Service Edit: Clinical,Code Descriptor / CPT Instruction``. The csv is
cp1252 (the notice's ® is byte 0xAE).

The setting comes from the headings (the file name when they do not say); the release is the
effective date in the name. The csv and the xlsx of one table are the same release: whichever
loads first is kept and the other is reported as already loaded.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl

from medcode.edits.models import MueEdit
from medcode.importers.base import (
    FieldError,
    Importer,
    LoadError,
    LoadStats,
    ReleaseInfo,
    Row,
    Source,
    parse_int,
    quarter_period,
    text_lines,
)

_NAME = re.compile(
    r"(?:(?P<program>MCR|MCD)_)?MUE_(?P<setting>[A-Za-z]+?)(?:Services)?_Eff_"
    r"(?P<month>\d\d)-(?P<day>\d\d)-(?P<year>\d{4})",
    re.IGNORECASE,
)
_MAI_HEADING = "MUE Adjudication Indicator"
#: (dataset, words for people) by what the headings or the file name call the setting.
_SETTINGS = {
    "practitioner": ("ncci_mue_practitioner", "practitioner services"),
    "outpatienthospital": ("ncci_mue_outpatient", "outpatient hospital services"),
    "dmesupplier": ("ncci_mue_dme", "DME supplier services"),
}
_INDICATORS = frozenset({"1", "2", "3"})
MAX_HEADER_RECORDS = 5


class NcciMue(Importer):
    format = "ncci_mue"
    description = "NCCI medically unlikely edit (MUE) table, csv or xlsx."
    models = (MueEdit,)
    filename_pattern = _NAME

    def recognize(self, source: Source, head: bytes) -> bool:
        if source.extension == "csv":
            return _MAI_HEADING.encode() in head and b"MUE Values" in head
        if source.extension == "xlsx":
            return source.xlsx_mentions(_MAI_HEADING.encode(), b"MUE Values")
        return False

    def release(self, source: Source, head: bytes) -> ReleaseInfo:
        match = _NAME.search(source.filename)
        if match is None:
            raise FieldError(
                "(file name)",
                "cannot tell the effective date: expected a name like "
                "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
            )
        if (match["program"] or "").upper() == "MCD":
            raise FieldError(
                "(file name)",
                "this is a Medicaid (MCD) MUE table; medcode loads Medicare's (MCR_MUE_…)",
            )
        try:
            effective = date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            raise FieldError(
                "(file name)",
                f"not a calendar date: {match['month']}-{match['day']}-{match['year']}",
            ) from None
        heading = self._setting_heading(source, head)
        setting = _setting_key(heading) or _setting_key(match["setting"])
        if setting is None:
            raise FieldError(
                "(headings)",
                f"cannot tell the setting from {heading or match['setting']!r}: expected "
                "Practitioner, Outpatient Hospital or DME Supplier Services",
            )
        dataset, words = _SETTINGS[setting]
        _, end = quarter_period(effective.year, (effective.month - 1) // 3 + 1)
        return ReleaseInfo(
            dataset=dataset,
            version=effective.isoformat(),
            label=f"NCCI MUE {words}, effective {effective.isoformat()}",
            period_start=effective,
            period_end=end,
        )

    def rows(self, source: Source, stats: LoadStats) -> Iterator[Row]:
        if source.extension == "xlsx":
            records = _xlsx_records(source, stats)
        else:
            records = _csv_records(source, stats)
        seen_heading = False
        before_heading = 0
        for record in records:
            if not seen_heading:
                if len(record) >= 3 and record[2].strip() == _MAI_HEADING:
                    seen_heading = True
                    continue
                before_heading += 1
                if before_heading >= MAX_HEADER_RECORDS:
                    raise FieldError(
                        "(headings)", f"no '{_MAI_HEADING}' heading in the first records"
                    )
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != 4:
                raise FieldError("(record)", f"expected 4 columns, got {len(record)}")
            stats.rows_read += 1
            yield MueEdit, _values(record)
        if not seen_heading:
            raise FieldError("(headings)", f"no '{_MAI_HEADING}' heading found")

    def _setting_heading(self, source: Source, head: bytes) -> str:
        """The heading of the MUE value column, e.g. ``Practitioner Services MUE Values``."""
        if source.extension == "xlsx":
            stats = LoadStats()
            try:
                for record in _xlsx_records(source, stats):
                    if len(record) >= 3 and record[2].strip() == _MAI_HEADING:
                        return record[1].strip()
                    if stats.line >= MAX_HEADER_RECORDS:
                        break
            except LoadError:
                return ""
            return ""
        text = head.decode("cp1252", errors="replace")
        for record in csv.reader(io.StringIO(text, newline="")):
            if len(record) >= 3 and record[2].strip() == _MAI_HEADING:
                return record[1].strip()
        return ""


def _setting_key(text: str) -> str | None:
    squeezed = text.lower().replace(" ", "")
    for key in _SETTINGS:
        if squeezed.startswith(key):
            return key
    return None


def _values(record: list[str]) -> tuple[object, ...]:
    code = record[0].strip().upper()
    if len(code) != 5 or not code.isalnum():
        raise FieldError("HCPCS/CPT Code", f"expected a 5-character code, got {record[0]!r}")
    value = parse_int(record[1], "MUE Values")
    if value is None or value < 0:
        raise FieldError("MUE Values", f"expected a whole number of units, got {record[1]!r}")
    indicator_text = record[2].strip()
    indicator = indicator_text[:1]
    if indicator not in _INDICATORS:
        raise FieldError(
            "MUE Adjudication Indicator",
            f"expected 1, 2 or 3 and its words, got {record[2]!r}",
        )
    return (code, value, indicator, indicator_text[1:].strip(), record[3].strip())


def _csv_records(source: Source, stats: LoadStats) -> Iterator[list[str]]:
    try:
        yield from csv.reader(text_lines(source, stats))
    except csv.Error as exc:
        raise FieldError("(record)", f"not readable as csv: {exc}") from None


def _xlsx_records(source: Source, stats: LoadStats) -> Iterator[list[str]]:
    for row in xlsx_rows(source, stats):
        record = [cell_text(cell) for cell in row]
        if record and isinstance(row[0], int | float):
            # A code typed as a number (00100) lost its leading zeros in Excel.
            record[0] = record[0].zfill(5)
        yield record


# --- spreadsheets, shared with the add-on code importer -------------------------------------


def xlsx_rows(source: Source, stats: LoadStats) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows as values, keeping ``stats.line`` on the sheet row."""
    try:
        book = openpyxl.load_workbook(source.xlsx_bytes(), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise LoadError(
            source.name, f"not a readable xlsx workbook: it is truncated or corrupt ({exc})"
        ) from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            stats.line = number
            yield row
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell as CMS's text: numbers stored as numbers lose no digits and gain no ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()
