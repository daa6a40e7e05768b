"""What the centre judges each outlet by: its standard and class, its own limits (permit, local
special limits) with effective dates, the enterprise's permitted annual totals, anomaly thresholds
per device and factor, and status marks. Every one is data, edited through audited services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import LimitKind, MarkKind, SourceAge


class OutletStandard(AuditedModel):
    """How the centre reads an outlet's applicable standard (``Outlet.standard``/``standard_class``).

    Blank ids mean "map the registry's text" (``epb.monitoring.centre.standard_map``); set them when
    the text cannot be mapped or is ambiguous. ``context`` decides conditional rows (plant build
    date, discharge route, region, unit type, fuel, boiler capacity: the keys of the limit data)."""

    outlet = models.OneToOneField(
        "enterprises.Outlet", on_delete=models.PROTECT, related_name="judged_by", verbose_name=_("排放口")
    )
    standard_id = models.CharField(_("标准（数据编号）"), max_length=32, blank=True)
    class_id = models.CharField(_("级别/表（数据编号）"), max_length=32, blank=True)
    source_age = models.CharField(_("新建/现有"), max_length=8, choices=SourceAge.choices, blank=True)
    special = models.BooleanField(_("执行特别排放限值"), default=False)
    context = models.JSONField(_("判定条件"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    jurisdiction = Scope(org_unit="outlet__enterprise__grid", enterprise="outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("排放口执行标准")
        verbose_name_plural = _("排放口执行标准")

    def __str__(self) -> str:
        return f"{self.outlet}: {self.standard_id} {self.class_id}".strip()


class LimitOverride(AuditedModel):
    """An outlet's own limit for one factor (discharge permit, EIA approval, local special limit),
    in force from–to (inclusive). It replaces the standard's rows for that factor while in force."""

    outlet = models.ForeignKey(
        "enterprises.Outlet",
        on_delete=models.PROTECT,
        related_name="limit_overrides",
        verbose_name=_("排放口"),
    )
    item = models.CharField(_("监测因子"), max_length=32)
    kind = models.CharField(_("限值类型"), max_length=8, choices=LimitKind.choices, default=LimitKind.MAX)
    min_value = models.FloatField(_("下限"), null=True, blank=True)
    max_value = models.FloatField(_("上限"), null=True, blank=True)
    unit = models.CharField(
        _("单位"), max_length=16, blank=True, help_text=_("留空：与标准或因子默认单位相同")
    )
    basis = models.CharField(
        _("判定基础"),
        max_length=20,
        blank=True,
        choices=[
            ("reading", _("单个读数")),
            ("hourly_mean", _("小时均值")),
            ("daily_mean", _("日均值")),
        ],
        help_text=_("留空：废水日均值、废气小时均值、pH 单个读数"),
    )
    reference_o2 = models.FloatField(_("基准氧含量(%)"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    reference = models.CharField(
        _("依据"), max_length=200, help_text=_("排污许可证编号、环评批复文号或地方文件")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    jurisdiction = Scope(org_unit="outlet__enterprise__grid", enterprise="outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["outlet", "item", "-effective_from"]
        verbose_name = _("排放口限值")
        verbose_name_plural = _("排放口限值")

    def __str__(self) -> str:
        bound = f"{self.min_value}–{self.max_value}" if self.kind == LimitKind.RANGE else f"≤{self.max_value}"
        return f"{self.item} {bound} {self.unit} ({self.effective_from}–{self.effective_to or ''})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == LimitKind.MAX and self.max_value is None:
            errors["max_value"] = str(_("上限值必填"))
        if self.kind == LimitKind.RANGE and (self.min_value is None or self.max_value is None):
            errors["min_value"] = str(_("范围限值须填上下限"))
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["min_value"] = str(_("下限不能大于上限"))
        if self.max_value is not None and self.max_value < 0:
            errors["max_value"] = str(_("限值不能为负"))
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = str(_("失效日期不能早于生效日期"))
        if self.reference_o2 is not None and not 0 <= self.reference_o2 < 21:
            errors["reference_o2"] = str(_("基准氧含量应在 0–21% 之间"))
        if errors:
            raise ValidationError(errors)


class PermittedTotal(AuditedModel):
    """An enterprise's permitted annual emission of one pollutant (许可排放量), from its permit."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="permitted_totals",
        verbose_name=_("企业"),
    )
    item = models.CharField(_("污染物"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"))
    tonnes = models.DecimalField(_("许可排放量（吨）"), max_digits=12, decimal_places=4)
    reference = models.CharField(_("依据"), max_length=200, help_text=_("排污许可证编号"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    jurisdiction = Scope(org_unit="enterprise__grid", enterprise="enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "year", "item"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "item", "year"], name="monitoring_permitted_once")
        ]
        verbose_name = _("许可排放量")
        verbose_name_plural = _("许可排放量")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.item} {self.tonnes} t"

    def clean(self) -> None:
        if self.tonnes is not None and self.tonnes <= 0:
            raise ValidationError({"tonnes": _("许可排放量须大于零")})


class AnomalySetting(AuditedModel):
    """Anomaly thresholds of one device and factor, overriding ``anomalies.defaults_for``.

    ``factor`` blank is the device itself (``offline_minutes``). ``thresholds`` holds fields of
    ``epb.standards.anomalies.Thresholds`` (durations in minutes); ``disabled`` lists kinds that
    raise no alarm for this factor."""

    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, related_name="anomaly_settings", verbose_name=_("设备")
    )
    factor = models.CharField(_("监测因子"), max_length=32, blank=True)
    offline_minutes = models.FloatField(_("离线判定（分钟）"), null=True, blank=True)
    range_upper = models.FloatField(_("仪器量程上限"), null=True, blank=True)
    rated_flow = models.FloatField(_("额定流量"), null=True, blank=True)
    thresholds = models.JSONField(_("其他阈值"), default=dict, blank=True)
    disabled = models.JSONField(_("不报警的类型"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["device", "factor"]
        constraints = [
            models.UniqueConstraint(fields=["device", "factor"], name="monitoring_anomaly_setting_once")
        ]
        verbose_name = _("异常判定阈值")
        verbose_name_plural = _("异常判定阈值")

    def __str__(self) -> str:
        return f"{self.device_id} {self.factor or _('设备')}"

    def clean(self) -> None:
        from epb.monitoring.centre.thresholds import threshold_errors

        errors = threshold_errors(self.thresholds, self.disabled)
        if self.offline_minutes is not None and self.offline_minutes <= 0:
            errors["offline_minutes"] = str(_("须大于零"))
        if self.range_upper is not None and self.range_upper <= 0:
            errors["range_upper"] = str(_("须大于零"))
        if errors:
            raise ValidationError(errors)


class Mark(AuditedModel):
    """A status mark (标记): a period of a device (all factors, or one) set apart before validity —
    stops count as stopped time, faults, maintenance and calibration as invalid, start-up and
    shut-down as not judged. Marked data are never judged for exceedance."""

    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, related_name="marks", verbose_name=_("设备")
    )
    factor = models.CharField(_("监测因子"), max_length=32, blank=True, help_text=_("留空：全部因子"))
    kind = models.CharField(_("标记类型"), max_length=16, choices=MarkKind.choices)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("状态标记")
        verbose_name_plural = _("状态标记")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("结束时间须晚于开始时间")})
