"""Workbooks built in the tests, as bureau staff keep them (openpyxl, no files on disk)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def workbook(header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)
