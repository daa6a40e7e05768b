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


def _collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8-sig"),  # Notepad on Windows writes a BOM
        lambda text: text.encode("gb18030"),  # a desktop GIS exporting in the system code page
    ],
    ids=["bom", "gbk"],
)
def test_files_from_windows_tools_are_read(tmp_path: Path, tree: Any, encode: Any) -> None:
    path = tmp_path / "grids.geojson"
    feature = {"type": "Feature", "properties": {"name": "青龙街道"}, "geometry": square(121.0, 31.0, 0.1)}
    path.write_bytes(encode(_collection(feature)))
    call_command("import_geojson", str(path), "--match", "name")
    tree.town_a2.refresh_from_db()
    assert tree.town_a2.geometry is not None


@pytest.mark.parametrize(
    ("features", "options", "message"),
    [
        # two features for one unit: which boundary is meant?
        (
            [
                {"type": "Feature", "properties": {"name": "青龙街道"}, "geometry": square(121.0, 31.0)},
                {"type": "Feature", "properties": {"name": "青龙街道"}, "geometry": square(122.0, 31.0)},
            ],
            ["--match", "name"],
            r"features\[1\].*features\[0\]",
        ),
        # a name two units share
        (
            [{"type": "Feature", "properties": {"name": "同名街道"}, "geometry": square(121.0, 31.0)}],
            ["--match", "name"],
            "2 org units",
        ),
        ([], [], "no features"),
    ],
    ids=["same-unit-twice", "ambiguous-name", "empty"],
)
def test_ambiguous_files_import_nothing(
    tmp_path: Path, tree: Any, features: list[dict[str, Any]], options: list[str], message: str
) -> None:
    from epb.core import services
    from epb.core.choices import OrgLevel

    for parent in (tree.district_a, tree.district_b):
        services.create_org_unit(
            actor=None, level=OrgLevel.TOWN, code=f"{parent.code}-x", name="同名街道", parent=parent
        )
    path = tmp_path / "grids.geojson"
    path.write_text(_collection(*features), encoding="utf-8")
    before = tree.town_a2.geometry
    with pytest.raises(CommandError, match=message):
        call_command("import_geojson", str(path), *options)
    tree.town_a2.refresh_from_db()
    assert tree.town_a2.geometry == before


def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_geojson", str(tmp_path / "nope.geojson"))
