from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet
from epb.enforcement.choices import (
    CheckResult,
    EvidenceKind,
    FindingCategory,
    InspectionStatus,
    Severity,
)


class Inspection(AuditedModel):
    """现场检查记录: the on-site record of one task, filled in on a phone."""

    task = models.OneToOneField(
        "enforcement.InspectionTask",
        on_delete=models.PROTECT,
        related_name="inspection",
        verbose_name=_("任务"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("检查对象"),
    )
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
        db_index=True,
    )
    started_at = models.DateTimeField(_("检查开始"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="enforcement_inspections",
        verbose_name=_("执法人员"),
    )
    present_person = models.CharField(_("企业在场人员"), max_length=100, blank=True)
    # Where the officer stood, from the phone's geolocation (WGS-84) or typed in.
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    located_at = models.DateTimeField(_("定位时间"), null=True, blank=True)
    # The plan's five items: {item code: {"result": CheckResult, "note": str}}.
    checklist = models.JSONField(_("检查内容"), default=dict, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    # As it happened (from the submission time), next to the task's planned marks.
    night = models.BooleanField(_("夜间检查"), default=False)
    holiday = models.BooleanField(_("节假日检查"), default=False)
    surprise = models.BooleanField(_("飞行检查"), default=False)
    # "一公开": the result of a random inspection is published.
    is_public = models.BooleanField(_("已公示"), default=False)

    jurisdiction = Scope(org_unit="grid", enterprise="enterprise", public=models.Q(is_public=True))
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("现场检查记录")
        verbose_name_plural = _("现场检查记录")

    def __str__(self) -> str:
        target = self.enterprise.name if self.enterprise is not None else self.task.title
        return f"{target} {timezone.localtime(self.started_at):%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:inspection", args=[self.pk])

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/inspections/{self.pk}"

    def result_of(self, item: str) -> str:
        return str((self.checklist or {}).get(item, {}).get("result", ""))

    def checklist_rows(self) -> list[dict[str, Any]]:
        from epb.enforcement.rules import CHECKLIST, CHECKLIST_HINTS

        labels = dict(FindingCategory.choices)
        results = dict(CheckResult.choices)
        rows = []
        for code in CHECKLIST:
            entry = (self.checklist or {}).get(code, {})
            result = entry.get("result", "")
            rows.append(
                {
                    "code": code,
                    "label": labels[code],
                    "hints": CHECKLIST_HINTS.get(code, ()),
                    "result": result,
                    "result_label": results.get(result, ""),
                    "note": entry.get("note", ""),
                }
            )
        return rows

    @property
    def assessed_items(self) -> int:
        return sum(1 for entry in (self.checklist or {}).values() if entry.get("result"))

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Finding(AuditedModel):
    """检查发现: one problem found on site, with its legal basis and whether it is a violation."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    category = models.CharField(_("类别"), max_length=16, choices=FindingCategory.choices)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=16, choices=Severity.choices, default=Severity.GENERAL
    )
    legal_basis = models.CharField(_("违反的规定"), max_length=300, blank=True)
    is_violation = models.BooleanField(_("构成违法"), default=False)
    pollutant = models.CharField(_("污染物"), max_length=50, blank=True)
    exceedance_multiple = models.DecimalField(
        _("超标倍数"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    jurisdiction = Scope(org_unit="inspection__grid", enterprise="inspection__enterprise")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:inspection", args=[self.inspection_id]) + f"#finding-{self.pk}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/findings/{self.pk}"


class Evidence(AuditedModel):
    """证据记录 of a case or an inspection: a transcript, a monitoring report, a sample …; its files
    are core attachments owned by this record (never overwritten)."""

    kind = models.CharField(_("证据种类"), max_length=16, choices=EvidenceKind.choices)
    description = models.TextField(_("证明内容"))
    collected_at = models.DateTimeField(_("取证时间"), default=timezone.now)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    case = models.ForeignKey(
        "enforcement.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)

    jurisdiction = Scope(org_unit="grid", owner="collected_by")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["collected_at", "pk"]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:40]}"

    def get_api_url(self) -> str:
        return f"/api/v1/enforcement/evidence/{self.pk}"
