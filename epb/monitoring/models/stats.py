"""The centre's statistics: hourly and daily values per device and factor, with coverage.

Computed from the stored readings by ``epb.monitoring.centre.stats`` and recomputed (upserted by
key) whenever late or resent data touch a period, so a history upload after an outage corrects
them. Machine data like the readings: written in bulk, not through the audit layer; the rules
that made each value are named by ``status``, ``reasons`` and ``source``. On PostgreSQL
``HourlyValue`` is range-partitioned by month as the readings are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import StatStatus


class _Stat(models.Model):
    """Fields shared by the hourly and the daily values."""

    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    factor = models.CharField(_("监测因子"), max_length=32)
    value = models.FloatField(_("均值"), null=True, blank=True)  # measured; mean of the valid values
    converted = models.FloatField(_("折算均值"), null=True, blank=True)  # gas: at the outlet's reference O2
    minimum = models.FloatField(_("最小值"), null=True, blank=True)
    maximum = models.FloatField(_("最大值"), null=True, blank=True)
    status = models.CharField(_("有效性"), max_length=8, choices=StatStatus.choices)
    source = models.CharField(_("计算来源"), max_length=10)  # minute | realtime | hour | device
    method = models.CharField(_("计算方法"), max_length=14, default="arithmetic")
    expected = models.PositiveIntegerField(_("应有数"), default=0)
    observed = models.PositiveIntegerField(_("实有数"), default=0)
    valid = models.PositiveIntegerField(_("有效数"), default=0)
    stopped = models.PositiveIntegerField(_("停运数"), default=0)
    flags = models.JSONField(_("标记计数"), default=dict)
    reasons = models.TextField(_("无效原因"), blank=True)
    o2 = models.FloatField(_("氧含量均值(%)"), null=True, blank=True)
    volume = models.FloatField(_("排放量（m³）"), null=True, blank=True)
    load_kg = models.FloatField(_("排放量（kg）"), null=True, blank=True)
    device_value = models.FloatField(_("设备上传值"), null=True, blank=True)
    device_flag = models.CharField(_("设备上传标记"), max_length=4, blank=True)
    device_cou = models.FloatField(_("设备上传排放量 Cou"), null=True, blank=True)
    crosscheck = models.CharField(_("比对结果"), max_length=20, blank=True)
    crosscheck_detail = models.CharField(_("比对说明"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        abstract = True

    @property
    def percent_valid(self) -> float | None:
        return 100.0 * self.valid / self.expected if self.expected else None


class HourlyValue(_Stat):
    """One factor's hour ``[start, start + 1 h)`` of one device (HJ 75: ≥ 45 valid minutes;
    water: HJ 212 App. D)."""

    pk = models.CompositePrimaryKey("device_id", "factor", "start")
    start = models.DateTimeField(_("小时"))

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("小时统计值")
        verbose_name_plural = _("小时统计值")

    def __str__(self) -> str:
        return f"{self.device_id} {self.factor} {self.start:%Y-%m-%d %H:00}"


class DailyValue(_Stat):
    """One factor's Beijing day of one device: the daily value (gas ≥ 20 valid hours; water
    flow-weighted, HJ 356), the day's capture counts (HJ 75 α over hours) and transmission counts
    (national platform: received / expected slots of the device's own interval)."""

    pk = models.CompositePrimaryKey("device_id", "factor", "day")
    day = models.DateField(_("日期"))
    capture_total = models.PositiveIntegerField(_("捕集：总时段"), default=0)
    capture_stopped = models.PositiveIntegerField(_("捕集：停运时段"), default=0)
    capture_invalid = models.PositiveIntegerField(_("捕集：无效时段"), default=0)
    tx_expected = models.PositiveIntegerField(_("传输：应传数"), default=0)
    tx_received = models.PositiveIntegerField(_("传输：实传数"), default=0)
    tx_valid = models.PositiveIntegerField(_("传输：有效数"), default=0)
    tx_stopped = models.PositiveIntegerField(_("传输：停运数"), default=0)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("日统计值")
        verbose_name_plural = _("日统计值")
        indexes = [models.Index(fields=["day"], name="monitoring_daily_day")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.factor} {self.day}"

    @property
    def capture_pct(self) -> float | None:
        operating = self.capture_total - self.capture_stopped
        return 100.0 * (operating - self.capture_invalid) / operating if operating > 0 else None
