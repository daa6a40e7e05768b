"""Reading results for the board and the reports: samples → readings → monthly and annual means.

Everything here reads through the jurisdiction filter (the caller passes the sites the viewer
may see) and hands plain values to ``epb.quality.rules``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from epb.lib.timeutil import beijing_date, beijing_midnight, year_bounds
from epb.quality import conf, rules
from epb.quality.models import WaterSample, WaterSite
from epb.quality.rules import Month, Reading
from epb.standards.numeric import Measurement, round_half_even


class WaterData:
    """The valid results of some sites over some years, with their monthly and annual means."""

    def __init__(self, sites: Iterable[WaterSite], years: Iterable[int]):
        self.sites = {s.pk: s for s in sites}
        years = sorted(set(years))
        self.readings: dict[int, list[Reading]] = defaultdict(list)
        self.samples: dict[int, list[WaterSample]] = defaultdict(list)
        if self.sites and years:
            start, _ = year_bounds(date(years[0], 1, 1))
            _, end = year_bounds(date(years[-1], 1, 1))
            qs = WaterSample.objects.filter(
                site_id__in=list(self.sites), is_valid=True, sampled_at__gte=start, sampled_at__lt=end
            ).order_by("sampled_at")
            for sample in qs.only("site_id", "sampled_at", "values", "source", "period"):
                self.samples[sample.site_id].append(sample)
                self.readings[sample.site_id].append(
                    Reading(beijing_date(sample.sampled_at), sample.values, sample.source)
                )
        self._monthly: dict[int, dict[Month, dict[str, Measurement]]] = {}
        self.auto_preferred = tuple(conf.get("AUTO_PREFERRED_ITEMS"))
        self.annual_path = conf.get("ANNUAL_MEAN")

    def monthly(self, site_id: int) -> dict[Month, dict[str, Measurement]]:
        if site_id not in self._monthly:
            self._monthly[site_id] = rules.monthly_means(
                self.readings[site_id], auto_preferred=self.auto_preferred
            )
        return self._monthly[site_id]

    def monthly_of_year(self, site_id: int, year: int) -> dict[Month, dict[str, Measurement]]:
        return {m: v for m, v in self.monthly(site_id).items() if m[0] == year}

    def annual(self, site_id: int, year: int, upto: int = 12) -> dict[str, Measurement]:
        """Annual (or year-to-date, months 1…``upto``) means by the configured path."""
        months = rules.months_of_year(year, upto)
        if self.annual_path == "all_samples":
            chosen = set(months)
            return rules.sample_means(r for r in self.readings[site_id] if rules.month_of(r.day) in chosen)
        return rules.annual_means(self.monthly(site_id), months)

    def months_with_data(self, year: int, site_ids: Iterable[int] | None = None) -> list[Month]:
        ids = list(self.sites) if site_ids is None else list(site_ids)
        found = {m for pk in ids for m in self.monthly(pk) if m[0] == year}
        return sorted(found)

    def monthly_class(self, site_id: int, month: Month, target: str | None = None) -> str | None:
        site = self.sites[site_id]
        result = rules.evaluate(self.monthly(site_id).get(month, {}), site.evaluated_as, target)
        return result.water_class if result else None


def beijing_today(now: datetime | None = None) -> date:
    from django.utils import timezone

    return beijing_date(now or timezone.now())


def month_start(month: Month) -> datetime:
    return beijing_midnight(date(month[0], month[1], 1))


def number(value: Measurement | Decimal | None, places: int | None = None) -> float | None:
    """A JSON-ready number for charts."""
    if value is None:
        return None
    raw = value.value if isinstance(value, Measurement) else value
    if places is not None:
        raw = round_half_even(raw, places)
    return float(raw)


def shown(value: Measurement | None, places: int = 3) -> str:
    """A mean as a table shows it: below-detection means keep their "<DL" form."""
    if value is None:
        return "—"
    if value.detection_limit is not None:
        return f"<{value.detection_limit.normalize():f}"
    rounded = round_half_even(value.value, places)
    return f"{rounded.normalize():f}" if rounded == rounded.to_integral() else f"{rounded:f}".rstrip("0")


def samples_of_month(site: WaterSite, month: Month) -> Sequence[WaterSample]:
    start = month_start(month)
    end = month_start((month[0] + month[1] // 12, month[1] % 12 + 1))
    return list(
        site.samples.filter(sampled_at__gte=start, sampled_at__lt=end)
        .select_related("batch")
        .order_by("sampled_at")
    )
