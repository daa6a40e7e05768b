"""Monitoring results: water samples, air and noise values, and the imports they came from.

A result carries its period (one sampling, an hour, a day, a month), its source (a sheet import,
an automatic station, a manual entry) and where exactly it came from (the import batch, or the
station reading), so that every figure on the board can be traced to its origin. Values are kept
as text in the item's unit: a number ("0.52") or a below-detection result ("<0.01"), which the
evaluators count as half the detection limit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.quality.choices import DataKind, ImportStatus, Period, Source


class ImportBatch(AuditedModel):
    """One uploaded sheet: previewed, then imported as a whole or not at all."""

    kind = models.CharField(_("数据类型"), max_length=8, choices=DataKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人")
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增记录"), default=0)
    replaced = models.PositiveIntegerField(_("覆盖记录"), default=0)
    # [{"row": 7, "column": "氨氮", "reason": "…"}]: the report of bad rows.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    ignored_columns = models.JSONField(_("未识别的列"), default=list, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)

    jurisdiction = Scope(org_unit="org_unit", owner="uploaded_by")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据导入")
        verbose_name_plural = _("数据导入")

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("quality:import_detail", args=[self.pk])


class Result(AuditedModel):
    period = models.CharField(_("时段"), max_length=8, choices=Period.choices, default=Period.SAMPLE)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入批次"),
    )
    # The station reading a value came from ("MN 1234…, 2010-05-01 日均值"), for the drill-down.
    source_ref = models.CharField(_("来源记录"), max_length=200, blank=True)
    # {code: "0.52" | "<0.01"} in the item's unit.
    values = models.JSONField(_("监测值"), default=dict)
    # Coverage of station aggregates (openaq): {code: [observed, expected]} hours or days.
    coverage = models.JSONField(_("有效数据量"), default=dict, blank=True)
    is_valid = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class WaterSample(Result):
    site = models.ForeignKey(
        "quality.WaterSite", on_delete=models.PROTECT, related_name="samples", verbose_name=_("断面")
    )
    sampled_at = models.DateTimeField(_("采样时间"), db_index=True)

    jurisdiction = Scope(
        org_unit="site__org_unit", public=models.Q(site__is_public=True, site__is_active=True, is_valid=True)
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["site", "sampled_at"]
        verbose_name = _("水质监测结果")
        verbose_name_plural = _("水质监测结果")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "sampled_at", "period", "source"], name="quality_water_sample_unique"
            )
        ]
        indexes = [models.Index(fields=["site", "sampled_at"])]

    def __str__(self) -> str:
        return f"{self.site} {timezone.localtime(self.sampled_at):%Y-%m-%d}"


class AirSample(Result):
    station = models.ForeignKey(
        "quality.AirStation", on_delete=models.PROTECT, related_name="samples", verbose_name=_("站点")
    )
    start = models.DateTimeField(_("时段起"), db_index=True)

    jurisdiction = Scope(
        org_unit="station__org_unit",
        public=models.Q(station__is_public=True, station__is_active=True, is_valid=True),
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["station", "start"]
        verbose_name = _("空气监测结果")
        verbose_name_plural = _("空气监测结果")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "start", "period", "source"], name="quality_air_sample_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"


class NoiseSample(Result):
    """One point-time of functional-zone monitoring: Ld and Ln of one (24-hour) measurement."""

    point = models.ForeignKey(
        "quality.NoisePoint", on_delete=models.PROTECT, related_name="samples", verbose_name=_("监测点")
    )
    measured_on = models.DateField(_("监测日期"), db_index=True)

    jurisdiction = Scope(
        org_unit="point__org_unit",
        public=models.Q(point__is_public=True, point__is_active=True, is_valid=True),
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["point", "measured_on"]
        verbose_name = _("噪声监测结果")
        verbose_name_plural = _("噪声监测结果")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "measured_on", "source"], name="quality_noise_sample_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.measured_on}"
