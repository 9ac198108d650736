"""The importer registry: one module per CMS file format.

To add a format, follow docs/importers.md: write the module, a hand-made fixture in the real
layout, a test, and add one line here. The order matters only for recognition: the first
importer whose ``recognize`` says yes reads the file.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medcode.importers.base import Importer

#: format id -> "module:Class". Loaded on first use, after Django's apps are ready.
REGISTRY: dict[str, str] = {
    "hcpcs_anweb": "medcode.importers.hcpcs_anweb:HcpcsAnweb",
    "icd10cm_order": "medcode.importers.icd10_order:Icd10CmOrder",
    "icd10pcs_order": "medcode.importers.icd10_order:Icd10PcsOrder",
    "icd10cm_tabular": "medcode.importers.icd10cm_tabular:Icd10CmTabular",
    "pfs_pprrvu": "medcode.importers.pfs_pprrvu:PfsPprrvu",
    "pfs_gpci": "medcode.importers.pfs_gpci:PfsGpci",
    "pfs_locality": "medcode.importers.pfs_locality:PfsLocality",
    "pfs_anesthesia": "medcode.importers.pfs_anesthesia:PfsAnesthesia",
    "pfs_oppscap": "medcode.importers.pfs_oppscap:PfsOppsCap",
    "pfs_revision": "medcode.importers.pfs_revision:PfsRevision",
    "ncci_ptp": "medcode.importers.ncci_ptp:NcciPtp",
    "ncci_mue": "medcode.importers.ncci_mue:NcciMue",
    "ncci_aoc": "medcode.importers.ncci_aoc:NcciAoc",
    "ncd_icd10": "medcode.importers.ncd_icd10:NcdIcd10",
    "lcd_index": "medcode.importers.lcd_index:LcdIndex",
}


@cache
def importers() -> dict[str, Importer]:
    """Every importer by format id, imported on first use (after Django's apps are ready)."""
    found: dict[str, Importer] = {}
    for key, target in REGISTRY.items():
        module_name, class_name = target.split(":")
        found[key] = getattr(import_module(module_name), class_name)()
    return found


def get_importer(format_id: str) -> Importer:
    return importers()[format_id]
