from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from epb.lib.timeutil import to_beijing


class Moment(Schema):
    """A time both ways (openaq's DatetimeObject): UTC, and Beijing time."""

    utc: dt.datetime
    local: dt.datetime


def moment(value: dt.datetime) -> dict[str, dt.datetime]:
    return {"utc": value.astimezone(dt.UTC), "local": to_beijing(value)}


class WaterSiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    water_body: str
    water_body_kind: str
    org_unit_id: int
    longitude: float
    latitude: float
    target_class: str
    taihu_assessment: bool
    inflow_taihu: bool
    clean_water: bool
    algae_watch: bool
    is_public: bool
    device_id: int | None

    @staticmethod
    def resolve_water_body(obj: Any) -> str:
        return str(obj.water_body.name)

    @staticmethod
    def resolve_water_body_kind(obj: Any) -> str:
        return str(obj.water_body.kind)

    @staticmethod
    def resolve_inflow_taihu(obj: Any) -> bool:
        return bool(obj.water_body.inflow_taihu)

    @staticmethod
    def resolve_clean_water(obj: Any) -> bool:
        return bool(obj.water_body.clean_water)


class StationOut(Schema):
    id: int
    code: str
    name: str
    level: str
    org_unit_id: int
    longitude: float
    latitude: float
    in_city_mean: bool
    is_public: bool
    device_id: int | None


class NoisePointOut(Schema):
    id: int
    code: str
    name: str
    zone: str
    railway_background: bool
    org_unit_id: int
    longitude: float
    latitude: float
    is_public: bool
    device_id: int | None


class PeriodOut(Schema):
    label: str
    start: Moment


class WaterSampleOut(Schema):
    id: int
    site_id: int
    period: PeriodOut
    source: str
    batch_id: int | None
    source_ref: str
    values: dict[str, str]
    coverage: dict[str, Any]
    is_valid: bool
    note: str

    @staticmethod
    def resolve_period(obj: Any) -> dict[str, Any]:
        return {"label": obj.period, "start": moment(obj.sampled_at)}


class ItemOut(Schema):
    code: str
    value: float
    water_class: str
    below_detection: bool
    exceedance: float | None


class EvaluationOut(Schema):
    site_id: int
    year: int
    month: int | None
    water_body: str
    water_class: str | None
    class_label: str | None
    grade: str | None
    target_class: str | None
    meets_target: bool | None
    main_pollutants: list[str]
    items: dict[str, Any]
    months: int
    aggregation: str


class TargetOut(Schema):
    id: int
    kind: str
    name: str
    year: int
    value: str
    measured: float | None
    required: str
    status: str
    status_label: str
    achieved: bool | None
    summary: str
    columns: list[str]
    rows: list[dict[str, Any]]
    chart: dict[str, Any]


class WarningOut(Schema):
    id: int
    kind: str
    level: str
    site_id: int
    item: str
    value: str
    limit: str
    message: str
    status: str
    occurrences: int
    observed_at: dt.datetime
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_note: str


class CloseIn(Schema):
    note: str


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    rows: int
    created: int
    replaced: int
    errors: list[RowErrorOut]
    ignored_columns: list[str]
    summary: dict[str, Any]
