"""Factories for the quality app's tests, and the jurisdiction factories of its scoped models."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from epb.core import audit
from epb.core.models import OrgUnit
from epb.lib.timeutil import BEIJING
from epb.quality.choices import ImportStatus, Period, SiteKind, Source, WarningKind, WarningLevel
from epb.quality.models import (
    AirSample,
    AirStation,
    EarlyWarning,
    ImportBatch,
    NoisePoint,
    NoiseSample,
    ReductionQuota,
    Threshold,
    WaterBody,
    WaterSample,
    WaterSite,
)
from epb.testing.jurisdiction import Placement, jurisdiction_factory

_seq = itertools.count(1)


def make_water_body(**overrides: Any) -> WaterBody:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"测试河{n}", "kind": "river"}
    fields.update(overrides)
    return audit.create(WaterBody, actor=None, **fields)


def make_water_site(org_unit: OrgUnit, **overrides: Any) -> WaterSite:
    n = next(_seq)
    fields: dict[str, Any] = {
        "code": f"W{n:04d}",
        "name": f"测试断面{n}",
        "kind": SiteKind.RIVER_SECTION,
        "org_unit": org_unit,
        "longitude": 119.95,
        "latitude": 31.70,
        "target_class": "III",
        "is_public": False,
    }
    fields.update(overrides)
    if "water_body" not in fields:
        fields["water_body"] = make_water_body()
    return audit.create(WaterSite, actor=None, **fields)


def make_station(org_unit: OrgUnit, **overrides: Any) -> AirStation:
    n = next(_seq)
    fields: dict[str, Any] = {
        "code": f"A{n:04d}",
        "name": f"测试空气站{n}",
        "org_unit": org_unit,
        "longitude": 119.96,
        "latitude": 31.78,
        "is_public": False,
    }
    fields.update(overrides)
    return audit.create(AirStation, actor=None, **fields)


def make_noise_point(org_unit: OrgUnit, **overrides: Any) -> NoisePoint:
    n = next(_seq)
    fields: dict[str, Any] = {
        "code": f"N{n:04d}",
        "name": f"测试噪声点{n}",
        "org_unit": org_unit,
        "longitude": 119.97,
        "latitude": 31.79,
        "zone": "1",
        "is_public": False,
    }
    fields.update(overrides)
    return audit.create(NoisePoint, actor=None, **fields)


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def make_water_sample(site: WaterSite, day: date, values: dict[str, str], **overrides: Any) -> WaterSample:
    fields: dict[str, Any] = {
        "site": site,
        "sampled_at": at(day),
        "period": Period.SAMPLE,
        "source": Source.MANUAL,
        "values": values,
    }
    fields.update(overrides)
    return audit.create(WaterSample, actor=None, **fields)


@jurisdiction_factory(WaterSite)
def a_water_site(p: Placement) -> WaterSite:
    return make_water_site(p.grid)


@jurisdiction_factory(AirStation)
def an_air_station(p: Placement) -> AirStation:
    return make_station(p.grid)


@jurisdiction_factory(NoisePoint)
def a_noise_point(p: Placement) -> NoisePoint:
    return make_noise_point(p.grid)


@jurisdiction_factory(ImportBatch)
def an_import_batch(p: Placement) -> ImportBatch:
    return audit.create(
        ImportBatch,
        actor=None,
        kind="water",
        status=ImportStatus.REJECTED,
        file_name="x.csv",
        sha256="0" * 64,
        uploaded_by=p.owner,
        org_unit=p.grid,
    )


@jurisdiction_factory(WaterSample)
def a_water_sample(p: Placement) -> WaterSample:
    return make_water_sample(make_water_site(p.grid), date(2010, 1, 5), {"NH3N": "0.5"})


@jurisdiction_factory(AirSample)
def an_air_sample(p: Placement) -> AirSample:
    return audit.create(
        AirSample,
        actor=None,
        station=make_station(p.grid),
        start=at(date(2010, 1, 5)),
        period=Period.DAY,
        source=Source.MANUAL,
        values={"PM2_5": "40"},
    )


@jurisdiction_factory(NoiseSample)
def a_noise_sample(p: Placement) -> NoiseSample:
    return audit.create(
        NoiseSample,
        actor=None,
        point=make_noise_point(p.grid),
        measured_on=date(2010, 3, 1),
        source=Source.MANUAL,
        values={"Ld": "52.0", "Ln": "43.0"},
    )


@jurisdiction_factory(ReductionQuota)
def a_quota(p: Placement) -> ReductionQuota:
    return audit.create(
        ReductionQuota, actor=None, year=2010, pollutant="COD", org_unit=p.grid, quota=Decimal("100")
    )


@jurisdiction_factory(Threshold)
def a_threshold(p: Placement) -> Threshold:
    return audit.create(
        Threshold, actor=None, site=make_water_site(p.grid), item="NH3N", upper=Decimal("1.0")
    )


@jurisdiction_factory(EarlyWarning)
def a_warning(p: Placement) -> EarlyWarning:
    return audit.create(
        EarlyWarning,
        actor=None,
        kind=WarningKind.THRESHOLD,
        level=WarningLevel.YELLOW,
        site=make_water_site(p.grid),
        item="NH3N",
        observed_at=at(date(2010, 1, 5)),
        message="测试预警",
    )
