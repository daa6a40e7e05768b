"""Air quality of a day, and what the public page shows (published results only)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from epb.lib.timeutil import beijing_date, day_bounds
from epb.quality import charts, rules
from epb.quality.choices import Period
from epb.quality.models import AirSample, AirStation, NoiseSample, WaterSample, WaterSite
from epb.standards.aqi import AqiResult, aqi
from epb.standards.water import class_grade

POLLUTANT_LABELS: dict[str, Any] = {
    "PM2_5": "PM2.5",
    "PM10": "PM10",
    "O3_8h": pgettext_lazy("aqi", "O₃（8小时）"),
    "O3": pgettext_lazy("aqi", "O₃（1小时）"),
    "SO2": "SO₂",
    "NO2": "NO₂",
    "CO": "CO",
}
# HJ 633's categories stay as the standard spells them in data and in `epb evaluate`; pages show
# them in the reader's language (the standard's own English terms).
AQI_CATEGORY_LABELS: dict[str, Any] = {
    "优": pgettext_lazy("aqi", "优"),
    "良": pgettext_lazy("aqi", "良"),
    "轻度污染": pgettext_lazy("aqi", "轻度污染"),
    "中度污染": pgettext_lazy("aqi", "中度污染"),
    "重度污染": pgettext_lazy("aqi", "重度污染"),
    "严重污染": pgettext_lazy("aqi", "严重污染"),
}


def _numbers(values: dict[str, Any]) -> dict[str, Decimal]:
    return {p: Decimal(str(v)) for p, v in values.items() if v not in (None, "")}


def day_values(samples: QuerySet[AirSample], day: date) -> dict[str, Decimal] | None:
    """A station's report values of a day: its daily result, or the day from its hourly results."""
    start, end = day_bounds(day)
    daily = samples.filter(period=Period.DAY, start=start, is_valid=True).order_by("source").first()
    if daily is not None:
        return _numbers(daily.values)
    hourly = {
        (s.start - start).seconds // 3600: _numbers(s.values)
        for s in samples.filter(period=Period.HOUR, start__gte=start, start__lt=end, is_valid=True)
    }
    values = rules.air_daily(hourly) if hourly else {}
    # A day is a day once some 24-h mean is valid (20 hours); before that it has only hours.
    return values if any(p in values for p in rules.AIR_DAILY_MEANS) else None


def report(values: dict[str, Decimal] | None, day: date, period: str = "24h") -> AqiResult | None:
    """The AQI of a day's (or an hour's) values, by the HJ 633 edition in force that day; None
    when there is nothing to compute or no edition applies (before 2012-02-29)."""
    if not values:
        return None
    try:
        return aqi(
            {p: v for p, v in values.items() if p in ("SO2", "NO2", "PM10", "CO", "O3", "O3_8h", "PM2_5")},
            period,
            date=day,
        )
    except ValueError:
        return None


def station_aqi(
    station: AirStation, day: date, samples: QuerySet[AirSample] | None = None
) -> AqiResult | None:
    qs = AirSample.objects.filter(station=station) if samples is None else samples.filter(station=station)
    return report(day_values(qs, day), day)


def latest_hour(station: AirStation, samples: QuerySet[AirSample], day: date) -> tuple[Any, AqiResult | None]:
    start, end = day_bounds(day)
    latest = (
        samples.filter(station=station, period=Period.HOUR, start__gte=start, start__lt=end, is_valid=True)
        .order_by("-start")
        .first()
    )
    if latest is None:
        return None, None
    return latest.start, report(_numbers(latest.values), day, "1h")


def aqi_cell(result: AqiResult | None) -> dict[str, Any]:
    """An AQI as the pages show it: figure, category, colour, primary pollutants, edition."""
    if result is None or result.aqi is None:
        return {"aqi": None}
    category = result.category
    assert category is not None
    return {
        "aqi": result.aqi,
        "category": AQI_CATEGORY_LABELS.get(category.category, category.category),
        "color": category.color,
        "primary": "、".join(str(POLLUTANT_LABELS.get(p, p)) for p in result.primary_pollutants),
        "standard": f"HJ 633-{result.version}",
    }


def summary(today: date) -> dict[str, Any]:
    """What the public page shows, computed from published results only."""
    stations = list(AirStation.objects.published().order_by("sort_order", "code"))
    samples = AirSample.objects.published()
    yesterday = today - timedelta(days=1)
    air_rows = []
    today_values, yesterday_values, latest_hours = [], [], []
    for station in stations:
        values_y = day_values(samples.filter(station=station), yesterday)
        values_t = day_values(samples.filter(station=station), today)
        at, hourly = latest_hour(station, samples, today)
        daily_t = report(values_t, today)
        if station.in_city_mean:
            if at is not None:
                latest_hours.append((at, station))
            if values_y:
                yesterday_values.append(values_y)
            if values_t:
                today_values.append(values_t)
        air_rows.append(
            {
                "station": station,
                "today": aqi_cell(daily_t)
                if daily_t is not None and daily_t.aqi is not None
                else aqi_cell(hourly),
                "today_hour": None if daily_t is not None and daily_t.aqi is not None else at,
                "yesterday": aqi_cell(report(values_y, yesterday)),
            }
        )
    city_today = report(rules.city_mean(today_values), today) if today_values else None
    city_hour = None
    if (city_today is None or city_today.aqi is None) and latest_hours:
        # No day yet: the real-time AQI of the latest hour, over the stations that reported it.
        hour = max(at for at, _s in latest_hours)
        values = [
            _numbers(s.values)
            for s in samples.filter(period=Period.HOUR, start=hour, is_valid=True, station__in_city_mean=True)
        ]
        city_today, city_hour = report(rules.city_mean(values), today, "1h"), hour
    city = {
        "today": aqi_cell(city_today),
        "today_hour": city_hour,
        "yesterday": aqi_cell(
            report(rules.city_mean(yesterday_values), yesterday) if yesterday_values else None
        ),
    }
    return {
        "today": today,
        "yesterday": yesterday,
        "air_rows": air_rows,
        "city": city,
        **_water(today),
        **_noise(),
    }


def _water(today: date) -> dict[str, Any]:
    published = WaterSample.objects.published()
    # The latest month that is over (the monthly monitoring is in by then), else the current one.
    this_month = day_bounds(today.replace(day=1))[0]
    latest = published.filter(sampled_at__lt=this_month).order_by("-sampled_at").first()
    latest = latest or published.order_by("-sampled_at").first()
    if latest is None:
        return {"water_month": None, "water_rows": [], "water_chart": None}
    month = beijing_date(latest.sampled_at)
    year, m = month.year, month.month
    sites = list(WaterSite.objects.published().select_related("water_body").order_by("sort_order", "code"))
    start, _ = day_bounds(date(year, m, 1))
    end, _ = day_bounds(date(year + m // 12, m % 12 + 1, 1))
    grouped: dict[int, list[rules.Reading]] = {}
    for sample in published.filter(sampled_at__gte=start, sampled_at__lt=end):
        grouped.setdefault(sample.site_id, []).append(
            rules.Reading(beijing_date(sample.sampled_at), sample.values, sample.source)
        )
    rows = []
    counts = {label: 0 for label in charts.CLASS_LABELS}
    for site in sites:
        readings = grouped.get(site.pk)
        if not readings:
            continue
        means = rules.monthly_means(readings).get((year, m), {})
        result = rules.evaluate(means, site.evaluated_as, site.target_class or None)
        if result is None:
            continue
        label = rules.class_label_of(result.water_class)
        counts[label] += 1
        grade = class_grade(result.water_class) if result.water_class else {}
        rows.append(
            {
                "site": site,
                "class": label,
                "grade": grade.get("grade", ""),
                "color": charts.GRADE_COLORS.get(grade.get("color", ""), "#999"),
                "meets": result.meets_target,
            }
        )
    chart = charts.class_pie("", counts)
    return {"water_month": date(year, m, 1), "water_rows": rows, "water_chart": chart}


def _noise() -> dict[str, Any]:
    published = NoiseSample.objects.published().select_related("point")
    latest = published.order_by("-measured_on").first()
    if latest is None:
        return {"noise_year": None, "noise_rates": None}
    year = latest.measured_on.year
    point_times = [
        rules.NoisePointTime(
            s.point.zone,
            None if s.values.get("Ld") in (None, "") else Decimal(str(s.values["Ld"])),
            None if s.values.get("Ln") in (None, "") else Decimal(str(s.values["Ln"])),
            s.point.railway_background,
        )
        for s in published.filter(measured_on__year=year)
    ]
    rates = rules.noise_rates(point_times)
    return {"noise_year": year, "noise_rates": rates}
