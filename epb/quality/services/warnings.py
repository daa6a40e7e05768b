"""Early warning: thresholds checked on every new water result, the drinking-water daily check
(日查日报), and warnings acknowledged and closed by their owners.

A condition that persists is one warning seen again (its count and last value move on), not a new
notification each time; once closed, the next crossing raises a new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import Role
from epb.core.models import User
from epb.core.notify import notify
from epb.lib.timeutil import day_bounds, to_beijing
from epb.quality import rules
from epb.quality.choices import SiteKind, WarningKind, WarningLevel, WarningStatus
from epb.quality.items import item_name
from epb.quality.models import EarlyWarning, Threshold, WaterSample, WaterSite
from epb.quality.services.access import may_handle_warnings, require

NOTIFY_KIND = "quality.warning"
_ACTIVE = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)


def owners_of(site: WaterSite) -> list[User]:
    """Who is told: the site's named owners, or else the staff of its district."""
    named = [u for u in site.owners.all() if u.is_active]
    if named:
        return named
    ancestors = [int(pk) for pk in site.org_unit.path.strip("/").split("/") if pk]
    return list(
        User.objects.filter(
            is_active=True, role=Role.DISTRICT_STAFF, org_unit_id__in=ancestors, org_unit__level="district"
        )
    )


def _raise(
    *,
    kind: str,
    level: str,
    site: WaterSite,
    observed_at: datetime,
    message: str,
    item: str = "",
    value: str = "",
    limit: str = "",
    threshold: Threshold | None = None,
    sample: WaterSample | None = None,
) -> EarlyWarning:
    active = EarlyWarning.objects.filter(
        site=site, kind=kind, item=item, threshold=threshold, status__in=_ACTIVE
    ).first()
    if active is not None:
        if sample is not None and active.sample_id == sample.pk:
            return active  # the same result checked twice
        return audit.update(
            active,
            actor=None,
            action="quality.earlywarning.seen_again",
            occurrences=active.occurrences + 1,
            last_value=value,
            last_seen_at=observed_at,
        )
    warning = audit.create(
        EarlyWarning,
        actor=None,
        kind=kind,
        level=level,
        site=site,
        threshold=threshold,
        sample=sample,
        item=item,
        value=value,
        limit=limit,
        observed_at=observed_at,
        message=message[:300],
        last_value=value,
        last_seen_at=observed_at,
    )
    notify(
        owners_of(site),
        kind=NOTIFY_KIND,
        title=_("【%(level)s预警】%(message)s") % {"level": warning.get_level_display(), "message": message},
        body=_("%(site)s，监测时间 %(time)s。请及时核实处置。")
        % {"site": site.name, "time": to_beijing(observed_at).strftime("%Y-%m-%d %H:%M")},
        url=warning.get_absolute_url(),
        subject=warning,
    )
    return warning


def check_sample(sample: WaterSample) -> list[EarlyWarning]:
    """Check one valid water result against its site's thresholds and, at drinking-water sources,
    against the drinking-water standard."""
    if not sample.is_valid:
        return []
    site = sample.site
    raised = []
    for threshold in site.thresholds.all():  # prefetched by check_samples
        if not threshold.is_active:
            continue
        raw = sample.values.get(threshold.item)
        if raw in (None, ""):
            continue
        crossed = rules.breach(raw, upper=threshold.upper, lower=threshold.lower)
        if crossed is None:
            continue
        name = item_name("water", threshold.item)
        side = _("高于") if crossed.side == "upper" else _("低于")
        word = _("蓝藻预警") if threshold.kind == WarningKind.ALGAE else _("预警")
        raised.append(
            _raise(
                kind=threshold.kind,
                level=threshold.level,
                site=site,
                observed_at=sample.sampled_at,
                message=_("%(site)s %(item)s %(value)s，%(side)s%(word)s线 %(limit)s")
                % {
                    "site": site.name,
                    "item": name,
                    "value": raw,
                    "side": side,
                    "word": word,
                    "limit": f"{crossed.limit.normalize():f}",
                },
                item=threshold.item,
                value=str(raw),
                limit=f"{crossed.limit.normalize():f}",
                threshold=threshold,
                sample=sample,
            )
        )
    if site.kind == SiteKind.DRINKING_SOURCE:
        judged = rules.drinking_compliant(sample.values, site.evaluated_as)
        if judged is not None and not judged[0]:
            names = "、".join(item_name("water", c) for c in judged[1])
            raised.append(
                _raise(
                    kind=WarningKind.DRINKING,
                    level=WarningLevel.ORANGE,
                    site=site,
                    observed_at=sample.sampled_at,
                    message=_("%(site)s 水质不达标（%(items)s）") % {"site": site.name, "items": names},
                    value=names[:32],
                    sample=sample,
                )
            )
    return raised


def check_samples(ids: Iterable[int]) -> list[EarlyWarning]:
    raised: list[EarlyWarning] = []
    samples = (
        WaterSample.objects.filter(pk__in=list(ids))
        .select_related("site__org_unit", "site__water_body")
        .prefetch_related("site__thresholds")
    )
    with transaction.atomic():
        for sample in samples.order_by("sampled_at"):
            raised += check_sample(sample)
    return raised


def daily_check(day: date) -> list[EarlyWarning]:
    """日查: every active drinking-water source must have a result for ``day``; a missing one is a
    warning to its owners."""
    start, end = day_bounds(day)
    raised = []
    with transaction.atomic():
        for site in WaterSite.objects.filter(kind=SiteKind.DRINKING_SOURCE, is_active=True).select_related(
            "org_unit"
        ):
            if site.samples.filter(sampled_at__gte=start, sampled_at__lt=end).exists():
                continue
            if EarlyWarning.objects.filter(site=site, kind=WarningKind.MISSING, last_seen_at=start).exists():
                continue  # this day was checked already
            raised.append(
                _raise(
                    kind=WarningKind.MISSING,
                    level=WarningLevel.YELLOW,
                    site=site,
                    observed_at=start,
                    message=_("%(site)s %(day)s 未报送水质日报数据")
                    % {"site": site.name, "day": f"{day.month}月{day.day}日"},
                )
            )
    return raised


def acknowledge_warning(warning: EarlyWarning, *, actor: User) -> EarlyWarning:
    require(may_handle_warnings(actor))
    if warning.status != WarningStatus.OPEN:
        raise ValidationError(_("只有待处理的预警可以确认"))
    return audit.update(
        warning,
        actor=actor,
        action="quality.earlywarning.acknowledged",
        status=WarningStatus.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
        acknowledged_by=actor,
    )


def close_warning(warning: EarlyWarning, *, actor: User, note: str) -> EarlyWarning:
    require(may_handle_warnings(actor))
    if warning.status == WarningStatus.CLOSED:
        raise ValidationError(_("该预警已关闭"))
    if not note.strip():
        raise ValidationError({"close_note": _("请填写处置情况")})
    fields: dict[str, Any] = {
        "status": WarningStatus.CLOSED,
        "closed_at": timezone.now(),
        "closed_by": actor,
        "close_note": note.strip()[:500],
    }
    if warning.acknowledged_at is None:
        fields |= {"acknowledged_at": fields["closed_at"], "acknowledged_by": actor}
    return audit.update(warning, actor=actor, action="quality.earlywarning.closed", **fields)
