"""Commands from the centre to a device, with the device's answers: a DB-row queue.

The web creates a row (``services.create_command``); the receiver that holds the device's
connection claims it with a compare-and-set update, sends it and records the 9011 / 9012 / 9013
answers and the time-outs (``epb.monitoring.commands``). Every state change is in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import FINAL_COMMAND_STATES, CommandKind, CommandState


class Command(AuditedModel):
    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, related_name="commands", verbose_name=_("设备")
    )
    kind = models.CharField(_("命令"), max_length=4, choices=CommandKind.choices)
    qn = models.CharField(_("请求编码 QN"), max_length=20)
    begin_time = models.DateTimeField(_("起始时间"), null=True, blank=True)
    end_time = models.DateTimeField(_("截止时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=CommandState.choices, default=CommandState.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    claimed_by = models.CharField(_("发送的接收服务"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    sent_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    qn_rtn = models.PositiveSmallIntegerField(_("请求应答 QnRtn"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    exe_rtn = models.PositiveSmallIntegerField(_("执行结果 ExeRtn"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["device", "qn"], name="monitoring_command_qn")]
        verbose_name = _("反控命令")
        verbose_name_plural = _("反控命令")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.device.mn} ({self.get_state_display()})"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_COMMAND_STATES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:command", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/monitoring/commands/{self.pk}"
