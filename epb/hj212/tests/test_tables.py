"""Code tables: consistent with themselves, and the docs show exactly what the code holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from epb.hj212 import (
    COMMANDS,
    DATA_FLAGS,
    EXE_RTN,
    QN_RTN,
    SYSTEM_CODES,
    Deviation,
    ErrorCode,
    centre_reply_cn,
)
from epb.hj212._tables import EXCHANGES, render_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "hj212.md"
BEGIN, END = "<!-- tables:begin (epb hj212 tables) -->", "<!-- tables:end -->"


def test_docs_embed_the_rendered_tables() -> None:
    text = DOC.read_text(encoding="utf-8")
    embedded = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()
    assert embedded == render_markdown().strip(), (
        "run `epb hj212 tables` and paste the output into docs/hj212.md"
    )


def test_docs_explain_every_error_code_and_deviation() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [m.value for m in [*ErrorCode, *Deviation] if f"| `{m.value}` |" not in text]
    assert missing == []


def test_tables_are_keyed_consistently() -> None:
    assert all(cn == command.cn and len(cn) == 4 and cn.isdigit() for cn, command in COMMANDS.items())
    assert all(c.direction in {"C→D", "D→C", "both"} for c in COMMANDS.values())
    assert all(set(c.versions) <= {"2005", "2017", "2025"} for c in COMMANDS.values())
    assert all(len(st) == 2 for st in SYSTEM_CODES) and set(DATA_FLAGS) == set("NFMSDCTBP")
    assert 1 in QN_RTN and 100 in EXE_RTN
    assert all(steps for steps in EXCHANGES.values())


@pytest.mark.parametrize(
    ("cn", "reply"),
    [("2011", "9014"), ("2061", "9014"), ("1013", "9013"), ("9015", "9013"), ("9012", None), ("2012", None),
     ("9021", None), ("8888", "9014")],
)  # fmt: skip
def test_centre_reply_cn(cn: str, reply: str | None) -> None:
    assert centre_reply_cn(cn) == reply
