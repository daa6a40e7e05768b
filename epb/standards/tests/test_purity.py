"""The evaluators stay pure: no Django, no apps, and every table says where it comes from."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from epb.standards.tables import load

PACKAGE = Path(__file__).resolve().parent.parent
MODULES = [
    "__init__", "tables", "numeric", "water", "water_bodies", "trophic", "drinking", "aqi", "gb3095", "noise",
    "records", "cli",
]  # fmt: skip
DATA = ["gb3838", "water_2011", "tli", "hj633", "gb3095", "gb3096"]


@pytest.mark.parametrize("module", MODULES)
def test_imports_only_the_standard_library_and_this_package(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("epb.standards"), (module, name)
            assert not name.startswith(("epb.standards.discharge", "epb.standards.validity")), (module, name)


@pytest.mark.slow
def test_the_command_starts_without_django() -> None:
    code = (
        "import sys; from epb.standards.cli import main; main(['aqi', '--help']); "
        "import epb.standards.records; assert 'django' not in sys.modules, 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=30)


def _sources(node: object, path: str = "") -> list[str]:
    """Paths of the objects in a data file that carry a ``source``."""
    found = []
    if isinstance(node, dict):
        if "source" in node:
            found.append(path)
        for key, value in node.items():
            found += _sources(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _sources(value, f"{path}/{n}")
    return found


@pytest.mark.parametrize("name", DATA)
def test_every_table_names_its_source_and_effective_date(name: str) -> None:
    data = load(name)
    text = repr(data)
    assert "source" in text or "standard" in data
    assert "effective" in text or "applies_from" in text
    if name in ("hj633", "gb3095"):
        for edition in data["editions"].values():
            assert edition["standard"] and edition["effective"] and edition["applies_from"]
    if name == "hj633":
        for edition in data["editions"].values():
            assert all(t["source"] for t in edition["tables"].values())
    if name == "gb3095":
        for edition in data["editions"].values():
            assert all(row["source"] for row in edition["limits"])
    if name in ("gb3838", "gb3096", "water_2011", "tli"):
        assert _sources(data)
