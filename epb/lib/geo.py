"""Geography: GeoJSON areas, grid-unit routing, GCJ-02 conversion and distances.

**Stored coordinates are WGS-84** longitude/latitude (GeoJSON order: lon, lat), as GPS devices,
HJ 212 packets and RFC 7946 give them. Chinese web maps (AutoNavi/Amap, Tencent, and the tiles
many bureaus use) are drawn in GCJ-02, which is offset by a few hundred metres; convert at the
edge with :func:`wgs84_to_gcj02` / :func:`gcj02_to_wgs84`, and note the source system wherever a
coordinate arrives in GCJ-02 (a point picked on such a map, an address geocoded by Amap).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeAlias, TypeVar

import numpy as np
import shapely
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

__all__ = [
    "EARTH_RADIUS_M",
    "Area",
    "GeoFeature",
    "GeoJSONError",
    "GridIndex",
    "bbox_around",
    "gcj02_to_wgs84",
    "haversine_m",
    "in_china",
    "parse_features",
    "parse_geometry",
    "to_geojson",
    "wgs84_to_gcj02",
    "within_radius",
]

Area: TypeAlias = Polygon | MultiPolygon
K = TypeVar("K", bound=Hashable)


class GeoJSONError(ValueError):
    """Bad GeoJSON; ``path`` points at the offending member, e.g. ``features[2].geometry``."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


@dataclass(frozen=True)
class GeoFeature:
    geometry: Area
    properties: Mapping[str, Any] = field(default_factory=dict)
    id: str | int | None = None


# -- GeoJSON parsing ---------------------------------------------------------------------------

_WGS84_CRS = re.compile(r"(CRS84|EPSG::?4326)$", re.IGNORECASE)
_REASON = re.compile(r"^(?P<text>[^\[]+)\[(?P<x>\S+) (?P<y>\S+)\]$")


def _load(data: str | bytes | Mapping[str, Any]) -> Any:
    if isinstance(data, str | bytes):
        try:
            return json.loads(data)
        except ValueError as exc:
            raise GeoJSONError(f"not valid JSON ({exc})") from None
    return data


def _check_crs(obj: Mapping[str, Any], path: str) -> None:
    crs = obj.get("crs")
    if crs is None:
        return
    name = crs.get("properties", {}).get("name", "") if isinstance(crs, Mapping) else ""
    if not (isinstance(name, str) and _WGS84_CRS.search(name)):
        raise GeoJSONError(
            f"coordinates must be WGS-84 longitude/latitude, not crs {json.dumps(crs, ensure_ascii=False)}",
            _join(path, "crs"),
        )


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _number(value: Any, what: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeoJSONError(f"{what} must be a number, got {json.dumps(value, ensure_ascii=False)}", path)
    if not math.isfinite(value):
        raise GeoJSONError(f"{what} must be finite, got {value}", path)
    return float(value)


def _position(value: Any, path: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or not 2 <= len(value) <= 3:
        raise GeoJSONError("a position must be [longitude, latitude] (optionally with elevation)", path)
    lon = _number(value[0], "longitude", path)
    lat = _number(value[1], "latitude", path)
    if len(value) == 3:
        _number(value[2], "elevation", path)
    if not -90 <= lat <= 90:
        if -90 <= lon <= 90 and -180 <= lat <= 180:
            hint = " (are longitude and latitude swapped?)"
        else:
            hint = " (projected coordinates? expected degrees)"
        raise GeoJSONError(f"latitude {lat} is outside [-90, 90]{hint}", path)
    if not -180 <= lon <= 180:
        raise GeoJSONError(f"longitude {lon} is outside [-180, 180]", path)
    return lon, lat


def _ring(value: Any, path: str) -> list[tuple[float, float]]:
    if not isinstance(value, list | tuple):
        raise GeoJSONError("a ring must be a list of positions", path)
    points = [_position(p, f"{path}[{i}]") for i, p in enumerate(value)]
    if len(points) < 4:
        raise GeoJSONError(f"a ring needs at least 4 positions (first = last), got {len(points)}", path)
    if points[0] != points[-1]:
        raise GeoJSONError(f"ring is not closed: it starts at {points[0]} but ends at {points[-1]}", path)
    if len(set(points)) < 3:
        raise GeoJSONError("ring has fewer than 3 distinct positions and encloses no area", path)
    if not LinearRing(points).is_simple:
        where = _reason_point(shapely.is_valid_reason(Polygon(points)))
        raise GeoJSONError(f"ring intersects itself{where}", path)
    return points


def _reason_point(reason: str) -> str:
    match = _REASON.match(reason)
    return f" at ({match['x']}, {match['y']})" if match else ""


def _polygon(value: Any, path: str) -> Polygon:
    if not isinstance(value, list | tuple) or not value:
        raise GeoJSONError("a Polygon's coordinates must be a non-empty list of rings", path)
    rings = [_ring(r, f"{path}[{i}]") for i, r in enumerate(value)]
    polygon = Polygon(rings[0], rings[1:])
    _valid_or_raise(polygon, path)
    return polygon


def _valid_or_raise(geometry: BaseGeometry, path: str, *, parts: bool = False) -> None:
    reason = shapely.is_valid_reason(geometry)
    if reason == "Valid Geometry":
        return
    match = _REASON.match(reason)
    text, where = (match["text"], _reason_point(reason)) if match else (reason, "")
    explain = {
        "Self-intersection": "rings cross each other",
        "Ring Self-intersection": "a ring touches itself",
        "Hole lies outside shell": "a hole lies outside the outer ring",
        "Holes are nested": "a hole lies inside another hole",
        "Interior is disconnected": "the holes cut the polygon into pieces",
    }.get(text.strip(), text.strip())
    if parts and text.strip() == "Self-intersection":
        explain = "parts touch along an edge (merge them or leave a gap)"
    raise GeoJSONError(f"invalid polygon: {explain}{where}", path)


def _geometry(obj: Any, path: str) -> Area:
    if not isinstance(obj, Mapping):
        raise GeoJSONError("a geometry must be a JSON object", path)
    kind = obj.get("type")
    coordinates = obj.get("coordinates")
    coords_path = _join(path, "coordinates")
    if kind == "Polygon":
        return _polygon(coordinates, coords_path)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list | tuple) or not coordinates:
            raise GeoJSONError(
                "a MultiPolygon's coordinates must be a non-empty list of polygons", coords_path
            )
        parts = [_polygon(p, f"{coords_path}[{i}]") for i, p in enumerate(coordinates)]
        multi = MultiPolygon(parts)
        if not multi.is_valid:
            for i, a in enumerate(parts):
                for j in range(i + 1, len(parts)):
                    if a.intersection(parts[j]).area > 0:
                        raise GeoJSONError(f"polygons {i} and {j} overlap", coords_path)
            _valid_or_raise(multi, coords_path, parts=True)
        return multi
    raise GeoJSONError(
        f"expected a Polygon or MultiPolygon, got {json.dumps(kind, ensure_ascii=False)}", path
    )


def _feature(obj: Any, path: str) -> GeoFeature:
    if not isinstance(obj, Mapping) or obj.get("type") != "Feature":
        raise GeoJSONError("expected a Feature", path)
    _check_crs(obj, path)
    if obj.get("geometry") is None:
        raise GeoJSONError("the feature has no geometry", _join(path, "geometry"))
    properties = obj.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, Mapping):
        raise GeoJSONError("properties must be an object or null", _join(path, "properties"))
    feature_id = obj.get("id")
    if feature_id is not None and (isinstance(feature_id, bool) or not isinstance(feature_id, str | int)):
        raise GeoJSONError("id must be a string or a number", _join(path, "id"))
    return GeoFeature(_geometry(obj["geometry"], _join(path, "geometry")), dict(properties), feature_id)


def parse_features(data: str | bytes | Mapping[str, Any]) -> list[GeoFeature]:
    """Read a FeatureCollection, a Feature or a bare Polygon/MultiPolygon into features.

    Every problem raises :class:`GeoJSONError` saying what is wrong and where: wrong types,
    positions out of range (with a hint when latitude and longitude look swapped), rings that are
    too short, not closed or self-intersecting, invalid polygons (holes outside, overlapping
    parts), and a ``crs`` other than WGS-84. Either ring orientation is accepted.
    """
    obj = _load(data)
    if not isinstance(obj, Mapping):
        raise GeoJSONError("GeoJSON must be a JSON object")
    _check_crs(obj, "")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise GeoJSONError("a FeatureCollection needs a features list", "features")
        return [_feature(f, f"features[{i}]") for i, f in enumerate(features)]
    if kind == "Feature":
        return [_feature(obj, "")]
    return [GeoFeature(_geometry(obj, ""))]


def parse_geometry(data: str | bytes | Mapping[str, Any]) -> Area:
    """One Polygon or MultiPolygon, given bare or as a Feature (see :func:`parse_features`)."""
    obj = _load(data)
    if isinstance(obj, Mapping) and obj.get("type") == "FeatureCollection":
        raise GeoJSONError("expected one geometry or Feature, got a FeatureCollection")
    return parse_features(obj)[0].geometry


def to_geojson(geometry: Area) -> dict[str, Any]:
    """A GeoJSON geometry with RFC 7946 winding (outer rings counter-clockwise)."""
    if isinstance(geometry, MultiPolygon):
        geometry = MultiPolygon([orient(p, 1.0) for p in geometry.geoms])
    else:
        geometry = orient(geometry, 1.0)
    return dict(mapping(geometry))


# -- grid routing ------------------------------------------------------------------------------

# A point on a border goes to the unit that holds it after a nudge of about 0.1 mm, tried to the
# north-east first, then south-east, south-west, north-west: a half-open rule that splits a tiling
# without gaps or double counts, whatever order the units were listed in.
_NUDGE = 1e-9
_NUDGES = ((_NUDGE, _NUDGE), (_NUDGE, -_NUDGE), (-_NUDGE, -_NUDGE), (-_NUDGE, _NUDGE))


class GridIndex(Generic[K]):
    """Point-in-polygon routing to grid units, e.g. district → street/town → grid cell.

    ``entries`` are ``(key, geometry, level)``; a larger ``level`` is a finer unit. ``locate``
    returns the key of the finest unit covering the point (boundary included). Among units of
    that level, one whose interior holds the point wins; a point on a shared border goes to the
    unit lying north-east of it (then south-east, south-west, north-west); units that still tie
    are ordered by their bounding boxes, and only identical shapes fall back to the order given.
    """

    def __init__(self, entries: Iterable[tuple[K, BaseGeometry, int]]) -> None:
        keys: list[K] = []
        geometries: list[BaseGeometry] = []
        levels: list[int] = []
        seen: set[K] = set()
        for key, geometry, level in entries:
            if key in seen:
                raise ValueError(f"grid key {key!r} appears twice")
            if not isinstance(geometry, Polygon | MultiPolygon) or geometry.is_empty:
                raise ValueError(f"grid unit {key!r} needs a Polygon or MultiPolygon")
            if not geometry.is_valid:
                raise ValueError(f"grid unit {key!r}: {shapely.is_valid_reason(geometry)}")
            seen.add(key)
            keys.append(key)
            geometries.append(geometry)
            levels.append(level)
        self._keys = keys
        self._levels = levels
        self._geometries = np.array(geometries, dtype=object)
        shapely.prepare(self._geometries)
        self._tree = shapely.STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self._keys)

    def _rank(self, candidates: Sequence[int], lon: float, lat: float) -> list[int]:
        point = Point(lon, lat)
        nudged = [Point(lon + dx, lat + dy) for dx, dy in _NUDGES]

        def order(i: int) -> tuple[int, bool, int, tuple[float, ...], int]:
            geometry = self._geometries[i]
            if geometry.contains(point):
                return (-self._levels[i], False, 0, (), i)
            side = next((n for n, p in enumerate(nudged) if geometry.covers(p)), len(nudged))
            return (-self._levels[i], True, side, tuple(geometry.bounds), i)

        return sorted(candidates, key=order)

    def _covering(self, lon: float, lat: float) -> list[int]:
        point = Point(lon, lat)
        hits = self._tree.query(point)
        return [int(i) for i in hits if self._geometries[i].covers(point)]

    def _best(self, candidates: Sequence[int], lon: float, lat: float) -> int:
        top = max(self._levels[i] for i in candidates)
        finest = [i for i in candidates if self._levels[i] == top]
        # One unit at the finest level is the usual case and needs no geometry tie-break.
        return finest[0] if len(finest) == 1 else self._rank(finest, lon, lat)[0]

    def locate(self, lon: float, lat: float) -> K | None:
        candidates = self._covering(lon, lat)
        if not candidates:
            return None
        return self._keys[self._best(candidates, lon, lat)]

    def locate_all(self, lon: float, lat: float) -> list[K]:
        """Every unit covering the point, finest first (the first is what ``locate`` returns)."""
        return [self._keys[i] for i in self._rank(self._covering(lon, lat), lon, lat)]

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[K | None]:
        """``locate`` for many ``(lon, lat)`` points in one vectorised pass."""
        if not len(points):
            return []
        coords = np.asarray(points, dtype=float)
        geoms = shapely.points(coords)
        point_idx, tree_idx = self._tree.query(geoms)
        covered = shapely.covers(self._geometries[tree_idx], geoms[point_idx])
        per_point: dict[int, list[int]] = {}
        for p, t in zip(point_idx[covered].tolist(), tree_idx[covered].tolist(), strict=True):
            per_point.setdefault(p, []).append(t)
        result: list[K | None] = [None] * len(coords)
        for p, candidates in per_point.items():
            lon, lat = coords[p]
            result[p] = self._keys[self._best(candidates, float(lon), float(lat))]
        return result


# -- WGS-84 ↔ GCJ-02 ---------------------------------------------------------------------------

# GCJ-02 offsets WGS-84 by a published-by-leak polynomial on the Krasovsky 1940 ellipsoid.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def in_china(lon: float, lat: float) -> bool:
    """Whether GCJ-02 applies: the customary rectangle around China (72.004–137.8347 E,
    0.8293–55.8271 N). It is coarse (it takes in parts of neighbouring countries), which is what
    the map providers' own SDKs use; every point the bureau handles is well inside it.
    """
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _offset(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    shared = (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + shared
    dlat += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
    dlat += (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3
    dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + shared
    dlon += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
    dlon += (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3
    rad = math.radians(lat)
    magic = 1 - _KRASOVSKY_EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180 / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180 / (_KRASOVSKY_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02; points outside China are returned unchanged."""
    if not in_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, *, tolerance: float = 1e-9) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform.

    Start from the GCJ-02 point and repeatedly subtract the forward error; the offset varies so
    slowly that it converges to ``tolerance`` degrees (1e-9° ≈ 0.1 mm) in a handful of steps.
    """
    if not in_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if abs(elon) < tolerance and abs(elat) < tolerance:
            break
    return wlon, wlat


# -- distances ---------------------------------------------------------------------------------

#: IUGG mean Earth radius; the spherical error against WGS-84 is below 0.5 %.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` enclosing every point within ``radius_m``.

    For a database pre-filter (``lon BETWEEN … AND lat BETWEEN …``) before the exact
    :func:`within_radius`. The longitude half-width is the circle's true extent,
    ``asin(sin(r/R) / cos(lat))``; a circle reaching a pole spans all longitudes. Boxes are
    clipped at ±180° rather than wrapped: the antimeridian is far from any bureau.
    """
    if radius_m < 0:
        raise ValueError("radius must not be negative")
    angular = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angular)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    ratio = math.sin(angular) / math.cos(math.radians(lat)) if abs(lat) < 90 else 2.0
    if angular >= math.pi / 2 or ratio >= 1 or min_lat == -90.0 or max_lat == 90.0:
        return -180.0, min_lat, 180.0, max_lat
    dlon = math.degrees(math.asin(ratio))
    return max(-180.0, lon - dlon), min_lat, min(180.0, lon + dlon), max_lat


def within_radius(lon1: float, lat1: float, lon2: float, lat2: float, radius_m: float) -> bool:
    """ "The same place": the two points are at most ``radius_m`` apart."""
    return haversine_m(lon1, lat1, lon2, lat2) <= radius_m
