"""District centre → city centre: HJ 212 forwarding of the accepted frames.

A ``ForwardTarget`` names an upstream receiver (host, port) and the devices whose data go to it.
Every data frame of such a device is queued as a ``ForwardItem`` in the same transaction that
stores it (so an acknowledged frame is never missing from the queue), and the forwarder
(``epb.monitoring.centre.forwarder``) sends the queued frames, as received, and deletes each one
only when the upstream has acknowledged it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet


class ForwardTarget(AuditedModel):
    name = models.CharField(_("名称"), max_length=100)
    host = models.CharField(_("上级接收地址"), max_length=200)
    port = models.PositiveIntegerField(_("端口"))
    all_devices = models.BooleanField(_("转发全部设备"), default=False)
    devices = models.ManyToManyField("monitoring.Device", blank=True, related_name="forward_targets")
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Bookkeeping of the forwarder (machine state, written with plain updates).
    forwarded = models.BigIntegerField(_("已转发"), default=0)
    last_ok_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    audit_exclude = ("forwarded", "last_ok_at", "last_error", "updated_at")

    # A link between centres is the city's configuration: city-wide staff only.
    jurisdiction = Scope()
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("数据转发目标")
        verbose_name_plural = _("数据转发目标")

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


class ForwardItem(models.Model):
    """One frame waiting for the upstream's acknowledgement."""

    id = models.BigAutoField(primary_key=True)
    target = models.ForeignKey(ForwardTarget, on_delete=models.CASCADE, related_name="queue")
    device_id = models.BigIntegerField()
    received_at = models.DateTimeField()
    raw = models.BinaryField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["target", "id"], name="monitoring_forward_queue")]

    def __str__(self) -> str:
        return f"{self.target_id}#{self.id}"
