from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import CaseStatus, MeasureKind, MeasureStatus


class Case(AuditedModel):
    """立案: a case under review or opened, linked to where it came from.

    The source is a generic link because it may live in an app above this one (a monitoring
    alarm, a complaint) or here (a finding); ``source_label`` keeps a readable name.
    """

    number = models.CharField(_("案号"), max_length=40, blank=True, db_index=True)
    title = models.CharField(_("案由"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("当事人（企业）"),
    )
    party_name = models.CharField(_("当事人"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    facts = models.TextField(_("违法事实"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REVIEW)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("案件来源"), max_length=200, blank=True)
    findings = models.ManyToManyField("enforcement.Finding", blank=True, related_name="cases")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
        verbose_name=_("承办人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("立案审查时间"), null=True, blank=True)
    decision_note = models.TextField(_("审查意见"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    conclusion = models.TextField(_("结案意见"), blank=True)

    jurisdiction = Scope(org_unit="grid", owner="handler")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")

    def __str__(self) -> str:
        return f"{self.number or _('待立案')} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:case_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/cases/{self.pk}"


class Measure(AuditedModel):
    """A measure against an enterprise (限、吊、停、封、关、抓, fines, orders, remedies) with its legal
    basis; its legal clocks are core clocks started when it is served (``services.serve_measure``)."""

    kind = models.CharField(_("措施"), max_length=16, choices=MeasureKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="measures", verbose_name=_("企业")
    )
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="measures", verbose_name=_("案件")
    )
    findings = models.ManyToManyField("enforcement.Finding", blank=True, related_name="measures")
    licence = models.ForeignKey(
        "enterprises.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("涉及证照"),
    )
    legal_basis = models.TextField(_("法律依据"))
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    decided_on = models.DateField(_("决定日期"), default=timezone.localdate)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    amount = models.DecimalField(
        _("罚款金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # 按日连续处罚: the original daily amount and the re-inspection that found the discharge going on.
    daily_amount = models.DecimalField(
        _("按日计罚金额（元/日）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reinspected_on = models.DateField(_("复查日期"), null=True, blank=True)
    details = models.TextField(_("措施内容"), blank=True)
    trees = models.PositiveIntegerField(_("植树数量（棵）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.DECIDED
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcement_measures",
        verbose_name=_("承办人"),
    )
    ended_at = models.DateTimeField(_("解除或履行时间"), null=True, blank=True)
    is_public = models.BooleanField(_("已公开"), default=False)

    jurisdiction = Scope(
        org_unit="grid", enterprise="enterprise", owner="officer", public=models.Q(is_public=True)
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("执法措施")
        verbose_name_plural = _("执法措施")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise.name}"

    def clean(self) -> None:
        from epb.enforcement.rules import MEASURE_RULES

        rule = MEASURE_RULES[self.kind]
        if rule.needs_amount and self.kind == MeasureKind.FINE and self.amount is None:
            raise ValidationError({"amount": _("罚款须填写金额")})
        if self.kind == MeasureKind.DAILY_FINE and self.daily_amount is None:
            raise ValidationError({"daily_amount": _("按日连续处罚须填写按日计罚金额（原处罚数额）")})
        if not rule.needs_amount and self.amount is not None:
            raise ValidationError({"amount": _("该措施不涉及罚款金额")})
        if self.kind == MeasureKind.TREES and not self.trees:
            raise ValidationError({"trees": _("请填写植树数量")})

    def get_absolute_url(self) -> str:
        return reverse("enforcement:measure_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/measures/{self.pk}"

    @property
    def verb(self) -> str:
        from epb.enforcement.rules import MEASURE_RULES

        return MEASURE_RULES[self.kind].verb

    @property
    def is_serious(self) -> bool:
        from epb.enforcement.rules import SERIOUS_KINDS

        return self.kind in SERIOUS_KINDS
