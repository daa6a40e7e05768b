from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import CampaignKind, TargetStatus


class CampaignQuerySet(VisibleQuerySet["Campaign"]):
    def taking_part(self, user: Any) -> CampaignQuerySet:
        """Campaigns the user runs or works on: those in their jurisdiction, and city campaigns
        with targets in it (a district sees the city's lead campaign through its own targets)."""
        own = self.visible_to(user).values("pk")
        via_targets = CampaignTarget.objects.visible_to(user).values("campaign_id")
        return self.filter(Q(pk__in=own) | Q(pk__in=via_targets))


class Campaign(AuditedModel):
    """专项行动 (S2): one of the plan's five special actions in a year, with its own target list."""

    kind = models.CharField(_("类别"), max_length=16, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("工作要求"), blank=True)
    # Enterprises with any of these registry flags are targets (e.g. ["lead"]); places are added by hand.
    target_flags = models.JSONField(_("目标企业标签"), default=list, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头人")
    )

    jurisdiction = Scope(org_unit="org_unit", owner="lead")
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates")
        ]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enforcement:campaign_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/campaigns/{self.pk}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class CampaignTarget(AuditedModel):
    """An object of a campaign: an enterprise, or a place (a water-source zone, a road, a dispute)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="targets")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("地点或事项"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.PENDING, db_index=True
    )
    note = models.TextField(_("情况"), blank=True)
    last_checked_at = models.DateTimeField(_("最近排查"), null=True, blank=True)

    jurisdiction = Scope(org_unit="grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "grid__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="one_target_per_enterprise",
            )
        ]
        verbose_name = _("专项行动对象")
        verbose_name_plural = _("专项行动对象")

    def __str__(self) -> str:
        return self.enterprise.name if self.enterprise is not None else self.place

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/campaign-targets/{self.pk}"
