"""Import grid boundaries from GeoJSON: each feature's polygon goes to the org unit it names.

All or nothing: every feature is checked first (valid polygon, a matching unit), and nothing is
written unless all of them pass; the report lists each problem with the feature's index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from epb.core import services
from epb.core.models import OrgUnit
from epb.lib.geo import GeoJSONError, gcj02_to_wgs84, parse_features, to_geojson


def _convert(geometry: dict[str, Any]) -> dict[str, Any]:
    def ring(points: list[list[float]]) -> list[list[float]]:
        return [list(gcj02_to_wgs84(x, y)) for x, y, *_ in points]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]],
    }


class Command(BaseCommand):
    help = "Set org-unit boundaries from a GeoJSON FeatureCollection (matched by code or name)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--match",
            choices=["code", "name"],
            default="code",
            help="feature property that names the unit (default: code)",
        )
        parser.add_argument("--property", default=None, help="property to read (default: same as --match)")
        parser.add_argument(
            "--gcj02", action="store_true", help="the file is in GCJ-02 (Amap/Tencent): convert"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = Path(options["path"]).read_text(encoding="utf-8")
        try:
            features = parse_features(text)
        except (GeoJSONError, json.JSONDecodeError) as exc:
            raise CommandError(f"not valid GeoJSON: {exc}") from exc
        key = options["property"] or options["match"]
        problems: list[str] = []
        plan: list[tuple[OrgUnit, dict[str, Any]]] = []
        for index, feature in enumerate(features):
            value = feature.properties.get(key)
            unit = OrgUnit.objects.filter(**{options["match"]: value}).first() if value else None
            if unit is None:
                problems.append(f"features[{index}]: no org unit with {options['match']}={value!r}")
                continue
            geometry = to_geojson(feature.geometry)
            plan.append((unit, _convert(geometry) if options["gcj02"] else geometry))
        if problems:
            raise CommandError("nothing imported:\n" + "\n".join(problems))
        with transaction.atomic():
            for unit, geometry in plan:
                services.set_org_unit_geometry(unit, geometry, actor=None)
        self.stdout.write(f"set boundaries of {len(plan)} units")
