"""The CMS releases ``medcode data fetch`` knows how to download, with CMS's own addresses.

Each entry is one file on CMS's site (or, for the ICD-10-CM XML tabular list, on the CDC/NCHS
FTP site: a U.S. government source for the same code set, and the only host besides
www.cms.gov). Where the exact bytes are known, the entry pins them with a sha256: those values
come from files that are byte-for-byte copies of what CMS serves at that address. CMS zips
whose known copies exist only unzipped pin their members instead (``Member``), so a download
is still checked against the bytes medcode was tested with.

``confirmed`` is False where the address follows CMS's naming for that product but was not
seen published anywhere medcode could check; CMS also moves older quarters off its pages, so
an old NCCI address may answer 404 even when it once was right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

CMS = "https://www.cms.gov"
CDC = "https://ftp.cdc.gov"


@dataclass(frozen=True)
class Member:
    """A file inside a catalog zip: pinned to known bytes, and/or unpacked for the loader.

    ``extract`` is for archives nested in the download (CMS ships PFREV26B as a zip of two
    zips); the loader opens one level of zip, so those are unpacked beside the download.
    """

    name: str
    sha256: str | None = None
    extract: bool = False


@dataclass(frozen=True)
class CatalogEntry:
    release_id: str
    dataset: str
    title: str
    url: str
    filename: str
    sha256: str | None = None
    size: int | None = None
    members: tuple[Member, ...] = ()
    group: str | None = None
    confirmed: bool = True
    note: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()

    def to_dict(self) -> dict[str, object]:
        return {
            "release_id": self.release_id,
            "dataset": self.dataset,
            "title": self.title,
            "url": self.url,
            "filename": self.filename,
            "sha256": self.sha256,
            "size": self.size,
            "members": [
                {"name": m.name, "sha256": m.sha256, "extract": m.extract} for m in self.members
            ],
            "group": self.group,
            "confirmed": self.confirmed,
            "note": self.note,
        }


class UnknownRelease(ValueError):
    """A release id the catalog does not list."""

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        self.unknown = unknown
        self.known = known
        names = ", ".join(unknown)
        super().__init__(
            f"unknown release id{'s' if len(unknown) > 1 else ''}: {names}. "
            f"Known releases: {', '.join(known)}"
        )


def _cms(path: str) -> str:
    return f"{CMS}/files/zip/{path}"


def _entry(
    release_id: str,
    dataset: str,
    title: str,
    url: str,
    *,
    sha256: str | None = None,
    size: int | None = None,
    members: tuple[Member, ...] = (),
    group: str | None = None,
    confirmed: bool = True,
    note: str = "",
) -> CatalogEntry:
    # The cache keeps CMS's own file name, so a cached file says where it came from.
    filename = urlsplit(url).path.rsplit("/", 1)[-1]
    return CatalogEntry(
        release_id, dataset, title, url, filename, sha256, size, members, group, confirmed, note
    )


def _ptp(setting: str, part: int) -> CatalogEntry:
    kind, prefix = (
        ("practitioner", "ccipra") if setting == "practitioner" else ("hospital", "ccioph")
    )
    return _entry(
        f"ptp-v302r0-{setting}-f{part}",
        f"ncci_ptp_{setting}",
        f"NCCI PTP edits v302r0 (July 2024), {setting}, part {part} of 4",
        _cms(f"medicare-ncci-2024q3-{kind}-ptp-edits-{prefix}-v302r0-f{part}.zip"),
        group=f"ptp-v302r0-{setting}",
        confirmed=False,
        note="CMS's NCCI naming from 2025 Q1 on; the 2024 Q3 address was not seen published "
        "and CMS may have moved this quarter to its archive. The staged ncci_ptp files are "
        "rebuilt from another project's tables, not these bytes, so nothing is pinned.",
    )


_NCCI_NOTE = "CMS takes an NCCI quarter off its page once later quarters are out."

# Bytes of files inside CMS zips, from copies documented as their unzipped members.
_PFREV26B_QP = "544dc65e3f0f7972c187fb9dd0f649953dcff7de3f9f432c0ec5a2be452c6280"
_PFREV26B_NONQP = "10872c4b609c21dc0497117d1b4db34c6ea682f58ebb928e31cf80708d29d77d"
_MUE_PRACTITIONER_CSV = "720027c47fd38f3194bbe332d7cd7e6940cdc1e1945d08d46000945c7ce6494c"
_MUE_PRACTITIONER_XLSX = "2580e99e86e96a31cb6dfb2f4e5a898e60ee413027746f53893559681631c831"
_MUE_OUTPATIENT_CSV = "503b545c1a6991ca78e8376cf3d1dece3368282501920d52223c2bd5dd83285e"
_MUE_DME_CSV = "695575e516453a4712f401393a158aaf256aa45e2f89e413e90108f9dbbf0bdc"
_AOC_XLSX = "870a84912f91f8e8fdfa1acd01f076cfb1473ba10c98861fc18d040ce3fbdac6"
_NCD_XLSX = "204dfa859836a8aa2c8dab5223d9234630d2ae22f98a99ac6f7f0e704d881896"

CATALOG: tuple[CatalogEntry, ...] = (
    _entry(
        "hcpcs-2025-jan",
        "hcpcs",
        "HCPCS Level II alpha-numeric file, January 2025",
        _cms("january-2025-alpha-numeric-hcpcs-file.zip"),
        sha256="b18148a90422eb857311484203e15cd96d69917ad8e477d74e6331a3124495ac",
        size=2_408_475,
    ),
    _entry(
        "icd10cm-fy2025",
        "icd10cm",
        "ICD-10-CM FY2025 code descriptions in tabular order (effective 2024-10-01)",
        _cms("2025-code-descriptions-tabular-order.zip"),
        sha256="4f6c65f0034736d2b02fa9eb1128aab564fa673dd4d99363f8b2167af3994816",
        size=2_317_827,
    ),
    _entry(
        "icd10cm-fy2026",
        "icd10cm",
        "ICD-10-CM FY2026 code descriptions in tabular order (effective 2025-10-01)",
        _cms("2026-code-descriptions-tabular-order.zip"),
        sha256="55a9124a27ca78a4a5c41e1101eda064ec2e08d105ff9e78d1fbd1a83298ef11",
        size=2_204_985,
    ),
    _entry(
        "icd10cm-tabular-2026-apr",
        "icd10cm_tabular",
        "ICD-10-CM Tabular List XML, April 1, 2026 update (CDC/NCHS)",
        f"{CDC}/pub/Health_Statistics/NCHS/Publications/ICD10CM/2026-update/"
        "icd10cm-April-1-2026-XML.zip",
        note="Published by CDC/NCHS, which maintains ICD-10-CM; the only host other than "
        "www.cms.gov. The staged XML is its member, under a name not pinned here.",
    ),
    _entry(
        "icd10pcs-fy2026",
        "icd10pcs",
        "ICD-10-PCS FY2026 order file, long and abbreviated titles (effective 2025-10-01)",
        _cms("2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip"),
        sha256="64e37e6060bfd9eca74d9973be28fdf570b40f87a3a855bd078eb343dd0e594e",
        size=1_319_592,
    ),
    _entry(
        "rvu25d",
        "pfs_rvu",
        "Physician Fee Schedule relative value file RVU25D (CY2025, October)",
        _cms("rvu25d.zip"),
        note="CMS redirects this address to its latest corrected copy "
        "(rvu25d-updated-09/11/2025.zip when last seen). Members are not pinned: CMS posted "
        "more than one RVU25D zip (the staged members came from rvu25d-0.zip) and which "
        "bytes the redirect serves could not be checked.",
    ),
    _entry(
        "pfrev26b",
        "pfs_revision",
        "Physician Fee Schedule payment amount revision B, CY2026 (2026-03-10), QP and non-QP",
        _cms("pfrev26b-updated-03-10-2026.zip"),
        members=(
            Member("PFREV26B_QP.zip", _PFREV26B_QP, extract=True),
            Member("PFREV26B_nonQP.zip", _PFREV26B_NONQP, extract=True),
        ),
        note="A zip of two zips; both are unpacked beside it for the loader.",
    ),
    _entry(
        "mue-2026q2-practitioner",
        "ncci_mue_practitioner",
        "NCCI medically unlikely edits, practitioner services, 2026 Q2 (effective 2026-04-01)",
        _cms("medicare-ncci-2026-q2-practitioner-services-mue-table.zip"),
        members=(
            Member("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", _MUE_PRACTITIONER_CSV),
            Member("MCR_MUE_PractitionerServices_Eff_04-01-2026.xlsx", _MUE_PRACTITIONER_XLSX),
        ),
        group="mue-2026q2",
        note=_NCCI_NOTE,
    ),
    _entry(
        "mue-2026q2-outpatient",
        "ncci_mue_outpatient",
        "NCCI medically unlikely edits, outpatient hospital services, 2026 Q2 "
        "(effective 2026-04-01)",
        _cms("medicare-ncci-2026-q2-facility-outpatient-hospital-services-mue-table.zip"),
        members=(
            Member("MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv", _MUE_OUTPATIENT_CSV),
        ),
        group="mue-2026q2",
        note=_NCCI_NOTE,
    ),
    _entry(
        "mue-2026q2-dme",
        "ncci_mue_dme",
        "NCCI medically unlikely edits, DME supplier services, 2026 Q2 (effective 2026-04-01)",
        _cms("medicare-ncci-2026-q2-dme-supplier-services-mue-table.zip"),
        members=(Member("MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv", _MUE_DME_CSV),),
        group="mue-2026q2",
        note=_NCCI_NOTE,
    ),
    _entry(
        "aoc-2026q2",
        "ncci_aoc",
        "NCCI add-on code edits, Medicare, 2026 Q2 (effective 2026-04-01)",
        _cms("add-code-edits-medicare-effective-04012026.zip"),
        members=(Member("AOC_V2026Q2-MCR.xlsx", _AOC_XLSX),),
        confirmed=False,
        note="CMS names these zips add-code-edits-medicare-effective-MMDDYYYY.zip; the "
        "2026 Q2 name was not seen published. " + _NCCI_NOTE,
    ),
    _entry(
        "ncd-2026100",
        "ncd_icd10",
        "NCD ICD-10 coding spreadsheet, CR 2026100 initial (2025-07-21, January 2026 changes)",
        _cms("2026100-initial-icd10-ncd-spreadsheet-20250721.zip"),
        members=(Member("2026100-Initial-ICD10-NCD-Spreadsheet-20250721.xlsx", _NCD_XLSX),),
        confirmed=False,
        note="Posted on CMS's ICD-10 NCD conversion page; this address follows the "
        "spreadsheet's own name and was not seen published.",
    ),
    *(_ptp(setting, part) for setting in ("practitioner", "outpatient") for part in (1, 2, 3, 4)),
)

#: Release ids and group names, in catalog order.
RELEASE_IDS: tuple[str, ...] = tuple(entry.release_id for entry in CATALOG)
GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(e.release_id for e in CATALOG if e.group == group)
    for group in dict.fromkeys(e.group for e in CATALOG if e.group)
}


def catalog_entries(release_ids: Iterable[str] | None = None) -> list[CatalogEntry]:
    """The entries for ``release_ids`` (every entry for None); a group name stands for its parts.

    An unknown id raises ``UnknownRelease`` naming the known ones, before anything is fetched.
    """
    if release_ids is None:
        return list(CATALOG)
    by_id = {entry.release_id: entry for entry in CATALOG}
    wanted: list[str] = []
    unknown: list[str] = []
    for release_id in release_ids:
        key = release_id.strip().lower()
        if key in by_id:
            wanted.append(key)
        elif key in GROUPS:
            wanted.extend(GROUPS[key])
        else:
            unknown.append(release_id)
    if unknown:
        raise UnknownRelease(unknown, [*RELEASE_IDS, *GROUPS])
    return [by_id[i] for i in dict.fromkeys(wanted)]
