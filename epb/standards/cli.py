"""``epb evaluate KIND``: JSON lines on stdin, one JSON line on stdout per input line, in order.

Each output line is flushed as soon as it is written, so the command can sit in a pipe. A line
that cannot be evaluated (invalid JSON, not an object, unknown field or pollutant, wrong type,
negative value, unknown version …) gives ``{"error": "..."}`` and the run goes on. Blank lines
are skipped (they produce no output). A string ``"id"`` or number ``"id"`` in the input is
copied to the output line, errors included, to match answers to questions.

Kinds are a registry: one line in ``KINDS`` adds one, naming a function that takes the decoded
JSON object and returns a JSON-ready dict (or raises ``ValueError``). Modules are imported only
when their kind is used.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any, BinaryIO, NamedTuple

__all__ = ["KINDS", "Kind", "main", "run"]


class Kind(NamedTuple):
    module: str
    function: str
    help: str


KINDS: dict[str, Kind] = {
    "aqi": Kind("epb.standards.records", "aqi_record", "HJ 633 AQI (2012/2026), daily or real-time"),
    "water": Kind("epb.standards.records", "water_record", "GB 3838 section class by the 2011 method"),
    "river": Kind("epb.standards.records", "river_record", "river or basin grade from its sections"),
    "lake": Kind("epb.standards.records", "lake_record", "lake/reservoir class from its points, with TLI"),
    "tli": Kind("epb.standards.records", "tli_record", "comprehensive trophic level index TLI"),
    "drinking": Kind("epb.standards.records", "drinking_record", "surface drinking-water source compliance"),
    "noise": Kind("epb.standards.records", "noise_record", "GB 3096 zone limit, day/night, Lmax at night"),
    "gb3095": Kind("epb.standards.records", "gb3095_record", "GB 3095 limit by edition and phase"),
    "discharge": Kind("epb.standards.discharge_judge", "evaluate_record", "exceedance of discharge limits"),
}

USAGE = """usage: epb evaluate KIND [--help]

Reads JSON objects, one per line, on stdin; writes one JSON object per line on stdout.
A bad line gives {{"error": "..."}} and the run goes on; blank lines are skipped.

kinds:
{kinds}

`epb evaluate KIND --help` shows the input fields of a kind; docs/standards.md has examples.
"""


def _usage() -> str:
    return USAGE.format(kinds="\n".join(f"  {name:<9} {kind.help}" for name, kind in KINDS.items()))


def _handler(kind: Kind) -> Callable[[dict[str, Any]], dict[str, Any]]:
    handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(
        importlib.import_module(kind.module), kind.function
    )
    return handler


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def evaluate_line(handler: Callable[[dict[str, Any]], dict[str, Any]], line: bytes) -> bytes | None:
    """The output line (UTF-8 JSON with its newline) for one input line; ``None`` for a blank line."""
    out = _evaluate(handler, line)
    if out is None:
        return None
    try:
        text = json.dumps(out, ensure_ascii=False, default=_default)
    except (TypeError, ValueError) as exc:
        text = json.dumps({"error": f"internal error: unserialisable result: {exc}"})
    return text.encode("utf-8") + b"\n"


def _evaluate(handler: Callable[[dict[str, Any]], dict[str, Any]], line: bytes) -> dict[str, Any] | None:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return {"error": "line is not valid UTF-8"}
    text = text.removeprefix("\ufeff")  # a byte-order mark (files saved by spreadsheet tools)
    if not text.strip():
        return None
    try:
        record = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        return {"error": f"invalid JSON: {exc}"}
    if not isinstance(record, dict):
        return {"error": "expected a JSON object"}
    ident = record.pop("id", None)
    extra = {} if ident is None or not isinstance(ident, str | int) else {"id": ident}
    try:
        out = handler(record)
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        out = {"error": str(exc) or type(exc).__name__}
    except Exception as exc:  # a bug must not stop the stream; the message says so
        out = {"error": f"internal error: {type(exc).__name__}: {exc}"}
    return {**extra, **out}


def run(kind_name: str, stdin: BinaryIO, stdout: BinaryIO) -> None:
    handler = _handler(KINDS[kind_name])
    for line in iter(stdin.readline, b""):
        out = evaluate_line(handler, line)
        if out is not None:
            stdout.write(out)
            stdout.flush()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in KINDS:
        print(f"epb evaluate: unknown kind {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    if rest and rest[0] in {"-h", "--help"}:
        print(f"epb evaluate {name}: {KINDS[name].help}\n\ninput, one JSON object per line:")
        print("  " + (_handler(KINDS[name]).__doc__ or "").strip())
        print("\nSee docs/standards.md for the output fields and examples.")
        return 0
    if rest:
        print(f"epb evaluate {name}: unexpected arguments {' '.join(rest)}", file=sys.stderr)
        return 2
    run(name, sys.stdin.buffer, sys.stdout.buffer)
    return 0
