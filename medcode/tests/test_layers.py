"""Each app owns its tables, and imports follow the layers (docs/architecture.md "Layers").

SQL naming a table appears only in the app that owns it: in a data app (codes, icd10, fees,
edits, coverage, releases) only in its ``queries.py`` (and ``models.py``); in a feature app
(search, accounts…) anywhere in that app. Import rules are import-linter's contracts in
pyproject.toml, run here too so a breach fails pytest as well as scripts/test.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from django.apps import apps

from medcode.testing import REPO

MEDCODE = REPO / "medcode"
#: Apps whose tables only their queries.py may name in SQL.
DATA_APPS = {"codes", "icd10", "fees", "edits", "coverage", "releases"}
#: Files of a data app that may name its tables.
OWNER_FILES = {"queries.py", "models.py"}


def owners() -> dict[str, str]:
    """Every medcode table (and search's FTS5 table) -> the app (package name) that owns it."""
    found = {
        model._meta.db_table: model._meta.app_config.name.split(".")[1]
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("medcode.")
    }
    found["search_fts"] = "search"
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def breaches(path: Path, source: str, tables: dict[str, str]) -> list[str]:
    """``file:line: table (owned by app)`` for each string in ``source`` naming a table its
    file may not name."""
    relative = path.relative_to(MEDCODE)
    app = relative.parts[0] if len(relative.parts) > 1 else ""
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tables))) + r")\b")
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (
            not isinstance(node, ast.Constant)
            or not isinstance(node.value, str)
            or id(node) in skip
        ):
            continue
        for table in pattern.findall(node.value):
            owner = tables[table]
            allowed = app == owner and (owner not in DATA_APPS or relative.name in OWNER_FILES)
            if not allowed:
                found.append(f"medcode/{relative}:{node.lineno}: {table} (owned by {owner})")
    return found


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(MEDCODE.rglob("*.py"))
        if "migrations" not in p.parts and "tests" not in p.parts
    ]


def test_sql_names_a_table_only_in_the_app_that_owns_it() -> None:
    tables = owners()
    assert "edits_ptpedit" in tables and "fees_pfsrvu" in tables
    found = [b for p in _sources() for b in breaches(p, p.read_text(), tables)]

    assert not found, "SQL on another app's table (use the owner's queries.py):\n" + "\n".join(
        found
    )


def test_the_check_names_file_and_line_of_a_breach() -> None:
    tables = owners()
    source = (
        'X = 1\nSQL = (\n    "SELECT hcpcs FROM fees_pfsrvu "\n    "WHERE release_id = %s"\n)\n'
    )

    assert breaches(MEDCODE / "claims" / "example.py", source, tables) == [
        "medcode/claims/example.py:3: fees_pfsrvu (owned by fees)"
    ]
    # The owner's queries.py may; its facts.py may not (a data app answers through queries.py).
    assert breaches(MEDCODE / "fees" / "queries.py", source, tables) == []
    assert breaches(MEDCODE / "fees" / "facts.py", source, tables) == [
        "medcode/fees/facts.py:3: fees_pfsrvu (owned by fees)"
    ]


def test_the_import_contracts_hold() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
