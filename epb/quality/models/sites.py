"""Where quality is measured: water bodies, water sections and points, air stations, noise points.

Every site sits in the org tree (a district or a town) and has WGS-84 coordinates; a site whose
results are published (``is_public``) is what the public portal shows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.quality.choices import NoiseZone, SiteKind, WaterBodyKind, WaterClass


def _longitude() -> models.FloatField[Any, Any]:
    return models.FloatField(
        _("经度（WGS-84）"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )


def _latitude() -> models.FloatField[Any, Any]:
    return models.FloatField(_("纬度（WGS-84）"), validators=[MinValueValidator(-90), MaxValueValidator(90)])


def _device(system: str) -> models.ForeignKey[Any, Any]:
    """The automatic station's data logger in the monitoring app (HJ 212 ST 21/22/23), if any:
    its hourly and daily values are pulled into this site's results (``services.stations``)."""
    return models.ForeignKey(
        "monitoring.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"system": system},
        verbose_name=_("自动站设备"),
    )


class WaterBody(AuditedModel):
    """A river, lake or reservoir. Reference data: the name of a river is no one's secret, so it
    has no jurisdiction; its sites do."""

    name = models.CharField(_("水体名称"), max_length=100, unique=True)
    kind = models.CharField(_("水体类型"), max_length=16, choices=WaterBodyKind.choices)
    basin = models.CharField(_("所属流域"), max_length=50, blank=True)
    inflow_taihu = models.BooleanField(_("入太湖河道"), default=False)
    clean_water = models.BooleanField(_("清水工程河道"), default=False)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主要所在辖区"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("水体")
        verbose_name_plural = _("水体")

    def __str__(self) -> str:
        return self.name

    @property
    def evaluated_as(self) -> str:
        """The water body the evaluators take: lakes and reservoirs use the lake TP column."""
        return "lake" if self.kind in (WaterBodyKind.LAKE, WaterBodyKind.RESERVOIR) else "river"


class Site(AuditedModel):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在辖区或网格")
    )
    longitude = _longitude()
    latitude = _latitude()
    coordinate_note = models.CharField(_("坐标说明"), max_length=100, blank=True)
    is_public = models.BooleanField(_("公开发布"), default=True)
    is_active = models.BooleanField(_("在用"), default=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction = Scope(org_unit="org_unit", public=models.Q(is_public=True, is_active=True))
    objects = VisibleQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class WaterSite(Site):
    """A monitoring section of a river, a point of a lake, or the intake of a drinking-water source."""

    kind = models.CharField(_("类型"), max_length=20, choices=SiteKind.choices)
    water_body = models.ForeignKey(
        WaterBody, on_delete=models.PROTECT, related_name="sites", verbose_name=_("所在水体")
    )
    target_class = models.CharField(
        _("水质目标"), max_length=3, choices=WaterClass.choices, blank=True, help_text=_("考核目标类别")
    )
    taihu_assessment = models.BooleanField(_("省级太湖考核断面"), default=False)
    algae_watch = models.BooleanField(_("蓝藻预警点位"), default=False)
    intake_volume = models.DecimalField(
        _("取水量（万立方米/日）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("预警责任人")
    )
    device = _device("21")

    class Meta(Site.Meta):
        verbose_name = _("水质断面（点位）")
        verbose_name_plural = _("水质断面（点位）")
        indexes = [models.Index(fields=["kind", "taihu_assessment"])]

    def get_absolute_url(self) -> str:
        return reverse("quality:site", args=[self.pk])

    @property
    def evaluated_as(self) -> str:
        if self.kind == SiteKind.LAKE_POINT:
            return "lake"
        return self.water_body.evaluated_as


class AirStation(Site):
    """An ambient air monitoring station (国控/省控/市控)."""

    level = models.CharField(
        _("站点级别"),
        max_length=16,
        choices=[("national", _("国控点")), ("provincial", _("省控点")), ("city", _("市控点"))],
        default="national",
    )
    in_city_mean = models.BooleanField(_("参与城市均值"), default=True)
    device = _device("22")

    class Meta(Site.Meta):
        verbose_name = _("空气自动监测站")
        verbose_name_plural = _("空气自动监测站")

    def get_absolute_url(self) -> str:
        return reverse("quality:station", args=[self.pk])


class NoisePoint(Site):
    """A fixed point of functional-zone noise monitoring (GB 3096 附录B)."""

    zone = models.CharField(_("声环境功能区"), max_length=2, choices=NoiseZone.choices)
    railway_background = models.BooleanField(
        _("既有铁路干线背景噪声"), default=False, help_text=_("4b类区既有铁路干线两侧按70/55 dB(A)评价")
    )
    device = _device("23")

    class Meta(Site.Meta):
        verbose_name = _("功能区噪声监测点")
        verbose_name_plural = _("功能区噪声监测点")

    def get_absolute_url(self) -> str:
        return reverse("quality:noise_point", args=[self.pk])
