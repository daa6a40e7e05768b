"""The leaders' side: reception days (S12), leader-assigned cases (包案) and the listed-supervision
register (挂牌督办, S15), which may run across years."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.complaints.choices import LeaderCaseStatus, ReceptionStatus, SupervisionStatus
from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet

User = settings.AUTH_USER_MODEL


class ReceptionDay(AuditedModel):
    """A 局领导接访日 (the plan: every Tuesday) with the leader on duty; its visitors are the
    cases recorded against it (channel 来访)."""

    date = models.DateField(_("接访日期"), db_index=True)
    leader = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("接访领导"))
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("接访单位")
    )
    location = models.CharField(_("地点"), max_length=100, blank=True)
    mode = models.CharField(
        _("形式"),
        max_length=16,
        default="open",
        choices=[
            ("open", _("开门接访")),
            ("appointment", _("主动约访")),
            ("field", _("带案下访")),
        ],
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReceptionStatus.choices, default=ReceptionStatus.PLANNED
    )
    summary = models.TextField(_("接访情况"), blank=True)

    jurisdiction = Scope(org_unit="org_unit")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "leader", "org_unit"], name="unique_reception_day"),
        ]
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"


class LeaderCase(AuditedModel):
    """A case a leader takes charge of (领导包案), with the leader's instructions (批示)."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="leader_cases"
    )
    leader = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("包案领导"))
    instructions = models.TextField(_("批示"))
    assigned_at = models.DateTimeField(_("包案时间"), default=timezone.now)
    due_date = models.DateField(_("要求化解日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=LeaderCaseStatus.choices, default=LeaderCaseStatus.OPEN
    )
    closed_at = models.DateTimeField(_("化解时间"), null=True, blank=True)
    result = models.TextField(_("化解情况"), blank=True)

    jurisdiction = Scope(org_unit="complaint__grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("领导包案")
        verbose_name_plural = _("领导包案")

    def __str__(self) -> str:
        return f"{self.leader} · {self.complaint.number}"


class Supervision(AuditedModel):
    """One year's listing of a hard case (挂牌督办). An unfinished case is carried into the next
    year as a new listing that points back to this one (``previous``)."""

    year = models.PositiveIntegerField(_("督办年度"), db_index=True)
    title = models.CharField(_("督办事项"), max_length=200)
    description = models.TextField(_("问题概况"))
    grid = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("属地")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("涉及单位"),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="supervisions", verbose_name=_("关联信访件")
    )
    co_supervisor = models.CharField(_("会同督办单位"), max_length=100, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=200)
    listed_at = models.DateField(_("挂牌日期"))
    deadline = models.DateField(_("办结期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SupervisionStatus.choices, default=SupervisionStatus.LISTED
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("上年度督办"),
    )
    listing_notice = models.TextField(_("挂牌公告"), blank=True)
    delisted_at = models.DateField(_("解除日期"), null=True, blank=True)
    delisting_notice = models.TextField(_("解除公告"), blank=True)
    is_public = models.BooleanField(_("向社会公开"), default=True)

    jurisdiction = Scope(org_unit="grid", enterprise="enterprise", public=models.Q(is_public=True))
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "listed_at", "pk"]
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:supervision_detail", args=[self.pk])

    def clean(self) -> None:
        if self.listed_at and self.deadline and self.deadline < self.listed_at:
            raise ValidationError({"deadline": _("办结期限不能早于挂牌日期")})

    def first_year(self) -> int:
        """The year the case was first listed, following carry-overs back."""
        year, current = self.year, self.previous
        while current is not None:
            year, current = current.year, current.previous
        return year


class SupervisionAction(AuditedModel):
    """A required action of a listed case (整改措施), with its own due date."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("整改要求"), max_length=300)
    responsible = models.CharField(_("责任单位"), max_length=100, blank=True)
    due_date = models.DateField(_("完成期限"), null=True, blank=True)
    done_at = models.DateField(_("完成日期"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=300, blank=True)
    sort_order = models.IntegerField(default=0)

    jurisdiction = Scope(
        org_unit="supervision__grid",
        enterprise="supervision__enterprise",
        public=models.Q(supervision__is_public=True),
    )
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("督办整改要求")
        verbose_name_plural = _("督办整改要求")

    def __str__(self) -> str:
        return self.text
