"""The "1190" target board (S1): each target of a year computed from live results.

A target's figure is computed over the sites the viewer may see: the city for leadership and the
city's divisions, a district's own sites for its staff (the board then says so). Each target gives
its value, what is required, a status, a monthly trend (ECharts) and the rows behind it, each
linking to its site's monthly results and from there to the samples and where they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from epb.quality import charts, conf, rules
from epb.quality.choices import SiteKind, TargetKind, TargetStatus, WaterBodyKind
from epb.quality.data import WaterData, beijing_today, number
from epb.quality.items import item_name
from epb.quality.models import NoisePoint, NoiseSample, ReductionQuota, Target, WaterBody, WaterSite
from epb.quality.services.access import is_citywide
from epb.standards.numeric import round_half_even


@dataclass
class Row:
    label: str
    cells: list[str]
    ok: bool | None = None
    url: str = ""
    note: str = ""


@dataclass
class TargetResult:
    target: Target
    value: str
    required: str
    status: str
    summary: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)
    achieved: bool | None = None
    measured: Decimal | None = None  # the figure as a number: a rate in %, or a count

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.status).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.target.pk,
            "kind": self.target.kind,
            "name": self.target.name,
            "year": self.target.year,
            "value": self.value,
            "measured": None if self.measured is None else float(self.measured),
            "required": self.required,
            "status": self.status,
            "status_label": self.status_label,
            "achieved": self.achieved,
            "summary": self.summary,
            "columns": self.columns,
            "rows": [
                {"label": r.label, "cells": r.cells, "ok": r.ok, "url": r.url, "note": r.note}
                for r in self.rows
            ],
            "chart": self.chart,
        }


@dataclass
class Context:
    year: int
    user: Any
    today: date
    citywide: bool

    @property
    def final(self) -> bool:
        return self.today > date(self.year, 12, 31)

    @property
    def upto(self) -> int:
        """The last month of the year the figures cover (12 once the year is over)."""
        if self.final:
            return 12
        return self.today.month if self.today.year == self.year else 0


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _target_pct(value: Decimal) -> str:
    """A required rate as staff wrote it: 100%, 99.5%."""
    return f"{value.normalize():f}%"


def _places() -> int:
    return int(conf.get("RATE_PLACES"))


def _site_url(site: WaterSite, year: int) -> str:
    return reverse("quality:site", args=[site.pk]) + f"?year={year}"


def _visible_sites(ctx: Context, target: Target, default: Q) -> list[WaterSite]:
    qs = (
        WaterSite.objects.visible_to(ctx.user).filter(is_active=True).select_related("water_body", "org_unit")
    )
    listed = list(target.sites.values_list("pk", flat=True))
    return list(qs.filter(pk__in=listed) if listed else qs.filter(default))


def _required_count(ctx: Context, target: Target, scoped: int, total: int) -> Decimal:
    """A count target seen from a district covers the district's share of the listed sites."""
    if ctx.citywide or scoped >= total:
        return target.required
    return Decimal(min(int(target.required), scoped))


def _month_series(ctx: Context, compute: Callable[[rules.Month], float | None]) -> list[float | None]:
    return [compute((ctx.year, m)) if m <= ctx.upto else None for m in range(1, 13)]


# -- the targets ---------------------------------------------------------------------------------


def drinking(ctx: Context, target: Target) -> TargetResult:
    sites = _visible_sites(ctx, target, Q(kind=SiteKind.DRINKING_SOURCE))
    data = WaterData(sites, [ctx.year])
    rule = target.rule or conf.get("DRINKING_RULE")
    months = rules.months_of_year(ctx.year, ctx.upto)
    rows, judged = [], []
    for site in sites:
        verdict = rules.drinking_verdict(
            data.monthly_of_year(site.pk, ctx.year), site.evaluated_as, rule=rule, months=months
        )
        judged.append((site, verdict))
        rows.append(
            Row(
                site.name,
                [
                    site.water_body.name,
                    str(verdict.months_evaluated),
                    str(verdict.months_compliant),
                    "、".join(f"{m}月" for _, m in verdict.failing_months) or "—",
                    "、".join(item_name("water", c) for c in verdict.failing_items) or "—",
                    {True: _("达标"), False: _("不达标"), None: _("无数据")}[verdict.compliant],
                ],
                verdict.compliant,
                _site_url(site, ctx.year),
            )
        )
    evaluated = [(s, v) for s, v in judged if v.compliant is not None]
    rate = rules.percent(sum(1 for _, v in evaluated if v.compliant), len(evaluated), _places())
    by_volume = None
    volumes = [(s.intake_volume, v) for s, v in evaluated if s.intake_volume]
    if evaluated and len(volumes) == len(evaluated):
        total = sum((vol for vol, _ in volumes), Decimal(0))
        ok = sum((vol for vol, v in volumes if v.compliant), Decimal(0))
        by_volume = rules.percent(ok, total, _places())

    def monthly_rate(month: rules.Month) -> float | None:
        results = [rules.drinking_compliant(data.monthly(s.pk).get(month, {}), s.evaluated_as) for s in sites]
        known = [r for r in results if r is not None]
        return number(rules.percent(sum(1 for r in known if r[0]), len(known), _places()))

    achieved = None if rate is None else rate >= target.required
    summary = _("%(n)s 个水源地参与评价，%(ok)s 个达标") % {
        "n": len(evaluated),
        "ok": sum(1 for _, v in evaluated if v.compliant),
    }
    if by_volume is not None:
        summary += _("；按取水量计达标率 %(v)s%%") % {"v": by_volume}
    return TargetResult(
        target,
        _pct(rate),
        _target_pct(target.required),
        rules.status(achieved, final=ctx.final),
        summary,
        [_("水源地"), _("所在水体"), _("评价月数"), _("达标月数"), _("不达标月份"), _("超标指标"), _("结论")],
        rows,
        charts.line(
            _("逐月水源地达标率"),
            [(str(ctx.year), _month_series(ctx, monthly_rate))],
            unit="%",
            target=float(target.required),
            y_min=0,
            y_max=100,
        ),
        achieved,
        rate,
    )


def _improve_site_ids(ctx: Context) -> set[int]:
    ids: set[int] = set()
    for target in Target.objects.filter(year=ctx.year, kind=TargetKind.TAIHU_IMPROVE, is_active=True):
        ids |= set(target.sites.values_list("pk", flat=True))
    return ids


def taihu_stable(ctx: Context, target: Target) -> TargetResult:
    listed = target.sites.exists()
    sites = _visible_sites(ctx, target, Q(taihu_assessment=True))
    if not listed:
        others = _improve_site_ids(ctx)
        sites = [s for s in sites if s.pk not in others]
    total = target.sites.count() if listed else len(sites)
    data = WaterData(sites, [ctx.year])
    rule = target.rule or conf.get("STABLE_RULE")
    with_data = data.months_with_data(ctx.year)
    # A year in progress expects the months up to the latest one with data (and not past today).
    so_far = max((m for _, m in with_data if m <= ctx.upto), default=0)
    expected = rules.months_of_year(ctx.year, 12 if ctx.final else so_far)
    rows, stable_count, judged = [], 0, 0
    for site in sites:
        monthly = {m: data.monthly_class(site.pk, m) for m in expected}
        annual = rules.evaluate(
            data.annual(site.pk, ctx.year, ctx.upto or 12), site.evaluated_as, site.target_class
        )
        verdict = rules.stable_on_target(
            monthly,
            site.target_class or "III",
            expected,
            rule=rule,
            min_months=target.min_months,
            annual_class=annual.water_class if annual else None,
        )
        if verdict.stable is not None:
            judged += 1
            stable_count += bool(verdict.stable)
        rows.append(
            Row(
                site.name,
                [
                    site.water_body.name,
                    rules.class_label_of(site.target_class or None),
                    rules.class_label_of(verdict.annual_class),
                    f"{verdict.months_on_target}/{verdict.months_expected}",
                    verdict.reason or "—",
                    {True: _("稳定达标"), False: _("未稳定达标"), None: _("无数据")}[verdict.stable],
                ],
                verdict.stable,
                _site_url(site, ctx.year),
            )
        )
    required = _required_count(ctx, target, len(sites), total)
    achieved = None if not judged else Decimal(stable_count) >= required

    def on_target(month: rules.Month) -> float | None:
        classes = [(s, data.monthly_class(s.pk, month)) for s in sites]
        known = [(s, k) for s, k in classes if k is not None]
        return float(sum(1 for s, k in known if rules.meets(k, s.target_class or "III"))) if known else None

    return TargetResult(
        target,
        _("%(n)s 个") % {"n": stable_count},
        _("%(n)s 个") % {"n": f"{required.normalize():f}"},
        rules.status(achieved, final=ctx.final),
        _("%(n)s 个断面参与评价，稳定达标 %(ok)s 个（规则：%(rule)s）")
        % {"n": len(sites), "ok": stable_count, "rule": _rule_label(rule, target)},
        [_("断面"), _("所在水体"), _("目标"), _("年均值类别"), _("达标月数"), _("未达标情况"), _("结论")],
        rows,
        charts.bar(
            _("逐月达标断面数"),
            [(_("达标断面数"), _month_series(ctx, on_target))],
            unit=_("个"),
            target=float(required),
        ),
        achieved,
        Decimal(stable_count),
    )


def _rule_label(rule: str, target: Target) -> str:
    from epb.quality.choices import StableRule

    label = str(StableRule(rule).label) if rule in StableRule.values else rule
    if rule == "annual_and_months" and target.min_months:
        label += f"（≥{target.min_months}个月）"
    return label


def taihu_improve(ctx: Context, target: Target) -> TargetResult:
    sites = _visible_sites(ctx, target, Q(taihu_assessment=True, pk__in=[]))
    baseline_year = target.baseline_year or ctx.year - 1
    threshold = target.threshold if target.threshold is not None else conf.get("IMPROVE_THRESHOLD")
    basis = target.rule or conf.get("IMPROVE_BASIS")
    data = WaterData(sites, [baseline_year, ctx.year])
    rows, met, judged, series = [], 0, 0, []
    upto = ctx.upto or 12
    for site in sites:
        # A year in progress is compared with the same months of the baseline year.
        baseline = data.annual(site.pk, baseline_year, upto)
        kwargs: dict[str, Any] = {
            "target_class": site.target_class or "III",
            "water_body": site.evaluated_as,
            "threshold": threshold,
            "basis": basis,
            "items": list(target.items),
        }
        verdict = rules.improvement_verdict(baseline, data.annual(site.pk, ctx.year, upto), **kwargs)
        if verdict.met is not None:
            judged += 1
            met += bool(verdict.met)
        detail = "；".join(
            f"{item_name('water', c.code)} {_short(c.baseline)}→"
            + ("—" if c.current is None else _short(c.current))
            + ("" if c.improvement is None else f"（{_improvement_text(c.improvement)}）")
            for c in verdict.items
        )
        if verdict.composite is not None:
            before, after = verdict.composite
            detail = _("综合污染指数 %(b)s→%(a)s") % {
                "b": f"{round_half_even(before, 3):f}",
                "a": f"{round_half_even(after, 3):f}",
            }
        rows.append(
            Row(
                site.name,
                [
                    rules.class_label_of(site.target_class or None),
                    detail or verdict.note or "—",
                    "—" if verdict.improvement is None else _improvement_text(verdict.improvement),
                    {True: _("达到"), False: _("未达到"), None: _("无法评价")}[verdict.met],
                ],
                verdict.met,
                _site_url(site, ctx.year),
                verdict.note,
            )
        )

        def ytd(month: rules.Month, site: WaterSite = site, kwargs: Any = kwargs) -> float | None:
            before = data.annual(site.pk, baseline_year, month[1])
            v = rules.improvement_verdict(before, data.annual(site.pk, ctx.year, month[1]), **kwargs)
            return None if v.improvement is None else float(round_half_even(v.improvement * 100, _places()))

        series.append((site.name, _month_series(ctx, ytd)))
    required = _required_count(ctx, target, len(sites), target.sites.count())
    achieved = None if not judged else Decimal(met) >= required
    return TargetResult(
        target,
        _("%(n)s 个") % {"n": met},
        _("%(n)s 个") % {"n": f"{required.normalize():f}"},
        rules.status(achieved, final=ctx.final),
        _("与 %(b)s 年相比年均值改善 ≥%(t)s%%（%(basis)s）")
        % {"b": baseline_year, "t": f"{Decimal(threshold).normalize():f}", "basis": _basis_label(basis)},
        [_("断面"), _("目标"), _("评价指标（基准年→本年）"), _("改善幅度"), _("结论")],
        rows,
        charts.line(
            _("年均值累计改善幅度"), series, unit="%", target=float(threshold), target_label=_("改善目标")
        ),
        achieved,
        Decimal(met),
    )


def _short(value: Decimal) -> str:
    """A mean as the board shows it: four decimals at most, no trailing zeros."""
    return f"{round_half_even(value, 4).normalize():f}"


def _improvement_text(fraction: Decimal) -> str:
    return f"{round_half_even(fraction * 100, _places())}%"


def _basis_label(basis: str) -> str:
    from epb.quality.choices import ImproveBasis

    return str(ImproveBasis(basis).label) if basis in ImproveBasis.values else basis


def _bodies(ctx: Context, target: Target, default: Q) -> list[WaterBody]:
    listed = list(target.water_bodies.all())
    return listed or list(WaterBody.objects.filter(default))


def inflow(ctx: Context, target: Target) -> TargetResult:
    rivers = _bodies(ctx, target, Q(inflow_taihu=True))
    method = target.rule or conf.get("INFLOW_METHOD")
    visible = (
        WaterSite.objects.visible_to(ctx.user).filter(is_active=True).select_related("water_body", "org_unit")
    )
    sections = {r.pk: list(visible.filter(water_body=r, kind=SiteKind.RIVER_SECTION)) for r in rivers}
    rivers = [r for r in rivers if sections[r.pk]]
    data = WaterData([s for group in sections.values() for s in group], [ctx.year])
    rows, free, judged, series = [], 0, 0, []
    upto = ctx.upto or 12
    for river in rivers:
        group = sections[river.pk]
        verdict = rules.inflow_verdict([data.annual(s.pk, ctx.year, upto) for s in group], method=method)
        if verdict.free_of_worse_than_v is not None:
            judged += 1
            free += bool(verdict.free_of_worse_than_v)
        rows.append(
            Row(
                river.name,
                [
                    "、".join(s.name for s in group),
                    rules.class_label_of(verdict.water_class),
                    "、".join(item_name("water", c) for c in verdict.main_pollutants) or "—",
                    {True: _("已消除劣Ⅴ类"), False: _("劣Ⅴ类"), None: _("无数据")}[
                        verdict.free_of_worse_than_v
                    ],
                ],
                verdict.free_of_worse_than_v,
                _site_url(group[0], ctx.year) if len(group) == 1 else "",
            )
        )

        def monthly(month: rules.Month, group: list[WaterSite] = group) -> float | None:
            v = rules.inflow_verdict([data.monthly(s.pk).get(month, {}) for s in group], method=method)
            n = rules.class_number(v.water_class)
            return None if n is None else float(n)

        series.append((river.name, [None if v is None else int(v) for v in _month_series(ctx, monthly)]))
    required = _required_count(ctx, target, len(rivers), len(_bodies(ctx, target, Q(inflow_taihu=True))))
    achieved = None if not judged else Decimal(free) >= required
    return TargetResult(
        target,
        _("%(n)s 条") % {"n": free},
        _("%(n)s 条") % {"n": f"{required.normalize():f}"},
        rules.status(achieved, final=ctx.final),
        _("年均值按月均值计算，%(n)s 条河道参与评价") % {"n": len(rivers)},
        [_("河道"), _("断面"), _("年均值类别"), _("主要污染指标"), _("结论")],
        rows,
        charts.classes(_("入湖河道逐月水质类别"), series, target=6),
        achieved,
        Decimal(free),
    )


def lake(ctx: Context, target: Target) -> TargetResult:
    lakes = _bodies(ctx, target, Q(kind=WaterBodyKind.LAKE))
    baseline_year = target.baseline_year or ctx.year - 1
    basis = target.rule or conf.get("LAKE_BASIS")
    visible = (
        WaterSite.objects.visible_to(ctx.user).filter(is_active=True).select_related("water_body", "org_unit")
    )
    points = {lk.pk: list(visible.filter(water_body=lk, kind=SiteKind.LAKE_POINT)) for lk in lakes}
    lakes = [lk for lk in lakes if points[lk.pk]]
    data = WaterData([p for group in points.values() for p in group], [baseline_year, ctx.year])
    rows, improved, judged, series = [], 0, 0, []
    upto = ctx.upto or 12
    for lk in lakes:
        group = points[lk.pk]
        before = rules.lake_result([data.annual(p.pk, baseline_year, upto) for p in group])
        after = rules.lake_result([data.annual(p.pk, ctx.year, upto) for p in group])
        verdict = rules.lake_verdict(before, after, basis=basis)
        if verdict.improved is not None:
            judged += 1
            improved += bool(verdict.improved)
        rows.append(
            Row(
                lk.name,
                [
                    str(len(group)),
                    f"{rules.class_label_of(verdict.baseline_class)} → "
                    f"{rules.class_label_of(verdict.current_class)}",
                    f"{_tli(verdict.baseline_tli)} → {_tli(verdict.current_tli)}",
                    {True: _("有所改善"), False: _("未改善"), None: _("无法评价")}[verdict.improved],
                ],
                verdict.improved,
                note=verdict.note,
            )
        )
        for year, dashed in ((ctx.year, False), (baseline_year, True)):

            def monthly_tli(
                month: rules.Month, group: list[WaterSite] = group, year: int = year
            ) -> float | None:
                result = rules.lake_result([data.monthly(p.pk).get((year, month[1]), {}) for p in group])
                return None if result is None or result.tli is None else float(result.tli.value)

            name = f"{lk.name}{year}"
            values = [monthly_tli((year, m)) if (dashed or m <= ctx.upto) else None for m in range(1, 13)]
            series.append((name, values))
    required = _required_count(ctx, target, len(lakes), len(_bodies(ctx, target, Q(kind=WaterBodyKind.LAKE))))
    achieved = None if not judged else Decimal(improved) >= required
    return TargetResult(
        target,
        _("%(n)s 个") % {"n": improved},
        _("%(n)s 个") % {"n": f"{required.normalize():f}"},
        rules.status(achieved, final=ctx.final),
        _("与 %(b)s 年相比（%(basis)s）") % {"b": baseline_year, "basis": _lake_label(basis)},
        [_("湖泊"), _("点位数"), _("水质类别（基准年→本年）"), _("综合营养状态指数"), _("结论")],
        rows,
        charts.line(
            _("逐月综合营养状态指数"),
            series,
            dashed=[name for name, _v in series if name.endswith(str(baseline_year))],
        ),
        achieved,
        Decimal(improved),
    )


def _tli(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}"


def _lake_label(basis: str) -> str:
    from epb.quality.choices import LakeBasis

    return str(LakeBasis(basis).label) if basis in LakeBasis.values else basis


def noise(ctx: Context, target: Target) -> TargetResult:
    points = list(NoisePoint.objects.visible_to(ctx.user).filter(is_active=True).select_related("org_unit"))
    samples = list(
        NoiseSample.objects.visible_to(ctx.user)
        .filter(point__in=points, is_valid=True, measured_on__year=ctx.year)
        .select_related("point")
        .order_by("measured_on")
    )

    def point_time(s: NoiseSample) -> rules.NoisePointTime:
        def level(code: str) -> Decimal | None:
            raw = s.values.get(code)
            return None if raw in (None, "") else Decimal(str(raw))

        return rules.NoisePointTime(s.point.zone, level("Ld"), level("Ln"), s.point.railway_background)

    rates = rules.noise_rates(point_time(s) for s in samples)
    day, night = rates.overall["day"].rate, rates.overall["night"].rate
    known = [r for r in (day, night) if r is not None]
    achieved = None if not known else all(r >= target.required for r in known)
    rows = []
    for zone, cells in rates.by_zone.items():
        d, n = cells.get("day"), cells.get("night")
        rows.append(
            Row(
                _("%(z)s类区") % {"z": zone},
                [
                    "—" if d is None else f"{d.compliant}/{d.monitored}",
                    _pct(None if d is None else d.rate),
                    "—" if n is None else f"{n.compliant}/{n.monitored}",
                    _pct(None if n is None else n.rate),
                ],
                None
                if d is None and n is None
                else all(c.rate == 100 for c in cells.values() if c.rate is not None),
            )
        )
    for point in points:
        mine = [point_time(s) for s in samples if s.point_id == point.pk]
        failing = [r for r in rules.noise_results(mine) if r.leq_exceeds]
        rows.append(
            Row(
                point.name,
                [
                    point.get_zone_display(),
                    _("%(n)s 点次") % {"n": len(mine)},
                    _("超标 %(n)s 次") % {"n": len(failing)},
                    "",
                ],
                None if not mine else not failing,
                reverse("quality:noise_point", args=[point.pk]) + f"?year={ctx.year}",
            )
        )

    def cumulative(month: rules.Month, period: str) -> float | None:
        upto = [point_time(s) for s in samples if s.measured_on.month <= month[1]]
        return number(rules.noise_rates(upto).overall[period].rate) if upto else None

    return TargetResult(
        target,
        _("昼间 %(d)s，夜间 %(n)s") % {"d": _pct(day), "n": _pct(night)},
        _target_pct(target.required),
        rules.status(achieved, final=ctx.final),
        _("功能区点次达标率，昼间、夜间分别评价（HJ 640-2012）"),
        [_("功能区、点位"), _("昼间达标点次"), _("昼间达标率"), _("夜间达标点次"), _("夜间达标率")],
        rows,
        charts.line(
            _("累计点次达标率"),
            [
                (_("昼间"), _month_series(ctx, lambda m: cumulative(m, "day"))),
                (_("夜间"), _month_series(ctx, lambda m: cumulative(m, "night"))),
            ],
            unit="%",
            target=float(target.required),
            y_max=100,
        ),
        achieved,
        min(known) if known else None,
    )


def reduction(ctx: Context, target: Target) -> TargetResult:
    quotas = list(
        ReductionQuota.objects.visible_to(ctx.user).filter(year=ctx.year).select_related("org_unit")
    )
    rows, rates, series = [], [], []
    for quota in quotas:
        rate = rules.percent(quota.achieved, quota.quota, _places())
        rates.append(rate)
        rows.append(
            Row(
                f"{quota.get_pollutant_display()}（{quota.org_unit}）",
                [f"{quota.quota.normalize():f}", f"{quota.achieved.normalize():f}", _pct(rate)],
                None if rate is None else rate >= target.required,
            )
        )
        progress = {int(k): Decimal(v) for k, v in quota.progress.items()}
        series.append(
            (
                f"{quota.get_pollutant_display()}（{quota.org_unit}）",
                [
                    number(rules.percent(progress[m], quota.quota, _places())) if m in progress else None
                    for m in range(1, 13)
                ],
            )
        )
    known = [r for r in rates if r is not None]
    achieved = None if not known else all(r >= target.required for r in known)
    done = sum(1 for r in known if r >= target.required)
    return TargetResult(
        target,
        _("%(done)s/%(n)s 项完成") % {"done": done, "n": len(known)},
        _target_pct(target.required),
        rules.status(achieved, final=ctx.final),
        _("最低完成率 %(r)s") % {"r": _pct(min(known) if known else None)},
        [_("污染物（辖区）"), _("减排任务（吨）"), _("已完成（吨）"), _("完成率")],
        rows,
        charts.line(_("减排任务逐月累计完成率"), series, unit="%", target=float(target.required)),
        achieved,
        min(known) if known else None,
    )


COMPUTE: dict[str, Callable[[Context, Target], TargetResult]] = {
    TargetKind.DRINKING: drinking,
    TargetKind.TAIHU_STABLE: taihu_stable,
    TargetKind.TAIHU_IMPROVE: taihu_improve,
    TargetKind.INFLOW: inflow,
    TargetKind.LAKE: lake,
    TargetKind.NOISE: noise,
    TargetKind.REDUCTION: reduction,
}


def context(year: int, user: Any, today: date | None = None) -> Context:
    return Context(
        year, user, today or beijing_today(), is_citywide(user) or bool(getattr(user, "is_leadership", False))
    )


def evaluate_target(target: Target, user: Any, today: date | None = None) -> TargetResult:
    return COMPUTE[target.kind](context(target.year, user, today), target)


def build_board(year: int, user: Any, today: date | None = None) -> list[TargetResult]:
    ctx = context(year, user, today)
    targets = Target.objects.filter(year=year, is_active=True).prefetch_related("sites", "water_bodies")
    return [COMPUTE[t.kind](ctx, t) for t in targets]


def years_with_targets() -> list[int]:
    return sorted(set(Target.objects.values_list("year", flat=True)), reverse=True)
