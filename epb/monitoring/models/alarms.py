"""Alarms: one row per episode of a condition, and the detectors' resumable state.

An episode opens when the condition is first seen, is extended while evidence continues
(``active``), and ends when it clears; at most one active episode exists per (device, factor,
kind), enforced by a partial unique constraint, so repeated evidence never floods the list
(healthchecks' Flip: the row is the alarm, notification is claimed by compare-and-set). Its
handling — raised → acknowledged → handled by the enterprise → closed by the centre, or
reopened — is a regulatory record: every step goes through ``centre.alarms`` and the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import AlarmKind, AlarmState


class Alarm(AuditedModel):
    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, related_name="alarms", verbose_name=_("设备")
    )
    outlet = models.ForeignKey(
        "enterprises.Outlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("排放口"),
    )
    factor = models.CharField(_("监测因子"), max_length=32, blank=True)
    kind = models.CharField(_("报警类型"), max_length=24, choices=AlarmKind.choices, db_index=True)
    # The episode: when the condition was seen, whether it still holds.
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    last_evidence_at = models.DateTimeField(_("最近一次出现"))
    active = models.BooleanField(_("持续中"), default=True)
    evidence = models.PositiveIntegerField(_("出现次数"), default=1)
    # Exceedance: provisional (judged on realtime or minute values) until a valid mean confirms it.
    confirmed = models.BooleanField(_("已由有效均值确认"), default=True)
    value = models.FloatField(_("最大值"), null=True, blank=True)
    limit_min = models.FloatField(_("限值下限"), null=True, blank=True)
    limit_max = models.FloatField(_("限值上限"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    multiple = models.FloatField(_("超标倍数"), null=True, blank=True)
    basis = models.CharField(_("判定基础"), max_length=20, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # Handling.
    state = models.CharField(
        _("处理状态"), max_length=16, choices=AlarmState.choices, default=AlarmState.RAISED, db_index=True
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cause = models.TextField(_("原因"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    closed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_note = models.TextField(_("核销意见"), blank=True)
    reopened = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    audit_exclude = ("last_evidence_at", "evidence")

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "factor", "kind"],
                condition=Q(active=True),
                name="monitoring_alarm_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["device", "factor", "kind", "-started_at"], name="monitoring_alarm_key")
        ]
        verbose_name = _("报警")
        verbose_name_plural = _("报警")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.factor} {self.started_at:%Y-%m-%d %H:%M}".replace("  ", " ")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:alarm", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/monitoring/alarms/{self.pk}"

    @property
    def title(self) -> str:
        from epb.standards.factors import factor as factor_info

        known = factor_info(self.factor) if self.factor else None
        name = known.name_zh if known else self.factor
        label = str(self.get_kind_display())
        if self.kind == AlarmKind.EXCEEDANCE and not self.confirmed:
            label = str(_("超标（预警）"))
        return f"{label}{' · ' + name if name else ''}"


class DetectorState(models.Model):
    """``epb.standards.anomalies.State`` of one device, factor and series (CN), kept between runs
    so a restart does not reset a running 60-minute count. Machine state, not a record."""

    device = models.ForeignKey("monitoring.Device", on_delete=models.CASCADE, related_name="+")
    factor = models.CharField(max_length=32)
    cn = models.PositiveSmallIntegerField()
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "factor", "cn"], name="monitoring_detector_state_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.factor} {self.cn}"
