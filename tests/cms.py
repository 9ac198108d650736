"""Expected values for the real-data tests, read straight from CMS's files in ../shared/cms.

Never from the database: a test that took its expected value from the rows medcode wrote
would pass whatever the importer did. Layouts are in ../shared/cms/SOURCES.md.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from medcode.testing import shared_file

PPRRVU = "pfs_rvu/rvu25d/PPRRVU2025_Oct.csv"
GPCI = "pfs_rvu/rvu25d/GPCI2025.csv"
PTP = {
    "practitioner": "ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz",
    "outpatient_hospital": "ncci_ptp/ccioph-v302r0-2024q3-outpatient.txt.gz",
}
PTP_HEADER_LINES = 6


def rvus(code: str) -> dict[str, Decimal | str]:
    """The global row of ``code`` in PPRRVU2025_Oct.csv (10 header lines, then data rows)."""
    with shared_file(PPRRVU).open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row[0] == code and row[1] == "":
                return {
                    "work": Decimal(row[5]),
                    "nonfacility_pe": Decimal(row[6]),
                    "facility_pe": Decimal(row[8]),
                    "mp": Decimal(row[10]),
                    "mult_proc": row[18],
                    "cf": Decimal(row[24]),
                }
    raise AssertionError(f"{code} not in the PPRRVU file")


def gpci_rows() -> list[list[str]]:
    """Every locality row of GPCI2025.csv: MAC, state, locality number, name, work, PE, MP."""
    with shared_file(GPCI).open(newline="", encoding="latin-1") as f:
        return [row for row in csv.reader(f) if len(row) >= 7 and row[0].strip().isdigit()]


def gpcis(mac: str, locality: str) -> tuple[Decimal, Decimal, Decimal]:
    """Work, PE and MP GPCI of a locality in GPCI2025.csv."""
    for row in gpci_rows():
        if row[0] == mac and row[2] == locality:
            return Decimal(row[4]), Decimal(row[5]), Decimal(row[6])
    raise AssertionError(f"{mac}-{locality} not in the GPCI file")


def allowed(code: str, mac: str, locality: str, *, facility: bool, units: int = 1) -> Decimal:
    """(work x GPCI + PE x GPCI + MP x GPCI) x CF x units, to the cent, from the two files."""
    r = rvus(code)
    work_g, pe_g, mp_g = gpcis(mac, locality)
    pe = r["facility_pe"] if facility else r["nonfacility_pe"]
    total = (r["work"] * work_g + pe * pe_g + r["mp"] * mp_g) * r["cf"] * units  # type: ignore[operator]
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # type: ignore[no-any-return]


def ptp_edits(setting: str, keep: Callable[[list[str]], bool]) -> Iterator[list[str]]:
    """Rows of the PTP table (column 1, column 2, pre-1996, effective, deletion, modifier
    indicator, rationale) that ``keep`` accepts."""
    with gzip.open(shared_file(PTP[setting]), "rt", encoding="latin-1", newline="") as f:
        for number, text in enumerate(f):
            if number < PTP_HEADER_LINES:
                continue
            fields = text.rstrip("\r\n").split("\t")
            if len(fields) >= 6 and keep(fields):
                yield fields


def ptp_in_force(fields: list[str], day: date) -> bool:
    """Whether a PTP row applies on ``day``, read as CMS documents it: effective from its
    effective date, through its deletion date (``*``: not deleted); indicator 9 never."""
    effective, deletion, indicator = fields[3].strip(), fields[4].strip(), fields[5].strip()
    stamp = day.strftime("%Y%m%d")
    if indicator == "9":
        return False
    if effective and effective > stamp:
        return False
    return deletion in ("", "*") or deletion >= stamp


def pprrvu_description(code: str) -> str:
    """The short descriptor of ``code``'s global row in PPRRVU2025_Oct.csv (column 3)."""
    with shared_file(PPRRVU).open(newline="", encoding="latin-1") as f:
        for row in csv.reader(f):
            if row[0] == code and row[1] == "":
                return row[2].strip()
    raise AssertionError(f"{code} not in the PPRRVU file")


MUE = {"practitioner": "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"}


def mue_value(setting: str, code: str) -> tuple[int, str]:
    """(MUE value, adjudication indicator digit) of ``code`` in CMS's MUE csv."""
    with shared_file(MUE[setting]).open(newline="", encoding="cp1252") as f:
        for row in csv.reader(f):
            if row and row[0].strip() == code:
                return int(row[1]), row[2].strip()[:1]
    raise AssertionError(f"{code} not in the {setting} MUE file")


def icd10cm_codes(fiscal_year: int, *, billable_only: bool = False) -> set[str]:
    """The codes of CMS's ICD-10-CM order file of a fiscal year (code in columns 7-13, the
    billable flag in column 15)."""
    import zipfile

    path = shared_file(f"icd10cm/{fiscal_year}-code-descriptions-tabular-order.zip")
    with zipfile.ZipFile(path) as archive:
        text = archive.read(f"icd10cm_order_{fiscal_year}.txt").decode("latin-1")
    return {
        line[6:13].strip()
        for line in text.splitlines()
        if len(line) > 14 and (not billable_only or line[14] == "1")
    }
