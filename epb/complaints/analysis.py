"""Analysis and warning (S14): breakdowns by count, channel, type, grid, enterprise, severity,
urgency and trend; callback and satisfaction rates per unit; timeliness; hotspots; and the weekly
and monthly bulletins in the layout of the ministry's monthly 12369 bulletin. Read-only.

Everything starts from a queryset the caller has already passed through ``visible_to``: a
district's staff get their district's figures and bulletin, the city gets the city's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from epb.complaints import rules
from epb.complaints.choices import Channel, Kind, Severity, Status, Urgency
from epb.complaints.conf import setting
from epb.complaints.models import Callback, Complaint, PollutionType
from epb.core.models import Clock
from epb.core.models.clocks import ClockState
from epb.lib.documents import (
    Chart,
    Column,
    ColumnKind,
    Table,
)
from epb.lib.timeutil import beijing_date, month_bounds, week_bounds

UNASSIGNED = "待分派"
NO_ENTERPRISE = "未关联企业档案"

# -- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # "weekly" | "monthly" | "custom"
    start: dt.datetime  # aware UTC, inclusive
    end: dt.datetime  # aware UTC, exclusive
    label: str
    previous: tuple[dt.datetime, dt.datetime] | None = None  # 环比
    year_ago: tuple[dt.datetime, dt.datetime] | None = None  # 同比

    @property
    def first_day(self) -> dt.date:
        return beijing_date(self.start)

    @property
    def last_day(self) -> dt.date:
        return beijing_date(self.end) - dt.timedelta(days=1)


def monthly(anchor: dt.date) -> Period:
    start, end = month_bounds(anchor)
    first = beijing_date(start)
    previous = month_bounds(first - dt.timedelta(days=1))
    try:
        year_ago_day = first.replace(year=first.year - 1)
    except ValueError:  # pragma: no cover - the first of a month always exists
        year_ago_day = first - dt.timedelta(days=365)
    return Period(
        "monthly", start, end, f"{first.year}年{first.month}月", previous, month_bounds(year_ago_day)
    )


def weekly(anchor: dt.date) -> Period:
    start, end = week_bounds(anchor)
    first = beijing_date(start)
    iso = first.isocalendar()
    return Period(
        "weekly",
        start,
        end,
        f"{iso.year}年第{iso.week}周（{first:%m月%d日}—{first + dt.timedelta(days=6):%m月%d日}）",
        week_bounds(first - dt.timedelta(days=7)),
        week_bounds(first - dt.timedelta(days=364)),
    )


def custom(first: dt.date, last: dt.date) -> Period:
    from epb.lib.timeutil import beijing_midnight

    return Period(
        "custom", beijing_midnight(first), beijing_midnight(last + dt.timedelta(days=1)), f"{first}—{last}"
    )


# -- breakdowns ---------------------------------------------------------------------------------


@dataclass
class Breakdown:
    total: int = 0
    complaints: int = 0
    consultations: int = 0
    accepted: int = 0
    declined: Counter[str] = field(default_factory=Counter)
    transferred: int = 0
    merged: int = 0
    replied: int = 0
    open: int = 0
    channel: Counter[str] = field(default_factory=Counter)
    type: Counter[str] = field(default_factory=Counter)
    sub_type: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    district: Counter[str] = field(default_factory=Counter)
    grid: Counter[str] = field(default_factory=Counter)
    enterprise: Counter[str] = field(default_factory=Counter)
    industry: Counter[str] = field(default_factory=Counter)
    severity: Counter[str] = field(default_factory=Counter)
    urgency: Counter[str] = field(default_factory=Counter)
    status: Counter[str] = field(default_factory=Counter)
    day: Counter[dt.date] = field(default_factory=Counter)
    hotspot: Counter[tuple[str, str]] = field(default_factory=Counter)  # (grid, type)
    mass: list[str] = field(default_factory=list)
    sudden: list[str] = field(default_factory=list)
    repeat: int = 0
    overdue: int = 0


def _type_names() -> dict[int, str]:
    return dict(PollutionType.objects.values_list("pk", "name"))


def breakdown(qs: QuerySet[Complaint]) -> Breakdown:
    """Counts of the cases in ``qs`` along every dimension the plan and the bulletins use."""
    rows = list(
        qs.values(
            "pk",
            "number",
            "kind",
            "channel",
            "status",
            "received_at",
            "accepted_at",
            "pollution_type_id",
            "sub_type_id",
            "district__name",
            "grid__name",
            "enterprise__name",
            "enterprise__industry",
            "severity",
            "urgency",
            "is_mass",
            "is_sudden",
            "is_repeat",
            "is_overdue",
            "decline_reason__label",
        )
    )
    names = _type_names()
    extra: dict[int, set[int]] = defaultdict(set)
    through = Complaint.other_types.through
    ids = [r["pk"] for r in rows]
    for chunk in range(0, len(ids), 900):
        for cid, tid in through.objects.filter(complaint_id__in=ids[chunk : chunk + 900]).values_list(
            "complaint_id", "pollutiontype_id"
        ):
            extra[cid].add(tid)
    channels, severities, urgencies, statuses = (
        dict(Channel.choices),
        dict(Severity.choices),
        dict(Urgency.choices),
        dict(Status.choices),
    )
    out = Breakdown()
    for r in rows:
        out.total += 1
        out.day[beijing_date(r["received_at"])] += 1
        out.channel[str(channels.get(r["channel"], r["channel"]))] += 1
        out.status[str(statuses.get(r["status"], r["status"]))] += 1
        if r["kind"] == Kind.CONSULTATION:
            out.consultations += 1
        else:
            out.complaints += 1
        status = r["status"]
        if status == Status.DECLINED:
            out.declined[r["decline_reason__label"] or "—"] += 1
        elif status == Status.TRANSFERRED:
            out.transferred += 1
        elif status == Status.MERGED:
            out.merged += 1
        if r["accepted_at"] is not None and r["kind"] == Kind.COMPLAINT:
            out.accepted += 1
        if status == Status.REPLIED:
            out.replied += 1
        if status in (Status.RECEIVED, Status.ACCEPTED, Status.REPLY_PENDING, Status.REVIEW):
            out.open += 1
        top = {t for t in [r["pollution_type_id"], *extra.get(r["pk"], ())] if t}
        for type_id in top:
            out.type[names.get(type_id, "?")] += 1
        if r["pollution_type_id"] and r["sub_type_id"]:
            out.sub_type[names.get(r["pollution_type_id"], "?")][names.get(r["sub_type_id"], "?")] += 1
        district = r["district__name"] or UNASSIGNED
        grid = r["grid__name"] or UNASSIGNED
        out.district[district] += 1
        out.grid[grid] += 1
        if r["pollution_type_id"]:
            out.hotspot[
                (f"{district}{grid}" if grid != district else grid, names.get(r["pollution_type_id"], "?"))
            ] += 1
        out.enterprise[r["enterprise__name"] or NO_ENTERPRISE] += 1
        if r["enterprise__name"]:
            out.industry[r["enterprise__industry"] or "—"] += 1
        out.severity[str(severities.get(r["severity"], r["severity"]))] += 1
        out.urgency[str(urgencies.get(r["urgency"], r["urgency"]))] += 1
        if r["is_mass"]:
            out.mass.append(r["number"])
        if r["is_sudden"]:
            out.sudden.append(r["number"])
        out.repeat += int(r["is_repeat"])
        out.overdue += int(r["is_overdue"])
    return out


def in_period(qs: QuerySet[Complaint], start: dt.datetime, end: dt.datetime) -> QuerySet[Complaint]:
    return qs.filter(received_at__gte=start, received_at__lt=end)


# -- callbacks and satisfaction -----------------------------------------------------------------


def _owed(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Cases that owe a callback: closed with a reply, complainant left real contacts (the plan:
    留有真实电话、真实地址和实名来信)."""
    return (
        qs.filter(replied_at__isnull=False, anonymous=False, kind__in=setting("COMPLAINTS_CALLBACK_KINDS"))
        .exclude(complainant__name="")
        .exclude(complainant__phone="", complainant__address="")
    )


def callback_by(qs: QuerySet[Complaint], unit: str) -> list[tuple[str, rules.CallbackFigures]]:
    """Callback and satisfaction figures per ``unit``: "district", "grid" or "department"."""
    field_name = {"district": "district__name", "grid": "grid__name", "department": "department__name"}[unit]
    owed = list(_owed(qs).values_list("pk", field_name))
    latest: dict[int, tuple[bool, str | None]] = {}
    for cid, reached, satisfaction in (
        Callback.objects.filter(complaint_id__in=[pk for pk, _n in owed], reached=True)
        .order_by("at")
        .values_list("complaint_id", "reached", "satisfaction")
    ):
        latest[cid] = (reached, satisfaction)
    grouped: dict[str, list[tuple[bool, str | None]]] = defaultdict(list)
    for pk, name in owed:
        got, rating = latest.get(pk, (False, None))
        grouped[name or UNASSIGNED].append((got, rating or None))
    return sorted(
        ((name, rules.callback_figures(rows)) for name, rows in grouped.items()), key=lambda p: p[0]
    )


def callback_total(qs: QuerySet[Complaint]) -> rules.CallbackFigures:
    figures = [f for _n, f in callback_by(qs, "district")]
    return rules.CallbackFigures(
        sum(f.owed for f in figures),
        sum(f.done for f in figures),
        sum(f.satisfied for f in figures),
        sum(f.basic for f in figures),
        sum(f.unsatisfied for f in figures),
    )


# -- timeliness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    cohort_label: str
    accepted: int
    finished: int
    open: int
    open_overdue: int
    met: int
    late: int

    @property
    def on_time_rate(self) -> Decimal | None:
        """Closed on time ÷ (closed + still open and overdue): the stricter of the two formulas."""
        return rules.ratio(self.met, self.met + self.late + self.open_overdue)


def timeliness(qs: QuerySet[Complaint], period: Period) -> Timeliness:
    """The national bulletin's 60-day check: of the cases accepted two months before the period's
    month, how many are finished; and the handling clocks closed in the period, on time or late."""
    cohort_month = beijing_date(period.start).replace(day=1)
    for _step in range(2):
        cohort_month = (cohort_month - dt.timedelta(days=1)).replace(day=1)
    c_start, c_end = month_bounds(cohort_month)
    cohort = qs.filter(accepted_at__gte=c_start, accepted_at__lt=c_end, kind=Kind.COMPLAINT)
    accepted = cohort.count()
    finished = cohort.filter(status__in=[Status.REPLIED, Status.TRANSFERRED, Status.MERGED]).count()
    ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
    handling = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Complaint),
        kind__in=["complaint.handle", "complaint.rehandle", "complaint.consult"],
        subject_id__in=ids,
    )
    closed = handling.filter(completed_at__gte=period.start, completed_at__lt=period.end)
    met = closed.filter(state=ClockState.MET).count()
    late = closed.filter(state=ClockState.COMPLETED_LATE).count()
    overdue = handling.filter(state=ClockState.OVERDUE).count()
    return Timeliness(
        f"{cohort_month.year}年{cohort_month.month}月",
        accepted,
        finished,
        accepted - finished,
        overdue,
        met,
        late,
    )


# -- charts -------------------------------------------------------------------------------------


def bar_chart(title: str, counts: Sequence[tuple[str, int]], label: str, horizontal: bool = False) -> Chart:
    names = [n for n, _c in counts]
    values = [c for _n, c in counts]
    axis_cat = {
        "type": "category",
        "data": names,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30},
    }
    axis_val = {"type": "value", "minInterval": 1}
    option = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90 if horizontal else 40, "right": 20, "bottom": 60, "top": 40},
        "xAxis": axis_val if horizontal else axis_cat,
        "yAxis": {**axis_cat, "inverse": True} if horizontal else axis_val,
        "series": [{"type": "bar", "data": values, "name": "件数", "itemStyle": {"color": "#0b6e4f"}}],
    }
    data = Table(
        [Column(label), Column("件数", ColumnKind.INTEGER)], [[n, c] for n, c in counts], caption=title
    )
    return Chart(title, option, data)


def pie_chart(title: str, counts: Sequence[tuple[str, int]], label: str) -> Chart:
    option = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}（{d}%）"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "top": 30,
                "data": [{"name": n, "value": c} for n, c in counts],
            }
        ],
    }
    data = Table(
        [Column(label), Column("件数", ColumnKind.INTEGER)], [[n, c] for n, c in counts], caption=title
    )
    return Chart(title, option, data)


def trend_chart(title: str, days: Counter[dt.date], first: dt.date, last: dt.date) -> Chart:
    span = (last - first).days
    dates = [first + dt.timedelta(days=i) for i in range(span + 1)]
    option = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "bottom": 40, "top": 40},
        "xAxis": {"type": "category", "data": [f"{d:%m-%d}" for d in dates]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "line",
                "smooth": True,
                "areaStyle": {},
                "data": [days.get(d, 0) for d in dates],
                "name": "件数",
            }
        ],
    }
    data = Table(
        [Column("日期", ColumnKind.DATE), Column("件数", ColumnKind.INTEGER)],
        [[d, days.get(d, 0)] for d in dates],
        caption=title,
    )
    return Chart(title, option, data)


def dashboard_charts(stats: Breakdown, first: dt.date, last: dt.date) -> list[Chart]:
    order_sev = [str(label) for _v, label in Severity.choices]
    order_urg = [str(label) for _v, label in Urgency.choices]
    subs = Counter({f"{t}·{s}": n for t, counter in stats.sub_type.items() for s, n in counter.items()})
    # The staff dashboard speaks the reader's language; the bulletins stay in Chinese.
    return [
        trend_chart(_("来件趋势"), stats.day, first, last),
        pie_chart(_("来源渠道"), stats.channel.most_common(), _("渠道")),
        bar_chart(_("污染类型（可多选，合计可大于总数）"), stats.type.most_common(), _("污染类型")),
        bar_chart(_("污染子类（前10）"), subs.most_common(10), _("子类"), horizontal=True),
        bar_chart(_("网格（前15）"), stats.grid.most_common(15), _("网格"), horizontal=True),
        bar_chart(
            _("被举报单位（前10）"),
            [(n, c) for n, c in stats.enterprise.most_common(11) if n != NO_ENTERPRISE][:10],
            _("单位"),
            horizontal=True,
        ),
        bar_chart(_("严重程度"), [(k, stats.severity.get(k, 0)) for k in order_sev], _("严重程度")),
        bar_chart(_("紧急程度"), [(k, stats.urgency.get(k, 0)) for k in order_urg], _("紧急程度")),
        bar_chart(_("办理状态"), stats.status.most_common(), _("状态")),
    ]


def hotspot_points(qs: QuerySet[Complaint], limit: int = 5000) -> list[dict[str, Any]]:
    """Located cases for the heat map and clusters (staff only: the queryset is already scoped)."""
    return [
        {
            "lat": round(lat or 0.0, 6),
            "lon": round(lon or 0.0, 6),
            "label": f"{number} {name or ''}",
            "url": reverse("complaints:detail", args=[pk]),
        }
        for pk, number, lon, lat, name in qs.filter(
            longitude__isnull=False, latitude__isnull=False
        ).values_list("pk", "number", "longitude", "latitude", "pollution_type__name")[:limit]
    ]


# -- the enterprise's history -------------------------------------------------------------------


def enterprise_quarterly_counts(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Complaints naming the enterprise per quarter (merged duplicates counted once), for the
    enterprise's three-year history. Counts only: the page is shown to the enterprise itself."""
    from epb.lib.timeutil import quarter_label

    counts: Counter[str] = Counter()
    for received in (
        Complaint.objects.filter(enterprise=enterprise, received_at__gte=start, received_at__lt=end)
        .exclude(status=Status.MERGED)
        .values_list("received_at", flat=True)
    ):
        counts[quarter_label(received)] += 1
    return dict(counts)
