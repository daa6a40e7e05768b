"""Special campaigns (S2): the plan's five special actions, their targets, patrols and progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epb.core import audit
from epb.core.models import OrgUnit, User
from epb.enforcement.choices import CampaignKind, InspectionStatus, TargetStatus, TaskKind, TaskStatus
from epb.enforcement.models import Campaign, CampaignTarget, Finding, InspectionTask
from epb.enforcement.services.access import covers, is_manager, is_officer, require
from epb.enforcement.services.plans import create_task
from epb.enterprises.choices import EnterpriseStatus
from epb.enterprises.models import Enterprise


@dataclass(frozen=True)
class CampaignPreset:
    """The plan's own wording and dates for each special action (plan 一.2)."""

    name: Any
    description: Any
    flags: tuple[str, ...]
    start: tuple[int, int]  # month, day
    end: tuple[int, int]


PRESETS: dict[str, CampaignPreset] = {
    CampaignKind.DRINKING_WATER: CampaignPreset(
        gettext_lazy("饮用水源地安全专项行动"),
        gettext_lazy(
            "组织对水源地保护区巡查，发现问题严肃查处，及时协调相关部门消除水源地安全隐患，巩固饮用水源地保护区整治成果。"
        ),
        ("drinking_water",),
        (1, 1),
        (12, 31),
    ),
    CampaignKind.GAMES: CampaignPreset(
        gettext_lazy("省运会环境保障专项行动暨200天环保矛盾纠纷大排查"),
        gettext_lazy(
            "围绕省运会和世博会开展环境问题千人找差活动，找出问题，解决问题；4月15日至10月31日开展为期200天的环保矛盾纠纷大排查，化解积案。"
        ),
        ("venue_area",),
        (4, 15),
        (10, 31),
    ),
    CampaignKind.LEAD: CampaignPreset(
        gettext_lazy("涉铅企业环境整治专项行动"),
        gettext_lazy(
            "全面排查涉铅污染物排放企业及周边区域环境隐患，严肃查处相关铅污染问题，有效防止铅污染事件发生。"
        ),
        ("lead",),
        (1, 1),
        (12, 31),
    ),
    CampaignKind.TRUSTWORTHY: CampaignPreset(
        gettext_lazy("打造放心行业专项行动"),
        gettext_lazy(
            "全面完成纺织、印染行业和污水处理厂整治，总结提高电镀行业整治成果，打造纺织、印染、电镀和污水处理厂放心行业。"
        ),
        ("textile", "dyeing", "electroplating", "wwtp"),
        (1, 1),
        (12, 31),
    ),
    CampaignKind.STRAW: CampaignPreset(
        gettext_lazy("秸秆禁烧专项行动"),
        gettext_lazy(
            "夏、秋时节组织对全市重点道路、区域巡查，确保不发生大规模烟霾天气或秸秆抛河威胁饮用水源安全事件。"
        ),
        (),
        (5, 20),
        (11, 15),
    ),
}


def preset_dates(kind: str, year: int) -> tuple[dt.date, dt.date]:
    preset = PRESETS[kind]
    return dt.date(year, *preset.start), dt.date(year, *preset.end)


def create_campaign(
    *,
    actor: User | None,
    kind: str,
    year: int,
    org_unit: OrgUnit,
    lead: User,
    name: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    description: str = "",
    target_flags: Sequence[str] | None = None,
) -> Campaign:
    if actor is not None:
        require(is_manager(actor) and covers(actor, org_unit), _("只有市局或辖市区环保局可以组织专项行动"))
    if not is_manager(lead) or not covers(lead, org_unit):
        raise ValidationError({"lead": _("牵头人须为该单位的工作人员")})
    preset = PRESETS.get(kind)
    if preset is not None:
        start, end = preset_dates(kind, year)
        starts_on, ends_on = starts_on or start, ends_on or end
    if starts_on is None or ends_on is None:
        raise ValidationError(_("请填写起止日期"))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    return audit.create(
        Campaign,
        actor=actor,
        kind=kind,
        year=year,
        org_unit=org_unit,
        lead=lead,
        name=name or (str(preset.name) if preset else ""),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description or (str(preset.description) if preset else ""),
        target_flags=list(target_flags if target_flags is not None else (preset.flags if preset else ())),
    )


def sync_targets(campaign: Campaign, *, actor: User | None) -> int:
    """Add every enterprise under the organiser carrying one of the campaign's flags (e.g. all
    lead-related enterprises). Enterprises already on the list are left alone. Returns how many."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, campaign.org_unit), _("只有组织单位可以生成目标清单"))
    if not campaign.target_flags:
        return 0
    condition = Q()
    for flag in campaign.target_flags:
        condition |= Q(flags__icontains=f'"{flag}"')
    listed = set(campaign.targets.exclude(enterprise=None).values_list("enterprise_id", flat=True))
    added = 0
    with transaction.atomic():
        for enterprise in (
            Enterprise.objects.filter(grid__path__startswith=campaign.org_unit.path)
            .filter(condition)
            .exclude(status=EnterpriseStatus.CLOSED)
            .exclude(pk__in=listed)
        ):
            audit.create(
                CampaignTarget, actor=actor, campaign=campaign, enterprise=enterprise, grid=enterprise.grid
            )
            added += 1
    return added


def add_place(
    campaign: Campaign, *, actor: User | None, place: str, grid: OrgUnit, note: str = ""
) -> CampaignTarget:
    """A target that is not an enterprise: a protection zone, a road for straw patrols, a dispute."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, grid), _("无权在该网格添加专项行动对象"))
    if not grid.is_within(campaign.org_unit):
        raise ValidationError({"grid": _("该网格不在专项行动的组织范围内")})
    if not place.strip():
        raise ValidationError({"place": _("请填写地点或事项")})
    return audit.create(
        CampaignTarget, actor=actor, campaign=campaign, place=place.strip(), grid=grid, note=note
    )


def dispatch_patrol(
    target: CampaignTarget,
    *,
    actor: User | None,
    owner: User,
    due_date: dt.date,
    night: bool = False,
    holiday: bool = False,
    surprise: bool = False,
) -> InspectionTask:
    campaign = target.campaign
    if not campaign.starts_on <= due_date <= campaign.ends_on + dt.timedelta(days=30):
        raise ValidationError({"due_date": _("巡查期限应在专项行动期间内")})
    return create_task(
        actor=actor,
        grid=target.grid,
        title=_("%(campaign)s巡查：%(target)s") % {"campaign": campaign.name, "target": target},
        due_date=due_date,
        owner=owner,
        enterprise=target.enterprise,
        kind=TaskKind.CAMPAIGN,
        night=night,
        holiday=holiday,
        surprise=surprise,
        instructions=campaign.description,
        campaign=campaign,
        campaign_target=target,
    )


def update_target(
    target: CampaignTarget, *, actor: User | None, status: str, note: str = ""
) -> CampaignTarget:
    if actor is not None:
        require(is_officer(actor) and covers(actor, target.grid), _("无权修改该专项行动对象"))
    if status not in TargetStatus.values:
        raise ValidationError(_("状态无效"))
    return audit.update(
        target,
        actor=actor,
        action="enforcement.campaigntarget.updated",
        status=status,
        note=note or target.note,
    )


@dataclass
class Progress:
    targets: int
    by_status: dict[str, int]
    tasks: int
    tasks_done: int
    findings: int
    violations: int

    @property
    def checked(self) -> int:
        return self.targets - self.by_status.get(TargetStatus.PENDING, 0)

    @property
    def share_checked(self) -> float | None:
        return self.checked / self.targets if self.targets else None


def progress(campaign: Campaign, user: Any) -> Progress:
    """Progress as the user sees it: targets, patrols and findings within their jurisdiction."""
    targets = CampaignTarget.objects.visible_to(user).filter(campaign=campaign)
    statuses = Counter(targets.values_list("status", flat=True))
    tasks = (
        InspectionTask.objects.visible_to(user).filter(campaign=campaign).exclude(status=TaskStatus.CANCELLED)
    )
    findings = Finding.objects.visible_to(user).filter(
        inspection__task__campaign=campaign, inspection__status=InspectionStatus.SUBMITTED
    )
    return Progress(
        targets=sum(statuses.values()),
        by_status=dict(statuses),
        tasks=tasks.count(),
        tasks_done=tasks.filter(status=TaskStatus.DONE).count(),
        findings=findings.count(),
        violations=findings.filter(is_violation=True).count(),
    )
