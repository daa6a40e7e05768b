"""The device registry: HJ 212 data loggers (数采仪), their protocol profile, and their live status."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.monitoring.choices import (
    CrcVariantChoice,
    ProtocolVersion,
    SystemCode,
    TextEncoding,
)

validate_mn = RegexValidator(r"^[0-9A-Za-z_.\-]{1,32}$", _("MN 由 1–32 位字母、数字或 _ . - 组成"), code="mn")
validate_pw = RegexValidator(r"^[^;,=&\s]{1,32}$", _("PW 为 1–32 位，不含 ; , = & 和空白"), code="pw")
validate_sm4_key = RegexValidator(
    r"^([0-9A-Fa-f]{32})?$", _("SM4 密钥为 32 位十六进制数（16 字节）"), code="sm4_key"
)


def validate_crc_variants(value: object) -> None:
    allowed = set(CrcVariantChoice.values)
    if not isinstance(value, list) or not value or any(v not in allowed for v in value):
        raise ValidationError(
            _("CRC 算法须为以下之一或多个：%(allowed)s"), params={"allowed": ", ".join(sorted(allowed))}
        )


class Device(AuditedModel):
    """A data logger talking HJ 212 to the receiver, identified by its MN.

    Pollution-source devices hang on an outlet; ambient stations (ST 21 surface water,
    22 air quality, 23 noise …) have no outlet and are placed by ``org_unit`` alone. The
    ``org_unit`` of a source device is kept equal to its enterprise's grid by the services
    (and re-synced by a periodic task), so one Scope covers both kinds.
    """

    mn = models.CharField(_("设备编码 MN"), max_length=32, unique=True, validators=[validate_mn])
    pw = models.CharField(_("访问密码 PW"), max_length=32, validators=[validate_pw])
    name = models.CharField(_("名称"), max_length=100, blank=True)
    system = models.CharField(_("系统编码 ST"), max_length=3, choices=SystemCode.choices)
    outlet = models.ForeignKey(
        "enterprises.Outlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("排放口"),
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_devices",
        verbose_name=_("所在辖区或网格"),
    )
    # Protocol profile: what this device sends and what it may get wrong.
    version = models.CharField(
        _("协议版本"), max_length=4, choices=ProtocolVersion.choices, blank=True, default=ProtocolVersion.AUTO
    )
    crc_variants = models.JSONField(
        _("接受的 CRC 算法"), default=list, validators=[validate_crc_variants], blank=True
    )
    accept_lowercase_crc = models.BooleanField(_("接受小写 CRC"), default=True)
    accept_length_mismatch = models.BooleanField(_("接受长度字段错误"), default=False)
    encoding = models.CharField(
        _("中文编码"), max_length=8, choices=TextEncoding.choices, default=TextEncoding.UTF8
    )
    flow_unit = models.CharField(
        _("流量单位"),
        max_length=8,
        blank=True,
        help_text=_("设备上传流量所用单位（如 m3/h）；留空表示按 HJ 212 默认单位。入库时换算为默认单位。"),
    )
    sm4_key = models.CharField(
        _("SM4 密钥"),
        max_length=32,
        blank=True,
        validators=[validate_sm4_key],
        help_text=_("HJ 212-2025 加密数据区用；32 位十六进制。页面和接口只显示掩码。"),
    )
    rtd_interval = models.PositiveIntegerField(
        _("实时数据间隔（秒）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(86400)]
    )
    min_interval = models.PositiveIntegerField(
        _("分钟数据间隔（分钟）"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    audit_exclude = ("sm4_key", "updated_at")

    jurisdiction = Scope(org_unit="org_unit", enterprise="outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["mn"]
        verbose_name = _("监测设备")
        verbose_name_plural = _("监测设备")

    def __str__(self) -> str:
        return f"{self.name or self.get_system_display()}（{self.mn}）"

    def clean(self) -> None:
        from epb.monitoring.rules import placement_errors

        outlet_kind = self.outlet.kind if self.outlet_id is not None and self.outlet is not None else None
        errors = placement_errors(self.system, outlet_kind, self.org_unit_id is not None)
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:device", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/monitoring/devices/{self.pk}"

    @property
    def masked_key(self) -> str:
        from epb.monitoring.rules import mask_secret

        return mask_secret(self.sm4_key)


class DeviceStatus(models.Model):
    """Live status of a device, written by the ingest path once per batch (never per packet).

    Machine state, not a regulatory record: it is derived from the frames and readings, which
    are the evidence. ``*_at`` of a data kind is the newest DataTime stored for that kind, so
    the latest reading of each kind is one index probe away (``readings.latest_readings``).
    """

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, primary_key=True, related_name="status", verbose_name=_("设备")
    )
    last_seen_at = models.DateTimeField(_("最后通信"), null=True, blank=True)
    last_peer = models.CharField(_("最后来源地址"), max_length=64, blank=True)
    frames = models.BigIntegerField(_("收到报文数"), default=0)
    rejected = models.BigIntegerField(_("拒收报文数"), default=0)
    last_data_at = models.DateTimeField(_("最后数据包接收时间"), null=True, blank=True)
    last_cn = models.PositiveSmallIntegerField(_("最后数据包 CN"), null=True, blank=True)
    realtime_at = models.DateTimeField(_("最新实时数据时间"), null=True, blank=True)
    minute_at = models.DateTimeField(_("最新分钟数据时间"), null=True, blank=True)
    hour_at = models.DateTimeField(_("最新小时数据时间"), null=True, blank=True)
    day_at = models.DateTimeField(_("最新日数据时间"), null=True, blank=True)

    jurisdiction = Scope(org_unit="device__org_unit", enterprise="device__outlet__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("设备状态")
        verbose_name_plural = _("设备状态")

    def __str__(self) -> str:
        return f"{self.device_id} @ {self.last_seen_at}"
