"""Routing a location to its grid unit: the org tree's polygons in one spatial index per process."""

from __future__ import annotations

import threading
import time

from epb.core.choices import ORG_LEVEL_ORDER
from epb.core.models import OrgUnit
from epb.lib.geo import GridIndex, parse_geometry

_TTL_SECONDS = 300.0
_lock = threading.Lock()
_cached: tuple[float, GridIndex] | None = None


def grid_index() -> GridIndex:
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < _TTL_SECONDS:
            return _cached[1]
    levels = [str(level) for level in ORG_LEVEL_ORDER]
    units = OrgUnit.objects.filter(is_active=True, geometry__isnull=False).values_list(
        "pk", "geometry", "level"
    )
    index = GridIndex(
        [(pk, parse_geometry(geometry), levels.index(level)) for pk, geometry, level in units if geometry]
    )
    with _lock:
        _cached = (time.monotonic(), index)
    return index


def invalidate_grid_index() -> None:
    global _cached
    with _lock:
        _cached = None


def locate(longitude: float, latitude: float) -> OrgUnit | None:
    """The most specific active unit (sub-grid, then town, …) containing a WGS-84 point."""
    key = grid_index().locate(longitude, latitude)
    return OrgUnit.objects.filter(pk=key).first() if key is not None else None
