"""S7 and S8 registers: environmental representatives, facility grades, behaviour colours, risk."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import BehaviourColour, FacilityGradeLevel, RepresentativeReason, RiskPlanStatus

ENTERPRISE_SCOPE = Scope(org_unit="enterprise__grid", enterprise="enterprise")


class Representative(AuditedModel):
    """环保代表 stationed at a heavy-polluting or complaint-heavy enterprise (plan 一.3 五是)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("企业"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("环保代表")
    )
    reason = models.CharField(_("派驻原因"), max_length=16, choices=RepresentativeReason.choices)
    assigned_on = models.DateField(_("派驻日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    duties = models.TextField(_("督促帮助事项"), blank=True)

    jurisdiction = Scope(org_unit="enterprise__grid", enterprise="enterprise", owner="officer")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_on", "pk"]
        verbose_name = _("环保代表")
        verbose_name_plural = _("环保代表")

    def __str__(self) -> str:
        return f"{self.officer} → {self.enterprise.name}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:representative_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/representatives/{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class RepresentativeVisit(AuditedModel):
    representative = models.ForeignKey(Representative, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    content = models.TextField(_("走访内容"))
    problems = models.TextField(_("发现问题"), blank=True)
    help_given = models.TextField(_("帮助整改"), blank=True)

    jurisdiction = Scope(
        org_unit="representative__enterprise__grid",
        enterprise="representative__enterprise",
        owner="representative__officer",
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("环保代表走访记录")
        verbose_name_plural = _("环保代表走访记录")

    def __str__(self) -> str:
        return f"{self.representative} {self.visited_on}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/visits/{self.pk}"


class FacilityGrade(AuditedModel):
    """等级评定 of a water-treatment facility; poorly graded ones are key supervision objects."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="facility_grades",
        verbose_name=_("企业"),
    )
    facility = models.CharField(_("设施"), max_length=100)
    assessed_on = models.DateField(_("评定日期"))
    grade = models.CharField(_("等级"), max_length=2, choices=FacilityGradeLevel.choices)
    score = models.DecimalField(
        _("得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    evidence = models.TextField(_("评定依据"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    jurisdiction = ENTERPRISE_SCOPE
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("水污染处理设施等级评定")
        verbose_name_plural = _("水污染处理设施等级评定")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.facility} {self.grade}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/facility-grades/{self.pk}"


class BehaviourRating(AuditedModel):
    """企业环境行为等级 (five colours); the credit module may take this over."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="behaviour_ratings",
        verbose_name=_("企业"),
    )
    year = models.PositiveSmallIntegerField(_("评定年度"))
    colour = models.CharField(_("等级"), max_length=8, choices=BehaviourColour.choices)
    rated_on = models.DateField(_("评定日期"), default=timezone.localdate)
    note = models.TextField(_("说明"), blank=True)
    is_public = models.BooleanField(_("已公布"), default=False)

    jurisdiction = Scope(
        org_unit="enterprise__grid", enterprise="enterprise", public=models.Q(is_public=True)
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_rating_per_year")]
        verbose_name = _("环境行为等级")
        verbose_name_plural = _("环境行为等级")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.year} {self.get_colour_display()}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/behaviour-ratings/{self.pk}"


class RiskPlan(AuditedModel):
    """重点污染源环境风险应急预案 (plan 一.3 六是)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_plans", verbose_name=_("企业")
    )
    title = models.CharField(_("预案名称"), max_length=200)
    version = models.CharField(_("版本"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=RiskPlanStatus.choices, default=RiskPlanStatus.DRAFT
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    revise_by = models.DateField(_("下次修订期限"), null=True, blank=True)
    summary = models.TextField(_("主要风险与措施"), blank=True)

    jurisdiction = ENTERPRISE_SCOPE
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__name", "-filed_on"]
        verbose_name = _("风险应急预案")
        verbose_name_plural = _("风险应急预案")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.title}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/risk-plans/{self.pk}"


class EmergencySupply(AuditedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="emergency_supplies",
        verbose_name=_("企业"),
    )
    name = models.CharField(_("物资名称"), max_length=100)
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    unit = models.CharField(_("单位"), max_length=20)
    location = models.CharField(_("存放地点"), max_length=200, blank=True)
    checked_on = models.DateField(_("最近检查"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    jurisdiction = ENTERPRISE_SCOPE
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__name", "name"]
        verbose_name = _("应急物资")
        verbose_name_plural = _("应急物资")

    def __str__(self) -> str:
        return f"{self.name} {self.quantity}{self.unit}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/supplies/{self.pk}"


class Drill(AuditedModel):
    """应急演练: two a year for each key source (plan 一.3 六是)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="drills", verbose_name=_("企业")
    )
    held_on = models.DateField(_("演练日期"))
    scenario = models.CharField(_("演练科目"), max_length=200)
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    evaluation = models.TextField(_("演练评估"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    jurisdiction = ENTERPRISE_SCOPE
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.held_on} {self.scenario}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/drills/{self.pk}"
