"""`epb evaluate discharge`, and the monitoring-rule modules stay pure."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from epb.standards import cli

PACKAGE = Path(__file__).resolve().parent.parent
MODULES = ["factors", "flue_gas", "validity", "discharge", "discharge_judge", "anomalies", "emissions"]


def run(lines: list[str]) -> list[dict[str, object]]:
    out = io.BytesIO()
    cli.run("discharge", io.BytesIO("\n".join(lines).encode()), out)
    return [json.loads(line) for line in out.getvalue().decode().splitlines()]


def test_discharge_kind_streams_lines_in_order() -> None:
    ok = {"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": 60.5}}
    answers = run(
        [
            json.dumps({**ok, "id": "a"}),
            "",
            "{not json",
            json.dumps({**ok, "class": "9Z", "id": "b"}),
            json.dumps({**ok, "values": {"w01018": 12}, "id": 3}),
        ]
    )
    assert [a.get("id") for a in answers] == ["a", None, "b", 3]
    first = answers[0]
    assert first["exceedances"][0]["multiple"] == pytest.approx(0.21)  # type: ignore[index]
    assert "invalid JSON" in str(answers[1]["error"])
    assert "no class '9Z'" in str(answers[2]["error"])
    assert answers[3]["results"]["w01018"]["status"] == "compliant"  # type: ignore[index]


def test_discharge_kind_is_registered_with_help() -> None:
    kind = cli.KINDS["discharge"]
    assert (kind.module, kind.function) == ("epb.standards.discharge_judge", "evaluate_record")


@pytest.mark.parametrize("module", MODULES)
def test_imports_only_the_standard_library_this_package_and_lib_timeutil(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            ok = name.split(".")[0] in sys.stdlib_module_names or name.startswith("epb.standards")
            assert ok or name == "epb.lib.timeutil", (module, name)


@pytest.mark.slow
def test_the_rules_load_without_django() -> None:
    code = "import sys; " + "; ".join(f"import epb.standards.{m}" for m in MODULES)
    code += "; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=30)
