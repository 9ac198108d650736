"""The importer registry: one module per CMS file format.

To add a format, follow docs/importers.md: write the module, a hand-made fixture in the real
layout, a test, and add one line here. The order matters only for recognition: the first
importer whose ``recognize`` says yes reads the file.
"""

from __future__ import annotations

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


class _Importers(dict[str, "Importer"]):
    """A dict that imports each importer module the first time anyone looks."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        for key, target in REGISTRY.items():
            module_name, class_name = target.split(":")
            module = import_module(module_name)
            self[key] = getattr(module, class_name)()
        self._loaded = True

    def values(self):  # type: ignore[override]
        self._load()
        return super().values()

    def items(self):  # type: ignore[override]
        self._load()
        return super().items()

    def __getitem__(self, key: str) -> Importer:
        self._load()
        return super().__getitem__(key)

    def __iter__(self):  # type: ignore[override]
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()


IMPORTERS = _Importers()


def get_importer(format_id: str) -> Importer:
    return IMPORTERS[format_id]
