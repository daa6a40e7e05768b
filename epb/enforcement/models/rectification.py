from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import RectificationStatus, ReviewDecision


class Rectification(AuditedModel):
    """整改任务: what the enterprise must put right by a deadline (a core clock), verified by an officer."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name=_("企业"),
    )
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    title = models.CharField(_("整改事项"), max_length=200)
    requirements = models.TextField(_("整改要求"))
    findings = models.ManyToManyField("enforcement.Finding", blank=True, related_name="rectifications")
    measure = models.ForeignKey(
        "enforcement.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("责令改正决定"),
    )
    issued_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    deadline = models.DateField(_("整改期限"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcement_rectifications",
        verbose_name=_("核查人"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.ISSUED,
        db_index=True,
    )
    # 0: on time; 1: overdue, the district was told (催办); 2: escalated to the leadership (督办).
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    accepted_at = models.DateTimeField(_("核查通过时间"), null=True, blank=True)

    jurisdiction = Scope(org_unit="grid", enterprise="enterprise", owner="officer")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")

    def __str__(self) -> str:
        return f"{self.enterprise.name}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:rectification_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/rectifications/{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (
            RectificationStatus.ISSUED,
            RectificationStatus.SUBMITTED,
            RectificationStatus.RETURNED,
        )


class RectificationSubmission(AuditedModel):
    """One report of the enterprise (what was done, with evidence files) and the officer's review."""

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    description = models.TextField(_("整改情况"))
    decision = models.CharField(_("核查结论"), max_length=16, choices=ReviewDecision.choices, blank=True)
    reason = models.TextField(_("核查意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    jurisdiction = Scope(
        org_unit="rectification__grid", enterprise="rectification__enterprise", owner="submitted_by"
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")

    def __str__(self) -> str:
        return f"{self.rectification} {timezone.localtime(self.submitted_at):%Y-%m-%d}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/submissions/{self.pk}"
