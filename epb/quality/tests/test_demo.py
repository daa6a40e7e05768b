"""The demo network loads once, through the importer, and gives the board something real."""

from __future__ import annotations

import io

import pytest

from epb.core import demo_data
from epb.core.models import User
from epb.quality import board, demo
from epb.quality.choices import TargetKind
from epb.quality.data import beijing_today
from epb.quality.models import AirStation, ImportBatch, NoisePoint, WaterSample, WaterSite

pytestmark = pytest.mark.django_db


def _load() -> None:
    # The org tree and logins, then this module's demo: the other apps' demos are theirs to test.
    demo_data.load(io.StringIO())
    demo.load(io.StringIO())


def test_demo_network_and_board() -> None:
    _load()
    assert WaterSite.objects.filter(taihu_assessment=True).count() == 11
    assert WaterSite.objects.filter(water_body__inflow_taihu=True).count() == 3
    assert set(WaterSite.objects.filter(kind="lake_point").values_list("water_body__name", flat=True)) == {
        "竺山湖",
        "滆湖",
    }
    assert AirStation.objects.count() == 6 and NoisePoint.objects.count() == 10
    # every site lies in its district's box (the demo org tree's schematic polygons)
    for site in WaterSite.objects.select_related("org_unit"):
        assert site.org_unit.level == "town" and 119 < site.longitude < 121 and 31 < site.latitude < 32.1
    assert not WaterSample.objects.filter(batch__isnull=True).exists()  # all through the importer
    counts = (WaterSample.objects.count(), ImportBatch.objects.count())
    _load()
    assert (WaterSample.objects.count(), ImportBatch.objects.count()) == counts

    leader = User.objects.get(username="juzhang")
    last_year = {r.target.kind: r for r in board.build_board(beijing_today().year - 1, leader)}
    assert last_year[TargetKind.TAIHU_STABLE].status == "met"
    assert last_year[TargetKind.INFLOW].status == "not_met"  # 太滆运河 is still 劣Ⅴ
    assert last_year[TargetKind.DRINKING].status == "met"
    assert {r.label: r.ok for r in last_year[TargetKind.TAIHU_IMPROVE].rows} == {
        "坊前": True,
        "东方红桥": False,
    }
