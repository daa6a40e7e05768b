"""Import grid boundaries from GeoJSON: each feature's polygon goes to the org unit it names.

All or nothing: every feature is checked first (valid polygon, exactly one matching unit, no unit
named by two features), and nothing is written unless all of them pass; the report lists each
problem with the feature's index. The file may be UTF-8 (with or without BOM) or GBK/GB18030, as
desktop GIS tools on Windows save it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from epb.core import services
from epb.core.models import OrgUnit
from epb.lib.geo import GeoJSONError, gcj02_to_wgs84, parse_features, to_geojson
from epb.lib.sheets import SheetError, decode_text


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
        try:
            text = decode_text(Path(options["path"]).read_bytes())
        except (OSError, SheetError) as exc:
            raise CommandError(f"cannot read {options['path']}: {exc}") from exc
        try:
            features = parse_features(text)
        except (GeoJSONError, json.JSONDecodeError) as exc:
            raise CommandError(f"not valid GeoJSON: {exc}") from exc
        if not features:
            raise CommandError("nothing imported: the file has no features")
        key = options["property"] or options["match"]
        problems: list[str] = []
        plan: list[tuple[OrgUnit, dict[str, Any]]] = []
        claimed: dict[int, int] = {}
        for index, feature in enumerate(features):
            value = feature.properties.get(key)
            units = list(OrgUnit.objects.filter(**{options["match"]: value})) if value else []
            if len(units) != 1:
                found = f"{len(units)} org units" if units else "no org unit"
                problems.append(f"features[{index}]: {found} with {options['match']}={value!r}")
                continue
            unit = units[0]
            if unit.pk in claimed:
                earlier = claimed[unit.pk]
                problems.append(
                    f"features[{index}]: {unit.code} {unit.name} is also given by features[{earlier}]"
                )
                continue
            claimed[unit.pk] = index
            geometry = to_geojson(feature.geometry)
            plan.append((unit, _convert(geometry) if options["gcj02"] else geometry))
        if problems:
            raise CommandError("nothing imported:\n" + "\n".join(problems))
        try:
            with transaction.atomic():
                for unit, geometry in plan:
                    services.set_org_unit_geometry(unit, geometry, actor=None)
        except ValidationError as exc:
            raise CommandError("nothing imported: " + "; ".join(exc.messages)) from exc
        self.stdout.write(f"set boundaries of {len(plan)} units")
