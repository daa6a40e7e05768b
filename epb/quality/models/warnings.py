"""Early warning (plan 一.3 六): thresholds per site and item, and the warnings they raise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.quality.choices import WarningKind, WarningLevel, WarningStatus


class Threshold(AuditedModel):
    """A warning line for one item at one site: above ``upper`` or below ``lower`` raises a warning."""

    site = models.ForeignKey(
        "quality.WaterSite", on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("断面")
    )
    item = models.CharField(_("指标"), max_length=16)
    kind = models.CharField(
        _("预警类型"), max_length=12, choices=WarningKind.choices[:2], default=WarningKind.THRESHOLD
    )
    level = models.CharField(
        _("预警级别"), max_length=8, choices=WarningLevel.choices, default=WarningLevel.YELLOW
    )
    upper = models.DecimalField(_("上限"), max_digits=14, decimal_places=6, null=True, blank=True)
    lower = models.DecimalField(_("下限"), max_digits=14, decimal_places=6, null=True, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    jurisdiction = Scope(org_unit="site__org_unit")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["site", "item", "level"]
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")

    def __str__(self) -> str:
        bounds = []
        if self.lower is not None:
            bounds.append(f"≥{self.lower.normalize():f}")
        if self.upper is not None:
            bounds.append(f"≤{self.upper.normalize():f}")
        return f"{self.site} {self.item} {' '.join(bounds)}"


class EarlyWarning(AuditedModel):
    kind = models.CharField(_("预警类型"), max_length=12, choices=WarningKind.choices)
    level = models.CharField(_("级别"), max_length=8, choices=WarningLevel.choices)
    site = models.ForeignKey(
        "quality.WaterSite", on_delete=models.PROTECT, related_name="warnings", verbose_name=_("断面")
    )
    threshold = models.ForeignKey(
        Threshold, on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings"
    )
    sample = models.ForeignKey(
        "quality.WaterSample", on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings"
    )
    item = models.CharField(_("指标"), max_length=16, blank=True)
    value = models.CharField(_("监测值"), max_length=32, blank=True)
    limit = models.CharField(_("预警线"), max_length=32, blank=True)
    observed_at = models.DateTimeField(_("监测时间"))
    message = models.CharField(_("内容"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=14, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    raised_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    # A condition that persists is one warning seen again, not a new one each time.
    occurrences = models.PositiveIntegerField(_("出现次数"), default=1)
    last_value = models.CharField(_("最近监测值"), max_length=32, blank=True)
    last_seen_at = models.DateTimeField(_("最近出现"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(_("处置情况"), max_length=500, blank=True)

    jurisdiction = Scope(org_unit="site__org_unit")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        return reverse("quality:warning", args=[self.pk])
