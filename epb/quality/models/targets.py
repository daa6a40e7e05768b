"""The "1190" targets (plan 一.1) as data, and the emission-reduction quotas entered by staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.quality.choices import Pollutant, TargetKind


class Target(AuditedModel):
    """One target of one year, with its rule. Targets are the plan's own published figures, so they
    carry no jurisdiction; the board computes them over the sites the viewer may see.

    ``required`` is a percentage for rates (drinking, noise, reduction) and a count otherwise
    (sections, rivers, lakes). An empty rule field takes the default from ``epb.quality.conf``.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("目标类型"), max_length=16, choices=TargetKind.choices)
    name = models.CharField(_("目标名称"), max_length=200)
    required = models.DecimalField(_("目标值"), max_digits=8, decimal_places=2)
    threshold = models.DecimalField(_("改善幅度（%）"), max_digits=6, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("对比基准年"), null=True, blank=True)
    rule = models.CharField(_("评价规则"), max_length=32, blank=True)
    min_months = models.PositiveSmallIntegerField(_("最少达标月数"), null=True, blank=True)
    items = models.JSONField(_("评价指标"), default=list, blank=True)
    sites = models.ManyToManyField(
        "quality.WaterSite", blank=True, related_name="targets", verbose_name=_("断面")
    )
    water_bodies = models.ManyToManyField(
        "quality.WaterBody", blank=True, related_name="targets", verbose_name=_("河道、湖泊")
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["year", "sort_order", "pk"]
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        constraints = [models.UniqueConstraint(fields=["year", "kind", "name"], name="quality_target_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class ReductionQuota(AuditedModel):
    """A pollutant's reduction quota for a year (省下达的年度减排任务) and what was achieved."""

    year = models.PositiveSmallIntegerField(_("年度"))
    pollutant = models.CharField(_("污染物"), max_length=8, choices=Pollutant.choices)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任辖区")
    )
    quota = models.DecimalField(_("减排任务（吨）"), max_digits=12, decimal_places=2)
    achieved = models.DecimalField(_("已完成（吨）"), max_digits=12, decimal_places=2, default=0)
    # {"3": "120.50", …}: the cumulative reduction achieved by the end of each month.
    progress = models.JSONField(_("逐月累计完成"), default=dict, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction = Scope(org_unit="org_unit")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["year", "org_unit__path", "pollutant"]
        verbose_name = _("减排任务")
        verbose_name_plural = _("减排任务")
        constraints = [
            models.UniqueConstraint(fields=["year", "pollutant", "org_unit"], name="quality_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit} {self.get_pollutant_display()}"
