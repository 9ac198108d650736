from __future__ import annotations

import os

import pytest

from medcode import clidocs
from medcode.importers import REGISTRY
from medcode.testing import REPO


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def test_the_cli_reference_matches_the_command() -> None:
    written = (REPO / "docs" / "cli.md").read_text()

    assert written == clidocs.render(), "run: python -m medcode.clidocs > docs/cli.md"


def test_every_importer_is_documented_in_the_data_page() -> None:
    page = (REPO / "docs" / "data.md").read_text()

    missing = [fmt for fmt in REGISTRY if f"`{fmt}`" not in page]

    assert not missing, f"docs/data.md has no row for: {', '.join(missing)}"


def test_every_importer_module_exists() -> None:
    for fmt, target in REGISTRY.items():
        module = target.split(":")[0]
        assert os.path.exists(REPO / (module.replace(".", "/") + ".py")), fmt
