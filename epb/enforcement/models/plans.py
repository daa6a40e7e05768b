from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import PlanStatus, PreparationItem, TaskKind, TaskStatus


class InspectionPlan(AuditedModel):
    """年度环境监察计划 of one grid unit (plan 一.3 二是: 制订计划细), with its random draw."""

    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    coverage = models.JSONField(_("覆盖规则"), default=dict, blank=True)
    # The draw: the seed, and the record of inputs and outputs that reproduces it ("双随机").
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    draw_record = models.JSONField(_("抽取记录"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    jurisdiction = Scope(org_unit="grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "grid__path"]
        constraints = [models.UniqueConstraint(fields=["grid", "year"], name="one_plan_per_grid_year")]
        verbose_name = _("年度监察计划")
        verbose_name_plural = _("年度监察计划")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enforcement:plan_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/plans/{self.pk}"


class InspectionTask(AuditedModel):
    """One inspection to do, with exactly one owner (S6 一体化联动: no task without an owner)."""

    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("计划"),
    )
    campaign = models.ForeignKey(
        "enforcement.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("专项行动"),
    )
    campaign_target = models.ForeignKey(
        "enforcement.CampaignTarget", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_tasks",
        verbose_name=_("检查对象"),
    )
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    kind = models.CharField(_("任务类型"), max_length=16, choices=TaskKind.choices, default=TaskKind.ADHOC)
    title = models.CharField(_("任务"), max_length=200)
    due_date = models.DateField(_("完成期限"), db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcement_tasks",
        verbose_name=_("责任人"),
    )
    co_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="enforcement_co_tasks",
        verbose_name=_("同行执法人员"),
    )
    night = models.BooleanField(_("夜间检查"), default=False)
    holiday = models.BooleanField(_("节假日检查"), default=False)
    surprise = models.BooleanField(_("飞行检查"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.PLANNED, db_index=True
    )
    # 检查准备: {item code: {"done": bool, "note": str, "at": iso time, "by": user id}}
    preparation = models.JSONField(_("检查准备"), default=dict, blank=True)
    instructions = models.TextField(_("检查要求"), blank=True)
    # Where the task comes from when it is not a plan's: a measure or an earlier inspection
    # to follow up (后督察), or a record of another app (a complaint, a monitoring alarm).
    origin_measure = models.ForeignKey(
        "enforcement.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    origin_inspection = models.ForeignKey(
        "enforcement.Inspection", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    jurisdiction = Scope(org_unit="grid", owner="owner")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enforcement:task_detail", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/tasks/{self.pk}"

    def preparation_items(self) -> list[dict[str, Any]]:
        state = self.preparation or {}
        return [
            {"code": code, "label": label, **{"done": False, "note": ""}, **state.get(code, {})}
            for code, label in PreparationItem.choices
        ]

    @property
    def preparation_done(self) -> int:
        return sum(1 for item in (self.preparation or {}).values() if item.get("done"))

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )
