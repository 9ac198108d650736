"""Claims in the forms billers have them: JSON, CSV (one line per row) and X12 837P.

Every reader turns its input into medcode's JSON claim form and hands it to
``medcode.claims.claim.parse_claim``, so the field checks live in one place and the same claim
gives the same ``Claim`` whatever file it came in. Errors are ``ClaimError``s that also say
where in the file the bad value sits (``at``: a CSV row, an X12 segment and element).
"""

from __future__ import annotations

from medcode.claims.claim import Claim, ClaimError, shown

FORMATS = ("json", "csv", "x12")
# Web uploads and API bodies beyond this are refused with a clear message, not read.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def detect_format(data: bytes | str, filename: str | None = None) -> str:
    """``json`` when the text starts with ``{`` or ``[``, ``x12`` with ``ISA``, else ``csv``."""
    head = data[:64].decode("utf-8", "replace") if isinstance(data, bytes) else data[:64]
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return "json"
    if head.upper().startswith("ISA"):
        return "x12"
    if not head and filename:
        lowered = filename.lower()
        if lowered.endswith(".json"):
            return "json"
        if lowered.endswith((".837", ".x12", ".edi")):
            return "x12"
    return "csv"


def read_claims(
    data: bytes | str,
    format: str | None = None,
    *,
    filename: str | None = None,
    locality: str | None = None,
    payer: str | None = None,
    max_claims: int | None = None,
) -> list[Claim]:
    """The claims in ``data``. ``locality`` and ``payer`` fill what an 837 file does not carry.

    Raises ClaimError naming the claim, line and field, and where in the file they are; also
    when ``data`` holds more than ``max_claims`` claims (the API and the web form pass
    ``limits.claims_per_request()``).
    """
    chosen = (format or detect_format(data, filename)).lower()
    claims: list[Claim]
    if chosen == "json":
        from medcode.claims.formats.json_claims import read_json

        claims = read_json(data)
    elif chosen == "csv":
        from medcode.claims.formats.csv_claims import read_csv

        claims = read_csv(data)
    elif chosen in ("x12", "837", "837p"):
        from medcode.claims.formats.x12_837p import read_837p

        claims = read_837p(data, locality=locality, payer=payer)
    else:
        raise ClaimError(
            f"unknown claim format {shown(format)}; expected one of {', '.join(FORMATS)}"
        )
    if max_claims is not None and len(claims) > max_claims:
        raise ClaimError(
            f"the file holds {len(claims):,} claims; at most {max_claims:,} are checked per "
            "request (setting MEDCODE_CLAIMS_PER_REQUEST): split the batch, or use "
            "`medcode check`, which reads any number"
        )
    return claims


def relocated(exc: ClaimError, at: str) -> ClaimError:
    """``exc`` again, saying where in the source file the claim, line or field sits."""
    return ClaimError(exc.message, exc.claim, exc.line, exc.field, at=at)


def decode(data: bytes | str, *, fallback: str | None = None) -> str:
    """Text of an upload: UTF-8 (a byte-order mark is dropped), else ``fallback`` if given."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if fallback:
            return data.decode(fallback, "replace")
        raise ClaimError(
            f"the file is not UTF-8 text (byte {exc.start} cannot be read as UTF-8)"
        ) from None
