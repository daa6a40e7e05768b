"""Capture and transmission rates per device, loads per outlet, use of the permitted totals.

All from the stored daily values (``DailyValue``), so a month or a quarter is one grouped query:

* HJ 75 有效数据捕集率 α = (T − T_stop − T_invalid) / (T − T_stop) over the hours of the pollutant
  factors (water: the analyzer cycle, one hour by default); a day with no daily value at all (the
  device silent, the day not computed) counts all its hours invalid. Periods add by their parts.
* National-platform 数据传输率 = received / expected slots of the device's own interval, 数据有效率 =
  valid / (received − stopped), 传输有效率 = their product.
* Loads: Σ of the hourly loads (the centre's concentration × volume), per day, month, year; the
  devices' Cou beside them as the cross-check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Sum

from epb.lib.timeutil import beijing_date, month_bounds, quarter_bounds, year_bounds
from epb.monitoring.centre.context import is_pollutant
from epb.standards import emissions
from epb.standards.emissions import CaptureRate, TransmissionRate

Period = Literal["day", "month", "quarter", "year"]


def period_days(period: Period, on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last Beijing day of the period containing ``on``."""
    if period == "day":
        return on, on
    bounds = {"month": month_bounds, "quarter": quarter_bounds, "year": year_bounds}[period](on)
    return beijing_date(bounds[0]), beijing_date(bounds[1]) - dt.timedelta(days=1)


@dataclass(frozen=True)
class DeviceRates:
    device_id: int
    capture: CaptureRate
    transmission: TransmissionRate
    days: int  # days in the period (up to the last computed day)


def rates(devices: Iterable[Any], first: dt.date, last: dt.date) -> dict[int, DeviceRates]:
    """Capture and transmission per device over ``[first, last]`` (days), pollutant factors only."""
    from epb.monitoring.models import DailyValue

    ids = [d.pk if hasattr(d, "pk") else int(d) for d in devices]
    days = (last - first).days + 1
    rows = (
        DailyValue.objects.filter(device_id__in=ids, day__gte=first, day__lte=last)
        .values("device_id", "factor")
        .annotate(
            n=Count("day"),
            total=Sum("capture_total"),
            stopped=Sum("capture_stopped"),
            invalid=Sum("capture_invalid"),
            expected=Sum("tx_expected"),
            received=Sum("tx_received"),
            valid=Sum("tx_valid"),
            tx_stopped=Sum("tx_stopped"),
        )
    )
    per: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if is_pollutant(row["factor"]):
            per[row["device_id"]].append(row)
    out: dict[int, DeviceRates] = {}
    for device_id in ids:
        capture = CaptureRate(0, 0, 0)
        transmission = TransmissionRate(0, 0, 0, 0)
        factor_rows = per.get(device_id, [])
        for row in factor_rows:
            missing_days = max(0, days - row["n"])
            capture = capture + CaptureRate(
                row["total"] + 24 * missing_days, row["stopped"], row["invalid"] + 24 * missing_days
            )
            transmission = transmission + TransmissionRate(
                row["expected"], row["received"], row["valid"], row["tx_stopped"]
            )
        if not factor_rows:
            capture = CaptureRate(24 * days, 0, 24 * days)
        out[device_id] = DeviceRates(device_id, capture, transmission, days)
    return out


@dataclass(frozen=True)
class FactorLoad:
    factor: str
    kg: float
    device_cou_kg: float | None
    days: int

    @property
    def difference_pct(self) -> float | None:
        if self.device_cou_kg is None or not self.kg:
            return None
        return 100.0 * (self.device_cou_kg - self.kg) / self.kg


def loads(device_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[str, FactorLoad]:
    """Σ loads (kg) per pollutant over the days, with the devices' Cou beside them."""
    from epb.monitoring.models import DailyValue
    from epb.standards import factors

    rows = (
        DailyValue.objects.filter(device_id__in=list(device_ids), day__gte=first, day__lte=last)
        .values("factor")
        .annotate(kg=Sum("load_kg"), cou=Sum("device_cou"), n=Count("day"))
    )
    out: dict[str, FactorLoad] = {}
    for row in rows:
        code = row["factor"]
        if not is_pollutant(code):
            continue
        known = factors.factor(code)
        cou = row["cou"]
        if cou is not None and known is not None and known.cou_unit == "g":
            cou = cou / 1000.0
        out[code] = FactorLoad(code, row["kg"] or 0.0, cou, row["n"])
    return out


@dataclass(frozen=True)
class PermitUse:
    item: str
    permitted_t: Decimal
    reference: str
    usage: emissions.PermitUsage


def permit_use(enterprise: Any, on: dt.date) -> list[PermitUse]:
    """The enterprise's permitted annual totals for ``on``'s year against its loads so far."""
    from epb.monitoring.models import Device, PermittedTotal

    totals = list(PermittedTotal.objects.filter(enterprise=enterprise, year=on.year))
    if not totals:
        return []
    devices = Device.objects.filter(outlet__enterprise=enterprise).values_list("pk", flat=True)
    used = loads(devices, dt.date(on.year, 1, 1), on)
    out = []
    for total in totals:
        kg = used[total.item].kg if total.item in used else 0.0
        out.append(
            PermitUse(
                total.item, total.tonnes, total.reference, emissions.permit_usage(kg, float(total.tonnes), on)
            )
        )
    return out
