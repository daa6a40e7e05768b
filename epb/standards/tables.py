"""Loading of the standards data files in ``epb/standards/data``.

Numbers with a decimal point are read as ``Decimal`` so that 0.15 stays 0.15; integers stay
``int``. Tables are cached and shared: callers must not mutate them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load", "parse_date", "to_dec"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed data file ``data/<name>.json``."""
    text = resources.files("epb.standards").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def to_dec(value: int | Decimal) -> Decimal:
    """A table figure as ``Decimal`` (tables hold ints and Decimals only)."""
    return value if isinstance(value, Decimal) else Decimal(value)


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
