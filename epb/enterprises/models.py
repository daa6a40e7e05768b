"""The pollution-source registry: enterprises and their outlets. Other apps point here."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enterprises.choices import EnterpriseStatus, OutletKind, SourceClass


def validate_uscc(value: str) -> None:
    from epb.lib.codes import check_uscc

    result = check_uscc(value)
    if not result.valid or result.normalized != value:
        message = result.message or _("请使用大写、无空格的18位代码")
        raise ValidationError(_("统一社会信用代码无效：%(reason)s"), params={"reason": message}, code="uscc")


class Enterprise(AuditedModel):
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所属网格")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=8, blank=True)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    source_class = models.CharField(
        _("监管类别"), max_length=16, choices=SourceClass.choices, default=SourceClass.GENERAL, db_index=True
    )
    status = models.CharField(
        _("生产状态"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    # Regulatory flags from the plan: lead-related (涉铅), heavy metals (涉重金属), trustworthy
    # industries (纺织、印染、电镀、污水处理厂) and the like. Keys are stable codes.
    flags = models.JSONField(_("监管标签"), default=list, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("环保联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="enterprises", verbose_name=_("企业账号")
    )

    # The registry is public information; who may change it is decided by the services.
    jurisdiction = Scope(org_unit="grid", enterprise="", public=models.Q())
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enterprises:detail", args=[self.pk])


class Outlet(AuditedModel):
    """A discharge outlet (排放口) of an enterprise, water or gas, with the standard it is judged against."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="outlets")
    code = models.CharField(_("排放口编号"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=OutletKind.choices)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    # The applicable discharge standard and class/table, as keys of epb/standards/data.
    standard = models.CharField(_("执行标准"), max_length=64, blank=True)
    standard_class = models.CharField(_("标准级别"), max_length=32, blank=True)
    reference_o2 = models.DecimalField(
        _("基准氧含量(%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("废气折算用的基准氧含量；废水排放口留空"),
    )
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction = Scope(
        org_unit="enterprise__grid", enterprise="enterprise", public=models.Q(is_active=True)
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__name", "code"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_outlet_code")]
        verbose_name = _("排放口")
        verbose_name_plural = _("排放口")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.code} {self.name}"
