"""Machine data: readings, raw frames (evidence), the quarantine and the NATS batch ledger.

These tables are append-mostly and high-volume, so they are written by the ingest path with
plain SQL in batches (``epb.monitoring.ingest``), not through the audit layer: they are the
evidence themselves. On PostgreSQL ``Reading`` and ``RawFrame`` are range-partitioned by month
(``epb.monitoring.partitions``); on SQLite they are plain tables.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import DataKind, FrameOutcome, QuarantineReason


class PacketData(models.JSONField):
    """A packet's values as JSON: ``json`` (text) on PostgreSQL, not ``jsonb``.

    For documents this small jsonb's per-key headers and numeric encoding cost about 60 % more
    bytes (329 vs 206 for a realtime packet of six factors), and the readings table is the
    largest of the platform. The ``->`` / ``->>`` / ``#>>`` operators Django's key lookups use
    work on ``json`` as well; containment and key-existence lookups (jsonb only) are not used on
    this table. psycopg hands ``json`` back already decoded, which ``from_db_value`` accepts.
    """

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, dict | list):
            return value
        return super().from_db_value(value, expression, connection)


class Reading(models.Model):
    """One stored data packet: a device's values of every factor at one DataTime.

    The key is (device, cn, data_time, part): a resent packet (same MN, CN and DataTime) is
    stored once. ``part`` is the PNO of a split packet (0 when unsplit), so the pieces of one
    split packet are kept side by side. ``data`` maps each factor's HJ 212-2017 code to its
    fields as sent (``{"w01018": {"Avg": 23.1, "Min": …, "Max": …, "Cou": …, "Flag": "N"}}``),
    numbers in the factor's default unit (``epb.standards.factors``), times as ISO UTC text.
    """

    pk = models.CompositePrimaryKey("device_id", "cn", "data_time", "part")
    # No index of its own: the primary key (device, cn, data_time, part) leads with it.
    device = models.ForeignKey(
        "monitoring.Device",
        on_delete=models.PROTECT,
        related_name="readings",
        verbose_name=_("设备"),
        db_index=False,
    )
    cn = models.PositiveSmallIntegerField(_("数据类型"), choices=DataKind.choices)
    data_time = models.DateTimeField(_("数据时间"))
    part = models.PositiveSmallIntegerField(_("分包序号"), default=0)
    received_at = models.DateTimeField(_("接收时间"))
    data = PacketData(_("监测值"), default=dict)
    resent = models.BooleanField(_("补传"), default=False)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")

    def __str__(self) -> str:
        return f"{self.device_id} {self.cn} {self.data_time:%Y-%m-%d %H:%M:%S}"


class RawFrame(models.Model):
    """Every frame received, as bytes, with what was done with it. Kept ``HJ212_RAW_RETENTION_DAYS``."""

    id = models.BigAutoField(primary_key=True)
    received_at = models.DateTimeField(_("接收时间"))
    peer = models.CharField(_("来源地址"), max_length=64, blank=True)
    mn = models.CharField(_("MN"), max_length=64, blank=True)
    device = models.ForeignKey(
        "monitoring.Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raw_frames",
        verbose_name=_("设备"),
        db_index=False,  # frames are searched by (mn, received_at); one index less per frame
    )
    cn = models.PositiveSmallIntegerField(_("CN"), null=True, blank=True)
    outcome = models.PositiveSmallIntegerField(_("处理结果"), choices=FrameOutcome.choices)
    error = models.TextField(_("错误"), blank=True)
    raw = models.BinaryField(_("原始报文"))

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("原始报文")
        verbose_name_plural = _("原始报文")
        indexes = [
            models.Index(fields=["mn", "received_at"], name="monitoring_raw_mn_time"),
            models.Index(fields=["received_at"], name="monitoring_raw_time"),
        ]

    def __str__(self) -> str:
        return f"{self.mn or '?'} {self.received_at:%Y-%m-%d %H:%M:%S}"

    @property
    def text(self) -> str:
        data = bytes(self.raw)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", "replace")


class QuarantineEntry(models.Model):
    """Frames from one MN that are kept out of the data: unknown MN, wrong PW or retired device.

    One row per MN, kept current per batch; the frames themselves are ``RawFrame`` rows with
    outcome ``QUARANTINED``. Registering the device (or correcting its PW) and replaying puts
    them into the data (``services.replay_quarantine``).
    """

    mn = models.CharField(_("MN"), max_length=64, unique=True)
    device = models.ForeignKey(
        "monitoring.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quarantine_entries",
        verbose_name=_("设备"),
    )
    reason = models.CharField(_("原因"), max_length=16, choices=QuarantineReason.choices)
    first_at = models.DateTimeField(_("首次收到"))
    last_at = models.DateTimeField(_("最近收到"), db_index=True)
    frames = models.BigIntegerField(_("报文数"), default=0)
    last_peer = models.CharField(_("来源地址"), max_length=64, blank=True)
    last_st = models.CharField(_("ST"), max_length=8, blank=True)
    last_cn = models.CharField(_("CN"), max_length=8, blank=True)
    last_pw = models.CharField(_("报文中的 PW"), max_length=64, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    jurisdiction = Scope(org_unit="device__org_unit")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-last_at"]
        verbose_name = _("隔离报文")
        verbose_name_plural = _("隔离报文")

    def __str__(self) -> str:
        return f"{self.mn} ({self.get_reason_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:quarantine_entry", args=[self.pk])


class IngestBatch(models.Model):
    """A batch consumed from NATS JetStream: written in the same transaction as its rows, so a
    redelivered message (writer crashed after commit, before its ack) is recognised and skipped."""

    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    frames = models.PositiveIntegerField(default=0)
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="monitoring_batch_once")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}"
