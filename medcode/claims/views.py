"""The claim checker's web form: type a claim's lines or upload a file, see the findings.

The form builds medcode's JSON claim form and runs the same ``parse_claim`` and
``check_claims`` as the CLI and API, so a claim gives the same findings everywhere. A
``ClaimError`` is shown next to the field it names, with what was typed kept.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medcode.claims.checker import check_claims
from medcode.claims.claim import PAYERS, SETTINGS, Claim, ClaimError, parse_claim
from medcode.claims.formats import FORMATS, MAX_UPLOAD_BYTES, read_claims
from medcode.claims.formats.csv_claims import (
    CLAIM_COLUMNS,
    dollars,
    number_or_text,
    split_list,
)
from medcode.claims.formats.findings_csv import findings_csv
from medcode.claims.limits import claims_per_request
from medcode.fees.facts import locality_choices
from medcode.releases.dates import BadDate, as_of_param
from medcode.releases.store import Snapshot
from medcode.web.uploads import upload_refused

START_ROWS = 6
MAX_ROWS = 50  # a claim line form; bigger claims come as a file
SHOWN_CLAIMS = 200  # a batch beyond this is summarized on the page; the CSV has everything
# The form names its claim fields as the CSV reader names its columns.
CLAIM_FIELDS = ("claim_id", *CLAIM_COLUMNS)
LINE_FIELDS = ("code", "modifiers", "units", "minutes", "pointers")
_ROW_KEY = re.compile(r"^line-(\d{1,3})-(code|modifiers|units|minutes|pointers)$")
# A ClaimError's field (the JSON form's name) as the id of the form input that holds it.
_INPUT_OF_FIELD = {
    "therapy_amounts": "therapy_pt_slp",
    "id": "claim_id",
    "patient.sex": "patient_sex",
    "patient.birth_date": "patient_birth_date",
}
_INPUT_OF_LINE_FIELD = {"diagnosis_pointers": "pointers", "date_of_service": "code"}


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {"payer": "medicare", "setting": "practitioner"}
    values["date_of_service"] = date.today().isoformat()
    line_rows = [_blank_row(n) for n in range(1, START_ROWS + 1)]
    errors: dict[str, str] = {}
    summary: str | None = None
    result: dict[str, Any] | None = None
    if request.method == "GET" and request.GET.get("claim"):
        # A claim in medcode's JSON form, prefilled (a guide's "Open in the claim checker").
        values, line_rows = _prefilled(request.GET["claim"], values, line_rows)
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip()[:200] for name in CLAIM_FIELDS}
        line_rows = _posted_rows(request)
        if request.POST.get("add_line") and len(line_rows) < MAX_ROWS:
            line_rows.append(_blank_row(len(line_rows) + 1, focus=True))
        else:
            try:
                claims = _claims_from(request, values, line_rows)
                result = check_claims(claims)
            except ClaimError as exc:
                summary, errors = _place_error(exc, request, line_rows)
            if result is not None and request.POST.get("output") == "csv":
                response = HttpResponse(
                    findings_csv(result), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = 'attachment; filename="findings.csv"'
                return response
    for row in line_rows:
        row["cells"] = [
            {
                "id": f"line-{row['n']}-{name}",
                "label": label,
                "value": row[name],
                "size": size,
                "inputmode": mode,
                "error": errors.get(f"line-{row['n']}-{name}"),
            }
            for name, label, size, mode in _LINE_INPUTS
        ]
    context = {
        "claim_fields": _claim_fields(values, errors),
        "rows": line_rows,
        "errors": errors,
        "error_summary": summary,
        "result": _shown(result),
        "formats": FORMATS,
        "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    status = 400 if summary else 200
    return render(request, "claims/check.html", context, status=status)


_LINE_INPUTS = (
    ("code", "code", 7, ""),
    ("modifiers", "modifiers", 10, ""),
    ("units", "units", 4, "numeric"),
    ("minutes", "minutes", 4, "numeric"),
    ("pointers", "diagnosis pointers", 6, ""),
)


def _claim_fields(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The claim-level inputs, in order, with their values and any error."""
    localities = [("", "National (no locality)"), *_localities(values.get("date_of_service", ""))]
    fields: list[dict[str, Any]] = [
        {"id": "claim_id", "label": "Claim id", "placeholder": "1"},
        {"id": "payer", "label": "Payer", "choices": [(p, p.title()) for p in PAYERS]},
        {
            "id": "setting",
            "label": "Setting",
            "choices": [(s, s.replace("_", " ").capitalize()) for s in SETTINGS],
        },
        {
            "id": "place_of_service",
            "label": "Place of service",
            "placeholder": "11",
            "inputmode": "numeric",
        },
        {"id": "date_of_service", "label": "Date of service", "type": "date"},
        {
            "id": "locality",
            "label": "Medicare locality",
            "choices": localities,
            "hint": "From the GPCI file in force; prices use national GPCIs without one.",
            "wide": True,
        },
        {
            "id": "diagnoses",
            "label": "Diagnoses (ICD-10-CM)",
            "placeholder": "M17.11 M25.561",
            "hint": "In pointer order, separated by spaces.",
            "wide": True,
        },
        {
            "id": "therapy_pt_slp",
            "label": "PT + SLP allowed this year ($)",
            "inputmode": "decimal",
        },
        {"id": "therapy_ot", "label": "OT allowed this year ($)", "inputmode": "decimal"},
        {
            "id": "patient_sex",
            "label": "Patient's sex",
            "choices": [("", "Not given"), ("F", "Female"), ("M", "Male"), ("U", "Unknown")],
            "hint": "With the birth date, checks diagnoses against the patient.",
        },
        {"id": "patient_birth_date", "label": "Patient's birth date", "type": "date"},
    ]
    for field in fields:
        field.setdefault("type", "text")
        field.setdefault("choices", None)
        field["value"] = values.get(field["id"], "")
        field["error"] = errors.get(field["id"])
    return fields


def _prefilled(
    text: str, values: dict[str, str], line_rows: list[dict[str, Any]]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The form's values for a JSON claim; what is not a claim leaves the form as it was."""
    import json

    try:
        data = json.loads(text[:20000])
    except ValueError:
        return values, line_rows
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        return values, line_rows
    filled = dict(values)
    for name in ("payer", "setting", "place_of_service", "date_of_service", "locality"):
        if isinstance(data.get(name), str | int):
            filled[name] = str(data[name])[:200]
    if isinstance(data.get("id"), str | int):
        filled["claim_id"] = str(data["id"])[:200]
    if isinstance(data.get("diagnoses"), list):
        filled["diagnoses"] = " ".join(str(d) for d in data["diagnoses"])[:200]
    amounts = data.get("therapy_amounts")
    if isinstance(amounts, dict):
        for key, name in (("pt_slp", "therapy_pt_slp"), ("ot", "therapy_ot")):
            if key in amounts:
                filled[name] = str(amounts[key])[:200]
    rows = []
    for n, line in enumerate(data["lines"][:MAX_ROWS], start=1):
        row = _blank_row(n)
        if isinstance(line, dict):
            row["code"] = str(line.get("code", ""))[:60]
            mods = line.get("modifiers")
            row["modifiers"] = " ".join(str(m) for m in mods)[:60] if isinstance(mods, list) else ""
            for name in ("units", "minutes"):
                if line.get(name) is not None:
                    row[name] = str(line[name])[:60]
            pointers = line.get("diagnosis_pointers")
            if isinstance(pointers, list):
                row["pointers"] = " ".join(str(p) for p in pointers)[:60]
        rows.append(row)
    while len(rows) < START_ROWS:
        rows.append(_blank_row(len(rows) + 1))
    return filled, rows


def _blank_row(number: int, focus: bool = False) -> dict[str, Any]:
    return {"n": number, "focus": focus, **{name: "" for name in LINE_FIELDS}}


def _posted_rows(request: HttpRequest) -> list[dict[str, Any]]:
    numbers = {
        int(match.group(1)) for key in request.POST if (match := _ROW_KEY.match(key)) is not None
    }
    count = min(max(numbers, default=0), MAX_ROWS)
    return [
        {
            "n": n,
            "focus": False,
            **{name: request.POST.get(f"line-{n}-{name}", "").strip()[:60] for name in LINE_FIELDS},
        }
        for n in range(1, max(count, START_ROWS) + 1)
    ]


def _claims_from(
    request: HttpRequest, values: dict[str, str], line_rows: list[dict[str, Any]]
) -> list[Claim]:
    refused = upload_refused(request)
    if refused:
        # The upload handler stopped reading at the limit (medcode/web/uploads.py).
        raise ClaimError(refused, field="file")
    upload = request.FILES.get("file")
    if upload is not None and upload.size:
        if upload.size > MAX_UPLOAD_BYTES:
            raise ClaimError(
                f"the file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB (split the batch, or use "
                "`medcode check` on the command line)",
                field="file",
            )
        fmt = request.POST.get("format") or None
        if fmt is not None and fmt not in FORMATS:
            raise ClaimError(f"expected one of {', '.join(FORMATS)}", field="format")
        try:
            return read_claims(
                upload.read(),
                fmt,
                filename=upload.name,
                locality=values.get("locality") or None,
                payer=values.get("payer") or None,
                max_claims=claims_per_request(),
            )
        except ClaimError as exc:
            raise _FileError(exc) from None
    return [parse_claim(_claim_data(values, line_rows))]


class _FileError(ClaimError):
    """A ClaimError from an uploaded file: shown at the upload field, not at the typed ones."""

    def __init__(self, original: ClaimError) -> None:
        super().__init__(
            original.message, original.claim, original.line, original.field, at=original.at
        )


def _claim_data(values: dict[str, str], line_rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": values.get("claim_id") or "1"}
    for name in ("payer", "setting", "place_of_service", "date_of_service", "locality"):
        if values.get(name):
            data[name] = values[name]
    if values.get("diagnoses"):
        data["diagnoses"] = split_list(values["diagnoses"])
    amounts: dict[str, Any] = {}
    for name, key in (("therapy_pt_slp", "pt_slp"), ("therapy_ot", "ot")):
        if values.get(name):
            amounts[key] = _amount(values[name], name, data["id"])
    if amounts:
        data["therapy_amounts"] = amounts
    patient = {
        key: values[name]
        for name, key in (("patient_sex", "sex"), ("patient_birth_date", "birth_date"))
        if values.get(name)
    }
    if patient:
        data["patient"] = patient
    lines: list[dict[str, Any]] = []
    for row in line_rows:
        if not any(row[name] for name in LINE_FIELDS):
            continue
        row["line"] = len(lines) + 1  # blank rows are skipped, so lines renumber
        line: dict[str, Any] = {"code": row["code"], "modifiers": split_list(row["modifiers"])}
        for name in ("units", "minutes"):
            if row[name]:
                line[name] = number_or_text(row[name])
        if row["pointers"]:
            line["diagnosis_pointers"] = [number_or_text(p) for p in split_list(row["pointers"])]
        lines.append(line)
    data["lines"] = lines
    return data


def _place_error(
    exc: ClaimError, request: HttpRequest, line_rows: list[dict[str, Any]]
) -> tuple[str, dict[str, str]]:
    """The message for the summary, and the input id it belongs next to."""
    if isinstance(exc, _FileError) or exc.field in ("file", "format"):
        return str(exc), {exc.field if exc.field == "format" else "file": str(exc)}
    if exc.line is not None:
        row = next((r for r in line_rows if r.get("line") == exc.line), None)
        if row is not None:
            name = _INPUT_OF_LINE_FIELD.get(exc.field or "", exc.field or "code")
            message = f"line {exc.line}: {exc.message}"
            return message, {f"line-{row['n']}-{name}": message}
    if exc.field == "lines":
        return "Type at least one line (a code), or choose a file.", {
            "line-1-code": "Type at least one line (a code), or choose a file."
        }
    name = _INPUT_OF_FIELD.get(exc.field or "", exc.field or "")
    if name in CLAIM_FIELDS:
        return f"{name.replace('_', ' ')}: {exc.message}", {name: exc.message}
    return str(exc), {}


def _amount(text: str, name: str, claim_id: str) -> float:
    try:
        return dollars(text)
    except ValueError:
        raise ClaimError(
            f"expected an amount in dollars, got {text!r}", claim_id, field=name
        ) from None


def _localities(day_text: str) -> tuple[tuple[str, str], ...]:
    """The payment localities of the GPCI release in force on the date typed (else today)."""
    try:
        day = as_of_param(day_text)
    except BadDate:
        day = date.today()
    return locality_choices(Snapshot(day).in_force)


def _shown(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    claims = result["claims"]
    counts = {"error": 0, "warning": 0, "info": 0}
    for claim in claims:
        for finding in claim["findings"]:
            counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    return {
        "claims": claims[:SHOWN_CLAIMS],
        "total": len(claims),
        "hidden": max(0, len(claims) - SHOWN_CLAIMS),
        "counts": counts,
    }
