from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from epb.core.geography import invalidate_grid_index, locate
from epb.testing.factories import square

pytestmark = pytest.mark.django_db


def _write(tmp_path: Path, features: list[dict[str, Any]]) -> str:
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def test_boundaries_are_set_and_route_points(tmp_path: Path, tree: Any) -> None:
    path = _write(
        tmp_path,
        [
            {
                "type": "Feature",
                "properties": {"code": tree.town_a2.code},
                "geometry": square(121.0, 31.0, 0.1),
            }
        ],
    )
    call_command("import_geojson", path)
    invalidate_grid_index()
    found = locate(121.05, 31.05)
    assert found is not None and found.pk == tree.town_a2.pk


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        ({"type": "Feature", "properties": {"code": "NOPE"}, "geometry": square(121, 31)}, "no org unit"),
        (
            {
                "type": "Feature",
                "properties": {"code": "x"},
                "geometry": {"type": "Polygon", "coordinates": [[[121, 31], [121.1, 31], [121, 31]]]},
            },
            "GeoJSON",
        ),
    ],
)
def test_one_bad_feature_imports_nothing(
    tmp_path: Path, tree: Any, feature: dict[str, Any], message: str
) -> None:
    good = {"type": "Feature", "properties": {"code": tree.town_a2.code}, "geometry": square(121.0, 31.0)}
    before = tree.town_a2.geometry
    with pytest.raises(CommandError, match=message):
        call_command("import_geojson", _write(tmp_path, [good, feature]))
    tree.town_a2.refresh_from_db()
    assert tree.town_a2.geometry == before
