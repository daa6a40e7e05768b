"""Apps import downwards only, and the pure layers import no framework (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the epb package

# The order in which apps may depend on each other: an app may import those before it.
APP_ORDER = [
    "core",
    "enterprises",
    "monitoring",
    "quality",
    "enforcement",
    "complaints",
    "permits",
    "credit",
    "catalog",
    "participation",
    "performance",
]
PURE = {"hj212", "lib", "standards"}
SHARED_OK = {"lib", "standards", "hj212", "testing"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _violations() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        package = _package_of(path)
        if package.endswith(".py") or "migrations" in path.parts:
            continue
        is_test = "tests" in path.parts
        for name in _imports(path):
            parts = name.split(".")
            if package in PURE and not is_test:
                if parts[0] == "django" or (
                    parts[0] == "epb" and len(parts) > 1 and parts[1] not in (PURE | {"__init__"})
                ):
                    found.append(f"{path.relative_to(ROOT)}: pure layer imports {name}")
                if package == "hj212" and parts[0] == "epb" and len(parts) > 1 and parts[1] != "hj212":
                    found.append(f"{path.relative_to(ROOT)}: the codec imports {name}")
                continue
            if package not in APP_ORDER or parts[0] != "epb" or len(parts) < 2:
                continue
            target = parts[1]
            if target in SHARED_OK or target not in APP_ORDER or target == package:
                continue
            if APP_ORDER.index(target) > APP_ORDER.index(package):
                found.append(f"{path.relative_to(ROOT)}: {package} imports {name} (upwards)")
    return found


def test_apps_import_downwards_only() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("from epb.complaints.models import Case\n", "core", True),
        ("from epb.core.models import OrgUnit\n", "complaints", False),
        ("import django\n", "lib", True),
    ],
)
def test_the_checker_catches_upward_imports(
    tmp_path: Path, source: str, package: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Build a throwaway package tree and point the checker at it, so this test proves the
    # checker can fail.
    pkg = tmp_path / package
    pkg.mkdir()
    (pkg / "mod.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert bool(_violations()) is expected
