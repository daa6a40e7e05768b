"""The pollution-source registry: enterprises and their outlets. Other apps point here."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enterprises.choices import (
    ContactRole,
    EnterpriseFlag,
    EnterpriseStatus,
    LicenceKind,
    LicenceState,
    LicenceStatus,
    OutletKind,
    SourceClass,
)


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

    def get_api_url(self) -> str:
        return f"/api/v1/enterprises/{self.pk}"

    def flag_labels(self) -> list[str]:
        labels = dict(EnterpriseFlag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags or []]

    @property
    def is_industrial(self) -> bool:
        from epb.enterprises.rules import is_industrial

        return is_industrial(self.industry_code)


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


class Licence(AuditedModel):
    """A licence or permit held by an enterprise (排污许可证, 环评批复, 验收 …) with its validity.

    The stored ``status`` records acts of the bureau (suspension, revocation, cancellation);
    whether a valid licence is expiring or expired follows from the dates (``state``).
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="licences", verbose_name=_("企业")
    )
    kind = models.CharField(_("证照类型"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("证书编号"), max_length=64)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    scope = models.TextField(_("许可事项"), blank=True)
    # Expiry warnings already sent, as day thresholds (90, 60 …), so none is sent twice.
    warnings_sent = models.JSONField(default=list, blank=True)

    jurisdiction = Scope(org_unit="enterprise__grid", enterprise="enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__name", "kind", "-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="unique_licence_number"),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="licence_expires_after_issue",
            ),
        ]
        verbose_name = _("许可证照")
        verbose_name_plural = _("许可证照")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("有效期至不能早于发证日期")})

    def state(self, today: object = None) -> LicenceState:
        import datetime as dt

        from django.utils import timezone

        from epb.enterprises.conf import warning_days
        from epb.enterprises.rules import licence_state

        day = today if isinstance(today, dt.date) else timezone.localdate()
        return licence_state(self.status, self.expires_on, day, max(warning_days()))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enterprises:licence_edit", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enterprises/licences/{self.pk}"


class Contact(AuditedModel):
    """A person to reach at the enterprise; shown to its supervisors and to the enterprise only."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("企业")
    )
    role = models.CharField(
        _("身份"), max_length=16, choices=ContactRole.choices, default=ContactRole.OFFICER
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    mobile = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮件"), blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    jurisdiction = Scope(org_unit="enterprise__grid", enterprise="enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__name", "role", "name"]
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def get_api_url(self) -> str:
        return f"/api/v1/enterprises/contacts/{self.pk}"
