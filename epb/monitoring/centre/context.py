"""What the centre needs to know about one device while it evaluates its data, and the device's
series read from the stored readings with the status marks applied."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import cached_property

from epb.monitoring import conf
from epb.monitoring.centre.limits import LimitCache
from epb.monitoring.choices import DataKind, MarkKind
from epb.standards import factors
from epb.standards.validity import Sample, ValiditySettings

VALUE_FIELD = {DataKind.REALTIME: "Rtd", DataKind.MINUTE: "Avg", DataKind.HOUR: "Avg", DataKind.DAY: "Avg"}
FLOW = {"water": "w00000", "gas": "a00000"}
O2 = "a19001"
# A mark turns a sample's flag into the flag of its kind; start-up/shut-down and others keep the
# flag (the values count) but are never judged.
MARK_FLAG: dict[str, str] = {
    MarkKind.STOPPED: "F",
    MarkKind.FAULT: "D",
    MarkKind.MAINTENANCE: "M",
    MarkKind.CALIBRATION: "C",
}


def is_pollutant(code: str) -> bool:
    """A factor whose amount is emitted (flow-weighted, loads): a pollutant with a Cou unit."""
    f = factors.factor(code)
    return f is not None and f.kind != "param" and f.cou_unit in ("kg", "g")


@dataclass(frozen=True)
class MarkSpan:
    factor: str  # "" = every factor
    kind: str
    start: dt.datetime
    end: dt.datetime


@dataclass
class Series:
    """One kind of data of a device over a window: per factor its samples, and the readings' Cou."""

    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    cou: dict[str, dict[dt.datetime, float]] = field(default_factory=lambda: defaultdict(dict))
    marked: dict[str, set[dt.datetime]] = field(default_factory=lambda: defaultdict(set))
    extra: dict[str, dict[dt.datetime, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))

    def times(self) -> set[dt.datetime]:
        return {s.time for items in self.samples.values() for s in items}


class DeviceContext:
    """A source device with its outlet, intervals and settings, for one evaluation run."""

    def __init__(self, device: Any, limits: LimitCache | None = None) -> None:
        self.device = device
        self.outlet = device.outlet
        self.kind: str = self.outlet.kind if self.outlet is not None else ""
        self.rtd_interval = dt.timedelta(seconds=max(1, device.rtd_interval))
        self.min_interval = dt.timedelta(minutes=max(1, device.min_interval))
        ref = self.outlet.reference_o2 if self.outlet is not None else None
        self.reference_o2: float | None = float(ref) if ref is not None else None
        self.limits = limits or LimitCache()
        self.flow_code = FLOW.get(self.kind, "")

    @property
    def id(self) -> int:
        return int(self.device.pk)

    @property
    def is_source(self) -> bool:
        return self.outlet is not None and self.kind in FLOW

    def validity(self, **extra: Any) -> ValiditySettings:
        return conf.validity_settings(**extra)

    @cached_property
    def settings(self) -> dict[str, Any]:
        """Anomaly settings of the device: factor ("" = the device) → AnomalySetting."""
        from epb.monitoring.models import AnomalySetting

        return {s.factor: s for s in AnomalySetting.objects.filter(device_id=self.id)}

    def marks(self, start: dt.datetime, end: dt.datetime) -> list[MarkSpan]:
        from epb.monitoring.models import Mark

        return [
            MarkSpan(m.factor, m.kind, m.start, m.end)
            for m in Mark.objects.filter(device_id=self.id, start__lt=end, end__gt=start)
        ]

    def read(self, cn: int, start: dt.datetime, end: dt.datetime, *, field_name: str | None = None) -> Series:
        """The device's readings of one CN in ``[start, end)`` as per-factor samples (split packets
        merged), with the marks applied."""
        from epb.monitoring.models import Reading

        name = field_name or VALUE_FIELD.get(DataKind(cn), "Avg")
        rows = (
            Reading.objects.filter(device_id=self.id, cn=cn, data_time__gte=start, data_time__lt=end)
            .order_by("data_time", "part")
            .values_list("data_time", "data")
        )
        merged: dict[dt.datetime, dict[str, Any]] = {}
        for when, data in rows:
            merged.setdefault(when, {}).update(data)
        series = Series()
        spans = self.marks(start, end) if merged else []
        for when, data in merged.items():
            for code, item in data.items():
                if not isinstance(item, dict):
                    continue
                value = item.get(name)
                if value is not None and not isinstance(value, int | float):
                    value = None
                flag = item.get("Flag")
                for span in spans:
                    if span.start <= when < span.end and span.factor in ("", code):
                        if span.kind in MARK_FLAG:
                            flag = MARK_FLAG[span.kind]
                        series.marked[code].add(when)
                series.samples[code].append(Sample(when, float(value) if value is not None else None, flag))
                cou = item.get("Cou")
                if isinstance(cou, int | float):
                    series.cou[code][when] = float(cou)
                zs = item.get("Zs" + name)
                if isinstance(zs, int | float):
                    series.extra[code][when] = {"zs": float(zs)}
        return series
