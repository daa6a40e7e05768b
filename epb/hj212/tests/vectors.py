"""Golden frames for the tests: the reference's test vectors, read from ``data/``."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def load_vectors(name: str = "reference_vectors.txt") -> dict[str, bytes]:
    """Frames by name from a vector file (``# name`` line, then the frame on the next line)."""
    vectors: dict[str, bytes] = {}
    current = None
    for line in (DATA / name).read_bytes().splitlines():
        if line.startswith(b"# "):
            current = line[2:].decode("utf-8").strip()
        elif line.startswith(b"##") and current is not None:
            vectors[current] = line
            current = None
    return vectors


VECTORS = load_vectors()
