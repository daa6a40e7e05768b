"""Geography around Changzhou: a district, a town inside it, grid cells inside the town, and a
neighbouring district sharing a border. Shapes are simplified rectangles at real coordinates."""

import json
import math
import random
from typing import Any

import pytest
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon, box

from epb.lib.geo import (
    EARTH_RADIUS_M,
    GeoJSONError,
    GridIndex,
    bbox_around,
    gcj02_to_wgs84,
    haversine_m,
    in_china,
    parse_features,
    parse_geometry,
    to_geojson,
    wgs84_to_gcj02,
    within_radius,
)


def rect(w: float, s: float, e: float, n: float, clockwise: bool = False) -> list[list[float]]:
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return ring[::-1] if clockwise else ring


def polygon(*rings: Any) -> dict[str, Any]:  # Any: the tests feed it malformed rings too
    return {"type": "Polygon", "coordinates": list(rings)}


WUJIN = polygon(rect(119.80, 31.55, 120.10, 31.80))
TIANNING = polygon(rect(119.95, 31.80, 120.10, 31.85))
HUTANG = polygon(rect(119.90, 31.68, 120.00, 31.76))
CELL_1 = polygon(rect(119.90, 31.68, 119.95, 31.72))
CELL_2 = polygon(rect(119.95, 31.68, 120.00, 31.72))
# A lake district made of two parts; the first part has an island hole.
LAKE = {
    "type": "MultiPolygon",
    "coordinates": [
        [rect(119.60, 31.40, 119.70, 31.50), rect(119.64, 31.44, 119.66, 31.46)],
        [rect(119.72, 31.40, 119.78, 31.46)],
    ],
}


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["dict", "str", "bytes", "feature"])
def test_parse_geometry_in_every_form(form: str) -> None:
    data: Any = {
        "dict": HUTANG,
        "str": json.dumps(HUTANG),
        "bytes": json.dumps(HUTANG).encode(),
        "feature": {"type": "Feature", "geometry": HUTANG, "properties": None},
    }[form]
    geometry = parse_geometry(data)
    assert isinstance(geometry, Polygon)
    assert geometry.bounds == (119.90, 31.68, 120.00, 31.76)


def test_parse_feature_collection_keeps_ids_and_properties() -> None:
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [
            {"type": "Feature", "id": "320412", "geometry": WUJIN, "properties": {"name": "武进区"}},
            {"type": "Feature", "id": 7, "geometry": LAKE, "properties": {"name": "湖区"}},
            {"type": "Feature", "geometry": CELL_1, "properties": None},
        ],
    }
    features = parse_features(collection)
    assert [(f.id, dict(f.properties)) for f in features] == [
        ("320412", {"name": "武进区"}),
        (7, {"name": "湖区"}),
        (None, {}),
    ]
    assert isinstance(features[1].geometry, MultiPolygon)
    assert len(features[1].geometry.geoms[0].interiors) == 1
    assert parse_features(HUTANG)[0].properties == {}


def test_either_winding_is_accepted_and_output_follows_rfc_7946() -> None:
    clockwise = parse_geometry(polygon(rect(119.90, 31.68, 120.00, 31.76, clockwise=True)))
    assert not LinearRing(clockwise.exterior.coords).is_ccw
    out = to_geojson(clockwise)
    assert out["type"] == "Polygon"
    assert LinearRing(out["coordinates"][0]).is_ccw
    multi = to_geojson(parse_geometry(LAKE))
    assert multi["type"] == "MultiPolygon"
    assert LinearRing(multi["coordinates"][0][0]).is_ccw
    assert not LinearRing(multi["coordinates"][0][1]).is_ccw  # holes clockwise


BOWTIE = [[119.90, 31.70], [120.00, 31.80], [120.00, 31.70], [119.90, 31.80], [119.90, 31.70]]


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ("{", "", "not valid JSON"),
        ([1, 2], "", "must be a JSON object"),
        ({"type": "LineString", "coordinates": [[119.9, 31.7], [120, 31.8]]}, "", 'got "LineString"'),
        ({"type": "GeometryCollection", "geometries": []}, "", "GeometryCollection"),
        ({"coordinates": []}, "", "got null"),
        (polygon(), "coordinates", "non-empty list of rings"),
        ({"type": "Polygon", "coordinates": "119.9,31.7"}, "coordinates", "non-empty list of rings"),
        (polygon("abc"), "coordinates[0]", "list of positions"),
        (polygon(rect(119.9, 31.7, 120, 31.8)[:3]), "coordinates[0]", "at least 4 positions"),
        (polygon(rect(119.9, 31.7, 120, 31.8)[:4] + [[119.91, 31.7]]), "coordinates[0]", "not closed"),
        (polygon([[119.9, 31.7], [120, 31.8], [119.9, 31.7], [119.9, 31.7]]), "coordinates[0]", "3 distinct"),
        (polygon([[119.9], [120, 31.8], [120, 31.7], [119.9]]), "coordinates[0][0]", "a position must be"),
        (
            polygon([["119.9", 31.7], [120, 31.8], [120, 31.7], ["119.9", 31.7]]),
            "coordinates[0][0]",
            "longitude",
        ),
        (polygon([[119.9, 31.7], [True, 31.8], [120, 31.7], [119.9, 31.7]]), "coordinates[0][1]", "a number"),
        (
            polygon([[119.9, 31.7, "x"], [120, 31.8], [120, 31.7], [119.9, 31.7]]),
            "coordinates[0][0]",
            "elevation",
        ),
        (polygon([[31.7, 119.9], [31.8, 120], [31.7, 120], [31.7, 119.9]]), "coordinates[0][0]", "swapped"),
        (polygon([[5e5, 3.5e6], [6e5, 3.5e6], [6e5, 3.6e6], [5e5, 3.5e6]]), "coordinates[0][0]", "projected"),
        (
            polygon([[190, 31.7], [191, 31.8], [191, 31.7], [190, 31.7]]),
            "coordinates[0][0]",
            "longitude 190.0",
        ),
        ('{"type": "Polygon", "coordinates": [[[NaN, 31.7]]]}', "coordinates[0][0]", "finite"),
        (polygon(BOWTIE), "coordinates[0]", "ring intersects itself at (119.95, 31.75)"),
        (polygon(rect(119.9, 31.7, 120, 31.8), BOWTIE), "coordinates[1]", "intersects itself"),
        (
            polygon(rect(119.9, 31.7, 120, 31.8), rect(120.1, 31.7, 120.2, 31.8)),
            "coordinates",
            "outside the outer",
        ),
        (polygon(rect(119.9, 31.7, 120, 31.8), rect(119.95, 31.75, 120.05, 31.78)), "coordinates", "cross"),
        (
            polygon(
                rect(119.9, 31.7, 120, 31.8),
                rect(119.91, 31.71, 119.99, 31.79),
                rect(119.92, 31.72, 119.98, 31.78),
            ),
            "coordinates",
            "inside another hole",
        ),
        (
            polygon(
                rect(119.9, 31.7, 120, 31.8),
                [[119.9, 31.75], [119.95, 31.7], [120, 31.75], [119.95, 31.8], [119.9, 31.75]],
            ),
            "coordinates",
            "cut the polygon into pieces",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "coordinates", "non-empty list of polygons"),
        (
            {"type": "MultiPolygon", "coordinates": [[rect(119.9, 31.7, 120, 31.8)], [BOWTIE]]},
            "coordinates[1][0]",
            "itself",
        ),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [[rect(119.9, 31.7, 120, 31.8)], [rect(119.95, 31.75, 120.05, 31.85)]],
            },
            "coordinates",
            "polygons 0 and 1 overlap",
        ),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [[rect(119.9, 31.7, 120, 31.8)], [rect(120, 31.7, 120.1, 31.8)]],
            },
            "coordinates",
            "touch along an edge",
        ),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [[rect(119.9, 31.7, 120, 31.8)], [rect(119.92, 31.72, 119.98, 31.78)]],
            },
            "coordinates",
            "polygons 0 and 1 overlap",  # one part inside another
        ),
        ({"type": "Feature", "geometry": None}, "geometry", "no geometry"),
        ({"type": "Feature", "geometry": "Polygon"}, "geometry", "a geometry must be a JSON object"),
        ({"type": "Feature", "geometry": HUTANG, "properties": [1]}, "properties", "an object or null"),
        ({"type": "Feature", "geometry": HUTANG, "id": True}, "id", "a string or a number"),
        ({"type": "FeatureCollection"}, "features", "needs a features list"),
        ({"type": "FeatureCollection", "features": [HUTANG]}, "features[0]", "expected a Feature"),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]},
            "features[0].geometry",
            "no geometry",
        ),
        (
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                "features": [],
            },
            "crs",
            "WGS-84",
        ),
        ({"type": "Feature", "geometry": HUTANG, "crs": "GCJ-02"}, "crs", "WGS-84"),
    ],
)
def test_bad_geojson_says_what_and_where(data: Any, path: str, words: str) -> None:
    with pytest.raises(GeoJSONError) as caught:
        parse_features(data)
    assert caught.value.path == path
    assert words in caught.value.reason
    assert str(caught.value).startswith(f"{path}: " if path else caught.value.reason)


def test_parse_geometry_wants_exactly_one() -> None:
    with pytest.raises(GeoJSONError, match="got a FeatureCollection"):
        parse_geometry({"type": "FeatureCollection", "features": []})


def test_crs_naming_wgs84_is_accepted() -> None:
    data = {**HUTANG, "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}
    assert parse_geometry(data).bounds == (119.90, 31.68, 120.00, 31.76)


# -- grid routing ------------------------------------------------------------------------------

ENTRIES = [
    ("wujin", parse_geometry(WUJIN), 1),
    ("tianning", parse_geometry(TIANNING), 1),
    ("hutang", parse_geometry(HUTANG), 2),
    ("hutang-1", parse_geometry(CELL_1), 3),
    ("hutang-2", parse_geometry(CELL_2), 3),
    ("lake", parse_geometry(LAKE), 1),
]

POINTS = [
    ((119.92, 31.70), "hutang-1"),
    ((119.98, 31.70), "hutang-2"),
    ((119.95, 31.70), "hutang-2"),  # on the border between the two cells: the eastern one
    ((119.95, 31.72), "hutang-2"),  # a shared corner of the cells and the open part of the town
    ((119.925, 31.72), "hutang-1"),  # the cell's edge inside the town: the finer unit still wins
    ((119.95, 31.74), "hutang"),  # in the town, outside every cell
    ((119.85, 31.60), "wujin"),  # in the district only
    ((120.00, 31.80), "tianning"),  # on the district border: the northern district
    ((119.90, 31.80), "wujin"),  # Wujin's northern edge where no other district borders it
    ((119.80, 31.60), "wujin"),  # the outer edge belongs to the district
    ((120.10, 31.85), "tianning"),  # the outer corner
    ((119.65, 31.45), None),  # the island in the lake
    ((119.75, 31.42), "lake"),  # the lake's second part
    ((119.70, 31.60), None),
    ((121.47, 31.23), None),  # Shanghai
]


@pytest.mark.parametrize(("point", "key"), POINTS)
def test_locate(point: tuple[float, float], key: str | None) -> None:
    assert GridIndex(ENTRIES).locate(*point) == key


@pytest.mark.parametrize("seed", range(5))
def test_the_answer_does_not_depend_on_the_order_of_entries(seed: int) -> None:
    shuffled = ENTRIES[:]
    random.Random(seed).shuffle(shuffled)
    index = GridIndex(shuffled)
    assert [index.locate(*p) for p, _ in POINTS] == [key for _, key in POINTS]


def test_locate_all_lists_the_finest_first() -> None:
    index = GridIndex(ENTRIES)
    assert index.locate_all(119.92, 31.70) == ["hutang-1", "hutang", "wujin"]
    assert index.locate_all(119.95, 31.70) == ["hutang-2", "hutang-1", "hutang", "wujin"]
    assert index.locate_all(119.70, 31.60) == []
    assert len(index) == len(ENTRIES)


def test_locate_many_agrees_with_locate() -> None:
    index = GridIndex(ENTRIES)
    rng = random.Random(42)
    points = [p for p, _ in POINTS] + [
        (rng.uniform(119.5, 120.2), rng.uniform(31.3, 31.9)) for _ in range(300)
    ]
    assert index.locate_many(points) == [index.locate(*p) for p in points]
    assert index.locate_many([]) == []


def test_identical_units_fall_back_to_the_order_given() -> None:
    cell = parse_geometry(CELL_1)
    assert GridIndex([("a", cell, 3), ("b", cell, 3)]).locate(119.92, 31.70) == "a"
    assert GridIndex([("b", cell, 3), ("a", cell, 3)]).locate(119.92, 31.70) == "b"


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ([("a", box(0, 0, 1, 1), 1), ("a", box(1, 1, 2, 2), 1)], "appears twice"),
        ([("a", Point(119.9, 31.7), 1)], "needs a Polygon"),
        ([("a", Polygon(), 1)], "needs a Polygon"),
        ([("a", Polygon(BOWTIE), 1)], "Self-intersection"),
    ],
)
def test_bad_grid_entries(entries: list[tuple[str, Any, int]], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        GridIndex(entries)


# -- GCJ-02 ------------------------------------------------------------------------------------

# Published test pairs (WGS-84 → GCJ-02) used by several open implementations, as (lon, lat).
GCJ_PAIRS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(*wgs)
    assert lon == pytest.approx(gcj[0], abs=1e-6)
    assert lat == pytest.approx(gcj[1], abs=1e-6)


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_PAIRS)
def test_gcj02_to_wgs84_inverts_to_below_a_millimetre(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02(*wgs))
    assert haversine_m(lon, lat, *wgs) < 1e-3
    lon, lat = gcj02_to_wgs84(*gcj)
    assert haversine_m(lon, lat, *wgs) < 0.2  # the published GCJ values are rounded differently


@pytest.mark.parametrize(("lon", "lat"), [(119.974, 31.811), (119.95, 31.70), (120.10, 31.55)])
def test_changzhou_offset_is_hundreds_of_metres_and_round_trips(lon: float, lat: float) -> None:
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert 100 < haversine_m(lon, lat, glon, glat) < 1000
    back = gcj02_to_wgs84(glon, glat)
    assert haversine_m(*back, lon, lat) < 1e-3


def test_the_inverse_stops_after_a_bounded_number_of_steps() -> None:
    gcj = wgs84_to_gcj02(119.95, 31.70)
    # An unreachable tolerance still returns the best estimate rather than looping forever.
    assert haversine_m(*gcj02_to_wgs84(*gcj, tolerance=-1.0), 119.95, 31.70) < 1e-3


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [
        (119.95, 31.78, True),
        (87.6, 43.8, True),  # Urumqi
        (72.0, 39.0, False),
        (139.7, 35.7, False),  # Tokyo
        (2.35, 48.85, False),  # Paris
        (-74.0, 40.7, False),
    ],
)
def test_outside_china_nothing_moves(lon: float, lat: float, inside: bool) -> None:
    assert in_china(lon, lat) is inside
    assert (wgs84_to_gcj02(lon, lat) == (lon, lat)) is not inside
    assert (gcj02_to_wgs84(lon, lat) == (lon, lat)) is not inside


# -- distances ---------------------------------------------------------------------------------


def destination(lon: float, lat: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The spherical direct problem, independent of the code under test."""
    d = distance_m / EARTH_RADIUS_M
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(l2), math.degrees(p2)


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((119.95, 31.70), (119.95, 31.70), 0.0),
        ((0.0, 0.0), (1.0, 0.0), EARTH_RADIUS_M * math.pi / 180),
        ((119.95, 31.0), (119.95, 32.0), EARTH_RADIUS_M * math.pi / 180),
        ((0.0, 0.0), (180.0, 0.0), EARTH_RADIUS_M * math.pi),
    ],
)
def test_haversine(a: tuple[float, float], b: tuple[float, float], metres: float) -> None:
    assert haversine_m(*a, *b) == pytest.approx(metres, abs=1e-6)
    assert haversine_m(*b, *a) == pytest.approx(metres, abs=1e-6)


@pytest.mark.parametrize("bearing", range(0, 360, 15))
def test_haversine_agrees_with_the_direct_problem(bearing: int) -> None:
    far = destination(119.95, 31.70, bearing, 1234.5)
    assert haversine_m(119.95, 31.70, *far) == pytest.approx(1234.5, abs=1e-6)


@pytest.mark.parametrize(
    ("lon", "lat", "radius"), [(119.95, 31.70, 50), (119.95, 31.70, 20_000), (10.0, -60.0, 500)]
)
def test_bbox_around_holds_the_circle_tightly(lon: float, lat: float, radius: float) -> None:
    w, s, e, n = bbox_around(lon, lat, radius)
    circle = [destination(lon, lat, b / 4, radius) for b in range(1440)]
    eps = 1e-12  # rounding of the sampled circle
    assert all(w - eps <= x <= e + eps and s - eps <= y <= n + eps for x, y in circle)
    slack = 1e-5 * radius / EARTH_RADIUS_M * 180  # the box touches the circle
    assert max(x for x, _ in circle) == pytest.approx(e, abs=slack + 1e-12)
    assert max(y for _, y in circle) == pytest.approx(n, abs=slack + 1e-12)


@pytest.mark.parametrize(
    ("lat", "radius"),
    [(89.9999, 1000.0), (90.0, 1.0), (-89.5, 60_000.0), (60.0, 15_000_000.0)],
)
def test_bbox_around_a_pole_spans_every_longitude(lat: float, radius: float) -> None:
    w, s, e, n = bbox_around(10.0, lat, radius)
    assert (w, e) == (-180.0, 180.0)
    assert -90.0 <= s <= n <= 90.0


def test_bbox_around_clips_at_the_antimeridian_and_refuses_negative_radii() -> None:
    w, _, e, _ = bbox_around(179.9999, 0.0, 1000)
    assert e == 180.0 and w < 179.9999
    with pytest.raises(ValueError, match="negative"):
        bbox_around(119.95, 31.7, -1)


@pytest.mark.parametrize(
    ("distance", "radius", "same"), [(49.0, 50.0, True), (50.0, 50.0, True), (51.0, 50.0, False)]
)
def test_within_radius(distance: float, radius: float, same: bool) -> None:
    other = destination(119.95, 31.70, 37.0, distance)
    assert within_radius(119.95, 31.70, *other, radius) is same
