"""Claims as CSV: a header row, then one claim line per row, grouped into claims by claim_id.

Claim-level columns repeat on each row of a claim or stay blank after its first row; the first
non-blank value is the claim's, and a different value on a later row is an error naming that
row. Rows of one claim need not be adjacent: claims come out in the order their ids first
appear, their lines in row order. Rows are numbered as a spreadsheet shows them (the header is
row 1).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from typing import Any

from medcode.claims.claim import MAX_MODIFIERS, Claim, ClaimError, parse_claim, shown
from medcode.claims.formats import decode, relocated

CLAIM_COLUMNS = (
    "payer",
    "setting",
    "place_of_service",
    "date_of_service",
    "locality",
    "therapy_pt_slp",
    "therapy_ot",
    "diagnoses",
    "patient_sex",
    "patient_birth_date",
)
MODIFIER_COLUMNS = tuple(f"modifier{n}" for n in range(1, MAX_MODIFIERS + 1))
LINE_COLUMNS = (
    "code",
    "modifiers",
    *MODIFIER_COLUMNS,
    "units",
    "minutes",
    "diagnosis_pointers",
    "line_date",
)
COLUMNS = ("claim_id", *CLAIM_COLUMNS, *LINE_COLUMNS)
REQUIRED = ("claim_id", "payer", "date_of_service", "code")

_LIST_SEPARATORS = re.compile(r"[;,\s]+")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# The JSON form's field names, as the CSV column a user would look at.
_COLUMN_OF_FIELD = {
    "therapy_amounts": "therapy_pt_slp",
    "id": "claim_id",
    "patient.sex": "patient_sex",
    "patient.birth_date": "patient_birth_date",
}
_COLUMN_OF_LINE_FIELD = {"date_of_service": "line_date", "lines": "claim_id"}


def read_csv(data: bytes | str) -> list[Claim]:
    # Spreadsheet exports are often Windows-1252; UTF-8 is tried first.
    text = decode(data, fallback="cp1252")
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(records)
    except StopIteration:
        raise ClaimError("the file is empty; expected a header row", at="row 1") from None
    except csv.Error as exc:
        raise ClaimError(f"not valid CSV ({exc})", at="row 1") from None
    columns = _columns(header)

    claims: dict[str, _PendingClaim] = {}
    row_number = 1
    try:
        for row_number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                raise ClaimError(
                    f"has {len(record)} cells but the header names {len(columns)} columns",
                    at=f"row {row_number}",
                )
            values = {
                name: (record[i].strip() if i < len(record) else "")
                for i, name in enumerate(columns)
            }
            claim_id = values["claim_id"]
            if not claim_id:
                raise ClaimError("is blank", field="claim_id", at=f"row {row_number}")
            pending = claims.get(claim_id)
            if pending is None:
                pending = claims[claim_id] = _PendingClaim(claim_id, row_number)
            pending.add(values, row_number)
    except csv.Error as exc:
        raise ClaimError(f"not valid CSV ({exc})", at=f"row {row_number}") from None
    if not claims:
        raise ClaimError("the file has a header row but no claim lines", at="row 2")
    return [pending.parse() for pending in claims.values()]


def _columns(header: list[str]) -> list[str]:
    names = [re.sub(r"[\s\-]+", "_", cell.strip().lstrip("\ufeff").lower()) for cell in header]
    for index, name in enumerate(names):
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ClaimError(
                f"unknown column {shown(header[index])}{hint}; columns are {', '.join(COLUMNS)}",
                at=f"row 1, column {index + 1}",
            )
        if names.index(name) != index:
            raise ClaimError(f"column {name} appears twice", at=f"row 1, column {index + 1}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ClaimError(
            f"the header row has no {', '.join(missing)} column"
            + ("s" if len(missing) > 1 else ""),
            at="row 1",
        )
    return names


class _PendingClaim:
    """One claim's rows, gathered until the whole file is read."""

    def __init__(self, claim_id: str, first_row: int) -> None:
        self.id = claim_id
        self.first_row = first_row
        self.fields: dict[str, tuple[str, int]] = {}  # column -> (value, row it came from)
        self.lines: list[tuple[dict[str, Any], int]] = []

    def add(self, values: dict[str, str], row: int) -> None:
        for name in CLAIM_COLUMNS:
            value = values.get(name, "")
            if not value:
                continue
            if name in ("date_of_service", "patient_birth_date"):
                value = _iso_date(value)
            seen = self.fields.get(name)
            if seen is None:
                self.fields[name] = (value, row)
            elif _normal(name, seen[0]) != _normal(name, value):
                raise ClaimError(
                    f"{shown(value)} differs from {shown(seen[0])} given for this claim on "
                    f"row {seen[1]}",
                    self.id,
                    field=name,
                    at=f"row {row}",
                )
        self.lines.append((self._line(values, row), row))

    def _line(self, values: dict[str, str], row: int) -> dict[str, Any]:
        modifiers = split_list(values.get("modifiers", ""))
        modifiers += [values[name] for name in MODIFIER_COLUMNS if values.get(name)]
        line: dict[str, Any] = {"code": values["code"], "modifiers": modifiers}
        for name in ("units", "minutes"):
            if values.get(name):
                line[name] = number_or_text(values[name])
        if values.get("diagnosis_pointers"):
            line["diagnosis_pointers"] = [
                number_or_text(p) for p in split_list(values["diagnosis_pointers"])
            ]
        if values.get("line_date"):
            line["date_of_service"] = _iso_date(values["line_date"])
        return line

    def parse(self) -> Claim:
        data: dict[str, Any] = {"id": self.id, "lines": [line for line, _ in self.lines]}
        for name in ("payer", "setting", "place_of_service", "date_of_service", "locality"):
            if name in self.fields:
                data[name] = self.fields[name][0]
        if "diagnoses" in self.fields:
            data["diagnoses"] = split_list(self.fields["diagnoses"][0])
        amounts: dict[str, float] = {}
        for column, key in (("therapy_pt_slp", "pt_slp"), ("therapy_ot", "ot")):
            if column in self.fields:
                text, row = self.fields[column]
                amounts[key] = _amount(text, self.id, column, row)
        if amounts:
            data["therapy_amounts"] = amounts
        patient = {
            key: self.fields[column][0]
            for column, key in (("patient_sex", "sex"), ("patient_birth_date", "birth_date"))
            if column in self.fields
        }
        if patient:
            data["patient"] = patient
        try:
            return parse_claim(data)
        except ClaimError as exc:
            raise relocated(exc, self._where(exc)) from None

    def _where(self, exc: ClaimError) -> str:
        if exc.line is not None and 1 <= exc.line <= len(self.lines):
            row = self.lines[exc.line - 1][1]
            column = _COLUMN_OF_LINE_FIELD.get(exc.field or "", exc.field)
        else:
            column = _COLUMN_OF_FIELD.get(exc.field or "", exc.field)
            row = self.fields.get(column or "", ("", self.first_row))[1]
        return f"row {row}, column {column}" if column else f"row {row}"


def split_list(text: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(text) if part]


def number_or_text(text: str) -> Any:
    """An int or float when the text is one; else the text, for parse_claim to name."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def dollars(text: str) -> float:
    """An amount as people type it ("$2,410.50"); ValueError when it is none."""
    return float(text.replace(",", "").lstrip("$"))


def _amount(text: str, claim_id: str, column: str, row: int) -> float:
    try:
        value = dollars(text)
    except ValueError:
        value = -1.0
    if value < 0 or value != value:  # NaN is not an amount either
        raise ClaimError(
            f"expected an amount in dollars of 0 or more, got {shown(text)}",
            claim_id,
            field=column,
            at=f"row {row}, column {column}",
        )
    return value


def _iso_date(text: str) -> str:
    """``MM/DD/YYYY`` (as spreadsheets write US dates) as ``YYYY-MM-DD``; other text unchanged."""
    match = _US_DATE.match(text)
    if match:
        month, day, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def _normal(column: str, value: str) -> Any:
    if column == "diagnoses":
        return [d.upper().replace(".", "") for d in split_list(value)]
    if column in ("therapy_pt_slp", "therapy_ot"):
        try:
            return dollars(value)
        except ValueError:
            return value
    if column == "patient_sex":
        return value.upper()
    return value.lower() if column in ("payer", "setting") else value
