"""The codec is sans-IO: no Django, nothing else from epb, no sockets, no clocks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
MODULES = sorted(p for p in PACKAGE.glob("*.py"))
FORBIDDEN_MODULES = ("django", "socket", "asyncio", "selectors", "threading", "time")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_stay_inside_the_codec(path: Path) -> None:
    for name in imported(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
        if top == "epb":
            assert name.startswith("epb.hj212"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_clock_is_read(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for call in (".now(", ".today(", ".utcnow(", "time.time(", "monotonic("):
        assert call not in source, f"{path.name} reads a clock ({call})"


def test_the_check_sees_every_module() -> None:
    assert {p.name for p in MODULES} >= {"__init__.py", "_decoder.py", "_parse.py", "_build.py", "cli.py"}
