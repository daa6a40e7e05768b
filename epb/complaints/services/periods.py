"""Sensitive periods (重要敏感时期): staff define them; every day of a period gets a daily report,
a day without complaints included (零报告)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.complaints.choices import Status
from epb.complaints.models import Complaint, DailyReport, SensitivePeriod
from epb.complaints.services.common import is_centre, require
from epb.core import audit
from epb.core.models import Clock, User
from epb.core.models.clocks import ClockState
from epb.lib.timeutil import beijing_date, day_bounds


def save_period(
    *,
    actor: User,
    name: str,
    start: dt.date,
    end: dt.date,
    escalate_severity: int,
    escalate_urgency: int,
    note: str = "",
    period: SensitivePeriod | None = None,
) -> SensitivePeriod:
    require(is_centre(actor), _("敏感时期由局领导或信访中心设定"))
    fields: dict[str, Any] = {
        "name": name.strip(),
        "start": start,
        "end": end,
        "escalate_severity": escalate_severity,
        "escalate_urgency": escalate_urgency,
        "note": note.strip(),
    }
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期")})
    if period is None:
        return audit.create(SensitivePeriod, actor=actor, created_by=actor, **fields)
    return audit.update(period, actor=actor, **fields)


def daily_content(day: dt.date) -> dict[str, Any]:
    """What the daily report says about one Beijing day, as plain data."""
    start, end = day_bounds(day)
    cases = list(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .select_related("pollution_type", "district")
        .prefetch_related("other_types")
        .order_by("received_at")
    )
    by_type: Counter[str] = Counter()
    by_district: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    incidents = []
    for case in cases:
        names = {t.name for t in [case.pollution_type, *case.other_types.all()] if t is not None}
        by_type.update(names or {str(case.get_kind_display())})
        by_district[case.district.name if case.district else str(_("待分派"))] += 1
        by_channel[str(case.get_channel_display())] += 1
        if case.is_mass or case.is_sudden or case.escalated_at is not None:
            flags = [f for f, on in (("群体性", case.is_mass), ("突发", case.is_sudden)) if on]
            incidents.append(
                {
                    "number": case.number,
                    "type": case.type_label(),
                    "district": case.district.name if case.district else "",
                    "flags": flags or ["紧急上报"],
                }
            )
    overdue = Clock.objects.filter(kind__startswith="complaint.", state=ClockState.OVERDUE).count()
    total = len(cases)
    if total:
        text = _("%(day)s共收到环境信访%(n)d件，其中群体性、突发或紧急上报%(i)d件。") % {
            "day": f"{day:%Y年%m月%d日}",
            "n": total,
            "i": len(incidents),
        }
    else:
        text = _("%(day)s未收到环境信访投诉（零报告）。") % {"day": f"{day:%Y年%m月%d日}"}
    return {
        "text": text,
        "total": total,
        "by_type": dict(by_type.most_common()),
        "by_district": dict(by_district.most_common()),
        "by_channel": dict(by_channel.most_common()),
        "incidents": incidents,
        "open_overdue": overdue,
        "open_cases": Complaint.objects.exclude(
            status__in=[Status.REPLIED, Status.DECLINED, Status.TRANSFERRED, Status.MERGED]
        ).count(),
    }


def generate_daily_reports(now: dt.datetime | None = None) -> int:
    """Write the missing report of every finished day of every period. Idempotent."""
    now = now or timezone.now()
    yesterday = beijing_date(now) - dt.timedelta(days=1)
    created = 0
    for period in SensitivePeriod.objects.filter(start__lte=yesterday):
        last = min(period.end, yesterday)
        have = set(period.reports.values_list("day", flat=True))
        day = period.start
        while day <= last:
            if day not in have:
                content = daily_content(day)
                try:
                    with transaction.atomic():
                        DailyReport.objects.create(
                            period=period, day=day, total=content["total"], content=content
                        )
                    created += 1
                except IntegrityError:  # another worker wrote it first
                    pass
            day += dt.timedelta(days=1)
    return created
